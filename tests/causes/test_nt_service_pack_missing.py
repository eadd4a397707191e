"""Cause nt-service-pack-missing: the checks every cause passes, and what is particular to it."""

from __future__ import annotations

from harness.build import Site
from tests.causes.kit import (
    CauseCase,
    CauseChecks,
    FaultRefusals,
    log,
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


class TestTheChecksEveryCausePasses(CauseChecks):
    case = CASE


class TestTheFaultRefuses(FaultRefusals):
    refusals = (("nt4-sp3-lsa2", "", {}, "netware"),)
