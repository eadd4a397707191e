"""What the modules of corrupt-message share: the queue for Exchange, the damage done to
one of its messages, and how old a logged failure may be and still go on.

Source: ccmail-reference.md §8 row 12 and Q212759, Q234745, Q176375.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from datetime import timedelta

from pydantic import Field

from harness.build import Site
from harness.evidence import Evidence
from harness.params import Params
from sim.eventlog import EventRecord
from sim.message import Message
from sim.postoffice import records as rf
from sim.postoffice.layout import MLANDATA, T_MESSAGE, DirectoryEntry, Location
from sim.postoffice.postoffice import Postoffice

__all__ = [
    "QUIET",
    "CorruptParams",
    "Damage",
    "queue_damaged",
    "recent",
    "rewrite_payload",
    "site_queue",
]


#: a damage done to a stored message's payload, same length
Damage = Callable[[bytes], bytes]


def rewrite_payload(po: Postoffice, entry: DirectoryEntry, number: int, damage: Damage) -> None:
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


class CorruptParams(Params):
    subject: str = Field("Quarterly figures", min_length=1, max_length=80, description="Subject.")


def site_queue(site: Site) -> tuple[Postoffice, DirectoryEntry, str, str]:
    """The post office, the site's P entry, a local sender and an Exchange recipient."""
    po = Postoffice(site.po_path)
    entries = po.entries()
    queue = next((e for e in entries if e.name.casefold() == site.site.casefold()), None)
    if queue is None or not queue.mailbox:
        raise ValueError(f"no P entry {site.site} to queue mail in: run dirsync first")
    sender = next(e.name for e in entries if e.location is Location.LOCAL)
    return po, queue, f"{sender} at {site.po_name}", f"Administrator at {site.site}"


def queue_damaged(site: Site, params: CorruptParams | None, damage: Damage) -> None:
    """Queue one message for Exchange and damage it. It carries no tracking identity:
    whoever follows the articles deletes it on purpose (Q212759, Q234745)."""
    po, queue, sender, to = site_queue(site)
    subject = (params or CorruptParams()).subject
    message = Message(sender, site.world.clock.datetime, (to,), subject, "")
    (number,) = po.deliver(queue, [message])
    rewrite_payload(po, queue, number, damage)


#: a failure not logged again for this long has stopped (two dirsync intervals; modelled)
QUIET = timedelta(minutes=30)


def recent(ev: Evidence, record: EventRecord) -> bool:
    """Logged within ``QUIET`` of the newest evidence: a failure that still goes on."""
    now = ev.collected_at or ev.newest() or record.when
    return now - record.when < QUIET
