"""Cause import-folder-damaged: the checks every cause passes, and what is particular to it."""

from __future__ import annotations

from pathlib import Path

from harness.build import Site
from sim.connector.setup import standard_world
from sim.connector.store import Folder, Store
from sim.conservation import check
from sim.world import World
from tests.causes.kit import (
    CauseCase,
    CauseChecks,
    broken,
    fix_and_watch,
    log,
)


def _store(site: Site) -> Store:
    site.service.prepare()
    store: Store = site.service.store
    return store


def _import_as_file(site: Site) -> None:
    folder = _store(site).path(Folder.IMPORT)
    folder.rmdir()
    folder.write_bytes(b"\x00" * 16)


CASE = CauseCase(
    cause="import-folder-damaged",
    fault="damage-import-folder",
    by_hand=_import_as_file,
    events_alone=log(11001, 11001, 67, 67, every=60),
    symptoms=(),
)


class TestTheChecksEveryCausePasses(CauseChecks):
    case = CASE


def test_a_damaged_import_folder_stops_dirsync_silently(world: World) -> None:
    """KB Q202178: no events, no thread-restart storm; the service keeps running."""
    site = standard_world(world, dirsync_done=True)
    folder = site.service.store.path(Folder.IMPORT)
    folder.rmdir()
    folder.write_bytes(b"")
    mark = len(world.eventlog)
    world.clock.advance(20 * 60)
    ids = {r.event_id for r in world.eventlog.since(mark)}
    assert not ids & {85, 86, 14005, 14031}
    assert site.service.running


def test_rebuild_puts_the_submit_files_back_and_they_are_delivered(tmp_path: Path) -> None:
    site = broken(tmp_path, "damage-import-folder")
    store = site.service.store
    waiting = [n for n in store.names(Folder.SUBMIT) if n.endswith(".ccm")]
    assert waiting
    fix_and_watch(site, "rebuild-ccmcdata")
    assert store.path(Folder.IMPORT).is_dir()
    assert [n for n in store.names(Folder.SUBMIT) if n.endswith(".ccm")] == []
    report = check(site.world, postoffice=site.po_path)
    assert report.ok
    assert not [i for i, p in report.places.items() if any(x.startswith("store:") for x in p)]
