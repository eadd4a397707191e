"""Cause dirsync-not-completed: the checks every cause passes, and what is particular to it."""

from __future__ import annotations

from harness.build import Site
from harness.diagnosis import diagnose
from sim.postoffice.layout import Location
from sim.postoffice.postoffice import Postoffice
from tests.causes.kit import (
    CauseCase,
    CauseChecks,
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


class TestTheChecksEveryCausePasses(CauseChecks):
    case = CASE


def test_event_70_that_stops_at_the_first_14031_is_a_first_dirsync() -> None:
    findings = diagnose(log(70, 70, 14031, 67, every=60))
    assert [f.cause for f in findings] == ["dirsync-not-completed"]
    assert findings[0].score >= 0.9
