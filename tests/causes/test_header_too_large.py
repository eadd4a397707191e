"""Cause header-too-large: the checks every cause passes, and what is particular to it."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.build import Site
from harness.diagnosis import diagnose
from harness.evidence import Evidence
from harness.registry import FIXES, RULES
from sim.conservation import check
from sim.message import Message
from sim.postoffice.layout import Location
from sim.postoffice.postoffice import Postoffice
from tests.causes.kit import (
    CauseCase,
    CauseChecks,
    apply_fault,
    broken,
    fix_and_watch,
    log,
    site_for,
)


def _big_distribution(site: Site) -> None:
    po = Postoffice(site.po_path)
    po.add_entries([(f"User{i:03d}, Test", Location.LOCAL, "", "") for i in range(170)])
    to = tuple(f"CCMAIL:User{i:03d}, Test at PO1" for i in range(170))
    ident = site.world.new_ident("exchange", "EX:Administrator", "all")
    when = site.world.clock.datetime
    site.exchange.submit(Message("EX:Administrator", when, to, "all", "x", ident=ident))


CASE = CauseCase(
    cause="header-too-large",
    fault="large-recipient-list",
    by_hand=_big_distribution,
    events_alone=log(63),
    world="world:\n  postoffice: {db: 8, users: 170}\n  exchange: {service_pack: 4}\n",
    symptoms=(63,),
)


class TestTheChecksEveryCausePasses(CauseChecks):
    case = CASE


def test_header_limit_fix_needs_sp4_and_db8(tmp_path: Path) -> None:
    fix = FIXES.lookup("raise-header-limit").function
    with pytest.raises(ValueError, match="SP4"):
        fix(site_for(tmp_path / "sp2", seed=7), None)
    with pytest.raises(ValueError, match="DB8"):
        fix(
            site_for(tmp_path / "db6", seed=7, world="world: {exchange: {service_pack: 4}}\n"), None
        )


def test_after_the_header_fix_a_large_list_message_is_delivered(tmp_path: Path) -> None:
    """§8 row 14 "How to verify the fix": the large-DL message is delivered."""
    extra = "world:\n  postoffice: {db: 8}\n  exchange: {service_pack: 4}\n"
    site = broken(tmp_path, "large-recipient-list", extra)
    assert site.world.eventlog.events(63)
    fix_and_watch(site, "raise-header-limit", minutes=1)
    mark = len(site.world.eventlog)
    apply_fault(site, "large-recipient-list", recipients=160)
    site.world.clock.advance(120)
    assert 63 not in {r.event_id for r in site.world.eventlog.since(mark)}
    report = check(site.world, postoffice=site.po_path)
    newest = sorted(report.places)[-1]
    assert len(report.places[newest]) == 160
    assert all(p.startswith("po:") for p in report.places[newest])


def test_an_ndr_reason_confirms_which_63_it_is() -> None:
    events = log(63).events
    dates = Evidence(events=events, ndr_reasons=(("*** Unknown Date Format *** 6/2/98", 3),))
    header = Evidence(events=events, ndr_reasons=(("Header Buffer Full", 1),))
    assert diagnose(header)[0].cause == "header-too-large"
    assert RULES.lookup("header-too-large").function(dates) is None
    assert RULES.lookup("date-format-mismatch").function(header) is None
