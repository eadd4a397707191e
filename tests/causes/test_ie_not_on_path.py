"""Cause ie-not-on-path: the checks every cause passes, and what is particular to it."""

from __future__ import annotations

from pathlib import Path

from harness.build import Site
from tests.causes.kit import (
    CauseCase,
    CauseChecks,
    FaultRefusals,
    broken,
    fix_and_watch,
    log,
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


class TestTheChecksEveryCausePasses(CauseChecks):
    case = CASE


class TestTheFaultRefuses(FaultRefusals):
    refusals = (("programs-off-path", "", {"directory": "C:\\WINNT"}, "is on the PATH"),)


def test_programs_on_path_copies_the_programs_found_on_disk(tmp_path: Path) -> None:
    site = broken(tmp_path, "programs-off-path", minutes=4)
    assert not site.service.running
    after = fix_and_watch(site, "programs-on-path", minutes=5)
    assert 43 not in after
    assert site.service.running
    copied = site.world.path("C:\\WINNT\\SYSTEM32\\EXPORT.EXE").read_text(encoding="cp850")
    assert copied.startswith("EXPORT 5.14 ")
