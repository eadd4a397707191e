"""A customer's text export, read row by row in one pass (:mod:`harness.customerlog`).

The rows come from :func:`harness.textlog.text_rows` over the file's lines
(:func:`harness.logbytes.text_lines`): the file is never held whole. Each row is kept
as one compact tuple whose repeated texts (source, category, user, computer, date,
time, and the descriptions seen more than once) share one string; the date order is
decided once every distinct date has been seen, then each tuple becomes its
:class:`~sim.eventlog.EventRecord`, oldest first.

Dates: the day/month order of slash dates is decided for the whole file. A first
number above 12 means D/M, a second above 12 means M/D. When the file holds both,
the order more rows show wins (on a tie, the one seen first) and each row of the
other order is skipped and named. Failing any such date, the order that keeps the
days in time order; failing that, US, and the result says so.
"""

from __future__ import annotations

import itertools
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from harness.textlog import Row, Skipped, TextForm, text_rows
from sim.eventlog import EventRecord, EventType
from sim.evtformat import ISO_DATE, SLASH_DATE, DateOrder, parse_log_datetime

__all__ = ["LEVELS", "Make", "TextRead", "read_text_rows"]

LEVELS = {
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
#: event numbers are the low 16 bits of the EventID (reference §9.1)
_MAX_EVENT_ID = 0xFFFF
#: distinct type and event ID texts remembered (a log repeats them; beyond this, none added)
_REMEMBERED = 1 << 12
#: the day a record's time of day is kept on until the file's date order is known
_BASE = datetime(2000, 1, 1)
_BASE_TEXT = "2000-01-01"


class Make(Protocol):
    """Builds one record (:func:`harness.customerlog._make`); says whether it was rebuilt."""

    def __call__(self, number: int, when: datetime, source: str, kind: EventType,
                 category: str, event_id: int, user: str, computer: str,
                 description: str) -> tuple[EventRecord, bool]: ...  # fmt: skip


@dataclass(slots=True)
class TextRead:
    """The records of a text export, oldest first and numbered from 1; what was skipped."""

    form: TextForm | None
    header: bool
    records: list[EventRecord] = field(default_factory=list)
    #: numbers of the records whose description was rebuilt from the catalogue
    rebuilt: set[int] = field(default_factory=set)
    skipped: list[Skipped] = field(default_factory=list)
    order: DateOrder = DateOrder.MDY
    note: str = ""


@dataclass(slots=True)
class _Date:
    """One distinct date text: its index, first line and how many rows carry it."""

    index: int
    first: int
    rows: int = 0


@dataclass(slots=True)
class _Rows:
    """Records in file order (numbered by position, times on :data:`_BASE`), with each
    one's line, date and time text kept as 4-byte indexes."""

    records: list[EventRecord | None] = field(default_factory=list)
    lines: array[int] = field(default_factory=lambda: array("I"))
    date_of: array[int] = field(default_factory=lambda: array("I"))
    time_of: array[int] = field(default_factory=lambda: array("I"))
    dates: dict[str, _Date] = field(default_factory=dict)
    times: dict[str, int] = field(default_factory=dict)
    #: the date texts in file order, runs of one date counted once
    runs: list[str] = field(default_factory=list)
    rebuilt: set[int] = field(default_factory=set)


def read_text_rows(lines: Iterable[str], make: Make) -> TextRead:
    """Every readable row of ``lines`` as a record, oldest first (see the module docstring)."""
    form, header, rows = text_rows(lines)
    read = TextRead(form, header)
    got = _collect(rows, read.skipped, make)
    read.order, read.note, other = _date_order(got.dates, got.runs)
    whens = _whens(got, read, other)
    _number(got, whens, read)
    read.skipped.sort(key=lambda s: s.line)
    return read


def _collect(rows: Iterator[Row | Skipped], skipped: list[Skipped], make: Make) -> _Rows:
    """One pass over the rows: each readable one made a record (its time of day kept)."""
    got = _Rows()
    pool: dict[str, str] = {}
    clocks: dict[str, timedelta | str] = {}
    kinds: dict[str, EventType | str] = {}  # type text -> type, or why not (a plain str)
    events: dict[str, int | str] = {}  # event ID text -> number, or why not
    last = ""
    for row in rows:
        if isinstance(row, Skipped):
            skipped.append(row)
            continue
        kind = kinds.get(row.type)
        if kind is None:
            kind = _kind(row.type)
            if len(kinds) < _REMEMBERED:
                kinds[row.type] = kind
        event = events.get(row.event)
        if event is None and isinstance(kind, EventType):
            event = _event(row.event)
            if len(events) < _REMEMBERED:
                events[row.event] = event
        if not isinstance(kind, EventType) or not isinstance(event, int):
            skipped.append(Skipped(row.line, str(event) if isinstance(kind, EventType) else kind))
            continue
        clock = clocks.get(row.time)
        if clock is None:
            clock = clocks[row.time] = _clock(row.time)
        if isinstance(clock, str):
            skipped.append(Skipped(row.line, clock.replace(repr(_BASE_TEXT), repr(row.date), 1)))
            continue
        seen = got.dates.get(row.date)
        if seen is None:
            seen = got.dates[row.date] = _Date(len(got.dates), row.line)
        seen.rows += 1
        if row.date != last:
            got.runs.append(row.date)
            last = row.date
        at = len(got.records)
        share = pool.setdefault
        record, again = make(at, _BASE + clock, share(row.source, row.source),
                             kind, share(row.category, row.category),
                             event, share(row.user, row.user),
                             share(row.computer, row.computer), row.description)  # fmt: skip
        got.records.append(record)
        got.lines.append(row.line)
        got.date_of.append(seen.index)
        got.time_of.append(got.times.setdefault(row.time, len(got.times)))
        if again:
            got.rebuilt.add(at)
    return got


def _whens(got: _Rows, read: TextRead, other: dict[str, str]) -> list[datetime | None]:
    """Each record's time in the file's date order; None (and skipped) where unreadable.
    ``other``: date texts of the order that lost, with why."""
    days: list[datetime | str] = [""] * len(got.dates)
    for date, seen in got.dates.items():
        days[seen.index] = other[date] if date in other else _day(date, read.order)
    texts = list(got.dates)
    times = list(got.times)
    whens: list[datetime | None] = []
    for at, record in enumerate(got.records):
        day = days[got.date_of[at]]
        if isinstance(day, str) or record is None:
            date, time = texts[got.date_of[at]], times[got.time_of[at]]
            why = day if texts[got.date_of[at]] in other else _why(date, time, read.order)
            read.skipped.append(Skipped(got.lines[at], str(why)))
            got.records[at] = None
            whens.append(None)
            continue
        whens.append(day + (record.when - _BASE))
    return whens


def _number(got: _Rows, whens: list[datetime | None], read: TextRead) -> None:
    """The records oldest first (a newest-first file reversed first), numbered from 1."""
    live = [r for r in got.records if r is not None]
    got.records.clear()

    def when(record: EventRecord) -> datetime:
        return whens[record.record_number] or _BASE  # never None: those were dropped

    if len(live) > 1 and when(live[0]) > when(live[-1]):
        live.reverse()  # newest first, as Event Viewer saves
    live.sort(key=when)
    # the records are this module's own and not yet shared: their time and number are
    # set in place, which spares a second record per row (the peak memory of a large file)
    for number, record in enumerate(live, 1):
        at = record.record_number
        object.__setattr__(record, "when", when(record))
        object.__setattr__(record, "record_number", number)
        if at in got.rebuilt:
            read.rebuilt.add(number)
    read.records = live


def _kind(text: str) -> EventType | str:
    """The event type a row's type text names, or why it names none."""
    kind = LEVELS.get(text.casefold())
    if kind is None:
        known = "Error, Warning, Information, Success Audit, Failure Audit"
        return f"unknown event type {text[:40]!r} (expected {known})"
    return kind


def _event(event: str) -> int | str:
    """A row's event ID, or why it cannot be read."""
    if not (event.isascii() and event.isdecimal()):
        return f"event ID {event[:40]!r} is not a number"
    if len(event) > 5 or int(event) > _MAX_EVENT_ID:
        return f"event ID {event[:12]}... is over {_MAX_EVENT_ID}"
    return int(event)


def _day(date: str, order: DateOrder) -> datetime | str:
    try:
        return parse_log_datetime(date, "0:00:00", order)
    except ValueError as exc:
        return str(exc)


def _clock(time: str) -> timedelta | str:
    try:
        return parse_log_datetime(_BASE_TEXT, time, DateOrder.YMD) - _BASE
    except ValueError as exc:
        return str(exc)


def _why(date: str, time: str, order: DateOrder) -> str:
    try:
        parse_log_datetime(date, time, order)
    except ValueError as exc:
        return str(exc)
    return f"unreadable date or time {date!r} {time!r}"  # pragma: no cover - both parsed


# --- the day/month order --------------------------------------------------------------


def _date_order(dates: dict[str, _Date], runs: list[str]) -> tuple[DateOrder, str, dict[str, str]]:
    """The order, how it was decided, and the dates of the other order (with why)."""
    slashes = {d: (int(m.group(1)), int(m.group(2))) for d in dates
               if (m := SLASH_DATE.fullmatch(d))}  # fmt: skip
    if not slashes:
        if not dates:
            return DateOrder.MDY, "M/D/Y (assumed: no dates)", {}
        iso = all(ISO_DATE.fullmatch(d) for d in dates)
        order = DateOrder.YMD if iso else DateOrder.DMY
        return order, f"{order.value} (the dates say so)", {}
    dmy = sorted((dates[d].first, d) for d, (a, _) in slashes.items() if a > 12)
    mdy = sorted((dates[d].first, d) for d, (_, b) in slashes.items() if b > 12)
    if dmy or mdy:
        return _decided(dates, dmy, mdy)
    fits = [o for o in (DateOrder.MDY, DateOrder.DMY) if _days_in_order(runs, o)]
    if len(fits) == 1:
        return fits[0], f"{fits[0].value} (the only order that keeps the records in time order)", {}
    return DateOrder.MDY, "M/D/Y (assumed: no date in the file decides it)", {}


def _decided(
    dates: dict[str, _Date], dmy: list[tuple[int, str]], mdy: list[tuple[int, str]]
) -> tuple[DateOrder, str, dict[str, str]]:
    """D/M/Y or M/D/Y from the dates that decide it; on a conflict the order of more rows."""
    weight = [sum(dates[d].rows for _, d in found) for found in (dmy, mdy)]
    first = [found[0][0] if found else 1 << 62 for found in (dmy, mdy)]
    day_first = (weight[0], -first[0]) > (weight[1], -first[1])
    order = DateOrder.DMY if day_first else DateOrder.MDY
    win, lose = (dmy, mdy) if day_first else (mdy, dmy)
    line, date = win[0]
    note = f"{order.value} ({date} on line {line})"
    if not lose:
        return order, note, {}
    kind = ("day-first", "month-first")
    theirs, ours = (kind[1], kind[0]) if day_first else kind
    why = f"is {theirs} but the file's dates are {ours} ({date!r} on line {line})"
    lost = sum(dates[d].rows for _, d in lose)
    note += f"; {lost} row(s) dated {theirs} skipped"
    return order, note, {d: f"date {d!r} {why}" for _, d in lose}


def _days_in_order(runs: list[str], order: DateOrder) -> bool:
    """Whether the days, in file order, only rise or only fall when read in ``order``."""
    try:
        days = [parse_log_datetime(d, "0:00:00", order) for d in runs]
    except ValueError:
        return False
    pairs = list(itertools.pairwise(days))
    return all(a >= b for a, b in pairs) or all(a <= b for a, b in pairs)
