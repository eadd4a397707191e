"""Cause ie-not-on-path: the checks every cause passes, and what is particular to it."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.build import Site
from harness.evidence import Evidence
from tests.causes.kit import (
    CauseCase,
    apply_fault,
    broken,
    check_events_alone,
    check_fault_logs_nothing,
    check_fix_clears_it,
    check_hand_broken_reads_like_the_fault,
    check_silent_on_healthy,
    fix_and_watch,
    log,
    site_for,
)


def _path_without_system32(site: Site) -> None:
    site.exchange.system_path = ["C:\\WINNT"]


CASE = CauseCase(
    cause="ie-not-on-path",
    fault="programs-off-path",
    by_hand=_path_without_system32,
    events_alone=log(43, 86, 86, 86, 85, every=1),
    symptoms=(43, 86),
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
        ("programs-off-path", "", {"directory": "C:\\WINNT"}, "is on the PATH"),
    ],
)
def test_the_fault_refuses_a_world_it_does_not_fit(
    tmp_path: Path, name: str, extra: str, values: dict[str, object], message: str
) -> None:
    site = site_for(tmp_path, extra, seed=7)
    with pytest.raises(ValueError, match=message):
        apply_fault(site, name, **values)


def test_programs_on_path_copies_the_programs_found_on_disk(tmp_path: Path) -> None:
    site = broken(tmp_path, "programs-off-path", minutes=4)
    assert not site.service.running
    after = fix_and_watch(site, "programs-on-path", minutes=5)
    assert 43 not in after
    assert site.service.running
    copied = site.world.path("C:\\WINNT\\SYSTEM32\\EXPORT.EXE").read_text(encoding="cp850")
    assert copied.startswith("EXPORT 5.14 ")
