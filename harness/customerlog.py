"""Reading the Application event log a customer sends to support.

Source: ccmail-reference.md §4.8 (the events), §5 (what support reads); the
formats are those of ``sim/evtformat.py``. The format is chosen from the file's
content, never its name:

* a binary NT ``.evt`` file (signature ``LfLe``), read through ``pyevt`` (libevt);
* the NT 4.0 Event Viewer comma-delimited text export (no header), or the same
  with a header row ``Date,Time,Source,Type,Category,Event,User,Computer,Description``;
* the later Event Viewer CSV (``Level,Date and Time,Source,Event ID,Task Category``
  then the description; no user or computer column, so those read as "N/A" and "").

Text is tried as UTF-8, UTF-16 with a byte-order mark, then cp1252. Dates may be
US (``M/D/YY``, ``M/D/YYYY``, 12-hour with AM/PM) or not (``D/M/YYYY``, ``D.M.YYYY``,
``YYYY-MM-DD``, 24-hour). The day/month order of slash dates is decided per file:
a first number above 12 means D/M, a second above 12 means M/D; failing that, the
order that keeps the records in time order; failing that, US, and the result says
so (``CustomerLog.date_order_note``).

A description Event Viewer could not format ("The description for Event ID ( 70 )
in Source ( MSExchangeCCMC ) could not be found. … The following information is
part of the event: msg4A01.ccm, 3.") is rebuilt from the catalogue; the strings
are split at ", " (a string that itself holds ", " cannot be told apart), and,
as Windows' FormatMessage does, strings beyond the template's are ignored.
Modelled, not documented: the exact wording of those messages in each Windows
version, and mapping Vista's "Critical" to Error and "Verbose" to Information.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from harness.errors import HarnessError
from sim.connector.events import CCMC, category_name, lookup, parse_description
from sim.eventlog import EventRecord, EventType
from sim.evtformat import (
    EVENT_TYPE_CODES,
    ISO_DATE,
    SLASH_DATE,
    DateOrder,
    parse_log_datetime,
)

__all__ = ["CustomerLog", "DateOrder", "EventLogError", "LogFormat", "read_eventlog"]


class EventLogError(HarnessError, ValueError):
    """A customer's event log that cannot be read; ``str()`` is ``path:line: message``."""

    def __init__(self, path: Path | str, line: int, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        super().__init__(f"{self.path}:{line}: {message}")


class LogFormat(StrEnum):
    """Which kind of file the customer sent."""

    EVT = "NT binary .evt"
    NT_TEXT = "NT Event Viewer comma-delimited text"
    NT_TEXT_HEADER = "NT Event Viewer comma-delimited text with a header row"
    VIEWER_CSV = "Event Viewer CSV (Level,Date and Time,...)"


@dataclass(frozen=True, slots=True)
class CustomerLog:
    """The records of a customer's log, oldest first, and how they were read."""

    path: Path
    format: LogFormat
    #: "binary", "utf-8", "utf-16" or "cp1252"
    encoding: str
    #: None for a binary file (its times are numbers)
    date_order: DateOrder | None
    #: how the order was decided, e.g. "D/M/Y (13/6/1998 on line 4)"
    date_order_note: str
    records: tuple[EventRecord, ...]
    #: record numbers of events from sources other than MSExchangeCCMC (kept, flagged)
    foreign: frozenset[int]
    #: record numbers whose description was rebuilt from the catalogue
    rebuilt: frozenset[int]

    def ccmc(self) -> list[EventRecord]:
        """The connector's own records."""
        return [r for r in self.records if r.record_number not in self.foreign]


def read_eventlog(path: Path) -> CustomerLog:
    """Read a customer's Application log, whatever form it was saved in.

    Raises :class:`EventLogError` (``path:line: message``) for a file that
    cannot be read or does not hold an event log.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise EventLogError(path, 0, f"cannot read the file: {exc.strerror or exc}") from None
    if not data.strip():
        raise EventLogError(path, 1, "the file is empty")
    if data[4:8] == b"LfLe":
        return _read_evt(path, data)
    text, encoding = _decode(path, data)
    return _read_text(path, text, encoding)


# --- binary .evt -------------------------------------------------------------------

_TYPES_BY_CODE = {code: kind for kind, code in EVENT_TYPE_CODES.items()}


def _read_evt(path: Path, data: bytes) -> CustomerLog:
    import pyevt  # C extension: only when a .evt file is read

    if len(data) < 48:
        raise EventLogError(path, 1, f".evt header is cut short ({len(data)} of 48 bytes)")
    end = struct.unpack_from("<I", data, 20)[0] + 40  # EndOffset + EOF record: a size check
    if end > len(data):
        why = f"it ends at byte {len(data)}, its header says the log ends at byte {end}"
        raise EventLogError(path, 1, f".evt file is truncated: {why}")
    log = pyevt.file()
    try:
        log.open_file_object(io.BytesIO(data))
        damaged = log.is_corrupted()
        raw = [_evt_raw(r) for r in log.records]
    except OSError as exc:
        raise EventLogError(path, 1, f"not a readable .evt file ({exc})") from None
    finally:
        log.close()
    if damaged:
        raise EventLogError(path, 1, f".evt file is damaged: libevt read {len(raw)} record(s)")
    raw.sort(key=lambda r: r.when)
    done = [_finish(n, r, known=True) for n, r in enumerate(raw, 1)]
    return _result(path, LogFormat.EVT, "binary", None, "binary times (UTC)", done)


def _evt_raw(r: Any) -> EventRecord:  # noqa: ANN401 - a pyevt record (no stubs)
    source, event_id = str(r.source_name or ""), int(r.event_identifier) & 0xFFFF
    strings = tuple(str(s) for s in (r.strings or ()))
    return EventRecord(
        record_number=0,
        # pyevt's own datetime fails on 1999-12-31 ("day is out of range"): use the seconds
        when=datetime(1970, 1, 1) + timedelta(seconds=int(r.get_creation_time_as_integer())),
        source=source,
        type=_TYPES_BY_CODE.get(int(r.event_type), EventType.INFORMATION),
        category=category_name(source, int(r.event_category or 0)),
        event_id=event_id,
        user=str(r.user_security_identifier or "N/A"),
        computer=str(r.computer_name or ""),
        description=_not_found(event_id, source, strings),
        strings=strings,
    )


def _not_found(event_id: int, source: str, strings: Sequence[str]) -> str:
    """What NT 4.0 Event Viewer shows without the source's message file (modelled)."""
    return (
        f"The description for Event ID ( {event_id} ) in Source ( {source} ) could not be "
        f"found. It contains the following insertion string(s): {', '.join(strings)}."
    )


# --- decoding ------------------------------------------------------------------------


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    """Text and encoding name: UTF-8, then UTF-16 with a BOM, then cp1252."""
    bom = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if b"\0" in data and not bom:
        line = data[: data.index(b"\0")].count(b"\n") + 1
        why = "NUL bytes in a text file: UTF-16 without a byte-order mark?"
        raise EventLogError(path, line, f"{why} Save the log again as text or .evt")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    if bom:
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            line = data[: exc.start].decode("utf-16", "replace").count("\n") + 1
            raise EventLogError(path, line, f"undecodable UTF-16 ({exc.reason})") from None
    _refuse_mixed(path, data)
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        why = f"undecodable byte 0x{data[exc.start]:02X}: not UTF-8, UTF-16 or cp1252"
        raise EventLogError(path, line, why) from None


def _refuse_mixed(path: Path, data: bytes) -> None:
    """A file whose lines are partly UTF-8 (non-ASCII) and partly not is refused."""
    utf8_line = bad_line = 0
    for number, line in enumerate(data.split(b"\n"), 1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            bad_line = bad_line or number
        else:
            utf8_line = utf8_line or number
    if utf8_line and bad_line:
        why = f"mixed encodings: line {utf8_line} is UTF-8 but this line is not (cp1252?)"
        raise EventLogError(path, bad_line, f"{why}; save the log again in one encoding")


# --- text forms ------------------------------------------------------------------------

_NT_FIELDS = ("Date", "Time", "Source", "Type", "Category", "Event", "User", "Computer")
_CSV_FIELDS = ("Level", "Date and Time", "Source", "Event ID", "Task Category")
_LEVELS = {
    "error": EventType.ERROR,
    "critical": EventType.ERROR,
    "warning": EventType.WARNING,
    "information": EventType.INFORMATION,
    "verbose": EventType.INFORMATION,
    "audit success": EventType.SUCCESS_AUDIT,
    "audit failure": EventType.FAILURE_AUDIT,
    "success audit": EventType.SUCCESS_AUDIT,
    "failure audit": EventType.FAILURE_AUDIT,
}


@dataclass(frozen=True, slots=True)
class _Row:
    """One text record before its date is read: fields in NT export order."""

    line: int
    date: str
    time: str
    source: str
    type: str
    category: str
    event: str
    user: str
    computer: str
    description: str


def _csv_rows(path: Path, text: str) -> list[tuple[int, list[str]]]:
    """(first line, fields) of every non-blank CSV record."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return rows
        except csv.Error as exc:
            cut = "end of data" in str(exc)
            why = "unterminated quoted field (file cut short?)" if cut else str(exc)
            raise EventLogError(path, start, f"malformed CSV: {why}") from None
        if any(field.strip() for field in row):
            rows.append((start, row))


def _is_header(row: Sequence[str], names: Sequence[str]) -> bool:
    got = [field.strip().casefold() for field in row[: len(names)]]
    return got == [name.casefold() for name in names]


def _read_text(path: Path, text: str, encoding: str) -> CustomerLog:
    rows = _csv_rows(path, text)
    if not rows:
        raise EventLogError(path, 1, "no events in the file")
    if _is_header(rows[0][1], _CSV_FIELDS):
        kind, parsed = LogFormat.VIEWER_CSV, [_csv_row(path, *r) for r in rows[1:]]
    elif _is_header(rows[0][1], _NT_FIELDS):
        kind, parsed = LogFormat.NT_TEXT_HEADER, [_nt_row(path, *r) for r in rows[1:]]
    else:
        kind, parsed = LogFormat.NT_TEXT, [_nt_row(path, *r) for r in rows]
    order, note = _date_order(path, parsed)
    stamped = [(_when(path, row, order), row) for row in parsed]
    if len(stamped) > 1 and stamped[0][0] > stamped[-1][0]:
        stamped.reverse()  # newest first, as Event Viewer saves
    stamped.sort(key=lambda pair: pair[0])
    done = [_finish(n, _text_raw(path, when, row)) for n, (when, row) in enumerate(stamped, 1)]
    return _result(path, kind, encoding, order, note, done)


def _nt_row(path: Path, line: int, row: list[str]) -> _Row:
    if len(row) != 9:
        names = ", ".join(_NT_FIELDS)
        why = f"expected 9 fields ({names}, Description), found {len(row)}"
        raise EventLogError(path, line, why)
    date, time, source, kind, category, event, user, computer = (f.strip() for f in row[:8])
    return _Row(line, date, time, source, kind, category, event, user, computer, row[8])


def _csv_row(path: Path, line: int, row: list[str]) -> _Row:
    if len(row) != 6:
        names = ", ".join(_CSV_FIELDS)
        raise EventLogError(path, line, f"expected 6 fields ({names}, text), found {len(row)}")
    level, stamp, source, event, category = (f.strip() for f in row[:5])
    date, _, time = stamp.partition(" ")
    return _Row(line, date, time.strip(), source, level, category, event, "N/A", "", row[5])


def _text_raw(path: Path, when: datetime, row: _Row) -> EventRecord:
    kind = _LEVELS.get(row.type.casefold())
    if kind is None:
        known = "Error, Warning, Information, Success Audit, Failure Audit"
        raise EventLogError(path, row.line, f"unknown event type {row.type!r} (expected {known})")
    if not row.event.isdecimal():
        raise EventLogError(path, row.line, f"event ID {row.event!r} is not a number")
    return EventRecord(0, when, row.source, kind, row.category, int(row.event), row.user,
                       row.computer, row.description)  # fmt: skip


# --- dates ------------------------------------------------------------------------------


def _date_order(path: Path, rows: Sequence[_Row]) -> tuple[DateOrder, str]:
    """The day/month order of the file's slash dates (see the module docstring)."""
    slashes = [(row, m) for row in rows if (m := SLASH_DATE.fullmatch(row.date))]
    if not slashes:
        if not rows:
            return DateOrder.MDY, "M/D/Y (assumed: no dates)"
        order = DateOrder.YMD if all(ISO_DATE.fullmatch(r.date) for r in rows) else DateOrder.DMY
        return order, f"{order.value} (the dates say so)"
    dmy = [row for row, m in slashes if int(m.group(1)) > 12]
    mdy = [row for row, m in slashes if int(m.group(2)) > 12]
    if dmy and mdy:
        why = f"date {mdy[0].date!r} is month-first but {dmy[0].date!r} on line {dmy[0].line}"
        raise EventLogError(path, mdy[0].line, f"{why} is day-first")
    if dmy or mdy:
        order, row = (DateOrder.DMY, dmy[0]) if dmy else (DateOrder.MDY, mdy[0])
        return order, f"{order.value} ({row.date} on line {row.line})"
    fits = [o for o in (DateOrder.MDY, DateOrder.DMY) if _in_time_order(path, rows, o)]
    if len(fits) == 1:
        return fits[0], f"{fits[0].value} (the only order that keeps the records in time order)"
    return DateOrder.MDY, "M/D/Y (assumed: no date in the file decides it)"


def _in_time_order(path: Path, rows: Sequence[_Row], order: DateOrder) -> bool:
    try:
        times = [_when(path, row, order) for row in rows]
    except EventLogError:
        return False
    pairs = list(itertools.pairwise(times))
    return all(a >= b for a, b in pairs) or all(a <= b for a, b in pairs)


def _when(path: Path, row: _Row, order: DateOrder) -> datetime:
    try:
        return parse_log_datetime(row.date, row.time, order)
    except ValueError as exc:
        raise EventLogError(path, row.line, str(exc)) from None


# --- records ----------------------------------------------------------------------------

_NOT_FOUND = re.compile(
    r"The description for Event ID \(?\s*(?P<id>\d+)\s*\)? (?:in|from) [Ss]ource \(?\s*"
    r"(?P<source>.+?)\s*\)? (?:could not|cannot) be found\..*?(?:"
    r"following information (?:is part of|was included with) the event:\s*(?P<list>.*?)"
    r"|following insertion string\(s\):\s*(?P<nt4>.*?))\.?\s*",
    re.DOTALL,
)


def _listed_strings(missing: re.Match[str]) -> tuple[str, ...]:
    """The insertion strings Event Viewer lists after a "could not be found" text."""
    listed = missing.group("list") if missing.group("nt4") is None else missing.group("nt4")
    if not listed.strip():
        return ()
    if "\n" in listed.strip():  # Vista: one string a line
        return tuple(s.strip() for s in listed.strip().split("\n"))
    return tuple(s.strip() for s in listed.split(", "))  # "*.ccm, ." keeps the empty %2


def _finish(number: int, raw: EventRecord, *, known: bool = False) -> tuple[EventRecord, bool]:
    """The record numbered, its description rebuilt and strings recovered when the
    catalogue can (``known``: ``raw.strings`` came from the file); and whether the
    description was rebuilt from the catalogue."""
    category = raw.category
    if m := re.fullmatch(r"\((\d+)\)", category):
        category = category_name(raw.source, int(m.group(1)))
    entry = lookup(raw.source, raw.event_id)
    missing = _NOT_FOUND.fullmatch(raw.description)
    strings: tuple[str, ...] | None = raw.strings if known else None
    if strings is None and missing is not None:
        strings = _listed_strings(missing)
    description = raw.description
    if entry is not None and strings is not None:
        description = entry.fill(strings, strict=False)
    elif entry is not None:
        strings = parse_description(raw.event_id, description)
    record = replace(raw, record_number=number, category=category, description=description,
                     strings=strings or ())  # fmt: skip
    return record, entry is not None and missing is not None


def _result(
    path: Path,
    kind: LogFormat,
    encoding: str,
    order: DateOrder | None,
    note: str,
    done: Sequence[tuple[EventRecord, bool]],
) -> CustomerLog:
    records = tuple(record for record, _ in done)
    foreign = frozenset(r.record_number for r in records if r.source.casefold() != CCMC.casefold())
    rebuilt = frozenset(record.record_number for record, flag in done if flag)
    return CustomerLog(path, kind, encoding, order, note, records, foreign, rebuilt)
