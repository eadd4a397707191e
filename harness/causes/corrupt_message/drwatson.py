"""KB Q168556: a bad file in Ccmcdata\\Export; Dr. Watson (4097), 82 and 87 at every start.

The variant of §8 row 12 (corrupt-message) whose connector process ends: its fault, the
finding the cause's rule takes from it, and its fix, the article's resolution (move the
files out of ``Ccmcdata\\Export``, move them back part at a time until the one that
causes the Dr. Watson is found).
"""

from __future__ import annotations

import re

from harness.build import Site
from harness.causes._shared import PARKED, STORE, finding, quotes, store_of
from harness.causes.corrupt_message._shared import (
    CorruptParams,
    queue_damaged,
    rewrite_payload,
)
from harness.diagnosis import Finding
from harness.evidence import Evidence
from harness.registry import fault, fix
from sim.connector.events import DRWATSON
from sim.connector.store import Folder
from sim.postoffice.layout import DirectoryEntry
from sim.postoffice.postoffice import Postoffice

__all__ = ["drwatson_finding", "short_size", "shorten_size"]


# -- KB Q168556: the fault -------------------------------------------------------------------------


def short_size(payload: bytes) -> bytes:
    """The message size (the number under ``Message:``) turned to zeros, its width kept:
    smaller than the message it heads. Modelled, not documented: KB Q168556 does not
    say what is bad in the file (``sim.connector.flow.conversion_crash``)."""
    start = payload.index(b"Message:\r\n") + len(b"Message:\r\n")
    end = payload.index(b"\r\n", start)
    return payload[:start] + b"0" * (end - start) + payload[end:]


def shorten_size(po: Postoffice, entry: DirectoryEntry, number: int) -> None:
    """Damage one stored message's size (KB Q168556). EXPORT still reads it item by
    item, writes it alone and takes it out of the queue; the file it writes is the only
    copy. (Where EXPORT writes the messages anew rather than as stored, in a date order
    other than the US one or without /ITEMSIZE, ``sim.programs.exportfile``, the size it
    writes is right and the message converts.)"""
    rewrite_payload(po, entry, number, short_size)


@fault(
    "short-message-size",
    summary="a message queued for Exchange has a message size smaller than the message",
    article="Q168556",
    params=CorruptParams,
)
def short_message_size(site: Site, params: CorruptParams | None) -> None:
    """EXPORT writes it to ``Ccmcdata\\Export``; its conversion takes an exception and the
    service process ends with a Dr. Watson, then at every start (KB Q168556).

    Like the cause's other damaged messages it carries no tracking identity: the
    article's procedure leaves the file it is in outside Exchsrvr on purpose.
    """
    queue_damaged(site, params, short_size)


# -- KB Q168556: the finding -----------------------------------------------------------------------


_FILE_NAME = re.compile(r"Message file name is EXPORT\\(\S+?)\.\s")


def drwatson_finding(ev: Evidence) -> Finding | None:
    """87 naming ``EXPORT\\<file>`` and that file still waiting in ``Ccmcdata\\Export``;
    Dr. Watson's 4097 for ccmc beside them (KB Q168556). The service does not run after
    a Dr. Watson, so nothing is logged again until someone starts it: how long ago the
    87 was does not matter, whether the file is still there does (once it is gone, the
    87s are history)."""
    failed = ev.ccmc(87)
    if not failed:
        return None
    named = [m.group(1) for e in failed for m in [_FILE_NAME.search(e.description)] if m]
    watson = [e for e in ev.from_source(DRWATSON, 4097) if "ccmc" in e.description.casefold()]
    said = [*quotes(ev.ccmc(82))[-1:], *quotes(failed)[-1:], *quotes(watson)[-1:]]
    listing = ev.folder("Export")
    fix = "isolate-export-file"
    if listing is None:
        score = 0.6 if watson else 0.5
        return finding("corrupt-message", score, said, confirmed=False, fix=fix)
    present = {n.casefold(): n for n in listing}
    waiting = [
        present[n.casefold()] for n in dict.fromkeys(reversed(named)) if n.casefold() in present
    ]
    if not waiting:
        return None
    said.append(f"{STORE}\\Export holds {waiting[0]}, the file event 87 names")
    return finding("corrupt-message", 0.9, said, confirmed=True, fix=fix)


# -- KB Q168556: the fix ---------------------------------------------------------------------------


def _free_folder(site: Site) -> str:
    """A new folder under ``C:\\CCMCOLD`` for each use (``EXPORT1``, ``EXPORT2`` ...): the
    article's "temporary directory outside of the Exchsrvr directory"."""
    n = 1
    while site.world.path(f"{PARKED}\\EXPORT{n}").exists():
        n += 1
    return f"{PARKED}\\EXPORT{n}"


def _start_and_watch(site: Site) -> bool:
    """Start the service from Control Panel and watch it start: True when Dr. Watson
    logged 4097 (the service's first polls run at the start, ``sim.connector.service``)."""
    log = site.world.eventlog
    mark = len(log.records)
    site.service.start()
    site.world.clock.advance(0)
    crashed = any(r.source == DRWATSON and r.event_id == 4097 for r in log.records[mark:])
    site.service.stop()
    return crashed


def _trial(site: Site, temp: str, group: list[str]) -> list[str]:
    """Steps 3-4: move ``group`` back to ``Export``, start the service; after a Dr. Watson
    move back to the temporary directory what of the group is still in ``Export``, with
    any file that start wrote there, and return them (the files to suspect); after a
    clean start leave them and return nothing. Files a clean start left are not touched.
    The article says "copy back" in step 3 and "move" in steps 4 and 5: moved here, so
    no message is in two places."""
    store = store_of(site)
    parked = site.world.path(temp)
    cleared = {n.casefold() for n in store.names(Folder.EXPORT)}
    for name in group:
        names = store.names(Folder.EXPORT)
        target = name
        if name.casefold() in {n.casefold() for n in names}:
            if not name.casefold().endswith(".ccm"):
                continue  # a newer dirsync file of that name is there: the old one stays out
            target = store.next_name(names)  # a message file never replaces another
        (parked / name).replace(store.path(Folder.EXPORT, target))
    if not _start_and_watch(site):
        return []
    suspects: list[str] = []
    for name in store.names(Folder.EXPORT):
        if name.casefold() in cleared:
            continue
        taken = {p.name.casefold() for p in parked.iterdir()}
        target = name if name.casefold() not in taken else _free_name(name, taken)
        store.path(Folder.EXPORT, name).replace(parked / target)
        suspects.append(target)
    return suspects


def _free_name(name: str, taken: set[str]) -> str:
    """``name`` with a number before its extension, free in the temporary directory."""
    stem, dot, ext = name.rpartition(".")
    n = 1
    while f"{stem}~{n}{dot}{ext}".casefold() in taken:
        n += 1
    return f"{stem}~{n}{dot}{ext}"


@fix(
    "isolate-export-file",
    cures="corrupt-message",
    summary="move the files out of Ccmcdata\\Export, start the service, then move them back "
    "half at a time, starting it each time, until the file causing the Dr. Watson is "
    "isolated; leave it out and start the service",
    article="Q168556",
)
def isolate_export_file(site: Site, params: None) -> None:
    """KB Q168556 RESOLUTION steps 1-5, halving the files each time. The file found
    stays in ``C:\\CCMCOLD\\EXPORTn`` (the article says isolate it, not delete it);
    every other message file goes back to ``Export``, so no other mail waits outside
    Exchsrvr (a dirsync file a start wrote anew keeps the new one; the old stays out).
    Modelled, not documented: halving (the article says "some of the files") and that a
    file EXPORT writes during a start that ends in a Dr. Watson is suspected too."""
    service = site.service
    service.stop()
    store = store_of(site)
    temp = _free_folder(site)
    parked = site.world.path(temp)
    parked.mkdir(parents=True)
    for name in store.names(Folder.EXPORT):  # step 1: move all the files out
        store.path(Folder.EXPORT, name).replace(parked / name)
    pending = [p.name for p in sorted(parked.iterdir())]
    pending += _trial(site, temp, [])  # step 2: the service starts without the Dr. Watson
    groups = [sorted(set(pending), key=str.casefold)]
    while groups:  # steps 3-5
        suspects = _trial(site, temp, groups.pop())
        if len(suspects) > 1:
            half = len(suspects) // 2
            groups += [suspects[half:], suspects[:half]]
    service.start()
