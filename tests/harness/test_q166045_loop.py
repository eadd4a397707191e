"""The five causes of Q166045: faults, evidence, rules and fixes, and hand-broken equivalence."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from harness.build import Site, build_site
from harness.collect import collect
from harness.diagnosis import diagnose
from harness.evidence import Evidence
from harness.loader import load_text
from harness.registry import FAULTS, FIXES, RULES
from sim.access import SharePermission
from sim.eventlog import EventRecord, EventType
from sim.postoffice.layout import CLANDATA, Location
from sim.postoffice.postoffice import Postoffice

BASE = "id: t\ntitle: t\ncause: healthy\n"
Q166045 = [
    "po-settings-invalid",
    "po-access-denied",
    "po-damaged",
    "install-path-space",
    "dirsync-not-completed",
]


def _site(tmp_path: Path, extra: str = "") -> Site:
    return build_site(load_text(BASE + extra, name="t.scenario.yaml"), seed=3, root=tmp_path)


def _settle(site: Site, seconds: int = 900) -> Evidence:
    site.service.start()
    site.world.clock.advance(seconds)
    return collect(site)


def _watch(cause: str) -> int:
    """How long to let the connector run: the first dirsync comes after a minute."""
    return 45 if cause == "dirsync-not-completed" else 900


def _causes(evidence: Evidence) -> list[str]:
    return [f.cause for f in diagnose(evidence)]


def test_healthy_world_has_no_findings(tmp_path: Path) -> None:
    """Every rule stays silent on a healthy world (the negative test of each rule)."""
    evidence = _settle(_site(tmp_path))
    assert not evidence.ccmc(70)
    for spec in RULES.specs():
        assert spec.function(evidence) is None, spec.cause


def _record(n: int, event_id: int, minutes: int) -> EventRecord:
    when = datetime(1998, 6, 2, 8, 0) + timedelta(minutes=minutes)
    return EventRecord(
        n,
        when,
        "MSExchangeCCMC",
        EventType.ERROR,
        "General",
        event_id,
        "N/A",
        "EXSRV1",
        f"event {event_id}",
    )


def test_event_70_alone_names_all_five_causes_with_the_check_that_tells() -> None:
    """Plain Event 70 ranks the five Q166045 causes, each with a confirm text."""
    evidence = Evidence(events=tuple(_record(i, 70, i) for i in range(1, 6)))
    findings = diagnose(evidence)
    assert sorted(f.cause for f in findings) == sorted(Q166045)
    assert all(f.confirm for f in findings)
    assert all(f.score < 0.9 for f in findings)
    assert findings[0].cause == "po-settings-invalid"


def test_event_70_that_stops_at_the_first_14031_is_a_first_dirsync() -> None:
    events = (_record(1, 70, 0), _record(2, 70, 1), _record(3, 14031, 2), _record(4, 67, 3))
    findings = diagnose(Evidence(events=events))
    assert [f.cause for f in findings] == ["dirsync-not-completed"]
    assert findings[0].score >= 0.9


# -- hand-broken equivalence: the same world broken by the fault and by hand --------------------


def _by_hand(site: Site, cause: str) -> None:
    """Break the world through the sim API directly (not the fault library)."""
    service = site.service
    if cause == "po-settings-invalid":
        post_office = dataclasses.replace(service.settings.post_office, password="OLDPASS")
        service.configure(dataclasses.replace(service.settings, post_office=post_office))
    elif cause == "po-access-denied":
        share = site.world.access.share("POSRV", "CCDATA")
        assert share is not None
        site.world.access.grant(site.std.account.name, share, SharePermission.NO_ACCESS)
    elif cause == "po-damaged":
        path = site.po_path / CLANDATA
        data = bytearray(path.read_bytes())
        data[29] ^= 0x55  # the header checksum no longer matches
        path.write_bytes(bytes(data))
    elif cause == "install-path-space":
        site.exchange.registry["Connector Store Path"] = "C:\\Exchange Server\\CCMCDATA"
    else:
        po = Postoffice(site.po_path)
        made = [
            e.name for e in po.entries() if e.location in (Location.POST_OFFICE, Location.REMOTE)
        ]
        po.delete_entries(made)


FAULT_FOR = {
    "po-settings-invalid": ("wrong-po-password", None),
    "po-access-denied": ("revoke-share-rights", None),
    "po-damaged": ("damage-postoffice", "header"),
    "install-path-space": ("install-path-space", None),
    "dirsync-not-completed": ("fresh-connector", None),
}


@pytest.mark.parametrize("cause", Q166045)
def test_hand_broken_world_gets_the_diagnosis_of_the_named_fault(
    tmp_path: Path, cause: str
) -> None:
    """Diagnosis depends on the world only: a hand-made break reads like the named fault."""
    name, kind = FAULT_FOR[cause]
    spec = FAULTS.lookup(name)
    faulted = _site(tmp_path / "fault")
    params = spec.params(kind=kind) if kind is not None and spec.params is not None else None
    spec.function(faulted, params)
    by_hand = _site(tmp_path / "hand")
    _by_hand(by_hand, cause)
    from_fault = _causes(_settle(faulted, _watch(cause)))
    from_hand = _causes(_settle(by_hand, _watch(cause)))
    assert from_fault == from_hand
    assert from_fault[0] == cause


@pytest.mark.parametrize("cause", Q166045)
def test_each_cause_has_a_fix_that_clears_event_70(tmp_path: Path, cause: str) -> None:
    """Break by hand, apply the fix named in the finding, run an hour: no new Event 70."""
    site = _site(tmp_path)
    _by_hand(site, cause)
    findings = diagnose(_settle(site, _watch(cause)))
    fix_name = findings[0].fix_name
    assert cause in FIXES.lookup(fix_name).cures
    FIXES.lookup(fix_name).function(site, None)
    mark = len(site.world.eventlog)
    site.world.clock.advance(3600)
    assert not [r for r in site.world.eventlog.since(mark) if r.event_id == 70]
