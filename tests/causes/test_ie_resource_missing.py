"""Cause ie-resource-missing: the checks every cause passes, and what is particular to it."""

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
