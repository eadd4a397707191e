"""RECLAIM: recover free space; DIRECTORY DIAGNOSTICS/A rebuilds the directory index (§3)."""

from __future__ import annotations

import pytest

from harness import damage
from sim.postoffice import Postoffice
from sim.postoffice import records as rf
from sim.postoffice.check import ProblemKind, analyze, quick_check
from sim.programs.results import AdminResult
from sim.world import World
from tests.sim.postoffice import sample
from tests.sim.postoffice.sample import LOGIN, run_tool


@pytest.fixture
def po(world: World) -> Postoffice:
    return sample.build_in(world)


def test_reclaim_fixes_a_fragmented_postoffice(world: World, po: Postoffice) -> None:
    """KB Q166045: a fragmented post office fails EXPORT until RECLAIM runs."""
    before = sample.idents(po)
    damage.fragment(po)
    assert (quick_check(po) or "").startswith("MLANDATA: fragmented")
    run = run_tool(world, "RECLAIM", LOGIN)
    assert run.code == AdminResult.OK
    assert "RECLAIM:\n  MLANDATA: " in run.output
    assert "bytes recovered" in run.output
    assert run.output.endswith("RECLAIM process completed successfully.\n")
    assert quick_check(po) is None
    assert rf.read_record_file(po.path / "MLANDATA").header.free_bytes == 0
    assert sample.idents(po) == before


def test_directory_diagnostics_a_rebuilds_the_chain(world: World, po: Postoffice) -> None:
    damage.break_chain(po, "swap")
    assert ProblemKind.BROKEN_CHAIN in analyze(po).kinds
    size = (po.path / "MLANDATA").stat().st_size
    run = run_tool(world, "RECLAIM", f"{LOGIN} DIRECTORY DIAGNOSTICS/A")
    assert run.code == AdminResult.OK
    assert "DIRECTORY DIAGNOSTICS/A:\n  CLANDATA: directory index rebuilt (5 entries)" in run.output
    assert analyze(po).clean
    assert (po.path / "MLANDATA").stat().st_size == size  # the message store is left alone


def test_positional_syntax(world: World, po: Postoffice) -> None:
    damage.break_chain(po)
    assert run_tool(world, "RECLAIM", "PO1 SECRET C:\\CCDATA /DIRECTORY /DIAGNOSTICS/A").code == 0
    assert analyze(po).clean


def test_second_reclaim_has_nothing_to_recover(world: World, po: Postoffice) -> None:
    """The sample's removed message leaves a free record; RECLAIM gives it back once."""
    assert rf.read_record_file(po.path / "MLANDATA").header.free_bytes > 0
    run = run_tool(world, "RECLAIM", LOGIN)
    assert run.code == AdminResult.OK
    assert rf.read_record_file(po.path / "MLANDATA").header.free_bytes == 0
    again = run_tool(world, "RECLAIM", LOGIN)
    assert "MLANDATA: no space to recover" in again.output


def test_refused_while_the_connector_holds_the_postoffice(world: World, po: Postoffice) -> None:
    damage.fragment(po)
    world.locks.acquire(po.path, "MSExchangeCCMC", exclusive=False)
    run = run_tool(world, "RECLAIM", LOGIN)
    assert run.code == AdminResult.LOCKED
    assert run.output.endswith("RECLAIM process ended with error: 4.\n")
    assert not analyze(po).clean
    assert world.locks.holders(po.path) == {"MSExchangeCCMC": False}


def test_wrong_password_is_3(world: World, po: Postoffice) -> None:
    assert run_tool(world, "RECLAIM", "/NPO1 /Pnope /DC:\\CCDATA").code == 3


def test_unknown_option_prints_usage(world: World, po: Postoffice) -> None:
    run = run_tool(world, "RECLAIM", f"{LOGIN} /MESSAGES")
    assert run.code == AdminResult.ERRORS
    assert "Usage: RECLAIM" in run.output
