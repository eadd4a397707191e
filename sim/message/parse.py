"""Reading messages from the cc:Mail Import/Export text format (``.ccm``).

Two readers with one result: :func:`iter_messages` streams any file and names the
line of the first error; :func:`parse_sized_message` is the fast path for one
well-formed ``/ITEMSIZE`` message and gives up (None) on anything else. The format
is described in :mod:`sim.message` (ccmail-reference.md §2.3, KB Q234745).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

from sim.message.model import TRACE, DateStyle, Message, MessageFormatError, parse_date

__all__ = ["iter_messages", "parse_sized_message", "short_message"]


@dataclass(slots=True)
class _Draft:
    line: int
    sender: str = ""
    date_text: str = ""
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    subject: str = ""
    items: list[tuple[str, str, str]] = field(default_factory=list)
    extra: list[tuple[str, str]] = field(default_factory=list)


_HEADERS = {"from", "date", "to", "cc", "subject"}
#: a header keyword the sim does not act on is kept (``sim.message``): a word or words
_KEYWORD = re.compile(r"[A-Za-z][A-Za-z0-9 _-]{0,39}")


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


def _header(draft: _Draft, text: str) -> bool:
    """Take one header line; False when it is not ``Keyword: value``."""
    key, sep, value = text.partition(":")
    name = key.strip()
    if not sep or not _KEYWORD.fullmatch(name):
        return False
    folded = name.casefold()
    if folded in _HEADERS:
        _set_header(draft, folded, value.strip())
    else:
        draft.extra.append((name, value.strip()))
    return True


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
        if not _header(draft, text):
            raise MessageFormatError(reader.line, f"not a header line: {text!r}")
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
        extra=tuple(draft.extra),
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
            if not _header(draft, lines[i]):
                return None
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


def short_message(text: str) -> int | None:
    """The line of the first ``/ITEMSIZE`` message whose size (the number under
    ``Message:``) is smaller than the bytes it heads; None when every size covers its
    message, or at the first thing that is not such a message (the readers above
    report what is wrong with it).

    The bytes a message heads are its header lines, ``Contents:``, the contents size
    line and as many bytes as the contents size says: what the file promises to whoever
    reads it a size at a time. :func:`iter_messages` does not use the two outer sizes,
    so such a file reads whole. Modelled, not documented: the damage of KB Q168556
    (``sim.connector.flow``).
    """
    lines = text.split("\r\n")
    n = len(lines)
    i = 0
    while i < n:
        if not lines[i].strip():
            i += 1
            continue
        if lines[i] != "Message:" or i + 1 >= n or not lines[i + 1].isdigit():
            return None
        first, declared = i + 1, int(lines[i + 1])
        i += 2
        used = 0
        while i < n and lines[i] != "Contents:":
            used += len(lines[i]) + 2
            i += 1
        if i + 1 >= n or not lines[i + 1].isdigit():
            return None
        remaining = int(lines[i + 1])
        used += len("Contents:") + len(lines[i + 1]) + 4 + remaining
        if used > declared:
            return first
        i += 2
        while remaining > 0 and i < n:
            remaining -= len(lines[i]) + 2
            i += 1
        if remaining:
            return None
    return None
