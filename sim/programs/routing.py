"""Where IMPORT delivers a message, and the reasons it refuses one.

Source: ccmail-reference.md §1.4 (addresses, ANR, ``P``/``p``/``r`` entries, ``#``
bulletin boards), §2.3 (header limit KB Q166499, Q266711; brackets KB Q232687,
Q234350). Modelled, not documented: that the address block counted against the
header limit is the From/To/Cc lines, and that without /PARTIAL one unknown
recipient makes the whole message undeliverable (:mod:`sim.programs.import_`);
that a recipient name past 126 characters is the message IMPORT reports to the
``.und`` and then ends with code 1 on (KB Q223772, :func:`too_long`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sim.message import DateStyle, Message
from sim.postoffice.layout import DirectoryEntry, Location

__all__ = [
    "HEADER_FULL",
    "HEADER_LIMIT",
    "NAME_LIMIT",
    "ImportRules",
    "Router",
    "header_full",
    "targets",
    "too_long",
]

#: the 4 KB address block of Import/Export up to 8.2x (KB Q166499)
HEADER_LIMIT = 4096


@dataclass(frozen=True, slots=True)
class ImportRules:
    """What this IMPORT version and its parameters accept."""

    date_style: DateStyle
    header_limit: int
    no_brackets: bool
    no_bracket_subject: bool
    partial: bool
    itemsize: bool


_AT = re.compile(r"^\s*(.*\S)\s+at\s+(\S+)\s*$", re.IGNORECASE)


class Router:
    """Recipient address -> the mailbox that takes the message (§1.4)."""

    def __init__(self, po_name: str, entries: Sequence[DirectoryEntry]) -> None:
        self.po_name = po_name.casefold()
        self.by_name = {e.name.casefold(): e for e in entries}

    def _queue(self, po_name: str) -> DirectoryEntry | None:
        """The ``P`` entry that carries mail for a post office (via a ``p`` entry's address)."""
        entry = self.by_name.get(po_name.casefold())
        if entry is not None and entry.location is Location.INDIRECT_PO:
            entry = self.by_name.get(entry.post_office.casefold())
        return entry if entry is not None and entry.location is Location.POST_OFFICE else None

    def _entry(self, name: str, depth: int = 0) -> DirectoryEntry | None:
        entry = self.by_name.get(name.casefold())
        if entry is None or entry.location in (Location.POST_OFFICE, Location.BULLETIN_BOARD):
            return None
        if entry.mailbox:
            return entry
        if entry.location in (Location.ALIAS, Location.REMOTE_ALIAS) and depth == 0:
            return self.route(entry.address, depth=1)
        return self._queue(entry.post_office) if entry.post_office else None

    def route(self, address: str, depth: int = 0) -> DirectoryEntry | None:
        match = _AT.match(address)
        name, po_name = (match.group(1), match.group(2)) if match else (address.strip(), "")
        if po_name and po_name.casefold() != self.po_name:
            return self._queue(po_name)
        if name.startswith("#"):
            board = self.by_name.get(name[1:].casefold())
            return (
                board if board is not None and board.location is Location.BULLETIN_BOARD else None
            )
        return self._entry(name, depth)


#: the NDR text of a header over the limit (KB Q166499)
HEADER_FULL = "Header Buffer Full."


def _past_limit(message: Message, limit: int) -> int:
    """How many address lines end past the header limit (0: the header fits)."""
    size = len(f"From: {message.sender}\r\n")
    over = 1 if size > limit else 0
    lines = [f"To: {a}\r\n" for a in message.to] + [f"Cc: {a}\r\n" for a in message.cc]
    for line in lines:
        size += len(line)
        if size > limit:
            over += 1
    return over


def header_full(over: int) -> str:
    """KB Q166499: "Header Buffer Full." may be "repeated for each additional recipient
    that goes beyond the 4-KB header limit": once per address line past it."""
    return " ".join([HEADER_FULL] * over)


def _problems(message: Message, rules: ImportRules) -> str | None:
    """Whole-message reasons (§2.3): header size, brackets."""
    over = _past_limit(message, rules.header_limit)
    if over:
        return header_full(over)
    if rules.no_brackets and any("[" in a or "]" in a for a in message.recipients):
        return "Invalid character '[' or ']' in an address"
    if rules.no_bracket_subject and "[" in message.subject and "]" in message.subject:
        return "Invalid characters '[' and ']' in the subject"
    if not message.recipients:
        return "No recipients"
    return None


def targets(
    message: Message, router: Router, rules: ImportRules
) -> tuple[list[DirectoryEntry], str]:
    """The mailboxes to deliver to (one each) and the reason some or all were refused."""
    problem = _problems(message, rules)
    if problem:
        return [], problem
    boxes: dict[int, DirectoryEntry] = {}
    unknown = []
    for address in message.recipients:
        entry = router.route(address)
        if entry is None:
            unknown.append(address)
        else:
            boxes.setdefault(entry.mailbox, entry)
    reason = f"Address(es) were unknown: {'; '.join(unknown)}" if unknown else ""
    if unknown and not rules.partial:
        return [], reason
    return list(boxes.values()), reason


#: the longest recipient name IMPORT finishes a message for (modelled, KB Q223772)
NAME_LIMIT = 126


def too_long(message: Message) -> str | None:
    """The first recipient whose name is past :data:`NAME_LIMIT`, or None.

    KB Q223772 gives no reason for IMPORT's code 1 ("If, for whatever reason, the
    connector receives a message that the cc:Mail IMPORT program returns result
    code 1"). Modelled, not documented: a name (the address without ``at <PO>``)
    longer than 126 characters, as an Exchange user may type a one-off address.
    """
    for address in message.recipients:
        name, sep, _ = address.strip().rpartition(" at ")
        if len((name if sep else address).strip()) > NAME_LIMIT:
            return address
    return None
