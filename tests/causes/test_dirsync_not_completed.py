"""Cause dirsync-not-completed: the checks every cause passes, and what is particular to it."""

from __future__ import annotations

from pathlib import Path

from harness.build import Site
from harness.diagnosis import diagnose
from harness.evidence import Evidence
from sim.postoffice.layout import Location
from sim.postoffice.postoffice import Postoffice
from tests.causes.kit import (
    CauseCase,
    check_events_alone,
    check_fault_logs_nothing,
    check_fix_clears_it,
    check_hand_broken_reads_like_the_fault,
    check_silent_on_healthy,
    log,
)


def _no_dirsync_entries(site: Site) -> None:
    po = Postoffice(site.po_path)
    made = [e.name for e in po.entries() if e.location in (Location.POST_OFFICE, Location.REMOTE)]
    po.delete_entries(made)


CASE = CauseCase(
    cause="dirsync-not-completed",
    fault="fresh-connector",
    by_hand=_no_dirsync_entries,
    events_alone=log(70, 70, 70, 70, 70, every=60),
    symptoms=(70,),
    seconds=45,
    same_ranking=True,
)


def test_silent_on_a_healthy_world(healthy: Evidence) -> None:
    check_silent_on_healthy(CASE, healthy)


def test_the_event_log_alone_names_it_modestly() -> None:
    check_events_alone(CASE)


def test_broken_by_hand_reads_like_the_named_fault(tmp_path: Path) -> None:
    check_hand_broken_reads_like_the_fault(CASE, tmp_path)


def test_the_fix_it_names_clears_it(tmp_path: Path) -> None:
    check_fix_clears_it(CASE, tmp_path)


def test_the_fault_logs_nothing_itself(tmp_path: Path) -> None:
    check_fault_logs_nothing(CASE, tmp_path)


def test_event_70_that_stops_at_the_first_14031_is_a_first_dirsync() -> None:
    findings = diagnose(log(70, 70, 14031, 67, every=60))
    assert [f.cause for f in findings] == ["dirsync-not-completed"]
    assert findings[0].score >= 0.9
