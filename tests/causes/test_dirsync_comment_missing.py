"""Cause dirsync-comment-missing: the checks every cause passes, and what is particular to it."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.build import Site
from sim.postoffice.postoffice import Postoffice
from tests.causes.kit import (
    CauseCase,
    CauseChecks,
    apply_fault,
    log,
    site_for,
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


@pytest.mark.parametrize(
    ("name", "extra", "values", "message"),
    [
        ("edit-site-comment", "world: {connector: {first_dirsync: pending}}\n", {}, "dirsync"),
    ],
)
def test_the_fault_refuses_a_world_it_does_not_fit(
    tmp_path: Path, name: str, extra: str, values: dict[str, object], message: str
) -> None:
    site = site_for(tmp_path, extra, seed=7)
    with pytest.raises(ValueError, match=message):
        apply_fault(site, name, **values)
