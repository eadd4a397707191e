"""A message, its dates, and the error a malformed ``.ccm`` file raises.

Source: ccmail-reference.md §2.3 (dates per KB Q180641, 20 KB text items per
EX50-RN 2.6.15). The text format itself is described in :mod:`sim.message`;
:mod:`sim.message.render` writes it and :mod:`sim.message.parse` reads it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

__all__ = [
    "CODEPAGE",
    "EOL",
    "TEXT_ITEM_LIMIT",
    "TRACE",
    "DateStyle",
    "Message",
    "MessageFormatError",
    "body_as_file",
    "format_date",
    "parse_date",
]

#: a single-byte code page: a character (or its "?" replacement) is one byte, so the
#: /ITEMSIZE byte counts are string lengths
CODEPAGE = "cp850"
EOL = "\r\n"
TRACE = "ccsim-id: "
#: a text item is at most 20 KB (EX50-RN 2.6.15)
TEXT_ITEM_LIMIT = 20 * 1024


class DateStyle(StrEnum):
    """Date orders of the ``Date:`` line (KB Q180641 "Locale Date Format" 1/2/3)."""

    US = "M/D/YY"
    EUROPEAN = "D/M/YY"
    JAPANESE = "YY/M/D"


class MessageFormatError(ValueError):
    """A ``.ccm`` file that does not follow the format; ``line`` is 1-based."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Message:
    """One message: addresses are ``Name at PO`` strings, or bare names under ANR."""

    sender: str
    date: datetime
    to: tuple[str, ...]
    subject: str
    body: str
    cc: tuple[str, ...] = ()
    ident: str | None = None
    #: further items, as (kind, title, text); kind is "Text" or "File"
    items: tuple[tuple[str, str, str], ...] = field(default=())
    #: header lines with keywords the sim does not act on, as (keyword, value), in order
    extra: tuple[tuple[str, str], ...] = field(default=())

    def with_ident(self, ident: str | None) -> Message:
        return replace(self, ident=ident)

    @property
    def recipients(self) -> tuple[str, ...]:
        return self.to + self.cc


def text_size(text: str) -> int:
    """The bytes of a text item as written: CR/LF line ends, one byte a character."""
    return len(text) + text.count("\n")


def body_as_file(message: Message, title: str) -> Message:
    """A body larger than a text item may be (20 KB) moved into a File item first.

    EX50-RN 2.6.15 and the General page (EX55-DOC xog08008): a body over 20 KB
    becomes an attachment in cc:Mail. KB Q190555: from Exchange 5.5 SP2 the
    connector does it, naming the attachment ``Unnamed.txt``; before, "the
    cc:Mail side converted the message body to an attachment, but the attachment
    did not have an association" (IMPORT; modelled as a File item with no name).
    The Text item that is left holds only the trace line (``sim.message``).
    """
    if text_size(message.body) <= TEXT_ITEM_LIMIT:
        return message
    return replace(message, body="", items=(("File", title, message.body), *message.items))


def format_date(when: datetime, style: DateStyle = DateStyle.US) -> str:
    """``6/2/98 8:39`` in the given order (KB Q184052 sample; KB Q180641)."""
    yy = f"{when.year % 100:02d}"
    if style is DateStyle.US:
        day = f"{when.month}/{when.day}/{yy}"
    elif style is DateStyle.EUROPEAN:
        day = f"{when.day}/{when.month}/{yy}"
    else:
        day = f"{yy}/{when.month}/{when.day}"
    return f"{day} {when.hour}:{when.minute:02d}"


_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{1,2}) (\d{1,2}):(\d{2})$")


def parse_date(text: str, style: DateStyle = DateStyle.US) -> datetime:
    """Parse a ``Date:`` value the way Import 5.12-5.15 does: with one fixed order.

    Raises ValueError ("Unknown Date Format") when the text does not fit the order.
    Two-digit years below 80 are 20xx (modelled, not documented).
    """
    m = _DATE.match(text.strip())
    if not m:
        raise ValueError("Unknown Date Format")
    a, b, c, hour, minute = (int(g) for g in m.groups())
    if style is DateStyle.US:
        month, day, yy = a, b, c
    elif style is DateStyle.EUROPEAN:
        day, month, yy = a, b, c
    else:
        yy, month, day = a, b, c
    year = 2000 + yy if yy < 80 else 1900 + yy
    try:
        return datetime(year, month, day, hour, minute)
    except ValueError:
        raise ValueError("Unknown Date Format") from None
