"""§8 row 12, corrupt-message: Corrupt message in PO / Export file.

Source: ccmail-reference.md §8 row 12 and Q212759, Q202240, Q234745, Q176375, Q168556.
This package is the cause's one home. Here: its §8 row (``CAUSE``), the faults of a
damaged message (Q212759, Q234745), the rule that diagnoses every variant from evidence
only, and the fix of Q212759/Q234745. A variant with its own mechanism and fix has its
own module: ``pcx`` (Q202240), ``section`` (Q176375) and ``drwatson`` (Q168556);
``_shared`` holds what they use.

Row 12 is confirmed by ``EXPORT /MSG#`` listing a message it cannot read, or by
files in ``Bad`` while Event 54 is still being logged; 54s that stopped more than
``QUIET`` before the evidence was taken are history (the corrupt message is gone).
Before 5.5 SP3 a ``.ccm`` without ``Contents:`` makes no event at all (KB Q234745):
Task Manager's ccmc.exe at ~90 % CPU with the file waiting in ``Export`` confirms it.
KB Q202240: a sound message with a PCX attachment that Export 5.15/6.0/8.0 does not
finish exporting; 54 every poll, the ``Bad`` files carry the PCX item and ``/MSG#`` reads
every message; forwarded to a cc:Mail mailbox and deleted from the queue (``forward-pcx-message``).
KB Q168556: 87 names a file in ``Export`` that is still there, Dr. Watson's 4097 for
ccmc beside it; the files are moved out and back half at a time until it is isolated
(``isolate-export-file``).
"""

from __future__ import annotations

import contextlib
import re
import shutil
from collections.abc import Sequence
from itertools import pairwise
from statistics import median

from harness.admin import run_as_service
from harness.build import Site
from harness.causes import Cause
from harness.causes._shared import PARKED, STORE, finding, quotes, store_of
from harness.causes.corrupt_message._shared import (
    CorruptParams,
    queue_damaged,
    recent,
    rewrite_payload,
)
from harness.causes.corrupt_message.drwatson import drwatson_finding
from harness.causes.corrupt_message.pcx import pcx_finding
from harness.causes.corrupt_message.section import section_crash
from harness.diagnosis import Finding
from harness.evidence import Evidence
from harness.registry import fault, fix, rule
from sim.connector.store import Folder
from sim.eventlog import EventRecord
from sim.postoffice.layout import DirectoryEntry
from sim.postoffice.postoffice import Postoffice

__all__ = ["CAUSE", "spoil_size", "strip_contents"]

CAUSE = Cause(
    12,
    "corrupt-message",
    title="Corrupt message in PO / Export file",
    articles=("Q212759", "Q202240", "Q234745", "Q176375", "Q168556"),
    symptoms=(
        "Event 54 every 15 s and growing `Bad`; or 82/83/86 → 85 shutdown; or 87 + "
        "Dr. Watson; or CCMC at ~90% CPU"
    ),
    confirm=(
        "Inspect `Bad` / `Export` / Export.bak files; `EXPORT … /MSG# /@list.txt` to "
        "find message number"
    ),
    fix=(
        "`EXPORT … /DELETE/<n>`, or forward+delete in PO queue, or remove the file "
        "from Export; apply SP"
    ),
    verify="No new 54/82/87; inbound resumes",
)


# -- faults: the world broken as a person or a crash would -----------------------------------------


def no_contents(payload: bytes) -> bytes:
    """From the ``Contents:`` line on, the text is one long header line (KB Q234745)."""
    cut = payload.index(b"\r\nContents:\r\n") + 2
    return payload[:cut] + b"Subject: " + b"~" * (len(payload) - cut - 11) + b"\r\n"


def wrong_size(payload: bytes) -> bytes:
    """The first text item's size no longer covers its text: each digit turned to 9 (to
    1 when all are nines), the width kept. Modelled: the damage of KB Q212759."""
    start = payload.index(b"\r\nText item:") + 2
    start = payload.index(b"\r\n", start) + 2
    end = payload.index(b"\r\n", start)
    digits = payload[start:end]
    other = b"1" if set(digits) == {ord("9")} else b"9"
    return payload[:start] + other * len(digits) + payload[end:]


def strip_contents(po: Postoffice, entry: DirectoryEntry, number: int) -> None:
    """Damage one stored message's body so it has no ``Contents:`` line (KB Q234745).
    EXPORT still takes it out of the queue; the file it writes is the only copy."""
    rewrite_payload(po, entry, number, no_contents)


def spoil_size(po: Postoffice, entry: DirectoryEntry, number: int) -> None:
    """Damage one stored message so EXPORT cannot read it back (KB Q212759): it stays
    queued and every poll exports it again."""
    rewrite_payload(po, entry, number, wrong_size)


# -- faults: the world broken as a person or a crash would -----------------------------------------


@fault(
    "corrupt-queued-message",
    summary="a corrupt message waits in the post office queue for Exchange",
    article="Q212759",
    params=CorruptParams,
)
def corrupt_queued_message(site: Site, params: CorruptParams | None) -> None:
    """A message EXPORT cannot read back: it stays queued (Q212759)."""
    queue_damaged(site, params, wrong_size)


@fault(
    "corrupt-message-body",
    summary="a message queued for Exchange has lost its Contents: line",
    article="Q234745",
    params=CorruptParams,
)
def corrupt_message_body(site: Site, params: CorruptParams | None) -> None:
    """A message whose body lost ``Contents:``; EXPORT takes it out of the queue (Q234745)."""
    queue_damaged(site, params, no_contents)


#: a symptom "every 15 s" repeats at most this far apart (15 s polls plus dirsync, §4.5)
EVERY_POLL = 60.0


def repeats_every(records: Sequence[EventRecord], seconds: float = EVERY_POLL) -> bool:
    """At least three records, typically no more than ``seconds`` apart."""
    if len(records) < 3:
        return False
    gaps = [(b.when - a.when).total_seconds() for a, b in pairwise(records)]
    return median(gaps) <= seconds


_UNREADABLE = re.compile(r"Message #: (\d+)\s*\r?\n\*\*\* Message cannot be read \*\*\*")


def _unreadable(ev: Evidence) -> list[str]:
    """Message numbers ``EXPORT /MSG#`` could not read (KB Q212759)."""
    return _UNREADABLE.findall(ev.msg_list.output) if ev.msg_list is not None else []


def _events_only(ev: Evidence) -> Finding | None:
    fix = "delete-corrupt-message"
    failed = ev.ccmc(54)
    if failed:
        score = 0.6 if repeats_every(failed) else 0.4
        return finding("corrupt-message", score, quotes(failed), confirmed=False, fix=fix)
    crashed = ev.ccmc(87, 82, 83)
    if crashed:
        score = 0.5 if ev.ccmc(87) else 0.4
        return finding("corrupt-message", score, quotes(crashed), confirmed=False, fix=fix)
    restarts, stopped = ev.ccmc(86), ev.ccmc(85)
    if restarts and stopped and not ev.ccmc(43):
        said = quotes(restarts) + quotes(stopped)[:1]
        return finding("corrupt-message", 0.4, said, confirmed=False, fix=fix)
    return None


#: ccmc.exe's CPU in Task Manager that counts as the loop of KB Q234745 ("up to 90 percent")
BUSY = 80


def _looping(ev: Evidence) -> list[str] | None:
    """KB Q234745: a ``.ccm`` in ``Ccmcdata\\Export`` without ``Contents:`` that stays
    there (no 54 moved it to ``Bad``), or ccmc.exe at ~90 % CPU while one waits there."""
    busy = [cpu for image, cpu in ev.processes or () if image.casefold() == "ccmc.exe"]
    stuck = [n for n in ev.folder("Export") or () if n.casefold().endswith(".ccm")]
    said: list[str] = []
    if busy and max(busy) >= BUSY and stuck:
        said.append(f"Task Manager: ccmc.exe at {max(busy)}% CPU")
    unreadable = [n for n in ev.export_no_contents or () if n in stuck]
    if unreadable and not ev.ccmc(54):
        said.append(f"{STORE}\\Export\\{unreadable[0]} has no Contents: line")
    if not said:
        return None
    return [*said, f"{STORE}\\Export holds {stuck[0]}"]


@rule(
    "corrupt-message",
    article="Q212759, Q202240, Q234745, Q176375, Q168556",
    explains=(54, 82, 83, 87, 86, 85, 4097),
)
def corrupt_message(ev: Evidence) -> Finding | None:
    """54 every 15 s and a growing ``Bad``; ``EXPORT /MSG#`` shows the unreadable message."""
    fix = "delete-corrupt-message"
    looping = _looping(ev)
    if looping is not None:
        return finding("corrupt-message", 0.9, looping, confirmed=True, fix=fix)
    pcx = pcx_finding(ev)
    if pcx is not None:
        return pcx
    restarting = section_crash(ev)  # KB Q176375
    if restarting is not None:
        return restarting
    crashed = drwatson_finding(ev)  # KB Q168556
    if crashed is not None:
        return crashed
    if ev.msg_list is None or ev.ccmcdata is None:
        return _events_only(ev)
    failed = ev.ccmc(54, 87, 82, 83)
    bad = [n for n in ev.folder("Bad") or () if n.casefold().endswith(".ccm")]
    numbers = _unreadable(ev)
    if numbers:
        said = [*quotes(failed), *(f"EXPORT /MSG#: message {n} cannot be read" for n in numbers)]
        if bad:
            said.append(f"{STORE}\\Bad holds {len(bad)} file(s)")
        return finding("corrupt-message", 0.95, said, confirmed=True, fix=fix)
    if failed and bad and recent(ev, failed[-1]):
        said = [*quotes(failed), f"{STORE}\\Bad holds {len(bad)} file(s): {bad[0]} ..."]
        return finding("corrupt-message", 0.8, said, confirmed=True, fix=fix)
    return None


# -- fix -------------------------------------------------------------------------------------------


SCRATCH = "C:\\CCSIMFIX"


def export_program(site: Site) -> str:
    """The EXPORT the connector runs (registry "Export", KB Q251360)."""
    return str(site.exchange.registry.get("Export", "EXPORT.EXE") or "EXPORT.EXE")


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
