"""ANALYZE: per-file error counts and recommended actions; no exclusive access needed (§3, AN50)."""

from __future__ import annotations

import pytest

from harness import damage
from sim.access import Share, SharePermission
from sim.postoffice import Postoffice
from sim.programs.results import AdminResult
from sim.world import World
from tests.sim.postoffice import sample
from tests.sim.postoffice.sample import LOGIN, run_tool


@pytest.fixture
def po(world: World) -> Postoffice:
    return sample.build_in(world)


def test_clean_postoffice_reports_no_errors(world: World, po: Postoffice) -> None:
    run = run_tool(world, "ANALYZE", f"{LOGIN} /BATCH")
    assert run.code == AdminResult.OK
    lines = run.output.splitlines()
    assert lines[0] == "Post office directory: C:\\CCDATA"
    assert "Checking CLANDATA       0 errors" in lines
    assert "Checked 4 mailbox files, 0 with errors" in lines
    assert lines[-2:] == ["No errors found.", "ANALYZE process completed successfully."]
    assert "Recommended action" not in run.output


def test_damage_gives_counts_and_recommended_actions(world: World, po: Postoffice) -> None:
    damage.break_chain(po)
    damage.break_index(po, "USR00004", 0)
    run = run_tool(world, "ANALYZE", LOGIN)
    assert run.code == AdminResult.ERRORS
    lines = run.output.splitlines()
    assert "Checking CLANDATA       1 error" in lines
    assert "Checking USR00004       1 error" in lines
    assert "Checked 4 mailbox files, 1 with errors" in lines
    actions = [line for line in lines if line.startswith("Recommended action: ")]
    assert actions == [
        "Recommended action: CHKSTAT DIAGNOSTICS/M",
        "Recommended action: RECLAIM DIRECTORY DIAGNOSTICS/A",
    ]
    assert lines[-2:] == ["2 errors found.", "ANALYZE process ended with error: 1."]
    assert "broken directory chain:" not in run.output


def test_diagnostics_adds_the_detail_of_each_error(world: World, po: Postoffice) -> None:
    damage.break_chain(po)
    run = run_tool(world, "ANALYZE", f"{LOGIN} /DIAGNOSTICS")
    assert "    broken directory chain: chain points at offset" in run.output


def test_directory_option_checks_only_clandata(world: World, po: Postoffice) -> None:
    damage.fragment(po)
    run = run_tool(world, "ANALYZE", f"{LOGIN} /DIRECTORY")
    assert run.code == AdminResult.OK
    assert "MLANDATA" not in run.output
    assert run_tool(world, "ANALYZE", f"{LOGIN} /MESSAGES").code == AdminResult.ERRORS


def test_usr_option_checks_one_mailbox(world: World, po: Postoffice) -> None:
    damage.break_index(po, "USR00004", 1)
    one = run_tool(world, "ANALYZE", f"{LOGIN} /USR/00002")
    assert one.code == AdminResult.OK
    assert "Checked 1 mailbox file, 0 with errors" in one.output
    assert run_tool(world, "ANALYZE", f"{LOGIN} /USR/00004").code == AdminResult.ERRORS


def test_positional_syntax_is_accepted(world: World, po: Postoffice) -> None:
    """GSS-DB6 writes the tools as ``<PO> <PW> <Dir> OPTIONS``."""
    damage.fragment(po)
    run = run_tool(world, "ANALYZE", "PO1 SECRET C:\\CCDATA MESSAGES")
    assert run.code == AdminResult.ERRORS
    assert "Recommended action: RECLAIM" in run.output


@pytest.mark.parametrize(
    ("args", "text"),
    [
        ("/NPO1 /PWRONG /DC:\\CCDATA", "Invalid post office name or password."),
        ("/NPO9 /PSECRET /DC:\\CCDATA", "Invalid post office name or password."),
        ("/NPO1 /DC:\\CCDATA", "Missing /P."),
        ("/NPO1 /PSECRET /DC:\\ELSEWHERE", "The directory is not a cc:Mail post office."),
    ],
)
def test_bad_login_or_path_ends_with_3(world: World, po: Postoffice, args: str, text: str) -> None:
    run = run_tool(world, "ANALYZE", args)
    assert run.code == AdminResult.NOT_CONFIGURED
    assert text in run.output
    assert run.output.endswith("ANALYZE process ended with error: 3.\n")


def test_bad_switch_prints_usage_and_ends_with_1(world: World, po: Postoffice) -> None:
    run = run_tool(world, "ANALYZE", f"{LOGIN} /FROBNICATE")
    assert run.code == AdminResult.ERRORS
    assert "Usage: ANALYZE" in run.output


def test_help_prints_usage(world: World, po: Postoffice) -> None:
    run = run_tool(world, "ANALYZE", "/?")
    assert run.code == AdminResult.OK
    assert run.output.startswith("Usage: ANALYZE")


def test_runs_beside_the_connector_but_not_beside_chkstat(world: World, po: Postoffice) -> None:
    """ANALYZE needs no exclusive access (AN50) but meets an exclusive holder."""
    world.locks.acquire(po.path, "MSExchangeCCMC", exclusive=False)
    assert run_tool(world, "ANALYZE", LOGIN).code == AdminResult.OK
    world.locks.acquire(po.path, "CHKSTAT", exclusive=True)
    run = run_tool(world, "ANALYZE", LOGIN)
    assert run.code == AdminResult.LOCKED
    assert "in use by CHKSTAT" in run.output


def test_account_needs_read_rights_on_the_share(world: World, po: Postoffice) -> None:
    world.access.add_account("admin", "pw")
    share = world.access.add_share(Share("POSRV", "CCDATA", po.path))
    unc = "/NPO1 /PSECRET /D\\\\POSRV\\CCDATA"
    assert run_tool(world, "ANALYZE", unc, account="admin").code == AdminResult.NOT_CONFIGURED
    world.access.grant("admin", share, SharePermission.READ)
    assert run_tool(world, "ANALYZE", unc, account="admin").code == AdminResult.OK
