"""Cause install-path-space: the checks every cause passes, and what is particular to it."""

from __future__ import annotations

from harness.build import Site
from tests.causes.kit import (
    CauseCase,
    CauseChecks,
    log,
)


def _store_under_a_space(site: Site) -> None:
    site.exchange.registry["Connector Store Path"] = "C:\\Exchange Server\\CCMCDATA"


CASE = CauseCase(
    cause="install-path-space",
    fault="install-path-space",
    by_hand=_store_under_a_space,
    events_alone=log(70, 70, 70, 70, 70, every=60),
    symptoms=(70,),
    same_ranking=True,
)


class TestTheChecksEveryCausePasses(CauseChecks):
    case = CASE
