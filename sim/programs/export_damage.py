"""The damaged and PCX messages EXPORT meets in a queue: which it takes, which it leaves.

Source: KB Q212759 (a message EXPORT cannot read back stays queued), Q234745 (one
without ``Contents:`` leaves the queue, written alone), Q168556 (a message size
shorter than the message), Q202240 (Export 5.15, 6.0 and 8.0 stop inside a PCX
File item). What is modelled is said in each function; ``sim.programs.export``
runs it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

from sim.message import CODEPAGE, MessageFormatError, iter_messages, short_message
from sim.postoffice import records as rf
from sim.postoffice.layout import MLANDATA, Ref
from sim.postoffice.postoffice import Postoffice

__all__ = [
    "NO_CONTENTS",
    "PCX_STALLS",
    "SHORT_SIZE",
    "UNREADABLE",
    "damage",
    "pcx_stall",
    "up_to_unreadable",
]

#: what EXPORT finds wrong with a stored message (:func:`damage`)
NO_CONTENTS = "no Contents: line"
UNREADABLE = "cannot be read"
SHORT_SIZE = "message size shorter than the message"


def damage(text: bytes) -> str | None:
    """What is wrong with a stored message's text: None, ``NO_CONTENTS``, ``UNREADABLE``
    or ``SHORT_SIZE``.

    Modelled, not documented: a body that merely lost its ``Contents:`` line (KB
    Q234745) EXPORT can still copy; one whose item sizes do not cover its text (a
    damaged body record, KB Q212759) it cannot read back; one whose message size is
    smaller than the message (``sim.message.short_message``) reads whole, item by
    item, and EXPORT copies it as stored: the file that makes the connector's
    conversion take an exception (KB Q168556, ``sim.connector.flow``).
    """
    decoded = text.decode(CODEPAGE, "replace")
    try:
        for _ in iter_messages(io.StringIO(decoded, newline="")):
            pass
    except MessageFormatError as exc:
        return NO_CONTENTS if "Contents:" in exc.reason else UNREADABLE
    except ValueError:
        return None  # a date in another order: the text itself is whole
    return SHORT_SIZE if short_message(decoded) is not None else None


def up_to_unreadable(
    po: Postoffice, refs: Sequence[Ref], pcx: bool = False
) -> tuple[list[Ref], set[int], bytes | None]:
    """The queued messages one run takes, those it must leave queued, and, when the
    run stops short inside a PCX item (``pcx``: Export 5.15/6.0/8.0, :func:`pcx_stall`),
    the text it leaves in the file.

    Decided from the two articles together. KB Q212759 (a corrupted message *in the
    post office*): the same message goes to ``Bad`` at every poll under a new file
    name and nothing is added to ``Export``, so EXPORT cannot take it out of the
    queue. KB Q234745 (a ``.ccm`` missing ``Contents:`` "because of corruption in the
    body"): stopping the service and deleting "the stuck message" in ``Export``
    removes the corrupted message, so EXPORT took it out of the queue, and the file
    held that message alone (deleting it loses no other mail).

    So a damaged message ends a run: EXPORT takes the messages before it; when it
    is the first, EXPORT writes it alone, as stored. One it cannot read back stays
    queued and every run exports it again; one without ``Contents:``, or with a message
    size shorter than the message (KB Q168556), leaves the queue and the file in
    ``Export`` is its only copy. Modelled, not documented:
    which damage is which (the articles name the symptoms, not the bytes), and that
    a damaged message is written alone. A PCX message ends a run the same way (KB
    Q202240: the messages behind it "remain queued"), and stays queued.
    """
    with (po.path / MLANDATA).open("rb") as fh:
        for i, ref in enumerate(refs):
            fh.seek(ref.offset)
            head = fh.read(rf.RECORD_SIZE)
            payload = fh.read(rf.RECORD.unpack(head)[0]) if len(head) == rf.RECORD_SIZE else b""
            text = payload[4:]  # after the message number (u32)
            found = damage(text)
            cut = None if found is not None or not pcx else pcx_stall(text)
            if found is None and cut is None:
                continue
            if i:
                return list(refs[:i]), set(), None
            if cut is not None:
                return [ref], {ref.number}, text[:cut]
            return [ref], {ref.number} if found == UNREADABLE else set(), None
    return list(refs), set(), None


#: the Export versions KB Q202240 names: "cc:Mail DB6 - Export.exe version 5.15", "cc:Mail
#: DB8 - Export.exe version 6.0 and version 8.0"
PCX_STALLS = frozenset({"5.15", "6.0", "6.00", "8.0", "8.00"})
_FILE_ITEM = re.compile(rb"\r\nFile item: ?([^\r\n]*)\r\n(\d+)\r\n")


def pcx_stall(payload: bytes) -> int | None:
    """Where the copy of a stored message stops, when it holds a PCX File item (KB Q202240).

    KB Q202240: "The cc:Mail Export.exe program is not finishing exporting a message
    with a PC Paintbrush (PCX) attachment"; the message "may remain queued at the cc:Mail
    post office" and the connector moves the file to ``Bad`` with event 54, again at
    every poll. Modelled, not documented: that the file EXPORT leaves ends half-way
    through the PCX item's text (at a line end), so its size line promises more than
    the file holds; that the ending is the same at every run; that the item is known by
    its name ending in ``.PCX``; and that EXPORT still ends with 0 (the article shows
    event 54, not an EXPORT result code).
    """
    for match in _FILE_ITEM.finditer(payload):
        if not match.group(1).strip().upper().endswith(b".PCX"):
            continue
        start, size = match.end(), int(match.group(2))
        half = payload.rfind(b"\r\n", start, start + size // 2)
        return half + 2 if half >= start else start
    return None
