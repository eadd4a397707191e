"""Event log files as support receives them: Event Viewer text export and NT ``.evt``.

Sources: ccmail-reference.md §4.8 (what is logged), §5 (what support reads);
Microsoft's documented structures ``ELF_LOGFILE_HEADER``, ``EVENTLOGRECORD`` and
``ELF_EOF_RECORD`` (Platform SDK, "Event Log File Format").

**Comma-delimited text** (NT 4.0 Event Viewer, Log > Save As, "Comma Delimited
Text"): one line per record, newest first, no header, the fields Date, Time,
Source, Type, Category, Event, User, Computer, Description. Modelled, not
documented: the date is NT 4.0's US default short date ``M/d/yy`` (``6/2/98``),
the time ``h:mm:ss AM`` (``8:39:12 AM``), fields are quoted as Python's ``csv``
module does when needed, lines end in CR/LF and a file is ANSI (cp1252; a
character cp1252 lacks becomes ``?`` as in Windows' conversion).

Round trip: ``read_nt_text(write_nt_text(x))`` equals ``x`` except that records
are renumbered 1, 2, … oldest first, times lose fractions of a second, years are
read in the window 1930–2029, and the insertion strings are recovered from the
description (``sim.connector.events.parse_description``) only for catalogued
events; other records read back with no strings.

**Binary** ``.evt`` (``%SystemRoot%\\System32\\Config\\AppEvent.Evt``): the
48-byte header (signature ``LfLe``), the records, the 40-byte EOF record, then
zeros up to a multiple of 64 KB. Event IDs carry their severity in the top two
bits (0xC0000000 error, 0x80000000 warning, 0x40000000 information); times are
seconds since 1970 UTC. Modelled, not documented: the world's clock is taken as
UTC, no user SID is written ("N/A"), categories are numbered as in
``sim.connector.events.CATEGORY_NUMBERS``, and the retention is 7 days.
"""

from __future__ import annotations

import csv
import io
import re
import struct
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TextIO

from sim.connector.events import category_number, lookup, parse_description
from sim.errors import SimError
from sim.eventlog import EventRecord, EventType
from sim.fsutil import atomic_write_bytes

__all__ = [
    "EVENT_TYPE_CODES",
    "EVT_SIGNATURE",
    "ISO_DATE",
    "SEVERITY_BITS",
    "SLASH_DATE",
    "DateOrder",
    "EventFileError",
    "format_nt_date",
    "format_nt_time",
    "parse_log_datetime",
    "parse_nt_datetime",
    "read_nt_text",
    "render_evt",
    "render_nt_text",
    "write_evt",
    "write_nt_text",
]

#: the ``Reserved`` / ``Signature`` field of every header and record
EVT_SIGNATURE = b"LfLe"
#: Event Viewer type -> ``EventType`` field of an EVENTLOGRECORD
EVENT_TYPE_CODES: dict[EventType, int] = {
    EventType.ERROR: 0x0001,
    EventType.WARNING: 0x0002,
    EventType.INFORMATION: 0x0004,
    EventType.SUCCESS_AUDIT: 0x0008,
    EventType.FAILURE_AUDIT: 0x0010,
}
#: severity bits the message compiler puts in the top of an event ID
SEVERITY_BITS: dict[EventType, int] = {
    EventType.ERROR: 0xC0000000,
    EventType.WARNING: 0x80000000,
    EventType.INFORMATION: 0x40000000,
    EventType.SUCCESS_AUDIT: 0x00000000,
    EventType.FAILURE_AUDIT: 0x00000000,
}

_FIELDS = ("Date", "Time", "Source", "Type", "Category", "Event", "User", "Computer")
_ANSI = "cp1252"
_CHUNK = 0x10000
_RETENTION = 7 * 24 * 3600
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class EventFileError(SimError, ValueError):
    """An event log file that cannot be read; ``str()`` is ``name:line: message``."""

    def __init__(self, name: str, line: int, message: str) -> None:
        super().__init__(f"{name}:{line}: {message}")
        self.name = name
        self.line = line
        self.message = message


# --- comma-delimited text ----------------------------------------------------


def format_nt_date(when: datetime) -> str:
    """NT 4.0 US short date ``M/d/yy``: ``6/2/98``."""
    return f"{when.month}/{when.day}/{when.year % 100:02d}"


def format_nt_time(when: datetime) -> str:
    """NT 4.0 US time ``h:mm:ss AM``: ``8:39:12 AM``, ``12:00:00 PM`` at noon."""
    hour = when.hour % 12 or 12
    half = "AM" if when.hour < 12 else "PM"
    return f"{hour}:{when.minute:02d}:{when.second:02d} {half}"


_NT_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2})")
_NT_TIME = re.compile(r"(\d{1,2}):(\d{2}):(\d{2}) (AM|PM)")


def parse_nt_datetime(date: str, time: str) -> datetime:
    """The inverse of :func:`format_nt_date` and :func:`format_nt_time`.

    Two-digit years are read in the Windows window 1930–2029. ``ValueError``
    names the text that does not fit.
    """
    d, t = _NT_DATE.fullmatch(date), _NT_TIME.fullmatch(time)
    if d is None:
        raise ValueError(f"date {date!r} is not M/D/YY")
    if t is None:
        raise ValueError(f"time {time!r} is not H:MM:SS AM/PM")
    year = int(d.group(3))
    year += 2000 if year < 30 else 1900
    hour = int(t.group(1)) % 12 + (12 if t.group(4) == "PM" else 0)
    try:
        return datetime(
            year, int(d.group(1)), int(d.group(2)), hour, int(t.group(2)), int(t.group(3))
        )
    except ValueError as exc:
        raise ValueError(f"date {date!r} {time!r}: {exc}") from None


def _newest_first(records: Iterable[EventRecord]) -> list[EventRecord]:
    return sorted(records, key=lambda r: r.record_number, reverse=True)


def render_nt_text(records: Iterable[EventRecord]) -> str:
    """The text Event Viewer saves for ``records`` (any order in; newest first out)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for r in _newest_first(records):
        writer.writerow(
            [
                format_nt_date(r.when),
                format_nt_time(r.when),
                r.source,
                r.type.value,
                r.category,
                r.event_id,
                r.user,
                r.computer,
                r.description,
            ]
        )
    return out.getvalue()


def write_nt_text(records: Iterable[EventRecord], target: Path | TextIO) -> None:
    """Save ``records`` as comma-delimited text: a path gets ANSI bytes in one write."""
    text = render_nt_text(records)
    if isinstance(target, Path):
        atomic_write_bytes(target, text.encode(_ANSI, errors="replace"))
    else:
        target.write(text)


def _record_from_row(row: Sequence[str], number: int, name: str, line: int) -> EventRecord:
    if len(row) != len(_FIELDS) + 1:
        raise EventFileError(name, line, f"expected 9 fields, found {len(row)}")
    date, time, source, type_, category, event, user, computer, description = row
    try:
        when = parse_nt_datetime(date, time)
        kind = EventType(type_)
        event_id = int(event)
    except ValueError as exc:
        raise EventFileError(name, line, str(exc)) from None
    entry = lookup(source, event_id)
    strings = parse_description(event_id, description) if entry else None
    return EventRecord(
        record_number=number,
        when=when,
        source=source,
        type=kind,
        category=category,
        event_id=event_id,
        user=user,
        computer=computer,
        description=description,
        strings=strings or (),
    )


def read_nt_text(stream: TextIO, *, name: str) -> list[EventRecord]:
    """Records of a comma-delimited text export, oldest first, numbered from 1.

    ``name`` names the file in errors (:class:`EventFileError`, with the line).
    Open the file with ``newline=""`` so quoted line breaks survive.
    """
    rows: list[tuple[int, list[str]]] = []
    reader = csv.reader(stream, strict=True)
    try:
        for row in reader:
            if row:
                rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise EventFileError(name, reader.line_num, f"bad CSV: {exc}") from None
    rows.reverse()
    return [_record_from_row(row, n, name, line) for n, (line, row) in enumerate(rows, 1)]


# --- dates in other locales (as customers' logs carry them) ---------------------------


class DateOrder(StrEnum):
    """The order of day, month and year in a log's dates."""

    MDY = "M/D/Y"
    DMY = "D/M/Y"
    YMD = "Y-M-D"


#: ``6/2/98``, ``13/06/1998``: the order is the reader's to decide
SLASH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})")
#: ``1998-06-02``
ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})")
_ANY_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp])\.?[Mm]\.?)?")


def _date_parts(text: str, order: DateOrder) -> tuple[int, int, int] | None:
    """(year, month, day); two-digit years in the Windows window 1930-2029."""
    if m := ISO_DATE.fullmatch(text):
        return int(m.group(1)), int(m.group(2)), int(m.group(3))
    if m := _DOTTED.fullmatch(text):
        day, month, year = m.groups()
    elif m := SLASH_DATE.fullmatch(text):
        first, second, year = m.groups()
        month, day = (first, second) if order is DateOrder.MDY else (second, first)
    else:
        return None
    full = int(year) if len(year) == 4 else int(year) + (2000 if int(year) < 30 else 1900)
    return full, int(month), int(day)


def parse_log_datetime(date: str, time: str, order: DateOrder) -> datetime:
    """A date (M/D/Y or D/M/Y by ``order``, D.M.Y, Y-M-D) and a 12- or 24-hour time.

    Modelled, not documented: the forms Event Viewer writes under US and European
    regional settings. ``ValueError`` says which part cannot be read.
    """
    parts, clock = _date_parts(date, order), _ANY_TIME.fullmatch(time)
    if parts is None:
        forms = "M/D/YYYY, D/M/YYYY, D.M.YYYY or YYYY-MM-DD"
        raise ValueError(f"unreadable date {date!r} (expected {forms})")
    if clock is None:
        raise ValueError(f"unreadable time {time!r} (expected H:MM:SS AM/PM or HH:MM:SS)")
    hour, minute, second = int(clock.group(1)), int(clock.group(2)), int(clock.group(3) or 0)
    if clock.group(4):
        hour = hour % 12 + (12 if clock.group(4) in "Pp" else 0)
    try:
        return datetime(*parts, hour, minute, second)
    except ValueError as exc:
        raise ValueError(f"impossible date or time {date!r} {time!r}: {exc}") from None


# --- binary .evt ---------------------------------------------------------------

_HEADER = struct.Struct("<I4sIIIIIIIIII")
_RECORD = struct.Struct("<I4sIIIIHHHHIIIIII")
_EOF = struct.Struct("<IIIIIIIIII")


def _utf16z(text: str) -> bytes:
    return text.encode("utf-16-le") + b"\0\0"


def _pad4(data: bytes) -> bytes:
    return data + b"\0" * (-len(data) % 4)


def _evt_record(record: EventRecord, number: int) -> bytes:
    """One EVENTLOGRECORD (SDK layout), Length at both ends."""
    seconds = int((record.when.replace(tzinfo=UTC) - _EPOCH).total_seconds())
    if not 0 <= record.event_id <= 0xFFFF or not 0 <= seconds <= 0xFFFFFFFF:
        raise ValueError(
            f"record {record.record_number}: event ID {record.event_id} at {record.when} "
            "does not fit an .evt record (ID 0-65535, time 1970-2106)"
        )
    names = _pad4(_utf16z(record.source) + _utf16z(record.computer))
    strings = b"".join(_utf16z(s) for s in record.strings)
    data_offset = _RECORD.size + len(names) + len(strings)  # no data; the pad follows
    body = _pad4(names + strings)
    length = _RECORD.size + len(body) + 4
    sid_offset = _RECORD.size + len(names)
    head = _RECORD.pack(
        length,
        EVT_SIGNATURE,
        number,
        seconds,
        seconds,
        SEVERITY_BITS[record.type] | (record.event_id & 0xFFFF),
        EVENT_TYPE_CODES[record.type],
        len(record.strings),
        _category_code(record.category),
        0,
        0,
        sid_offset,  # StringOffset: no SID, so the strings start here
        0,
        sid_offset,
        0,
        data_offset,
    )
    return head + body + struct.pack("<I", length)


def _category_code(name: str) -> int:
    """A category name as a number; "(n)" (Event Viewer's unknown category) is n."""
    match = re.fullmatch(r"\((\d{1,10})\)", name)
    return int(match.group(1)) if match else category_number(name)


def render_evt(records: Iterable[EventRecord]) -> bytes:
    """The bytes of an ``.evt`` file holding ``records`` (renumbered from 1, oldest first)."""
    ordered = sorted(records, key=lambda r: r.record_number)
    body = b"".join(_evt_record(r, n) for n, r in enumerate(ordered, 1))
    start = _HEADER.size
    end = start + len(body)
    current = len(ordered) + 1
    size = end + _EOF.size
    max_size = size + (-size % _CHUNK)
    header = _HEADER.pack(
        _HEADER.size, EVT_SIGNATURE, 1, 1, start, end, current, 1, max_size, 0, _RETENTION,
        _HEADER.size,
    )  # fmt: skip
    eof = _EOF.pack(
        _EOF.size, 0x11111111, 0x22222222, 0x33333333, 0x44444444, start, end, current, 1,
        _EOF.size,
    )  # fmt: skip
    return (header + body + eof).ljust(max_size, b"\0")


def write_evt(records: Iterable[EventRecord], path: Path) -> None:
    """Save ``records`` as an NT ``.evt`` file, in one write."""
    atomic_write_bytes(path, render_evt(records))
