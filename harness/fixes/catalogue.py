"""Named fixes for §8 rows 6-12: reopen the post office, right programs, a sound store.

Source: ccmail-reference.md §8 "Fix" column, rows 6-12, and the KB article each
fix names: Q282172 (rename ``CCPODOWN``), Q168465 (DB6: Import 5.15/Export 5.14;
DB8: 6.0 and "Import 6.0/Export 6.0"), Q190275 (copy ``Ccdata\\Ccadmin\\Ie.ri``
beside the programs), Q294947 (Import.exe, Export.exe and IE.RI into a PATH
directory), Q212788 (stop, move the ``.und`` files out, restart), Q202178 and
Q295812 (move the store out, let the service rebuild it, restore ``Submit``),
Q212759 and Q234745 (``EXPORT /MSG#`` to find the corrupt message, ``EXPORT
/DELETE/<n>``; remove an unreadable file from ``Export``).

Nothing tracked is lost: files a fix moves out of the store are either put back
(``Submit``, ``Export`` and ``Bad`` after a rebuild) or hold no tracked message
(the faults' ``.und`` and corrupt message carry no identity, see
``harness.faults.catalogue``); the deleted corrupt message is gone on purpose.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import shutil

from harness.admin import run_as_service
from harness.build import Site
from harness.faults.catalogue import IE_RI_TEXT, in_use_programs, store_of
from harness.registry import fix
from sim.connector.service import SERVICE_NAME
from sim.connector.settings import IEVersion
from sim.connector.setup import PROGRAM_DIR, PROGRAM_VERSIONS
from sim.connector.store import Folder
from sim.fsutil import listdir_sorted
from sim.postoffice.layout import CCADMIN, CCPODOWN, IE_RI
from sim.postoffice.postoffice import Postoffice
from sim.programs.runner import find_program, install_program, program_version

__all__ = ["export_program", "ie_ri_bytes"]

#: where support parks what it moves out of the connector store (modelled)
PARKED = "C:\\CCMCOLD"
SCRATCH = "C:\\CCSIMFIX"


def export_program(site: Site) -> str:
    """The EXPORT the connector runs (registry "Export", KB Q251360)."""
    return str(site.exchange.registry.get("Export", "EXPORT.EXE") or "EXPORT.EXE")


def ie_ri_bytes(site: Site) -> bytes:
    """``Ccdata\\Ccadmin\\Ie.ri`` of the post office (EX55-DOC xog08007), or the shipped file."""
    source = site.po_path / CCADMIN / IE_RI
    return source.read_bytes() if source.is_file() else IE_RI_TEXT


# -- 6 ---------------------------------------------------------------------------------------


@fix(
    "reopen-postoffice",
    cures="po-shut-down",
    summary="finish maintenance: rename CCPODOWN; stop the process holding the post office",
    article="Q282172",
)
def reopen_postoffice(site: Site, params: None) -> None:
    po = Postoffice(site.po_path)
    down = po.names().get(CCPODOWN.casefold())
    if down is not None:
        (po.path / down).replace(po.path / "CCPODOWN.OLD")
    for holder, exclusive in sorted(site.world.locks.holders(po.path).items()):
        if exclusive and holder != SERVICE_NAME:
            site.world.locks.release(po.path, holder)


# -- 7 ---------------------------------------------------------------------------------------


@fix(
    "match-ie-version",
    cures="ie-version-mismatch",
    summary="install the Import/Export of the post office's DB version (DB6: 5.15/5.14, "
    "DB8: 6.0 with IE.RI) and choose that version on the Post Office page; restart",
    article="Q168465",
)
def match_ie_version(site: Site, params: None) -> None:
    db = Postoffice(site.po_path).identity().db_version
    service = site.service
    service.stop()
    export_version, import_version = PROGRAM_VERSIONS[db]
    for name, directory, version in in_use_programs(site):
        major = int(version.split(".")[0])
        fits = major == 5 if db == 6 else major >= 6
        if not fits:
            wanted = export_version if "EXPORT" in name else import_version
            install_program(site.world, directory, name, wanted)
        if db == 8:
            (site.world.path(directory) / IE_RI).write_bytes(ie_ri_bytes(site))
    settings = service.settings
    chosen = IEVersion.DB6 if db == 6 else IEVersion.DB8
    post_office = dataclasses.replace(settings.post_office, version=chosen)
    service.configure(dataclasses.replace(settings, post_office=post_office))
    service.start()


# -- 8 ---------------------------------------------------------------------------------------


@fix(
    "copy-ie-ri",
    cures="ie-resource-missing",
    summary="copy Ccdata\\Ccadmin\\Ie.ri beside the Import/Export programs",
    article="Q190275",
)
def copy_ie_ri(site: Site, params: None) -> None:
    data = ie_ri_bytes(site)
    for _, directory, version in in_use_programs(site):
        if int(version.split(".")[0]) >= 6:
            (site.world.path(directory) / IE_RI).write_bytes(data)


# -- 9 ---------------------------------------------------------------------------------------


def _anywhere(site: Site, name: str) -> tuple[str, str] | None:
    """``dir /s <name>`` on C: (Windows directory, version), as support searches the disk."""
    drive = site.world.path("C:\\")
    for path in sorted(drive.rglob("*")):
        if path.is_file() and path.name.upper() == name:
            parts = path.parent.relative_to(drive).parts
            return "C:\\" + "\\".join(parts), program_version(path)
    return None


@fix(
    "programs-on-path",
    cures="ie-not-on-path",
    summary="copy Import.exe, Export.exe (and IE.RI) into C:\\WINNT\\SYSTEM32; start the service",
    article="Q294947",
)
def programs_on_path(site: Site, params: None) -> None:
    world = site.world
    db = Postoffice(site.po_path).identity().db_version
    defaults = dict(zip(("EXPORT.EXE", "IMPORT.EXE"), PROGRAM_VERSIONS[db], strict=True))
    registry = site.exchange.registry
    for key, default in (("Export", "EXPORT.EXE"), ("Import", "IMPORT.EXE")):
        name = str(registry.get(key, default) or default).upper()
        if find_program(world, name, site.service.search_path()) is not None:
            continue
        found = _anywhere(site, name)
        version = found[1] if found is not None else defaults.get(name, "8.50.00.14")
        install_program(world, PROGRAM_DIR, name, version)
        if int(version.split(".")[0]) >= 6:
            (world.path(PROGRAM_DIR) / IE_RI).write_bytes(ie_ri_bytes(site))
    site.service.restart()


# -- 10 --------------------------------------------------------------------------------------


@fix(
    "move-und-files",
    cures="und-files-left",
    summary="stop the service, move the .und files out of Ccmcdata\\Import and \\Export, start",
    article="Q212788",
)
def move_und_files(site: Site, params: None) -> None:
    service = site.service
    service.stop()
    store = store_of(site)
    parked = site.world.path(PARKED)
    parked.mkdir(parents=True, exist_ok=True)
    for folder in (Folder.IMPORT, Folder.EXPORT):
        for name in store.names(folder):
            if name.casefold().endswith(".und"):
                store.path(folder, name).replace(parked / f"{folder}-{name}")
    service.start()


# -- 11 --------------------------------------------------------------------------------------


def _restore(site: Site, parked_root: str) -> None:
    """Put the message files back: Submit (Q202178), and Export and Bad so none is forgotten."""
    store = site.service.store
    old = site.world.path(parked_root)
    for folder in (Folder.SUBMIT, Folder.EXPORT, Folder.BAD):
        source = old / str(folder)
        if not source.is_dir():
            continue
        for item in listdir_sorted(source):
            if item.is_file() and item.name.casefold().endswith((".ccm", ".und")):
                item.replace(store.path(folder, item.name))


@fix(
    "rebuild-ccmcdata",
    cures="import-folder-damaged",
    summary="stop; move the Ccmcdata contents out; start (the service rebuilds it); stop; "
    "restore the Submit files; start",
    article="Q202178",
)
def rebuild_ccmcdata(site: Site, params: None) -> None:
    service = site.service
    service.stop()
    root = store_of(site).root
    parked = site.world.path(PARKED)
    parked.mkdir(parents=True, exist_ok=True)
    for item in listdir_sorted(root):
        shutil.move(str(item), str(parked / item.name))
    service.start()
    service.stop()
    _restore(site, PARKED)
    service.start()


# -- 12 --------------------------------------------------------------------------------------


_UNREADABLE = re.compile(r"Message #: (\d+)\s*\r?\n\*\*\* Message cannot be read \*\*\*")


def _queued_unreadable(site: Site, switches: str) -> list[str]:
    """``EXPORT /N<site> ... /MSG# /@ccmessg.txt``: the numbers it cannot read (Q212759)."""
    scratch = site.world.path(SCRATCH)
    scratch.mkdir(parents=True, exist_ok=True)
    try:
        command = f"{switches} /MSG# /@{SCRATCH}\\CCMESSG.TXT /BATCH"
        run_as_service(site, export_program(site), command)
        listing = scratch / "CCMESSG.TXT"
        text = listing.read_bytes().decode("cp850", "replace") if listing.is_file() else ""
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(scratch)
    return _UNREADABLE.findall(text)


@fix(
    "delete-corrupt-message",
    cures="corrupt-message",
    summary="EXPORT /MSG# to find the corrupt message, EXPORT /DELETE/<n> to delete it; "
    "remove unreadable files from Ccmcdata\\Export; restart",
    article="Q212759",
)
def delete_corrupt_message(site: Site, params: None) -> None:
    """The corrupt message is deleted on purpose; it carried no tracking identity."""
    service = site.service
    service.stop()
    switches = f"/N{site.site} /P{site.po_password} /D{site.po_unc}"
    for number in _queued_unreadable(site, switches):
        run_as_service(site, export_program(site), f"{switches} /DELETE/{number} /BATCH")
    store = store_of(site)
    parked = site.world.path(PARKED)
    for name in store.names(Folder.EXPORT):
        path = store.path(Folder.EXPORT, name)
        if name.casefold().endswith(".ccm") and b"Contents:" not in path.read_bytes():
            parked.mkdir(parents=True, exist_ok=True)
            path.replace(parked / name)  # KB Q234745: move the file out of Export
    service.start()
