"""Cause ie-resource-missing: the checks every cause passes, and what is particular to it."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.build import Site
from harness.evidence import Evidence
from tests.causes.kit import (
    CauseCase,
    apply_fault,
    check_events_alone,
    check_fault_logs_nothing,
    check_fix_clears_it,
    check_hand_broken_reads_like_the_fault,
    check_silent_on_healthy,
    log,
    site_for,
)


def _no_ie_ri(site: Site) -> None:
    site.world.path("C:\\WINNT\\SYSTEM32\\IE.RI").unlink()


CASE = CauseCase(
    cause="ie-resource-missing",
    fault="remove-ie-ri",
    by_hand=_no_ie_ri,
    events_alone=log(
        (
            65,
            "EXPORT to file msg423B.ccm failed to run. R0002 Resource file not found: "
            "C:\\WINNT\\SYSTEM32\\IE.RI.",
        )
    ),
    world="world:\n  postoffice: {db: 8}\n",
    symptoms=(65,),
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


@pytest.mark.parametrize(
    ("name", "extra", "values", "message"),
    [
        ("remove-ie-ri", "", {}, "need no IE.RI"),
    ],
)
def test_the_fault_refuses_a_world_it_does_not_fit(
    tmp_path: Path, name: str, extra: str, values: dict[str, object], message: str
) -> None:
    site = site_for(tmp_path, extra, seed=7)
    with pytest.raises(ValueError, match=message):
        apply_fault(site, name, **values)
