"""The fast path for repeated program runs (``sim.programs.replay``): invisible in results.

Each test runs the same world twice, once with ``CCSIM_EXACT=1`` (every run executes)
and once with the fast path, and compares the event logs record for record; and
checks that the fast path did answer runs, or the comparison would prove nothing.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from sim.connector.setup import Site, send_to_ccmail, send_to_exchange, standard_world
from sim.conservation import check
from sim.eventlog import EventRecord
from sim.programs import replay
from sim.world import World

SEED = 1998


def _both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, story: Callable[[Site], None]
) -> tuple[list[EventRecord], list[EventRecord], replay.Stats, replay.Stats]:
    """The story in exact mode and in fast mode: (exact events, fast events, stats)."""
    out = []
    for mode, value in (("exact", "1"), ("fast", "")):
        monkeypatch.setenv(replay.EXACT_ENV, value)
        world = World(seed=SEED, root=tmp_path / mode)
        site = standard_world(world, dirsync_done=True)
        story(site)
        assert check(world).ok
        out.append((list(world.eventlog.records), replay.stats(world)))
    (exact, exact_stats), (fast, fast_stats) = out
    return exact, fast, exact_stats, fast_stats


def test_quiet_polls_are_replayed_and_the_events_are_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def story(site: Site) -> None:
        site.world.clock.advance(1800)

    exact, fast, exact_stats, fast_stats = _both(tmp_path, monkeypatch, story)
    assert fast == exact
    assert exact_stats.replayed == 0
    # 120 polls of each thread in 30 minutes: nearly all answered or skipped (quiet stretches)
    assert fast_stats.replayed > 0
    assert fast_stats.replayed + fast_stats.skipped > 200


def test_mail_between_quiet_periods_is_exported_not_replayed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Mail queued for Exchange changes the P entry's mailbox: the next poll executes."""

    def story(site: Site) -> None:
        world = site.world
        world.clock.advance(300)
        send_to_exchange(world, 3)
        send_to_ccmail(world, 2)
        world.clock.advance(300)
        world.clock.advance(300)
        send_to_exchange(world, 1)
        world.clock.advance(120)

    exact, fast, _, fast_stats = _both(tmp_path, monkeypatch, story)
    assert fast == exact
    assert fast_stats.replayed > 0


def test_quiet_stretches_with_other_poll_intervals_give_the_same_events(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """EXPORT every 7 s and the outbound poll every 20 s (their instants meet every 140 s),
    mail both ways between stretches: skipped and run polls interleave as the clock's."""

    def story(site: Site) -> None:
        world, registry = site.world, site.exchange.registry
        registry["Second to wait before EXPORT"] = 7
        registry["Second to wait before IMPORT"] = 20
        site.service.restart()
        world.clock.advance(700)
        send_to_ccmail(world, 2)
        send_to_exchange(world, 2)
        world.clock.advance(1000)
        names.append(site.service.store._counter)

    names: list[int] = []
    exact, fast, _, fast_stats = _both(tmp_path, monkeypatch, story)
    assert fast == exact
    assert names[0] == names[1]
    assert fast_stats.skipped > 200


def _flip_byte(path: Path, offset: int) -> None:
    """A hand edit in place: same size, same inode."""
    with path.open("r+b") as fh:
        fh.seek(offset)
        byte = fh.read(1)
        fh.seek(offset)
        fh.write(bytes([byte[0] ^ 0xFF]))


def _by_another_process(code: str, path: Path) -> None:
    """A person's editor: a write this process's audit hook does not see."""
    subprocess.run([sys.executable, "-c", code, str(path)], check=True)


@pytest.mark.parametrize(
    "edit",
    [
        "in place",
        "new file",
        "removed file",
        "in place, another process",
        "new file, another process",
    ],
)
def test_a_hand_edit_on_real_disk_between_two_polls_is_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: str
) -> None:
    """Edited right after a replayed poll: the next poll sees it (in this process by the
    write generation, from another process by the ``stat`` rows)."""

    split: list[int] = []

    def story(site: Site) -> None:
        world, po = site.world, site.postoffice.path
        world.clock.advance(120)
        split.append(len(world.eventlog.records))
        if edit == "in place, another process":
            flip = "import sys; f = open(sys.argv[1], 'r+b'); f.seek(60); b = f.read(1); "
            flip += "f.seek(60); f.write(bytes([b[0] ^ 255])); f.close()"
            _by_another_process(flip, po / "CLANDATA")
        elif edit == "new file, another process":
            code = "import sys; open(sys.argv[1], 'wb').write(b'Maintenance\\r\\n')"
            _by_another_process(code, po / "CCPODOWN")
        elif edit == "in place":
            _flip_byte(po / "CLANDATA", 60)
        elif edit == "new file":
            (po / "CCPODOWN").write_bytes(b"Maintenance\r\n")
        else:
            (po / "NFTCHECK").unlink()
        world.clock.advance(120)

    exact, fast, _, fast_stats = _both(tmp_path, monkeypatch, story)
    assert fast == exact
    before = {r.event_id for r in exact[: split[0]]}
    after = {r.event_id for r in exact[split[0] :]}
    assert after - before, "the edit must change what the polls log"
    assert fast_stats.replayed > 0


def test_an_access_change_is_seen_without_any_file_changing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The service account loses its rights on the share: an in-memory decision, no file."""

    split: list[int] = []

    def story(site: Site) -> None:
        world = site.world
        world.clock.advance(120)
        split.append(len(world.eventlog.records))
        share = world.access.share("POSRV", "CCDATA")
        assert share is not None
        world.access.revoke(site.account.name, share)
        world.clock.advance(120)

    exact, fast, _, fast_stats = _both(tmp_path, monkeypatch, story)
    assert fast == exact
    before = {r.event_id for r in exact[: split[0]]}
    assert {r.event_id for r in exact[split[0] :]} - before
    assert fast_stats.replayed > 0


def test_exact_mode_is_read_at_every_run(monkeypatch: pytest.MonkeyPatch) -> None:
    for value, exact in (("1", True), ("yes", True), ("0", False), ("", False)):
        monkeypatch.setenv(replay.EXACT_ENV, value)
        assert replay.exact_mode() is exact
    monkeypatch.delenv(replay.EXACT_ENV)
    assert replay.exact_mode() is False


def test_the_write_generation_counts_this_process_s_writes_not_its_reads(tmp_path: Path) -> None:
    path = tmp_path / "file.bin"
    start = replay.generation()
    path.write_bytes(b"one")
    after_write = replay.generation()
    path.read_bytes()
    list(tmp_path.iterdir())
    assert replay.generation() == after_write > start
    path.replace(tmp_path / "other.bin")
    after_rename = replay.generation()
    (tmp_path / "other.bin").unlink()
    assert replay.generation() > after_rename > after_write


def test_under_pyfakefs_every_run_executes(fake_world: World) -> None:
    """No audit event fires for a fake file system: the fast path stands aside."""
    standard_world(fake_world, dirsync_done=True)
    fake_world.clock.advance(600)
    counts = replay.stats(fake_world)
    assert counts.replayed == 0
