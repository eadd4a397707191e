"""Cause date-format-mismatch: the checks every cause passes, and what is particular to it."""

from __future__ import annotations

from harness.build import Site
from tests.causes.kit import (
    CauseCase,
    CauseChecks,
    FaultRefusals,
    log,
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


class TestTheFaultRefuses(FaultRefusals):
    refusals = (("nt-locale-mismatch", "", {"locale": "US"}, "already reads"),)
