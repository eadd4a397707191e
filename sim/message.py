"""Messages and the cc:Mail Import/Export text format (``.ccm`` files).

Source: ccmail-reference.md §2.3 (the KB Q184052 sample, ``Contents:`` mandatory
per KB Q234745, 20 KB text items per EX50-RN 2.6.15, dates per KB Q180641).

The confirmed sample::

    Message:
    179
    From: Grewal, Jeff at Hub
    Date: 6/2/98 8:39
    To: Admin at HUBPO2
    Subject: Another message
    Contents:
    58
    Text item:
    32
    This is the message body

Modelled, not documented (§2.3 marks these unknown):

* the numbers written under ``/ITEMSIZE`` count the bytes, CR/LF included, from
  the line after the number to the end of the message, of the contents, and of
  the item text respectively;
* ``Cc:`` lines (one recipient each, like ``To:``) and a title after
  ``Text item:``;
* lines end in CR/LF and text is in DOS code page 850.

Every message the simulation creates carries an identity so the conservation
checker can follow it anywhere. It travels as the last line of the body,
``ccsim-id: <id>``, so the file format itself is untouched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import IO

__all__ = [
    "CODEPAGE",
    "DateStyle",
    "Message",
    "MessageFormatError",
    "format_date",
    "iter_messages",
    "parse_date",
    "parse_sized_message",
    "render_message",
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

    def with_ident(self, ident: str | None) -> Message:
        return replace(self, ident=ident)

    @property
    def recipients(self) -> tuple[str, ...]:
        return self.to + self.cc


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


def _body_with_trace(message: Message) -> str:
    body = message.body
    if message.ident is not None:
        body = (body + EOL if body else "") + TRACE + message.ident
    return body


def _text_block(text: str) -> str:
    lines = text.replace("\r\n", "\n").split("\n")
    return "".join(line + EOL for line in lines)


def _item(kind: str, title: str, text: str, itemsize: bool) -> str:
    block = _text_block(text)
    head = f"{kind} item:{(' ' + title) if title else ''}{EOL}"
    if itemsize:
        return f"{head}{len(block)}{EOL}{block}"
    return head + block


def render_message(
    message: Message, *, itemsize: bool = True, date_style: DateStyle = DateStyle.US
) -> str:
    """One message in the Import/Export text format."""
    head = [f"From: {message.sender}", f"Date: {format_date(message.date, date_style)}"]
    head += [f"To: {r}" for r in message.to]
    head += [f"Cc: {r}" for r in message.cc]
    head.append(f"Subject: {message.subject}")
    items = [_item("Text", "", _body_with_trace(message), itemsize)]
    items += [_item(kind, title, text, itemsize) for kind, title, text in message.items]
    contents = "".join(items)
    rest = "".join(line + EOL for line in head) + "Contents:" + EOL
    if itemsize:
        size = len(contents)
        rest += f"{size}{EOL}{contents}"
        total = len(rest)
        return f"Message:{EOL}{total}{EOL}{rest}"
    return f"Message:{EOL}{rest}{contents}"


@dataclass(slots=True)
class _Draft:
    line: int
    sender: str = ""
    date_text: str = ""
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    subject: str = ""
    items: list[tuple[str, str, str]] = field(default_factory=list)


_HEADERS = {"from", "date", "to", "cc", "subject"}


class _Reader:
    """Line reader over a text stream that counts lines for error messages."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self.line = 0
        self._pushed: str | None = None

    def next(self) -> str | None:
        if self._pushed is not None:
            text, self._pushed = self._pushed, None
            self.line += 1
            return text
        raw = self._stream.readline()
        if raw == "":
            return None
        self.line += 1
        return raw.rstrip("\r\n")

    def push(self, text: str) -> None:
        self._pushed = text
        self.line -= 1

    def read_exact(self, size: int) -> str:
        """Read ``size`` bytes' worth of lines (code page 850 is one byte a character)."""
        parts: list[str] = []
        remaining = size
        while remaining > 0:
            raw = self._stream.readline()
            if raw == "":
                raise MessageFormatError(self.line + 1, f"file ends {remaining} bytes early")
            self.line += 1
            text = raw.rstrip("\r\n")
            remaining -= len(text) + 2
            parts.append(text)
        if remaining < 0:
            raise MessageFormatError(self.line, "item size does not end on a line boundary")
        return "\n".join(parts)


def _expect_number(reader: _Reader, what: str) -> int:
    text = reader.next()
    if text is None or not text.strip().isdigit():
        raise MessageFormatError(reader.line, f"expected the {what} size (a number), got {text!r}")
    return int(text)


def _read_items(reader: _Reader, itemsize: bool, draft: _Draft) -> None:
    while True:
        text = reader.next()
        if text is None:
            return
        if text.startswith("Message:"):
            reader.push(text)
            return
        match = re.match(r"^(Text|File) item:\s?(.*)$", text)
        if not match:
            if not draft.items:
                raise MessageFormatError(reader.line, f"expected 'Text item:', got {text!r}")
            kind, title, body = draft.items[-1]
            draft.items[-1] = (kind, title, body + "\n" + text)
            continue
        if itemsize:
            size = _expect_number(reader, "item")
            draft.items.append((match.group(1), match.group(2), reader.read_exact(size)))
        else:
            draft.items.append((match.group(1), match.group(2), ""))
            nxt = reader.next()
            if nxt is None:
                return
            if nxt.startswith(("Message:", "Text item:", "File item:")):
                reader.push(nxt)
            else:
                kind, title, _ = draft.items[-1]
                draft.items[-1] = (kind, title, nxt)


def _set_header(draft: _Draft, key: str, value: str) -> None:
    if key == "to":
        draft.to.append(value)
    elif key == "cc":
        draft.cc.append(value)
    elif key == "from":
        draft.sender = value
    elif key == "date":
        draft.date_text = value
    else:
        draft.subject = value


def _read_one(reader: _Reader, itemsize: bool) -> _Draft:
    draft = _Draft(line=reader.line)
    if itemsize:
        _expect_number(reader, "message")
    while True:
        text = reader.next()
        if text is None:
            raise MessageFormatError(reader.line, "message has no 'Contents:' line")
        if text == "Contents:":
            break
        key, sep, value = text.partition(":")
        if not sep or key.strip().casefold() not in _HEADERS:
            raise MessageFormatError(reader.line, f"unknown header line {text!r}")
        _set_header(draft, key.strip().casefold(), value.strip())
    if itemsize:
        _expect_number(reader, "contents")
    _read_items(reader, itemsize, draft)
    return draft


def _finish(draft: _Draft, date_style: DateStyle) -> Message:
    if not draft.sender:
        raise MessageFormatError(draft.line, "message has no 'From:' line")
    if not draft.date_text:
        raise MessageFormatError(draft.line, "message has no 'Date:' line")
    date = parse_date(draft.date_text, date_style)
    items = list(draft.items)
    body = ""
    if items and items[0][0] == "Text":
        body = items.pop(0)[2]
    ident = None
    head, _, last = body.rpartition("\n")  # no newline: head "" and last the whole body
    if last.startswith(TRACE):
        ident = last[len(TRACE) :]
        body = head
    return Message(
        sender=draft.sender,
        date=date,
        to=tuple(draft.to),
        cc=tuple(draft.cc),
        subject=draft.subject,
        body=body,
        ident=ident,
        items=tuple(items),
    )


def iter_messages(
    stream: IO[str],
    *,
    itemsize: bool = True,
    date_style: DateStyle = DateStyle.US,
    on_bad_date: list[tuple[int, str]] | None = None,
) -> Iterator[Message]:
    """Parse messages one at a time from a text stream (``newline=''`` recommended).

    Raises MessageFormatError for a malformed file. A message whose date does not
    fit ``date_style`` raises too, unless ``on_bad_date`` is given: then it is
    skipped and ``(line, date text)`` appended there.
    """
    reader = _Reader(stream)
    while True:
        text = reader.next()
        if text is None:
            return
        if not text.strip():
            continue
        if text != "Message:":
            raise MessageFormatError(reader.line, f"expected 'Message:', got {text!r}")
        draft = _read_one(reader, itemsize)
        try:
            yield _finish(draft, date_style)
        except ValueError as exc:
            if on_bad_date is None or isinstance(exc, MessageFormatError):
                if isinstance(exc, MessageFormatError):
                    raise
                raise MessageFormatError(draft.line, f"{exc}: {draft.date_text!r}") from None
            on_bad_date.append((draft.line, draft.date_text))


_ITEM = re.compile(r"^(Text|File) item:\s?(.*)$")


def _sized_items(lines: list[str], i: int, draft: _Draft) -> bool:
    """The ``/ITEMSIZE`` items from ``lines[i]`` on; False when not well formed."""
    n = len(lines)
    while i < n:
        match = _ITEM.match(lines[i])
        if match is None or i + 1 >= n or not lines[i + 1].isdigit():
            return False
        remaining = int(lines[i + 1])
        i += 2
        start = i
        while remaining > 0 and i < n:
            remaining -= len(lines[i]) + 2
            i += 1
        if remaining != 0:
            return False
        draft.items.append((match.group(1), match.group(2), "\n".join(lines[start:i])))
    return True


def parse_sized_message(text: str, date_style: DateStyle = DateStyle.US) -> Message | None:
    """One well-formed ``/ITEMSIZE`` message (CR/LF lines) parsed from a string, fast.

    Returns None for anything out of the ordinary (a bad date, a malformed line,
    bare LF line ends): the caller then parses with :func:`iter_messages`, which
    gives the exact error. The result equals what :func:`iter_messages` returns.
    """
    if text.count("\n") != text.count("\r\n"):
        return None
    lines = text.split("\r\n")
    if lines and lines[-1] == "":
        lines.pop()
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if len(lines) < i + 4 or lines[i] != "Message:" or not lines[i + 1].isdigit():
        return None
    draft = _Draft(line=i + 1)
    i += 2
    try:
        while lines[i] != "Contents:":
            key, sep, value = lines[i].partition(":")
            key = key.strip().casefold()
            if not sep or key not in _HEADERS:
                return None
            _set_header(draft, key, value.strip())
            i += 1
        if not lines[i + 1].isdigit():
            return None
    except IndexError:
        return None
    if not _sized_items(lines, i + 2, draft):
        return None
    try:
        return _finish(draft, date_style)
    except ValueError:
        return None
