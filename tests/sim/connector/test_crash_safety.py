"""Crashes and full disks in the middle of a transfer: after recovery, each message arrives once.

Principle 4 of the project (a failure at any point loses and duplicates no
message) at the connector level, §4.5 (the transfer cycle) and §2.5 (result
codes 1 -> events 68 / 59). What test_service.py and test_export.py already
cover is not repeated here: a complete leftover ``Export`` file converted first
at start (the service stopped between EXPORT and conversion), and EXPORT killed
or failing mid-file at the program level. Added here, end to end through the
running service:

* the connector's EXPORT killed at a byte of its file, the service restarted;
* the disk holding ``Ccmcdata`` filling up while EXPORT writes, then freed;
* the post office volume filling up while IMPORT delivers a batch (IMPORT ends
  with code 1 halfway through its files), then freed;
* the post office volume filling up between IMPORT storing a message in
  MLANDATA and adding it to the mailbox: the post office puts both files back.

The disks are pyfakefs mount points with a size (``fs.add_mount_point``,
``fs.set_disk_usage``): a full disk is world state, not a switch.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from sim.connector.setup import Site, send_to_ccmail, send_to_exchange, standard_world
from sim.connector.store import Folder
from sim.conservation import check
from sim.programs.export import export_messages
from sim.world import World
from tests.support.killed import KilledError, dying_opener

SEED = 1998
ROOMY = 1 << 30
#: seconds until the next IMPORT poll after the start-up runs (§4.5)
IMPORT_POLL = 15


def _site(world: World) -> Site:
    site = standard_world(world, users=4, messages=3, exchange_users=2, dirsync_done=True)
    world.clock.advance(0)  # the start-up dirsync and first polls
    return site


def _arrived_once(world: World, idents: list[str], where: str) -> None:
    """Every message is in exactly one place: a final mailbox on the ``where`` side."""
    report = check(world)
    assert report.ok, report.summary()
    for ident in idents:
        (place,) = report.places[ident]
        assert place.startswith(f"{where}:"), (ident, place)
        assert place not in ("po:MLANDATA", "exchange:MTS-IN", "exchange:MTS-OUT"), (ident, place)


def _ccm(site: Site, folder: Folder) -> list[str]:
    return [n for n in site.service.store.names(folder) if n.casefold().endswith(".ccm")]


# -- EXPORT killed mid-file ----------------------------------------------------------------------


def _file_size(site: Site, limit: int) -> int:
    """The size of the file the connector's next EXPORT would write (exported, not removed)."""
    queue = site.postoffice.find(site.exchange.site_address)
    assert queue is not None
    scratch = site.service.store.path(Folder.EXPORT, "size.tmp")
    export_messages(site.postoffice, queue, scratch, limit=limit, remove=False)
    size = scratch.stat().st_size
    scratch.unlink()
    return size


@pytest.mark.parametrize("fraction", [0.0, 0.001, 0.5, 0.999])
def test_export_killed_mid_file_then_restart_delivers_each_once(
    world: World, fraction: float
) -> None:
    site = _site(world)
    service = site.service
    sent = send_to_exchange(world, 20)  # more than one EXPORT run takes (16)
    queue = site.postoffice.find(site.exchange.site_address)
    assert queue is not None
    at = int(_file_size(site, 16) * fraction)
    target = service.store.path(Folder.EXPORT, service.store.next_name([]))
    with pytest.raises(KilledError):
        export_messages(site.postoffice, queue, target, limit=16, opener=dying_opener(at))
    assert not target.exists()
    assert len(site.postoffice.refs(queue)) == 20  # the queue is whole: nothing marked exported
    service.restart()
    world.clock.advance(60)
    _arrived_once(world, sent, "exchange")
    assert site.postoffice.refs(queue) == []
    assert _ccm(site, Folder.EXPORT) == []


def test_export_killed_twice_with_the_same_file_name_delivers_each_once(world: World) -> None:
    """The partial ``.$$$`` of a killed run is overwritten when the name comes round again."""
    site = _site(world)
    service = site.service
    sent = send_to_exchange(world, 5)
    queue = site.postoffice.find(site.exchange.site_address)
    assert queue is not None
    name = service.store.next_name([])
    for budget in (50, 3000):
        with contextlib.suppress(KilledError):
            export_messages(
                site.postoffice,
                queue,
                service.store.path(Folder.EXPORT, name),
                opener=dying_opener(budget),
            )
    service.restart()
    world.clock.advance(60)
    _arrived_once(world, sent, "exchange")


# -- full disks ------------------------------------------------------------------------------------


def _mounted(fs, *drives: str) -> World:
    """A World on pyfakefs whose ``drives`` (root-relative folders) are disks of their own."""
    root = Path("/world")
    fs.create_dir(root)
    for drive in drives:
        fs.add_mount_point(str(root / drive), total_size=ROOMY)
    return World(seed=SEED, root=root)


def _fill(fs, world: World, drive: str, headroom: int) -> None:
    """Leave ``headroom`` bytes free on ``drive``."""
    path = world.root / drive
    fs.set_disk_usage(fs.get_disk_usage(path).used + headroom, path)


def _free(fs, world: World, drive: str) -> None:
    fs.set_disk_usage(ROOMY, world.root / drive)


def test_full_exchange_disk_during_export_then_freed_delivers_each_once(fs) -> None:
    world = _mounted(fs, "C")
    site = _site(world)
    _fill(fs, world, "C", 600)  # room for part of the first file only
    sent = send_to_exchange(world, 20)
    world.clock.advance(60)
    assert world.eventlog.events(68), "EXPORT meets the full disk: code 1, event 68 (§2.5)"
    queue = site.postoffice.find(site.exchange.site_address)
    assert queue is not None
    assert len(site.postoffice.refs(queue)) == 20
    assert check(world).ok
    _free(fs, world, "C")
    world.clock.advance(60)
    _arrived_once(world, sent, "exchange")


def _growth_of_first_files(fs, files: int) -> int:
    """Bytes the PO volume grows by when IMPORT delivers the first ``files`` outbound messages.

    Measured on a twin world: the same seed gives the same users, and its first
    ``files`` messages are those the test sends first.
    """
    twin_root = Path("/twin")
    fs.create_dir(twin_root)
    fs.add_mount_point(str(twin_root / "POSRV"), total_size=ROOMY)
    twin = World(seed=SEED, root=twin_root)
    site = _site(twin)
    before = fs.get_disk_usage(twin_root / "POSRV").used
    send_to_ccmail(twin, files)
    twin.clock.advance(IMPORT_POLL)
    assert site.service.counters.files_imported == files
    return int(fs.get_disk_usage(twin_root / "POSRV").used - before)


def test_full_postoffice_volume_halfway_through_import_then_freed_delivers_each_once(
    fs,
) -> None:
    two_files = _growth_of_first_files(fs, 2)
    world = _mounted(fs, "POSRV")
    site = _site(world)
    _fill(fs, world, "POSRV", two_files + 10)  # the third file's message does not fit
    sent = send_to_ccmail(world, 5)
    world.clock.advance(IMPORT_POLL)
    assert world.eventlog.events(59), "IMPORT meets the full volume: code 1, event 59 (§2.5)"
    assert len(_ccm(site, Folder.IMPORT)) == 3  # the first two imported and deleted, three kept
    assert check(world).ok
    _free(fs, world, "POSRV")
    site.service.restart()
    world.clock.advance(60)
    _arrived_once(world, sent, "po")
    assert _ccm(site, Folder.IMPORT) == []


def test_full_postoffice_volume_between_message_and_mailbox_then_freed_delivers_once(
    fs,
) -> None:
    one_file = _growth_of_first_files(fs, 1)
    world = _mounted(fs, "POSRV")
    site = _site(world)
    _fill(fs, world, "POSRV", one_file - 1)  # MLANDATA's record fits, the USR reference not
    sent = send_to_ccmail(world, 1)
    world.clock.advance(IMPORT_POLL)
    assert world.eventlog.events(59)
    assert len(_ccm(site, Folder.IMPORT)) == 1
    _free(fs, world, "POSRV")
    site.service.restart()
    world.clock.advance(60)
    _arrived_once(world, sent, "po")
