"""CHKSTAT: NFT/C, DIAGNOSTICS/M, DIAGNOSTICS/R, purge; exclusive access; both syntaxes (§3)."""

from __future__ import annotations

from datetime import datetime

import pytest

from harness import damage
from sim.access import Share, SharePermission
from sim.message import Message
from sim.postoffice import Postoffice
from sim.postoffice.check import analyze
from sim.programs import chkstat
from sim.programs.results import AdminResult
from sim.world import World
from tests.sim.postoffice import sample
from tests.sim.postoffice.sample import LOGIN, run_tool
from tests.sim.postoffice.test_check import CASES


@pytest.fixture
def po(world: World) -> Postoffice:
    return sample.build_in(world)


def documented_sequence(world: World) -> list[int]:
    """ANALYZE -> CHKSTAT (NFT/C, DIAGNOSTICS/M, DIAGNOSTICS/R) -> RECLAIM (DIRECTORY
    DIAGNOSTICS/A, then plain) -> ANALYZE, as GSS-DB6 and §8 row 3 give it."""
    return [
        run_tool(world, "ANALYZE", f"{LOGIN} /BATCH").code,
        run_tool(world, "CHKSTAT", f"{LOGIN} /NFT/C /DIAGNOSTICS/M /DIAGNOSTICS/R").code,
        run_tool(world, "RECLAIM", f"{LOGIN} DIRECTORY DIAGNOSTICS/A").code,
        run_tool(world, "RECLAIM", LOGIN).code,
        run_tool(world, "ANALYZE", f"{LOGIN} /BATCH").code,
    ]


@pytest.mark.parametrize("case", sorted(CASES))
def test_documented_sequence_clears_each_damage(world: World, po: Postoffice, case: str) -> None:
    """The last ANALYZE finds no errors and every message (by ident) is in its mailbox."""
    before = sample.idents(po)
    CASES[case][0](po)
    assert documented_sequence(world) == [1, 0, 0, 0, 0]
    assert sample.idents(po) == before


def test_documented_sequence_clears_all_damage_at_once(world: World, po: Postoffice) -> None:
    before = sample.idents(po)
    for case in sorted(CASES):
        CASES[case][0](po)
    assert documented_sequence(world) == [1, 0, 0, 0, 0]
    assert sample.idents(po) == before


def test_connector_running_means_in_use(world: World, po: Postoffice) -> None:
    """§3: stop the connector service before CHKSTAT/RECLAIM."""
    damage.add_nft_row(po)
    world.locks.acquire(po.path, "MSExchangeCCMC", exclusive=False)
    run = run_tool(world, "CHKSTAT", f"{LOGIN} /NFT/C")
    assert run.code == AdminResult.LOCKED
    assert "The post office is in use by MSExchangeCCMC." in run.output
    assert not analyze(po).clean  # nothing was repaired
    world.locks.release(po.path, "MSExchangeCCMC")
    assert run_tool(world, "CHKSTAT", f"{LOGIN} /NFT/C").code == AdminResult.OK
    assert analyze(po).clean


def test_holds_the_postoffice_exclusively_while_it_runs(
    world: World, po: Postoffice, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[dict[str, bool]] = []

    def spy(p: Postoffice):
        seen.append(world.locks.holders(p.path))
        return chkstat.RepairLog()

    monkeypatch.setitem(chkstat._DIAGNOSTICS, "M", ("DIAGNOSTICS/M", spy))
    assert run_tool(world, "CHKSTAT", f"{LOGIN} DIAGNOSTICS/M").code == AdminResult.OK
    assert seen == [{"CHKSTAT": True}]
    assert world.locks.holders(po.path) == {}


def test_positional_and_slash_syntax_do_the_same(world: World, po: Postoffice) -> None:
    """GSS-DB6's ``CHKSTAT <PO> <PW> <Dir> DIAGNOSTICS/M`` and ``/N /P /D /NFT/C`` both work."""
    damage.break_index(po, "USR00004", 0)
    positional = run_tool(world, "CHKSTAT", "PO1 SECRET C:\\CCDATA DIAGNOSTICS/M")
    assert positional.code == AdminResult.OK
    assert "USR00004: message index rebuilt (5 messages)" in positional.output
    damage.drop_nft_row(po, 0)
    slash = run_tool(world, "CHKSTAT", f"{LOGIN} /NFT/C")
    assert "NFTCHECK rebuilt with 4 mailbox files" in slash.output
    assert analyze(po).clean


def test_options_run_left_to_right(world: World, po: Postoffice) -> None:
    """ADM512-RM: CHKSTAT 5.11 processes options left to right."""
    run = run_tool(world, "CHKSTAT", f"{LOGIN} DIAGNOSTICS/R NFT/C DIAGNOSTICS/M")
    titles = [line for line in run.output.splitlines() if line.endswith(":") and "/" in line]
    assert titles == ["DIAGNOSTICS/R:", "NFT/C:", "DIAGNOSTICS/M:"]
    assert run.output.count("No problems found.") == 3


def test_nft_without_c_only_reports(world: World, po: Postoffice) -> None:
    damage.add_nft_row(po)
    run = run_tool(world, "CHKSTAT", f"{LOGIN} /NFT")
    assert run.code == AdminResult.ERRORS
    assert "Not repaired: USR99999 is listed but missing (run NFT/C)" in run.output
    assert not analyze(po).clean


def test_purge_deletes_only_old_items_of_the_folder(world: World, po: Postoffice) -> None:
    aged = [
        Message(
            "Adams, Ann at PO1", datetime(1998, 1, 1, 9, i), ("Baker, Bob at PO1",), "old", "b"
        ).with_ident(f"LOG-{i}")
        for i in range(3)
    ]
    fresh = sample.message(60).with_ident("LOG-new")
    po.deliver("Baker, Bob", [*aged, fresh], folder="Message Log")
    inbox_before = sample.idents(po)["Clark, Cy"]
    run = run_tool(world, "CHKSTAT", f"{LOGIN} /MESSAGES/DELETE/FOLDER/MSGLOG/DAYS/90")
    assert run.code == AdminResult.OK
    assert "Baker, Bob: 3 items deleted from MSGLOG" in run.output
    left = sample.idents(po)
    assert "LOG-new" in left["Baker, Bob"]
    assert not {"LOG-0", "LOG-1", "LOG-2"} & left["Baker, Bob"]
    assert {"T-0000", "T-0002", "T-0003"} <= left["Baker, Bob"]  # Inbox untouched
    assert left["Clark, Cy"] == inbox_before


@pytest.mark.parametrize(
    "option", ["/MESSAGES/DELETE/FOLDER/MSGLOG", "/MESSAGES/DELETE/FOLDER/X/DAYS/soon"]
)
def test_malformed_purge_is_refused(world: World, po: Postoffice, option: str) -> None:
    run = run_tool(world, "CHKSTAT", f"{LOGIN} {option}")
    assert run.code == AdminResult.ERRORS
    assert "/MESSAGES needs /DELETE/FOLDER/<folder>/DAYS/<days>" in run.output


def test_without_options_lists_the_directory_with_fans(world: World, po: Postoffice) -> None:
    """PMDF 38.5.6: CHKSTAT's directory listing shows the address (and FAN)."""
    run = run_tool(world, "CHKSTAT", LOGIN)
    assert run.code == AdminResult.OK
    lines = run.output.splitlines()
    assert any(line.startswith("Mailbox Name") and "cc:Mail Address" in line for line in lines)
    assert any(line.startswith("Far, Away") and line.endswith("r    PO2") for line in lines)


def test_bare_diagnostics_is_an_error(world: World, po: Postoffice) -> None:
    run = run_tool(world, "CHKSTAT", f"{LOGIN} DIAGNOSTICS")
    assert run.code == AdminResult.ERRORS
    assert "DIAGNOSTICS needs /M or /R" in run.output


def test_unknown_qualifier_prints_usage(world: World, po: Postoffice) -> None:
    run = run_tool(world, "CHKSTAT", f"{LOGIN} DIAGNOSTICS/X")
    assert run.code == AdminResult.ERRORS
    assert "/DIAGNOSTICS does not take /X." in run.output
    assert "Usage: CHKSTAT" in run.output


def test_account_needs_create_rights(world: World, po: Postoffice) -> None:
    """The access model: CHKSTAT creates work files, so Read alone is refused."""
    world.access.add_account("admin", "pw")
    share = world.access.add_share(Share("POSRV", "CCDATA", po.path))
    world.access.grant("admin", share, SharePermission.READ)
    unc = "/NPO1 /PSECRET /D\\\\POSRV\\CCDATA NFT/C"
    run = run_tool(world, "CHKSTAT", unc, account="admin")
    assert run.code == AdminResult.NOT_CONFIGURED
    assert "Insufficient rights: CHKSTAT needs Read, File Scan, Modify and Create." in run.output
    world.access.grant("admin", share, SharePermission.CHANGE)
    assert run_tool(world, "CHKSTAT", unc, account="admin").code == AdminResult.OK


def test_shut_down_postoffice_can_still_be_repaired(world: World, po: Postoffice) -> None:
    """Admin tools are what runs while CCPODOWN is present (modelled)."""
    po.shut_down()
    damage.break_index(po, "USR00003", 0)
    assert run_tool(world, "CHKSTAT", f"{LOGIN} DIAGNOSTICS/M").code == AdminResult.OK
    assert analyze(po).clean
