"""Cause nt-service-pack-missing: the checks every cause passes, and what is particular to it."""

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


def _lsa2(site: Site) -> None:
    site.world.access.nt_service_pack = 3
    site.world.access.lsa2_hotfix = True


CASE = CauseCase(
    cause="nt-service-pack-missing",
    fault="nt4-sp3-lsa2",
    by_hand=_lsa2,
    events_alone=log(70, 61, 70),
    world="world:\n  postoffice:\n    host: {kind: netware, access: netware-account}\n",
    symptoms=(70, 61),
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
        ("nt4-sp3-lsa2", "", {}, "netware"),
    ],
)
def test_the_fault_refuses_a_world_it_does_not_fit(
    tmp_path: Path, name: str, extra: str, values: dict[str, object], message: str
) -> None:
    site = site_for(tmp_path, extra, seed=7)
    with pytest.raises(ValueError, match=message):
        apply_fault(site, name, **values)
