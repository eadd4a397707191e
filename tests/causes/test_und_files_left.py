"""Cause und-files-left: the checks every cause passes, and what is particular to it."""

from __future__ import annotations

from pathlib import Path

from harness.build import Site
from sim.connector.store import Folder, Store
from sim.conservation import check
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


def _und(site: Site) -> None:
    _store(site).path(Folder.IMPORT, "msg00FF.und").write_bytes(b"Reason: old\r\n")


CASE = CauseCase(
    cause="und-files-left",
    fault="leave-und-file",
    by_hand=_und,
    events_alone=log(*[(59, "IMPORT from file *.ccm returned result code 1.")] * 3),
    symptoms=(59,),
)


class TestTheChecksEveryCausePasses(CauseChecks):
    case = CASE


def test_move_und_files_parks_them_and_delivery_resumes(tmp_path: Path) -> None:
    site = broken(tmp_path, "leave-und-file")
    assert len(site.exchange.mts_out) == 3
    fix_and_watch(site, "move-und-files")
    assert site.world.path("C:\\CCMCOLD\\Import-msg0A11.und").is_file()
    assert site.exchange.mts_out == []
    assert check(site.world, postoffice=site.po_path).ok
