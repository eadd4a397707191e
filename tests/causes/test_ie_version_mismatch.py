"""Cause ie-version-mismatch: the checks every cause passes, and what is particular to it."""

from __future__ import annotations

from harness.build import Site
from sim.connector.setup import standard_world
from sim.programs.runner import install_program
from sim.world import World
from tests.causes.kit import (
    CauseCase,
    CauseChecks,
    export,
    log,
)


def _tools_60(site: Site) -> None:
    for name in ("EXPORT.EXE", "IMPORT.EXE"):
        install_program(site.world, "C:\\WINNT\\SYSTEM32", name, "6.0")
    site.world.path("C:\\WINNT\\SYSTEM32\\IE.RI").write_bytes(b"IE.RI\r\n")


CASE = CauseCase(
    cause="ie-version-mismatch",
    fault="wrong-ie-version",
    params={"what": "programs"},
    by_hand=_tools_60,
    events_alone=log((68, "EXPORT to file CCMDIR.EXP returned result code 1.")),
    symptoms=(68,),
)


class TestTheChecksEveryCausePasses(CauseChecks):
    case = CASE


def test_a_version_choice_for_the_other_db_is_refused_with_code_1(world: World) -> None:
    """KB Q168465 "wrong version selected": DBVersion 8 passed to 5.14 on a DB6 PO -> code 1."""
    standard_world(world, dirsync_done=True, start=False)
    args = "/NPO1 /PSECRET /D\\\\POSRV\\CCDATA /DIRECTORY"
    assert export(world, args)[0] == 0
    assert export(world, args, DBVersion="6")[0] == 0
    code, output = export(world, args, DBVersion="8")
    assert code == 1
    assert "DB8 selected" in output
