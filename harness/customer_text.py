"""A customer's text export, read row by row in one pass (:mod:`harness.customerlog`).

The rows come from :func:`harness.textlog.text_rows` over the file's lines
(:func:`harness.logbytes.text_lines`): the file is never held whole. A row is kept as
four 4-byte indexes (its line, its template, its date and time texts): what each
distinct rest of a row (source to description), time and date text gives is worked
out once, under the text as read, and a repeated row costs a few lookups. The date
order is decided once every distinct date has been seen; the rows then become an
:class:`~harness.eventtable.EventTable`, oldest first.

Dates: the day/month order of slash dates is decided for the whole file. A first
number above 12 means D/M, a second above 12 means M/D. When the file holds both,
the order more rows show wins (on a tie, the one seen first) and each row of the
other order is skipped and named. Failing any such date, the order that keeps the
days in time order; failing that, US, and the result says so.
"""

from __future__ import annotations

import itertools
import operator
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from harness.eventtable import EPOCH, EventTable, NumberSet, Template
from harness.textlog import Fields, Row, Skipped, TextForm, fields_of, text_rows
from sim.eventlog import EventType
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
_SECOND = timedelta(seconds=1)
#: distinct row texts remembered (beyond this, a row's text is read again each time)
REMEMBERED = 1 << 17


class Make(Protocol):
    """Builds one record's template (:func:`harness.customerlog._text_template`) from its fields;
    says whether its description was rebuilt."""

    def __call__(self, source: str, kind: EventType, category: str, event_id: int, user: str,
                 computer: str, description: str) -> tuple[Template, bool]: ...  # fmt: skip


@dataclass(slots=True)
class TextRead:
    """The records of a text export, oldest first and numbered from 1; what was skipped."""

    form: TextForm | None
    header: bool
    records: EventTable = field(default_factory=lambda: EventTable([], array("I"), array("q")))
    #: numbers of the records whose description was rebuilt from the catalogue
    rebuilt: AbstractSet[int] = field(default_factory=frozenset)
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
    """The readable rows in file order, as columns: each one's line, template, and date
    and time text (indexes into :attr:`dates` and :attr:`times`)."""

    lines: array[int] = field(default_factory=lambda: array("I"))
    which: array[int] = field(default_factory=lambda: array("I"))
    date_of: array[int] = field(default_factory=lambda: array("I"))
    time_of: array[int] = field(default_factory=lambda: array("I"))
    templates: list[Template] = field(default_factory=list)
    #: the templates whose description was rebuilt from the catalogue
    again: set[int] = field(default_factory=set)
    #: each distinct date text (stripped), in order of first use
    dates: dict[str, _Date] = field(default_factory=dict)
    #: each distinct time text (stripped) and its seconds after midnight
    times: list[str] = field(default_factory=list)
    clocks: list[int] = field(default_factory=list)


def read_text_rows(lines: Iterable[str], make: Make) -> TextRead:
    """Every readable row of ``lines`` as a record, oldest first (see the module docstring)."""
    form, header, sep, rows = text_rows(lines)
    read = TextRead(form, header)
    got = _collect(rows, read.skipped, _Templates(make, sep))
    _count_dates(got)
    texts = list(got.dates)
    runs = [texts[at] for at, _ in itertools.groupby(got.date_of)]  # runs of one date once
    read.order, read.note, other = _date_order(got.dates, runs)
    which, seconds = _times(got, read, other)
    _number(got, which, seconds, read)
    read.skipped.sort(key=lambda s: s.line)
    return read


class _Templates:
    """What each distinct rest of a row gives: its template's index, or why it cannot be
    read. The type and event ID texts are each checked once."""

    def __init__(self, make: Make, sep: str) -> None:
        self.make, self.sep = make, sep
        self.templates: list[Template] = []
        self.again: set[int] = set()
        self.kinds: dict[str, EventType | str] = {}  # type text -> type, or why not
        self.events: dict[str, int | str] = {}  # event ID text -> number, or why not
        self.pool: dict[str, str] = {}

    def __call__(self, rest: Fields | str) -> int | str:
        fields = fields_of(rest, self.sep)
        if isinstance(fields, str):
            return fields
        source, type_text, category, event_text, user, computer, description = fields
        kind = self.kinds.get(type_text)
        if kind is None:
            kind = _kind(type_text)
            if len(self.kinds) < _REMEMBERED:
                self.kinds[type_text] = kind
        if not isinstance(kind, EventType):
            return kind
        event = self.events.get(event_text)
        if event is None:
            event = _event(event_text)
            if len(self.events) < _REMEMBERED:
                self.events[event_text] = event
        if not isinstance(event, int):
            return event
        share = self.pool.setdefault
        template, again = self.make(share(source, source), kind, share(category, category),
                                    event, share(user, user), share(computer, computer),
                                    description)  # fmt: skip
        at = len(self.templates)
        self.templates.append(template)
        if again:
            self.again.add(at)
        return at


def _collect(rows: Iterator[Row | Skipped], skipped: list[Skipped], resolve: _Templates) -> _Rows:
    """One pass over the rows: each readable one's line, template, date and time kept.
    What a row's rest, time and date text gave is remembered under the text as read, so
    a repeated row costs a few lookups."""
    got = _Rows(templates=resolve.templates, again=resolve.again)
    known: dict[Fields | str, int | str] = {}
    clocks: dict[str, int | str] = {}  # time text as read -> index, or why not
    dates: dict[str, int] = {}  # date text as read -> index
    lines, which = got.lines.append, got.which.append
    date_of, time_of = got.date_of.append, got.time_of.append
    for row in rows:
        if isinstance(row, Skipped):
            skipped.append(row)
            continue
        line, date, time, rest = row
        template = known.get(rest)
        if template is None:
            template = resolve(rest)
            if len(known) < REMEMBERED:
                known[rest] = template
        if isinstance(template, str):
            skipped.append(Skipped(line, template))
            continue
        clock = clocks.get(time)
        if clock is None:
            clock = clocks[time] = _clock_index(got, time.strip())
        if isinstance(clock, str):
            why = clock.replace(repr(_BASE_TEXT), repr(date.strip()), 1)
            skipped.append(Skipped(line, why))
            continue
        day = dates.get(date)
        if day is None:
            day = dates[date] = _date_index(got, date.strip(), line)
        lines(line)
        which(template)
        date_of(day)
        time_of(clock)
    return got


def _clock_index(got: _Rows, time: str) -> int | str:
    """The index of a time text (stripped), or why it cannot be read."""
    try:
        seconds = (parse_log_datetime(_BASE_TEXT, time, DateOrder.YMD) - _BASE) // _SECOND
    except ValueError as exc:
        return str(exc)
    got.times.append(time)
    got.clocks.append(seconds)
    return len(got.times) - 1


def _date_index(got: _Rows, date: str, line: int) -> int:
    """The index of a date text (stripped), recorded with its first line when new."""
    seen = got.dates.get(date)
    if seen is None:
        seen = got.dates[date] = _Date(len(got.dates), line)
    return seen.index


def _count_dates(got: _Rows) -> None:
    """How many rows carry each date."""
    texts = list(got.dates)
    for at, count in Counter(got.date_of).items():
        got.dates[texts[at]].rows = count


def _times(got: _Rows, read: TextRead, other: dict[str, str]) -> tuple[array[int], array[int]]:
    """The templates and times (seconds from :data:`~harness.eventtable.EPOCH`) of the
    rows whose date reads in the file's date order; the others are skipped, with why.
    ``other``: date texts of the order that lost, with why."""
    texts = list(got.dates)
    days: list[int | str] = [other[d] if d in other else _day(d, read.order) for d in texts]
    clocks = got.clocks
    if not any(isinstance(day, str) for day in days):
        at_day = map(days.__getitem__, got.date_of)
        at_clock = map(clocks.__getitem__, got.time_of)
        return got.which, array("q", map(operator.add, at_day, at_clock))
    which, seconds = array("I"), array("q")
    for at, (d, t) in enumerate(zip(got.date_of, got.time_of, strict=True)):
        day = days[d]
        if isinstance(day, str):
            why = day if texts[d] in other else _why(texts[d], got.times[t], read.order)
            read.skipped.append(Skipped(got.lines[at], why))
            continue
        which.append(got.which[at])
        seconds.append(day + clocks[t])
    return which, seconds


def _number(got: _Rows, which: array[int], seconds: array[int], read: TextRead) -> None:
    """The records oldest first (a newest-first file reversed first), numbered from 1."""
    if len(seconds) > 1 and seconds[0] > seconds[-1]:
        which.reverse()  # newest first, as Event Viewer saves
        seconds.reverse()
    if not all(map(operator.le, seconds, itertools.islice(seconds, 1, None))):
        order = sorted(range(len(seconds)), key=seconds.__getitem__)  # stable
        which = array("I", map(which.__getitem__, order))
        seconds = array("q", map(seconds.__getitem__, order))
    read.records = EventTable(got.templates, which, seconds)
    read.rebuilt = NumberSet(read.records, frozenset(got.again))


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


def _day(date: str, order: DateOrder) -> int | str:
    """A date's midnight in seconds from the epoch, or why it cannot be read."""
    try:
        return (parse_log_datetime(date, "0:00:00", order) - EPOCH) // _SECOND
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
