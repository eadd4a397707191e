"""Cause und-files-left: the checks every cause passes, and what is particular to it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from harness.build import Site
from harness.collect import collect
from harness.diagnosis import Finding
from harness.evidence import Evidence
from harness.registry import FIXES, RULES
from sim.connector.store import Folder, Store
from sim.conservation import check
from sim.message import Message
from tests.causes.kit import (
    CauseCase,
    CauseChecks,
    broken,
    fix_and_watch,
    log,
    site_for,
)


def _store(site: Site) -> Store:
    site.service.prepare()
    store: Store = site.service.store
    return store


def _und(site: Site) -> None:
    _store(site).path(Folder.IMPORT, "msg00FF.und").write_bytes(b"Reason: old\r\n")


CASE = CauseCase(
    cause="und-files-left",
    fault="leave-und-file",
    by_hand=_und,
    events_alone=log(*[(59, "IMPORT from file *.ccm returned result code 1.")] * 3),
    symptoms=(59,),
)


class TestTheChecksEveryCausePasses(CauseChecks):
    case = CASE


def test_move_und_files_parks_them_and_delivery_resumes(tmp_path: Path) -> None:
    site = broken(tmp_path, "leave-und-file")
    assert len(site.exchange.mts_out) == 3
    fix_and_watch(site, "move-und-files")
    assert site.world.path("C:\\CCMCOLD\\Import-msg0A11.und").is_file()
    assert site.exchange.mts_out == []
    assert check(site.world, postoffice=site.po_path).ok


# -- KB Q223772: IMPORT code 1 leaves the .ccm; before 5.5 SP3 the .und grows ----------------------

#: a one-off address typed by an Exchange user, its name longer than IMPORT takes
LONG = "Order Desk " * 13 + "North at PO1"


def _long_name_message(site: Site) -> None:
    """The same break by hand: an Exchange user sends to the long name (sim API only)."""
    world, exchange = site.world, site.exchange
    sender = sorted(b.alias for b in exchange.mailboxes.values())[0]
    ident = world.new_ident("exchange", f"EX:{sender}", "By hand")
    message = Message(f"EX:{sender}", world.clock.datetime, (f"CCMAIL:{LONG}",), "By hand", "x")
    exchange.submit(message.with_ident(ident))


KEPT = CauseCase(
    cause="und-files-left",
    fault="overlong-recipient-name",
    by_hand=_long_name_message,
    events_alone=log(*[(59, "IMPORT from file *.ccm returned result code 1.")] * 3),
    # no symptom list: the SP3 connector's first IMPORT still ends with 59, then removes the file
)


class TestTheQ223772VariantPassesTheChecks(CauseChecks):
    case = KEPT


def _found(ev: Evidence) -> Finding | None:
    found: Finding | None = RULES.lookup("und-files-left").function(ev)
    return found


def test_the_loop_is_confirmed_from_the_kept_ccm_its_growing_und_and_the_build(
    tmp_path: Path,
) -> None:
    site = broken(tmp_path, "overlong-recipient-name")
    ev = collect(site)
    ((und, reports),) = ev.import_und_reports or ()
    assert reports >= 30  # one per attempt, every 15 seconds
    found = _found(ev)
    assert found is not None
    assert found.fix_name == "install-exchange-55-sp3"
    assert not found.confirm
    assert any(f"{und} holds {reports} non-delivery report(s)" in s for s in found.evidence)
    assert any("Exchange 5.5 SP2: before the fix of Q223772" in s for s in found.evidence)
    assert check(site.world, postoffice=site.po_path).ok
    unsure = _found(replace(ev, exchange=None))  # no server facts: unconfirmed
    assert unsure is not None
    assert unsure.confirm
    assert ev.exchange is not None
    on_sp3 = replace(ev, exchange=replace(ev.exchange, service_pack=3))
    later = _found(on_sp3)
    assert later is None or later.fix_name != "install-exchange-55-sp3"


def test_moving_the_und_out_does_not_cure_the_loop(tmp_path: Path) -> None:
    site = broken(tmp_path, "overlong-recipient-name")
    after = fix_and_watch(site, "move-und-files", minutes=5)
    assert 59 in after
    found = _found(collect(site))
    assert found is not None
    assert found.fix_name == "install-exchange-55-sp3"


def test_sp3_removes_the_file_after_one_more_59_and_the_sender_gets_one_ndr(
    tmp_path: Path,
) -> None:
    site = broken(tmp_path, "overlong-recipient-name")
    FIXES.lookup("install-exchange-55-sp3").function(site, None)
    mark = len(site.world.eventlog)
    site.world.clock.advance(1800)
    assert [r.event_id for r in site.world.eventlog.since(mark)].count(59) == 1
    assert site.exchange.service_pack == 3
    names = _store(site).names(Folder.IMPORT)
    assert not [n for n in names if n.casefold().endswith((".ccm", ".und"))]
    ndrs = [
        m
        for b in site.exchange.mailboxes.values()
        for m in b.items
        if m.subject == "Undeliverable: Order confirmation"
    ]
    assert len(ndrs) == 1
    assert site.exchange.mts_out == []
    assert check(site.world, postoffice=site.po_path).ok


def test_the_sp3_fix_refuses_exchange_50(tmp_path: Path) -> None:
    site = site_for(tmp_path, "world:\n  exchange: {version: '5.0', service_pack: 2}\n")
    with pytest.raises(ValueError, match=r"Exchange 5\.5 SP3"):
        FIXES.lookup("install-exchange-55-sp3").function(site, None)


def test_und_reports_counts_each_reason_line_across_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Notepad view of Ccmcdata\\Import: one report per ``Reason:`` line (KB Q223772)."""
    from harness import evidence

    monkeypatch.setattr(evidence, "CHUNK", 7)
    block = b"Reason: Name too long: X\r\nMessage:\r\n5\r\nabcde\r\n"
    (tmp_path / "msg0001.und").write_bytes(block * 4)
    (tmp_path / "msg0002.UND").write_bytes(b"")
    (tmp_path / "msg0001.ccm").write_bytes(block)
    assert evidence.und_reports(tmp_path) == (("msg0001.und", 4), ("msg0002.UND", 0))
