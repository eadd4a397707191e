"""Cause date-format-mismatch: the checks every cause passes, and what is particular to it."""

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


def _japanese_ccm_dates(site: Site) -> None:
    site.exchange.registry["Locale Date Format"] = 3  # YY/M/D; NT reads M/D/YY


CASE = CauseCase(
    cause="date-format-mismatch",
    fault="nt-locale-mismatch",
    params={"locale": "JP"},
    by_hand=_japanese_ccm_dates,
    events_alone=log(63),
    symptoms=(63,),
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
        ("nt-locale-mismatch", "", {"locale": "US"}, "already reads"),
    ],
)
def test_the_fault_refuses_a_world_it_does_not_fit(
    tmp_path: Path, name: str, extra: str, values: dict[str, object], message: str
) -> None:
    site = site_for(tmp_path, extra, seed=7)
    with pytest.raises(ValueError, match=message):
        apply_fault(site, name, **values)
