"""Reading an Import/Export message file the way IMPORT does: one message at a time.

Source: ccmail-reference.md §2.3 (the format; ``Contents:`` is mandatory, KB
Q234745; dates in a fixed order, KB Q180641), §2.4 (directory files).

IMPORT must check a whole file before it delivers anything, and it must be able
to copy a refused message whole into the ``.und`` file. So the file is first cut
into messages without parsing them (*framing*): with /ITEMSIZE by the byte count
after ``Message:``, which must frame exactly one message; without it, at each
``Message:`` line. Each frame is then parsed with :func:`sim.message.iter_messages`;
a message whose date does not fit the order is kept, unparsed, for the ``.und``.

Modelled, not documented: that IMPORT checks the message byte count (the
reference says only that /ITEMSIZE writes the counts, §2.3).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sim.message import (
    CODEPAGE,
    DateStyle,
    Message,
    MessageFormatError,
    iter_messages,
    parse_sized_message,
)

__all__ = ["MessageItem", "file_kind", "iter_items", "open_text"]


def _frames_sized(stream: IO[str]) -> Iterator[tuple[int, str]]:
    """/ITEMSIZE: ``Message:``, the byte count, then exactly that many bytes."""
    line = 0
    while True:
        head = stream.readline()
        if not head:
            return
        line += 1
        if not head.strip():
            continue
        if head.rstrip("\r\n") != "Message:":
            raise MessageFormatError(line, f"expected 'Message:', got {head.rstrip()!r}")
        size_line = stream.readline()
        if not size_line.strip().isdigit():
            raise MessageFormatError(line + 1, "expected the message size (a number)")
        body = stream.read(int(size_line))
        if len(body) < int(size_line):
            raise MessageFormatError(line + 1, "file ends before the message does")
        yield line, head + size_line + body
        line += 1 + body.count("\n")


def _frames_plain(stream: IO[str]) -> Iterator[tuple[int, str]]:
    """Without /ITEMSIZE: a message runs from ``Message:`` to the next one."""
    start, parts = 0, list[str]()
    for number, text in enumerate(stream, start=1):
        if text.rstrip("\r\n") == "Message:":
            if parts:
                yield start, "".join(parts)
            start, parts = number, [text]
        elif parts:
            parts.append(text)
        elif text.strip():
            raise MessageFormatError(number, f"expected 'Message:', got {text.rstrip()!r}")
    if parts:
        yield start, "".join(parts)


@dataclass(frozen=True, slots=True)
class MessageItem:
    """One message of the file: parsed, or undeliverable because of its date."""

    line: int
    text: str
    message: Message | None
    bad_date: str = ""


def iter_items(stream: IO[str], *, itemsize: bool, date_style: DateStyle) -> Iterator[MessageItem]:
    """Frame and parse one message at a time; MessageFormatError (file line) if malformed."""
    frames = _frames_sized(stream) if itemsize else _frames_plain(stream)
    for start, text in frames:
        fast = parse_sized_message(text, date_style) if itemsize else None
        if fast is not None:
            yield MessageItem(start, text, fast)
            continue
        bad: list[tuple[int, str]] = []
        frame = io.StringIO(text, newline="")
        try:
            found = list(
                iter_messages(frame, itemsize=itemsize, date_style=date_style, on_bad_date=bad)
            )
        except MessageFormatError as exc:
            raise MessageFormatError(start + exc.line - 1, exc.reason) from None
        if len(found) + len(bad) != 1:
            raise MessageFormatError(start, "message size does not match its content")
        yield MessageItem(start, text, found[0] if found else None, bad[0][1] if bad else "")


def open_text(path: Path) -> IO[str]:
    """A message or directory file as text: code page 850, line ends kept (CR/LF)."""
    return path.open("r", encoding=CODEPAGE, errors="replace", newline="")


def file_kind(path: Path) -> str:
    """What a file holds, from its first line that is not blank.

    ``"directory"`` for a directory update (a ``Name:``, ``List:``, ``BB:`` or
    ``Action:`` line, §2.4), ``"empty"`` for nothing but blank lines, else
    ``"messages"`` (modelled: IMPORT recognises an update by its content).
    """
    with open_text(path) as fh:
        for text in fh:
            if text.strip():
                key = text.split(":", 1)[0].strip().casefold()
                return "directory" if key in {"name", "list", "bb", "action"} else "messages"
    return "empty"
