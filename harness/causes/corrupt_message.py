"""§8 row 12, corrupt-message: Corrupt message in PO / Export file.

Source: ccmail-reference.md §8 row 12 and Q212759, Q202240, Q234745, Q176375, Q168556.
This module is the cause's one home: its §8 row (``CAUSE``), the faults that reproduce
it, the rule that diagnoses it from evidence only, and its fix.

Row 12 is confirmed by ``EXPORT /MSG#`` listing a message it cannot read, or by
files in ``Bad`` while Event 54 is still being logged; 54s that stopped more than
``QUIET`` before the evidence was taken are history (the corrupt message is gone).
Before 5.5 SP3 a ``.ccm`` without ``Contents:`` makes no event at all (KB Q234745):
Task Manager's ccmc.exe at ~90 % CPU with the file waiting in ``Export`` confirms it.
KB Q202240: a sound message with a PCX attachment that Export 5.15/6.0/8.0 does not
finish exporting; 54 every poll, the ``Bad`` files carry the PCX item and ``/MSG#`` reads
every message; forwarded to a cc:Mail mailbox and deleted from the queue (``forward-pcx-message``).
"""

from __future__ import annotations

import contextlib
import re
import shutil
import zlib
from collections.abc import Callable
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path
from statistics import median

from pydantic import Field

from harness.admin import run_as_service
from harness.build import Site
from harness.causes import Cause
from harness.causes._shared import PARKED, STORE, finding, quotes, store_of
from harness.diagnosis import Finding
from harness.evidence import Evidence, with_pcx_item
from harness.params import Params
from harness.registry import fault, fix, rule
from sim.connector.flow import SECTION_FIX_SP
from sim.connector.store import Folder
from sim.eventlog import EventRecord
from sim.message import Message
from sim.postoffice import records as rf
from sim.postoffice.layout import MLANDATA, T_MESSAGE, DirectoryEntry, Location
from sim.postoffice.postoffice import Postoffice

__all__ = ["CAUSE"]

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


#: a damage done to a stored message's payload, same length
Damage = Callable[[bytes], bytes]


def _rewrite_payload(po: Postoffice, entry: DirectoryEntry, number: int, damage: Damage) -> None:
    """Damage the stored text of one message; the record keeps its size and a right
    checksum, so only the message text is wrong (ANALYZE sees a sound record)."""
    ref = next(r for r in po.refs(entry) if r.number == number)
    path = po.path / MLANDATA
    data = bytearray(path.read_bytes())
    size = rf.RECORD.unpack_from(data, ref.offset)[0]
    start = ref.offset + rf.RECORD_SIZE
    payload = damage(bytes(data[start : start + size]))
    assert len(payload) == size
    data[start : start + size] = payload
    data[ref.offset : start] = rf.RECORD.pack(size, rf.LIVE, T_MESSAGE, zlib.crc32(payload))
    path.write_bytes(bytes(data))


def _no_contents(payload: bytes) -> bytes:
    """From the ``Contents:`` line on, the text is one long header line (KB Q234745)."""
    cut = payload.index(b"\r\nContents:\r\n") + 2
    return payload[:cut] + b"Subject: " + b"~" * (len(payload) - cut - 11) + b"\r\n"


def _wrong_size(payload: bytes) -> bytes:
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
    _rewrite_payload(po, entry, number, _no_contents)


def spoil_size(po: Postoffice, entry: DirectoryEntry, number: int) -> None:
    """Damage one stored message so EXPORT cannot read it back (KB Q212759): it stays
    queued and every poll exports it again."""
    _rewrite_payload(po, entry, number, _wrong_size)


class CorruptParams(Params):
    subject: str = Field("Quarterly figures", min_length=1, max_length=80, description="Subject.")


def _site_queue(site: Site) -> tuple[Postoffice, DirectoryEntry, str, str]:
    """The post office, the site's P entry, a local sender and an Exchange recipient."""
    po = Postoffice(site.po_path)
    entries = po.entries()
    queue = next((e for e in entries if e.name.casefold() == site.site.casefold()), None)
    if queue is None or not queue.mailbox:
        raise ValueError(f"no P entry {site.site} to queue mail in: run dirsync first")
    sender = next(e.name for e in entries if e.location is Location.LOCAL)
    return po, queue, f"{sender} at {site.po_name}", f"Administrator at {site.site}"


def _queue_damaged(site: Site, params: CorruptParams | None, damage: Damage) -> None:
    """Queue one message for Exchange and damage it. It carries no tracking identity:
    whoever follows the articles deletes it on purpose (Q212759, Q234745)."""
    po, queue, sender, to = _site_queue(site)
    subject = (params or CorruptParams()).subject
    message = Message(sender, site.world.clock.datetime, (to,), subject, "")
    (number,) = po.deliver(queue, [message])
    _rewrite_payload(po, queue, number, damage)


@fault(
    "corrupt-queued-message",
    summary="a corrupt message waits in the post office queue for Exchange",
    article="Q212759",
    params=CorruptParams,
)
def corrupt_queued_message(site: Site, params: CorruptParams | None) -> None:
    """A message EXPORT cannot read back: it stays queued (Q212759)."""
    _queue_damaged(site, params, _wrong_size)


@fault(
    "corrupt-message-body",
    summary="a message queued for Exchange has lost its Contents: line",
    article="Q234745",
    params=CorruptParams,
)
def corrupt_message_body(site: Site, params: CorruptParams | None) -> None:
    """A message whose body lost ``Contents:``; EXPORT takes it out of the queue (Q234745)."""
    _queue_damaged(site, params, _no_contents)


# -- KB Q202240: a PCX attachment EXPORT 5.15/6.0/8.0 does not finish -----------------------------


#: the attachment of the Q202240 faults: a PC Paintbrush picture (file items are text here)
PCX_NAME = "CHART.PCX"


def pcx_message(sender: str, to: str, when: datetime, subject: str) -> Message:
    """A message with a PC Paintbrush (PCX) attachment (KB Q202240); no tracking identity."""
    picture = "".join(f"PCX scan line {n:04d} {'#' * 48}\n" for n in range(64))
    return Message(
        sender, when, (to,), subject, "See the chart.", items=(("File", PCX_NAME, picture),)
    )


class PcxParams(Params):
    subject: str = Field("Sales chart", min_length=1, max_length=80, description="Subject.")


@fault(
    "pcx-attachment-queued",
    summary="a message with a PCX attachment waits in the post office queue for Exchange",
    article="Q202240",
    params=PcxParams,
)
def pcx_attachment_queued(site: Site, params: PcxParams | None) -> None:
    """A user sends a PC Paintbrush picture to Exchange; the world is sound (KB Q202240).

    Export 5.15, 6.0 and 8.0 do not finish exporting it (``sim.programs.export``), so it
    stays queued and comes back to ``Bad`` at every poll.
    """
    po, queue, sender, to = _site_queue(site)
    subject = (params or PcxParams()).subject
    when = site.world.clock.datetime
    po.deliver(queue, [pcx_message(sender, to, when, subject)])


def _pcx_finding(ev: Evidence) -> Finding | None:
    """KB Q202240: 54 still logged and the files in ``Bad`` carry a PCX File item (step 1:
    open them in Notepad)."""
    failed = ev.ccmc(54)
    pcx = [n for n in ev.bad_pcx or () if n in (ev.folder("Bad") or ())]
    if not (pcx and failed and _recent(ev, failed[-1])):
        return None
    said = [
        *quotes(failed),
        f"{STORE}\\Bad holds {len(pcx)} file(s) with a PCX File item: {pcx[0]}",
    ]
    return finding("corrupt-message", 0.9, said, confirmed=True, fix="forward-pcx-message")


def _headers(path: Path) -> tuple[str, str]:
    """From: and Subject: of a ``.ccm`` file, as Notepad shows them."""
    text = path.read_bytes()[:4096].decode("cp850", "replace")
    found = dict(re.findall(r"^(From|Subject): ?(.*?)\r?$", text, re.MULTILINE))
    return found.get("From", ""), found.get("Subject", "")


@fix(
    "forward-pcx-message",
    cures="corrupt-message",
    summary="find the message of the Bad files in the post office queue, forward it to a "
    "cc:Mail mailbox, delete it from the queue; restart",
    article="Q202240",
)
def forward_pcx_message(site: Site, params: None) -> None:
    """KB Q202240 steps 1-4. The copy goes to its sender's mailbox (the article says
    "another cc:Mail mailbox"; which one is modelled), so the picture is not lost."""
    service = site.service
    service.stop()
    store = store_of(site)
    wanted = {_headers(store.path(Folder.BAD, n)) for n in with_pcx_item(store.path(Folder.BAD))}
    po = Postoffice(site.po_path)
    queue = po.find(site.site)
    if queue is None or not queue.mailbox:
        raise ValueError(f"no P entry {site.site}: nothing is queued")
    local = [e for e in po.entries() if e.location is Location.LOCAL and e.mailbox]
    for stored in po.mailbox(queue):
        m = stored.message
        if (m.sender, m.subject) not in wanted:
            continue
        name = m.sender.rsplit(" at ", 1)[0].casefold()
        to = next((e for e in local if e.name.casefold() == name), local[0])
        po.deliver(to, [m])
        po.remove_messages(queue, [stored.number])
    service.start()


# -- diagnosis: from evidence only -----------------------------------------------------------------


#: a symptom "every 15 s" repeats at most this far apart (15 s polls plus dirsync, §4.5)
EVERY_POLL = 60.0


def repeats_every(records: list[EventRecord], seconds: float = EVERY_POLL) -> bool:
    """At least three records, typically no more than ``seconds`` apart."""
    if len(records) < 3:
        return False
    gaps = [(b.when - a.when).total_seconds() for a, b in pairwise(records)]
    return median(gaps) <= seconds


#: a failure not logged again for this long has stopped (two dirsync intervals; modelled)
QUIET = timedelta(minutes=30)


_UNREADABLE = re.compile(r"Message #: (\d+)\s*\r?\n\*\*\* Message cannot be read \*\*\*")


def _unreadable(ev: Evidence) -> list[str]:
    """Message numbers ``EXPORT /MSG#`` could not read (KB Q212759)."""
    return _UNREADABLE.findall(ev.msg_list.output) if ev.msg_list is not None else []


def _recent(ev: Evidence, record: EventRecord) -> bool:
    """Logged within ``QUIET`` of the newest evidence: a failure that still goes on."""
    now = ev.collected_at or max(e.when for e in ev.events)
    return now - record.when < QUIET


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
    explains=(54, 82, 83, 87, 86, 85),
)
def corrupt_message(ev: Evidence) -> Finding | None:
    """54 every 15 s and a growing ``Bad``; ``EXPORT /MSG#`` shows the unreadable message."""
    fix = "delete-corrupt-message"
    looping = _looping(ev)
    if looping is not None:
        return finding("corrupt-message", 0.9, looping, confirmed=True, fix=fix)
    pcx = _pcx_finding(ev)
    if pcx is not None:
        return pcx
    restarting = _section_crash(ev)  # KB Q176375
    if restarting is not None:
        return restarting
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
    if failed and bad and _recent(ev, failed[-1]):
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


# -- KB Q176375: an illegal section name, 82/83 and 86 up to 25, then 85 ---------------------------


def _illegal_section(payload: bytes) -> bytes:
    """The first line of the first text item becomes a section heading no CCMC 5.0 before its
    service pack handles (``Memo item:``, the length kept). Modelled: the damage of Q176375."""
    start = payload.index(b"\r\nText item:") + 2
    start = payload.index(b"\r\n", start) + 2  # the item size
    start = payload.index(b"\r\n", start) + 2  # the text
    end = payload.index(b"\r\n", start)
    heading = b"Memo item:"
    if end - start < len(heading):
        raise ValueError("the message text is too short to hold a section name")
    return payload[:start] + heading.ljust(end - start) + payload[end:]


def add_section_name(po: Postoffice, entry: DirectoryEntry, number: int) -> None:
    """Damage one stored message's text so it holds an illegal section name (KB Q176375).
    EXPORT writes it like any other message."""
    _rewrite_payload(po, entry, number, _illegal_section)


@fault(
    "illegal-section-name",
    summary="a message queued for Exchange holds an illegal section name (Exchange 5.0)",
    article="Q176375",
    params=CorruptParams,
)
def illegal_section_name(site: Site, params: CorruptParams | None) -> None:
    """EXPORT writes it like any other message; the CCMC 5.0 conversion throws (Q176375)."""
    po, queue, sender, to = _site_queue(site)
    subject = (params or CorruptParams()).subject
    body = "The figures for the quarter are below."
    message = Message(sender, site.world.clock.datetime, (to,), subject, body)
    (number,) = po.deliver(queue, [message])
    add_section_name(po, queue, number)


def _section_crash(ev: Evidence) -> Finding | None:
    """83 "caught in function dwCCExport" with 86 restarts or 85, a ``.ccm`` waiting in
    ``Export``; confirmed on Exchange 5.0 before its service pack (KB Q176375)."""
    caught = [e for e in ev.ccmc(83) if "dwCCExport" in e.description]
    ended = ev.ccmc(85) or ev.ccmc(86)
    waiting = [n for n in ev.folder("Export") or () if n.casefold().endswith(".ccm")]
    if not caught or not ended or not waiting:
        return None
    said = [*quotes(ev.ccmc(82))[:1], *quotes(caught), *quotes(ended)[-1:]]
    said.append(f"{STORE}\\Export holds {waiting[0]}")
    ex = ev.exchange
    if ex is None:
        return finding("corrupt-message", 0.6, said, confirmed=False, fix="install-exchange-50-sp")
    if not (ex.version.startswith("5.0") and ex.service_pack < SECTION_FIX_SP):
        return None
    said.append(f"Exchange {ex.version} SP{ex.service_pack}: before the fix of Q176375")
    return finding("corrupt-message", 0.9, said, confirmed=True, fix="install-exchange-50-sp")


@fix(
    "install-exchange-50-sp",
    cures="corrupt-message",
    summary="install the latest Exchange 5.0 service pack (SP2), then start the service; "
    "the file left in Ccmcdata\\Export converts",
    article="Q176375",
)
def install_exchange_50_sp(site: Site, params: None) -> None:
    """KB Q176375 STATUS: corrected in the latest U.S. service pack for Exchange 5.0."""
    site.service.stop()
    site.exchange.service_pack = max(site.exchange.service_pack, SECTION_FIX_SP)
    site.service.start()
