"""Cause dirsync-comment-missing: the checks every cause passes, and what is particular to it."""

from __future__ import annotations

from harness.build import Site
from sim.postoffice.postoffice import Postoffice
from tests.causes.kit import (
    CauseCase,
    CauseChecks,
    FaultRefusals,
    log,
)


def _comment(site: Site) -> None:
    Postoffice(site.po_path).update_entry(site.site, comments="Exchange HQ connector")


CASE = CauseCase(
    cause="dirsync-comment-missing",
    fault="edit-site-comment",
    by_hand=_comment,
    events_alone=log(14001, 14013, 14018, 14031),
    symptoms=(14013, 14018),
)


class TestTheChecksEveryCausePasses(CauseChecks):
    case = CASE


class TestTheFaultRefuses(FaultRefusals):
    refusals = (
        ("edit-site-comment", "world: {connector: {first_dirsync: pending}}\n", {}, "dirsync"),
    )
