"""Cause nt-service-pack-missing: the checks every cause passes, and what is particular to it."""

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
