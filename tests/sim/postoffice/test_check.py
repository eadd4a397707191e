"""quick_check, check_message_index and analyze find each kind of damage (§3, AN50)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from harness import damage
from sim.postoffice import Postoffice
from sim.postoffice.check import (
    FRAGMENTATION_MIN_FREE,
    Action,
    Area,
    ProblemKind,
    analyze,
    check_message_index,
    quick_check,
)
from sim.world import World
from tests.sim.postoffice import sample

Damage = Callable[[Postoffice], None]

#: (damage, file, kind, action, seen by quick_check)
CASES: dict[str, tuple[Damage, str, ProblemKind, Action, bool]] = {
    "clandata-header-crc": (
        lambda po: damage.flip_header_crc(po.path / "CLANDATA"),
        "CLANDATA", ProblemKind.DAMAGED_HEADER, Action.RECONCILE, True,
    ),
    "mlandata-header-counter": (
        lambda po: damage.set_header_field(po.path / "MLANDATA", "live_count", 99, fix_crc=False),
        "MLANDATA", ProblemKind.DAMAGED_HEADER, Action.RECONCILE, True,
    ),
    "nftcheck-torn-tail": (
        lambda po: damage.tear_tail(po.path / "NFTCHECK"),
        "NFTCHECK", ProblemKind.TORN_RECORD, Action.RECONCILE, True,
    ),
    "mlandata-torn-tail": (
        lambda po: damage.tear_tail(po.path / "MLANDATA"),
        "MLANDATA", ProblemKind.TORN_RECORD, Action.RECONCILE, True,
    ),
    "clandata-short": (
        lambda po: damage.claim_more(po.path / "CLANDATA"),
        "CLANDATA", ProblemKind.SHORT_FILE, Action.RECONCILE, True,
    ),
    "clandata-counters": (
        lambda po: damage.set_header_field(po.path / "CLANDATA", "live_count", 1, fix_crc=True),
        "CLANDATA", ProblemKind.WRONG_COUNTERS, Action.RECONCILE, True,
    ),
    "clandata-next-number": (
        lambda po: damage.set_header_field(po.path / "CLANDATA", "next_number", 2, fix_crc=True),
        "CLANDATA", ProblemKind.WRONG_COUNTERS, Action.RECONCILE, True,
    ),
    "mlandata-free-counter": (
        lambda po: damage.set_header_field(po.path / "MLANDATA", "free_bytes", 0, fix_crc=True),
        "MLANDATA", ProblemKind.WRONG_COUNTERS, Action.RECONCILE, False,
    ),
    "clandata-record-crc": (
        lambda po: damage.flip_record_crc(po.path / "CLANDATA", 1),
        "CLANDATA", ProblemKind.BAD_RECORD, Action.RECONCILE, True,
    ),
    "chain-stray": (
        lambda po: damage.break_chain(po, "stray"),
        "CLANDATA", ProblemKind.BROKEN_CHAIN, Action.DIRECTORY, True,
    ),
    "chain-swapped": (
        lambda po: damage.break_chain(po, "swap"),
        "CLANDATA", ProblemKind.BROKEN_CHAIN, Action.DIRECTORY, True,
    ),
    "nft-row-dropped": (
        lambda po: damage.drop_nft_row(po, 1),
        "NFTCHECK", ProblemKind.NFT_ERROR, Action.NFT, True,
    ),
    "nft-row-added": (
        damage.add_nft_row,
        "NFTCHECK", ProblemKind.NFT_ERROR, Action.NFT, True,
    ),
    "index-shifted": (
        lambda po: damage.break_index(po, "USR00004", 2),
        "USR00004", ProblemKind.BROKEN_INDEX, Action.INDEX, False,
    ),
    "orphan-message": (
        lambda po: damage.orphan_message(po, sample.message(99)),
        "MLANDATA", ProblemKind.BROKEN_INDEX, Action.INDEX, False,
    ),
    "fragmented": (
        damage.fragment,
        "MLANDATA", ProblemKind.FRAGMENTED, Action.RECLAIM, True,
    ),
}  # fmt: skip


@pytest.fixture
def po(world: World) -> Postoffice:
    return sample.build(world.root / "CCDATA")


def test_healthy_postoffice_passes_every_check(po: Postoffice) -> None:
    """A post office built through the API (with a removed message) is clean."""
    assert quick_check(po) is None
    report = analyze(po)
    assert report.clean, report.problems
    assert report.actions == ()
    assert "MLANDATA" in report.files
    assert "USR00004" in report.files
    for entry in po.entries():
        if entry.mailbox:
            assert check_message_index(po, entry) is None


@pytest.mark.parametrize("case", sorted(CASES))
def test_analyze_finds_each_damage_with_its_action(po: Postoffice, case: str) -> None:
    """Each damage is reported in its file, with the GSS-DB6 command that repairs it."""
    hurt, file, kind, action, _ = CASES[case]
    hurt(po)
    report = analyze(po)
    assert not report.clean
    assert kind in {p.kind for p in report.problems_in(file)}, report.problems
    assert action in report.actions


@pytest.mark.parametrize("case", sorted(CASES))
def test_quick_check_sees_damage_in_the_files_it_reads(po: Postoffice, case: str) -> None:
    """quick_check names the file and kind; damage it cannot see cheaply passes it."""
    hurt, file, kind, _, cheap = CASES[case]
    hurt(po)
    found = quick_check(po)
    if cheap:
        assert found is not None
        assert found.startswith(f"{file}: {kind}")
    else:
        assert found is None


def test_check_message_index_names_the_broken_reference(po: Postoffice) -> None:
    """The mailbox a program reads is validated record by record."""
    damage.break_index(po, "USR00004", 3)
    ex1 = po.find("EX1")
    baker = po.find("Baker, Bob")
    assert ex1 is not None
    assert baker is not None
    found = check_message_index(po, ex1)
    assert found is not None
    assert found.startswith("USR00004: broken message index: message 11")
    assert check_message_index(po, ex1, limit=3) is None
    assert check_message_index(po, baker) is None


def test_index_pointing_at_a_freed_record_is_broken(po: Postoffice) -> None:
    """Message 3 was removed from Bob's mailbox: its record is free, not his message."""
    freed = [r for r in damage.rf.scan((po.path / "MLANDATA").read_bytes()).records if not r.live]
    damage.misdirect_index(po, "USR00002", 0, freed[0].offset)
    bob = po.find("Baker, Bob")
    assert bob is not None
    assert "not a live message" in (check_message_index(po, bob) or "")


def test_fragmentation_needs_both_share_and_size(po: Postoffice) -> None:
    """Free space below the size floor is normal traffic, not damage."""
    damage.fragment(po, FRAGMENTATION_MIN_FREE // 2)
    assert quick_check(po) is None
    damage.fragment(po, FRAGMENTATION_MIN_FREE)
    assert (quick_check(po) or "").startswith("MLANDATA: fragmented")


def test_analyze_areas_limit_the_files_checked(po: Postoffice) -> None:
    """/DIRECTORY checks only CLANDATA; /USR/xxxxx only one mailbox (AN50)."""
    damage.break_index(po, "USR00004", 0)
    damage.flip_header_crc(po.path / "NFTCHECK")
    directory = analyze(po, {Area.DIRECTORY})
    assert directory.files == ("CLANDATA",)
    assert directory.clean
    one = analyze(po, {Area.USERS}, mailboxes={2})
    assert one.files == ("USR00002",)
    assert one.clean
    ex1 = analyze(po, {Area.USERS}, mailboxes={4})
    assert ex1.kinds == {ProblemKind.BROKEN_INDEX}


def test_missing_database_file_is_reported(po: Postoffice, world: World) -> None:
    (po.path / "NFTCHECK").unlink()
    assert quick_check(po) == "NFTCHECK is missing"
    assert ProblemKind.SHORT_FILE in analyze(po).kinds


def test_report_orders_actions_as_gss_db6(po: Postoffice) -> None:
    """Actions come in the documented order however the problems were found (§3)."""
    damage.fragment(po)
    damage.break_chain(po)
    damage.add_nft_row(po)
    damage.break_index(po, "USR00003", 0)
    assert analyze(po).actions == (Action.NFT, Action.INDEX, Action.DIRECTORY, Action.RECLAIM)


def test_bad_signature_is_a_damaged_header(tmp_path: Path) -> None:
    po = sample.build(tmp_path / "CCDATA")
    data = bytearray((po.path / "CLANDATA").read_bytes())
    data[0:4] = b"XXXX"
    (po.path / "CLANDATA").write_bytes(bytes(data))
    assert (quick_check(po) or "").startswith("CLANDATA: damaged header: not a cc:Mail")
