"""Cause ie-resource-missing: the checks every cause passes, and what is particular to it."""

from __future__ import annotations

from harness.build import Site
from tests.causes.kit import (
    CauseCase,
    CauseChecks,
    FaultRefusals,
    log,
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


class TestTheChecksEveryCausePasses(CauseChecks):
    case = CASE


class TestTheFaultRefuses(FaultRefusals):
    refusals = (("remove-ie-ri", "", {}, "need no IE.RI"),)
