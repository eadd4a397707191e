"""CHKSTAT and RECLAIM repairs: ANALYZE is clean afterwards and no message is lost (§3)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness import damage
from sim.postoffice import Postoffice
from sim.postoffice import records as rf
from sim.postoffice.check import Action, analyze, quick_check
from sim.postoffice.repair import (
    RepairLog,
    rebuild_directory,
    rebuild_index,
    reclaim,
    reconcile,
    repair_nft,
    salvage,
)
from sim.world import World
from tests.sim.postoffice import sample
from tests.sim.postoffice.test_check import CASES

#: the GSS-DB6 sequence (§3): CHKSTAT NFT/C, DIAGNOSTICS/M, DIAGNOSTICS/R,
#: RECLAIM DIRECTORY DIAGNOSTICS/A, RECLAIM
SEQUENCE = (repair_nft, rebuild_index, reconcile, rebuild_directory, reclaim)


def repair_all(po: Postoffice) -> RepairLog:
    log = RepairLog()
    for step in SEQUENCE:
        log.extend(step(po))
    return log


@pytest.fixture
def po(world: World) -> Postoffice:
    return sample.build(world.root / "CCDATA")


@pytest.mark.parametrize("case", sorted(CASES))
def test_documented_sequence_repairs_each_damage(po: Postoffice, case: str) -> None:
    """After the sequence ANALYZE reports no errors and every message is in its mailbox."""
    before = sample.idents(po)
    CASES[case][0](po)
    assert not analyze(po).clean
    log = repair_all(po)
    assert log.unrepaired == []
    report = analyze(po)
    assert report.clean, report.problems
    assert quick_check(po) is None
    assert sample.idents(po) == before


def test_all_damage_at_once_is_repaired(po: Postoffice) -> None:
    before = sample.idents(po)
    for case in sorted(CASES):
        CASES[case][0](po)
    assert len(analyze(po).actions) == len(Action)
    repair_all(po)
    assert analyze(po).clean, analyze(po).problems
    assert sample.idents(po) == before


def test_repair_of_a_healthy_postoffice_changes_no_byte(po: Postoffice) -> None:
    """Every repair leaves a clean post office as it was (except RECLAIM's compaction)."""
    files = {p.name: p.read_bytes() for p in po.path.iterdir() if p.is_file()}
    for step in (repair_nft, rebuild_index, reconcile, rebuild_directory):
        step(po)
    assert {p.name: p.read_bytes() for p in po.path.iterdir() if p.is_file()} == files


def test_reclaim_drops_free_records_and_repoints_mailboxes(po: Postoffice) -> None:
    damage.fragment(po)
    before = sample.idents(po)
    size = (po.path / "MLANDATA").stat().st_size
    log = reclaim(po)
    assert log.fixed[0].startswith("MLANDATA: ")
    scan = rf.read_record_file(po.path / "MLANDATA")
    assert scan.header.free_bytes == 0
    assert all(r.live for r in scan.records)
    assert (po.path / "MLANDATA").stat().st_size < size - (1 << 20)
    assert sample.idents(po) == before
    assert reclaim(po).fixed == ["MLANDATA: no space to recover"]


def test_index_rebuild_frees_orphans_and_repoints(po: Postoffice) -> None:
    number = damage.orphan_message(po, sample.message(77))
    damage.break_index(po, "USR00003", 1, shift=5)
    log = rebuild_index(po)
    assert "MLANDATA: 1 messages in no mailbox freed" in log.fixed
    assert any(f.startswith("USR00003: message index rebuilt") for f in log.fixed)
    scan = rf.read_record_file(po.path / "MLANDATA")
    freed = [r for r in scan.records if not r.live]
    assert any(r.payload[:4] == number.to_bytes(4, "little") for r in freed)


def test_nft_repair_creates_missing_mailbox_and_deletes_empty_stray(po: Postoffice) -> None:
    (po.path / "USR00001").unlink()  # Adams had no mail
    (po.path / "USR00042").write_bytes(b"")
    log = repair_nft(po)
    assert (po.path / "USR00001").is_file()
    assert not (po.path / "USR00042").exists()
    assert any("USR00001" in f for f in log.fixed)
    assert analyze(po).clean


def test_stray_mailbox_with_messages_is_left_and_reported(po: Postoffice) -> None:
    (po.path / "USR00042").write_bytes((po.path / "USR00004").read_bytes())
    log = repair_nft(po)
    assert log.unrepaired == ["USR00042 holds messages but no directory entry owns it"]
    assert (po.path / "USR00042").is_file()


def test_salvage_keeps_offsets_and_frees_unreadable_records(po: Postoffice) -> None:
    path = po.path / "MLANDATA"
    data = bytearray(path.read_bytes())
    first = rf.scan(bytes(data)).records[0]
    data[first.offset + rf.RECORD_SIZE + 4 : first.offset + rf.RECORD_SIZE + 12] = b"garbage!"
    result = salvage("MLANDATA", bytes(data))
    assert result.offsets() == [r.offset for r in rf.scan(bytes(data)).records]
    assert result.records[0][0] == rf.FREE
    assert any("unreadable record" in n for n in result.notes)


# -- property: random damage is always found and repaired without loss -------------------------

REPAIRABLE = sorted(CASES)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(picked=st.lists(st.sampled_from(REPAIRABLE), min_size=1, max_size=8, unique=True))
def test_random_damage_is_found_and_repaired_without_loss(tmp_path_factory, picked) -> None:
    po = sample.build(tmp_path_factory.mktemp("po") / "CCDATA")
    before = sample.idents(po)
    for case in picked:
        CASES[case][0](po)
    assert not analyze(po).clean
    repair_all(po)
    report = analyze(po)
    assert report.clean, (picked, report.problems)
    assert sample.idents(po) == before


FILES = ("CCPOMBOX.000", "CLANDATA", "MLANDATA", "NFTCHECK", "USR00002", "USR00003", "USR00004")
COUNTERS = ("live_count", "free_bytes", "next_number")
NUMBERED = ("CLANDATA", "MLANDATA")


@st.composite
def byte_damage(draw: st.DrawFn) -> tuple[str, str, int, bytes]:
    """A crash-like change to one file: header checksum, counter, tail or claimed length."""
    how = draw(st.sampled_from(("crc", "counter", "counter-nocrc", "tail", "short")))
    return (
        how,
        draw(st.sampled_from(FILES)),
        draw(st.integers(0, 2)),
        draw(st.binary(min_size=1, max_size=40)),
    )


def apply_byte_damage(po: Postoffice, spec: tuple[str, str, int, bytes]) -> None:
    how, name, which, junk = spec
    path = po.path / name
    if how == "crc":
        damage.flip_header_crc(path)
    elif how.startswith("counter"):
        field = COUNTERS[which]
        value = damage.header_field(path, field) ^ 0x5A
        if field == "next_number":  # only numbered files use it; only a low one is wrong
            field, value = ("next_number", 1) if name in NUMBERED else ("live_count", 99)
        damage.set_header_field(path, field, value, fix_crc=how == "counter")
    elif how == "tail":
        damage.tear_tail(path, junk)
    else:
        damage.claim_more(path, len(junk))


@settings(max_examples=60, deadline=None)
@given(specs=st.lists(byte_damage(), min_size=1, max_size=5))
def test_random_byte_damage_is_found_and_repaired(tmp_path_factory, specs) -> None:
    """Header, counter, tail and length damage anywhere is found and repaired losslessly."""
    po = sample.build(tmp_path_factory.mktemp("po") / "CCDATA")
    before = sample.idents(po)
    original = {n: (po.path / n).read_bytes() for n in FILES}
    for spec in specs:
        apply_byte_damage(po, spec)
    changed = any((po.path / n).read_bytes() != original[n] for n in FILES)
    assert analyze(po).clean is not changed
    repair_all(po)
    report = analyze(po)
    assert report.clean, (specs, report.problems)
    assert sample.idents(po) == before
