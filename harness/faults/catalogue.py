"""Named faults for §8 rows 6-12: the post office's state, the programs, the connector store.

Source: ccmail-reference.md §8 rows 6-12 and the KB article each fault names; §1.3
(``CCPODOWN``, KB Q282172), §2.1 and §4.2 (program versions, ``IE.RI``, the system
PATH), §4.4 (the store's folders and ``.und`` files), §4.5 (the transfer cycle).

A fault changes world state only, through the sim API or the files a person or a
crash would touch; the symptoms follow from what the programs and the connector
then find (STYLE.md §8). Messages a fault creates that the fix will throw away on
purpose (a ``.und`` left from before, a corrupt queued message) carry no tracking
identity, so the conservation check neither counts them nor misses them: they
were never the scenario's mail.
"""

from __future__ import annotations

import dataclasses
import shutil
import zlib
from datetime import timedelta
from typing import Literal

from pydantic import Field

from harness.build import Site
from harness.model_types import WinPath
from harness.params import Params
from harness.registry import fault
from sim.connector.settings import IEVersion
from sim.connector.store import Folder, Store
from sim.fsutil import atomic_write_text, listdir_sorted
from sim.message import CODEPAGE, Message, render_message
from sim.postoffice import records as rf
from sim.postoffice.layout import IE_RI, MLANDATA, T_MESSAGE, DirectoryEntry, Location
from sim.postoffice.postoffice import Postoffice
from sim.programs.runner import find_program, install_program, program_version

__all__ = ["in_use_programs", "store_of", "strip_contents"]

#: IE.RI as cc:Mail ships it beside Import/Export 6.0 (content modelled)
IE_RI_TEXT = b"cc:Mail Import/Export resources 6.0\r\n"


def in_use_programs(site: Site) -> list[tuple[str, str, str]]:
    """(file name, Windows directory, version) of the programs the connector runs."""
    registry = site.exchange.registry
    found = []
    for key, default in (("Export", "EXPORT.EXE"), ("Import", "IMPORT.EXE")):
        name = str(registry.get(key, default) or default).upper()
        hit = find_program(site.world, name, site.service.search_path())
        if hit is not None:
            found.append((name, hit[0], program_version(hit[1])))
    return found


def store_of(site: Site) -> Store:
    """The connector store, created as a start would create it when it is not there yet."""
    if not site.service.store.root.is_dir():
        site.service.prepare()
    store: Store = site.service.store
    return store


# -- 6: shut down or locked (Q282172, Q179072) ---------------------------------------------------


class ShutDownParams(Params):
    how: Literal["ccpodown", "locked"] = Field(
        "ccpodown", description="CCPODOWN in the PO directory, or another process holding it."
    )
    holder: str = Field(
        "cc:Mail Router", min_length=1, max_length=64, description="Who holds it (locked)."
    )


@fault(
    "shut-down-postoffice",
    summary="the post office is shut down for maintenance (CCPODOWN) or held by another process",
    article="Q282172",
    params=ShutDownParams,
)
def shut_down_postoffice(site: Site, params: ShutDownParams | None) -> None:
    chosen = params or ShutDownParams()
    po = Postoffice(site.po_path)
    if chosen.how == "ccpodown":
        po.shut_down()
    else:
        site.world.locks.acquire(po.path, chosen.holder, exclusive=True)


# -- 7: wrong Import/Export version (Q168465) ----------------------------------------------------


class VersionParams(Params):
    what: Literal["programs", "choice"] = Field(
        "programs",
        description="Programs for the other DB version, or the other version chosen on the "
        "Post Office page.",
    )


@fault(
    "wrong-ie-version",
    summary="Import/Export for the other DB version are installed, or the other version chosen",
    article="Q168465",
    params=VersionParams,
)
def wrong_ie_version(site: Site, params: VersionParams | None) -> None:
    db = Postoffice(site.po_path).identity().db_version
    if (params or VersionParams()).what == "choice":
        settings = site.service.settings
        other = IEVersion.DB8 if db == 6 else IEVersion.DB6
        post_office = dataclasses.replace(settings.post_office, version=other)
        site.service.configure(dataclasses.replace(settings, post_office=post_office))
        return
    wrong = {6: ("6.0", "6.0"), 8: ("5.14", "5.15")}[db]
    for name, directory, _ in in_use_programs(site):
        install_program(site.world, directory, name, wrong[0 if "EXPORT" in name else 1])
        if db == 6:
            (site.world.path(directory) / IE_RI).write_bytes(IE_RI_TEXT)


# -- 8: IE.RI missing (Q190275) ------------------------------------------------------------------


@fault(
    "remove-ie-ri",
    summary="IE.RI is missing beside the Import/Export 6.0 programs",
    article="Q190275",
)
def remove_ie_ri(site: Site, params: None) -> None:
    found = [(n, d) for n, d, v in in_use_programs(site) if int(v.split(".")[0]) >= 6]
    if not found:
        raise ValueError("the programs are 5.x, which need no IE.RI (world.postoffice.db: 8)")
    for _, directory in found:
        (site.world.path(directory) / IE_RI).unlink(missing_ok=True)


# -- 9: programs not on the PATH (Q294947) -------------------------------------------------------


class OffPathParams(Params):
    directory: WinPath = Field(
        "C:\\CCMAIL\\ADTOOLS", min_length=3, max_length=200, description="Where they are instead."
    )


@fault(
    "programs-off-path",
    summary="Import.exe and Export.exe sit in a directory that is not on the system PATH",
    article="Q294947",
    params=OffPathParams,
)
def programs_off_path(site: Site, params: OffPathParams | None) -> None:
    target = (params or OffPathParams()).directory.rstrip("\\")
    if target.casefold() in (p.casefold() for p in site.service.search_path()):
        raise ValueError(f"{target} is on the PATH the connector searches")
    for name, directory, version in in_use_programs(site):
        install_program(site.world, target, name, version)
        site.world.path(directory).joinpath(name).unlink()
        ie = site.world.path(directory) / IE_RI
        if ie.is_file():
            (site.world.path(target) / IE_RI).write_bytes(ie.read_bytes())
            ie.unlink()


# -- 10: a .und file left behind (Q212788) -------------------------------------------------------


class UndParams(Params):
    folder: Literal["Import", "Export"] = Field("Import", description="Where the .und is left.")


@fault(
    "leave-und-file",
    summary="a .und file from an earlier failure is left in Ccmcdata\\Import (or Export)",
    article="Q212788",
    params=UndParams,
)
def leave_und_file(site: Site, params: UndParams | None) -> None:
    """The ``.und`` holds a message refused long before the scenario (no tracking identity)."""
    store = store_of(site)
    folder = Folder((params or UndParams()).folder)
    when = site.world.clock.datetime - timedelta(days=30)
    old = Message("Admin at " + site.site, when, (f"Gone, Old at {site.po_name}",), "old", "old")
    text = "Reason: Address(es) were unknown: Gone, Old\r\n" + render_message(old, itemsize=True)
    atomic_write_text(store.path(folder, "msg0A11.und"), text, encoding=CODEPAGE)


# -- 11: damaged Ccmcdata\Import (Q202178) -------------------------------------------------------


@fault(
    "damage-import-folder",
    summary="Ccmcdata\\Import is damaged: a file stands where the folder was",
    article="Q202178",
)
def damage_import_folder(site: Site, params: None) -> None:
    """Message files already in ``Import`` go back to ``Submit`` first: none is lost."""
    store = store_of(site)
    folder = store.path(Folder.IMPORT)
    if folder.is_dir():
        for item in listdir_sorted(folder):
            if item.name.casefold().endswith(".ccm"):
                item.replace(store.path(Folder.SUBMIT, item.name))
        shutil.rmtree(folder)
    folder.write_bytes(b"")


# -- 12: a corrupt message queued for Exchange (Q212759) -----------------------------------------


def strip_contents(po: Postoffice, entry: DirectoryEntry, number: int) -> None:
    """Damage one stored message: from its ``Contents:`` line on, the text is one long
    header line, so the message has no ``Contents:`` (KB Q234745). The record keeps its
    size and a right checksum: only the message text is wrong."""
    ref = next(r for r in po.refs(entry) if r.number == number)
    path = po.path / MLANDATA
    data = bytearray(path.read_bytes())
    size = rf.RECORD.unpack_from(data, ref.offset)[0]
    start = ref.offset + rf.RECORD_SIZE
    payload = bytes(data[start : start + size])
    cut = payload.index(b"\r\nContents:\r\n") + 2
    filler = b"Subject: " + b"~" * (len(payload) - cut - 11) + b"\r\n"
    payload = payload[:cut] + filler
    data[start : start + size] = payload
    data[ref.offset : start] = rf.RECORD.pack(size, rf.LIVE, T_MESSAGE, zlib.crc32(payload))
    path.write_bytes(bytes(data))


class CorruptParams(Params):
    subject: str = Field("Quarterly figures", min_length=1, max_length=80, description="Subject.")


@fault(
    "corrupt-queued-message",
    summary="a corrupt message waits in the post office queue for Exchange",
    article="Q212759",
    params=CorruptParams,
)
def corrupt_queued_message(site: Site, params: CorruptParams | None) -> None:
    """The message carries no tracking identity: the fix deletes it on purpose (Q212759)."""
    po = Postoffice(site.po_path)
    entries = po.entries()
    queue = next((e for e in entries if e.name.casefold() == site.site.casefold()), None)
    if queue is None or not queue.mailbox:
        raise ValueError(f"no P entry {site.site} to queue mail in: run dirsync first")
    sender = next(e.name for e in entries if e.location is Location.LOCAL)
    to = f"Administrator at {site.site}"
    subject = (params or CorruptParams()).subject
    message = Message(f"{sender} at {site.po_name}", site.world.clock.datetime, (to,), subject, "")
    (number,) = po.deliver(queue, [message])
    strip_contents(po, queue, number)
