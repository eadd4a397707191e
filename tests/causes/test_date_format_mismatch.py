"""Cause date-format-mismatch: the checks every cause passes, and what is particular to it."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.build import Site
from tests.causes.kit import (
    CauseCase,
    CauseChecks,
    apply_fault,
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


class TestTheChecksEveryCausePasses(CauseChecks):
    case = CASE


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
