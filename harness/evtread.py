"""Reading a binary NT ``.evt`` file as real machines leave it (reference §9.1).

Source: Microsoft's ``ELF_LOGFILE_HEADER``, ``EVENTLOGRECORD`` and ``ELF_EOF_RECORD``;
the libevt documentation "Windows Event Viewer Log (EVT) format". A copy of a live log
is *dirty* (flag 0x1), often *wrapped* (0x2) or *archived* (0x8); its header's offsets
and record numbers may be stale, and the EOF record holds the current ones. libevt
(``pyevt``) then says ``is_corrupted()`` yet hands over every record, plus records it
recovered by scanning. This module takes both, de-duplicates them by record number,
and checks the count against the record numbers of the header and the EOF record.
Where the numbers show a gap it scans the file for record signatures itself,
records that straddle the end of the circular file included, and says how many
records are still missing. A file is refused only when not one record can be read.

The file is streamed, never held whole: libevt reads it through the open file, the
EOF record and the signature scan read it in 1 MiB windows. The records become an
:class:`~harness.eventtable.EventTable`: per record its time and the index of its
template (source, type, category, event ID, user, computer, description, strings),
each distinct template made once.
"""

from __future__ import annotations

import bisect
import contextlib
import os
import struct
from array import array
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from harness.eventtable import EventTable, Template
from harness.evtrows import Rows, distinct, has, sorted_by
from sim.connector.events import EventSpec, category_name, lookup
from sim.eventlog import EventType
from sim.evtformat import EVENT_TYPE_CODES, EVT_SIGNATURE

__all__ = ["EvtFacts", "EvtRead", "looks_like_evt", "read_evt_records"]

_HEADER = struct.Struct("<I4sIIIIIIIIII")
_RECORD = struct.Struct("<I4sIIIIHHHHIIIIII")
_EOF = struct.Struct("<IIIIIIIIII")
_EOF_MAGIC = (0x11111111, 0x22222222, 0x33333333, 0x44444444)
#: a record longer than this is not believed (a flipped Length)
_MAX_RECORD = 0x40000
_FLAGS = ((0x1, "dirty"), (0x2, "wrapped"), (0x4, "full"), (0x8, "archive"))
_TYPES_BY_CODE = {code: kind for kind, code in EVENT_TYPE_CODES.items()}
#: what a record's template is made from: source, event, type, category, strings, user,
#: computer (as the file holds them)
_Key = tuple[str, int, int, int, tuple[str, ...], str, str]


@dataclass(frozen=True, slots=True)
class EvtFacts:
    """What the header and the EOF record say, and what reading found."""

    flags: tuple[str, ...]
    #: record numbers from the header: oldest and next to be written
    header_oldest: int
    header_next: int
    #: the same from the EOF record, when one was found
    eof_oldest: int | None
    eof_next: int | None
    #: records libevt returned, recovered by libevt, and found by this module's scan
    read: int
    recovered: int
    scanned: int
    #: record numbers the header/EOF numbers call for but no record was found for
    missing: int
    notes: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class EvtRead:
    """The records, numbered from 1 in time order (record-number order across the wrap),
    the numbers of those recovered and of those whose description the catalogue gave,
    and the facts."""

    records: EventTable
    recovered: frozenset[int]
    rebuilt: AbstractSet[int]
    facts: EvtFacts


class EvtUnreadableError(ValueError):
    """No record at all could be read from the file."""


#: how much of the file the EOF search and the signature scan read at a time
_WINDOW = 1 << 20
#: distinct texts remembered (a real log repeats them; beyond this, none are added)
REMEMBERED = 1 << 17


def looks_like_evt(head: bytes) -> bool:
    """Whether the first bytes of a file are a binary ``.evt``: the header's signature,
    or, where the header is damaged, an ``EVENTLOGRECORD`` whose length stands before
    its ``LfLe`` and again at its end (a text file holds no such thing)."""
    if head[4:8] == EVT_SIGNATURE:
        return True
    at = head.find(EVT_SIGNATURE, 4)
    while at >= 0:
        (length,) = struct.unpack_from("<I", head, at - 4)
        end = at - 4 + length
        fits = _RECORD.size + 4 <= length <= _MAX_RECORD and end <= len(head)
        if fits and head[end - 4 : end] == head[at - 4 : at]:
            return True
        at = head.find(EVT_SIGNATURE, at + 1)
    return False


def read_evt_records(stream: BinaryIO) -> EvtRead:
    """Every record that can be read from the open file ``stream`` (see the module
    docstring). The file is not read whole; its size is taken once, when opened."""
    import pyevt  # C extension: only when a .evt file is read

    size = os.fstat(stream.fileno()).st_size
    first = _at(stream, 0, _HEADER.size)
    if len(first) < _HEADER.size:
        raise EvtUnreadableError(f".evt header is cut short ({len(first)} of {_HEADER.size} bytes)")
    head = _HEADER.unpack(first)
    start, end, next_no, oldest, flags = head[4], head[5], head[6], head[7], head[9]
    damaged = head[1] != EVT_SIGNATURE or head[0] != _HEADER.size
    if damaged:  # nothing in it can be trusted: the records are found by their signatures
        start = end = next_no = oldest = flags = 0
    make = _Records()
    main = Rows()
    numbers: array[int] | None = None  # main's record numbers, once sorted
    extra: dict[int, tuple[int, int]] = {}  # recovered or scanned: number -> (seconds, template)
    counts = [0, 0, 0]
    log = pyevt.file()
    try:
        log.open_file_object(stream)
        make.read_into(log.records, main)
        main = distinct(main)
        numbers = main.numbers
        for r in log.recovered_records:
            number = int(r.identifier)
            if number not in extra and not has(numbers, number):
                extra[number] = (r.get_creation_time_as_integer(), make.of_pyevt(r))
                counts[1] += 1
    except OSError:
        pass  # what was read so far counts; the scan below looks for the rest
    finally:
        with contextlib.suppress(OSError):  # a file libevt could not open has nothing to close
            log.close()
    if numbers is None:
        main = distinct(main)
        numbers = main.numbers
    counts[0] = len(numbers)
    eof = _find_eof(stream, size, end)
    want = _wanted(oldest, next_no, eof)
    if damaged or not numbers or _missing(want, numbers, extra):
        for number, buf in _scan(stream, size):
            if number not in extra and not has(numbers, number):
                found = _parse(buf, make)
                if found is not None:
                    extra[number] = found
                    counts[2] += 1
    if not numbers and not extra:
        raise EvtUnreadableError("not one record could be read")
    facts = EvtFacts(
        flags=tuple(name for bit, name in _FLAGS if flags & bit),
        header_oldest=oldest,
        header_next=next_no,
        eof_oldest=eof[1] if eof else None,
        eof_next=eof[0] if eof else None,
        read=counts[0],
        recovered=counts[1],
        scanned=counts[2],
        missing=_missing(want, numbers, extra),
        notes=(f"the header is damaged (signature {head[1]!r}, size {head[0]}): not used",)
        if damaged
        else _stale_notes(start, end, oldest, next_no, eof, flags),
    )
    del numbers
    return _ordered(main, extra, make, facts)


def _ordered(
    main: Rows, extra: dict[int, tuple[int, int]], make: _Records, facts: EvtFacts
) -> EvtRead:
    """Every record by record number, then by time (a stable sort keeps equal times in
    record-number order across the wrap), numbered from 1 by position."""
    rows = main
    if extra:
        for number, (seconds, template) in extra.items():
            rows.add(number, seconds, template)
        rows = sorted_by(rows, rows.numbers)
    rows = sorted_by(rows, rows.seconds)
    recovered = [n for n, number in enumerate(rows.numbers, 1) if number in extra] if extra else []
    table = EventTable(make.templates, rows.which, rows.seconds)
    catalogued = make.catalogued
    rebuilt = table.numbers_where(lambda source, event_id: (source, event_id) in catalogued)
    return EvtRead(table, frozenset(recovered), rebuilt, facts)


def _wanted(oldest: int, next_no: int, eof: tuple[int, int] | None) -> range:
    """Record numbers the log should hold: the EOF record's numbers win over the header's."""
    first, after = (eof[1], eof[0]) if eof else (oldest, next_no)
    if not 0 < first <= after or after - first > 50_000_000:
        return range(0)
    return range(first, after)


def _missing(want: range, numbers: array[int], extra: dict[int, tuple[int, int]]) -> int:
    """How many of the wanted record numbers no record was found for (no set is built):
    ``numbers`` sorted and distinct, none of them in ``extra``."""
    if not want:
        return 0
    inside = bisect.bisect_left(numbers, want.stop) - bisect.bisect_left(numbers, want.start)
    return len(want) - inside - sum(1 for number in extra if number in want)


def _find_eof(stream: BinaryIO, size: int, end: int) -> tuple[int, int] | None:
    """(CurrentRecordNumber, OldestRecordNumber) of the EOF record: at ``end``, else found."""
    magic = struct.pack("<IIIII", _EOF.size, *_EOF_MAGIC)
    at = end if _at(stream, end, len(magic)) == magic else _find(stream, size, magic)
    if at < 0 or at + _EOF.size > size:
        return None
    values = _EOF.unpack(_at(stream, at, _EOF.size))
    return values[7], values[8]


def _at(stream: BinaryIO, offset: int, size: int) -> bytes:
    """``size`` bytes at ``offset`` (fewer at the end of the file). Only used while
    libevt is not reading the same file."""
    stream.seek(offset)
    return stream.read(size)


def _find(stream: BinaryIO, size: int, what: bytes) -> int:
    """Where ``what`` first occurs after the header, or -1; read a window at a time."""
    return next(_occurrences(stream, size, what), -1)


def _occurrences(stream: BinaryIO, size: int, what: bytes) -> Iterator[int]:
    """Every offset after the header where ``what`` occurs, in order (the windows
    overlap by ``len(what) - 1`` bytes, so none is missed at their edges)."""
    pos = _HEADER.size
    while pos < size:
        window = _at(stream, pos, _WINDOW + len(what) - 1)
        at = window.find(what)
        while 0 <= at < _WINDOW:
            yield pos + at
            at = window.find(what, at + len(what))
        pos += _WINDOW


def _stale_notes(
    start: int, end: int, oldest: int, next_no: int, eof: tuple[int, int] | None, flags: int
) -> tuple[str, ...]:
    notes: list[str] = []
    if eof and (eof[0], eof[1]) != (next_no, oldest):
        notes.append(
            f"header record numbers look stale (header: oldest {oldest}, next {next_no}; "
            f"EOF record: oldest {eof[1]}, next {eof[0]}): the EOF record's were used"
        )
    elif eof is None:
        notes.append(f"no EOF record found (header EndOffset {end}, StartOffset {start})")
    if flags & 0x1:
        notes.append("the log was open for writing when copied (dirty flag)")
    return tuple(notes)


def _scan(stream: BinaryIO, size: int) -> Iterator[tuple[int, bytes]]:
    """(record number, bytes) of every record whose signature and lengths are found,
    straddling ones included (their rest follows the header); :func:`_parse` checks more."""
    for at in _occurrences(stream, size, EVT_SIGNATURE):
        begin = at - 4
        (length,) = struct.unpack("<I", _at(stream, begin, 4))
        if _RECORD.size + 4 <= length <= _MAX_RECORD and length % 4 == 0:
            buf = _at(stream, begin, length)
            if begin + length > size:  # circular: the rest follows the header
                buf += _at(stream, _HEADER.size, begin + length - size)
            yield struct.unpack_from("<I", buf, 8)[0], buf


def _parse(buf: bytes, make: _Records) -> tuple[int, int] | None:
    """One EVENTLOGRECORD's seconds and template, or None when its lengths or offsets do
    not hold together."""
    length = len(buf)
    if buf[-4:] != buf[:4]:
        return None
    (_, _, _, generated, _, event, kind, count, category, _, _, str_at, sid_len, sid_at,
     _, _) = _RECORD.unpack_from(buf, 0)  # fmt: skip
    if not (_RECORD.size <= str_at <= length and sid_at + sid_len <= length):
        return None
    names = buf[_RECORD.size : length - 4].decode("utf-16-le", "replace").split("\0")
    if len(names) < 2:
        return None
    texts = buf[str_at : length - 4].decode("utf-16-le", "replace").split("\0")
    strings = tuple(texts[:count]) if count <= len(texts) else tuple(texts)
    sid = _sid(buf[sid_at : sid_at + sid_len]) if sid_len else "N/A"
    return generated, make.template((names[0], event, kind, category, strings, sid, names[1]))


def _sid(raw: bytes) -> str:
    """A binary SID as ``S-1-5-18`` (its revision, authority and sub-authorities)."""
    if len(raw) < 8:
        return "N/A"
    authority = int.from_bytes(raw[2:8], "big")
    subs = [str(v) for (v,) in struct.iter_unpack("<I", raw[8 : 8 + 4 * raw[1]])]
    return "-".join(["S", str(raw[0]), str(authority), *subs])


class _Records:
    """Makes each record's template once: per (source, event, type, category, strings,
    user, computer) its names and description. A catalogued event's description is
    filled from the strings the file holds (no text is parsed); any other's is what Event
    Viewer shows without the message file."""

    def __init__(self) -> None:
        self.templates: list[Template] = []
        self.seen: dict[_Key, int] = {}
        self.pool: dict[str, str] = {}
        self.entries: dict[tuple[str, int], EventSpec | None] = {}
        #: (source, event ID) of the catalogued events seen
        self.catalogued: set[tuple[str, int]] = set()

    def read_into(self, records: Iterable[Any], rows: Rows) -> None:
        """Each pyevt record's number, time and template added to ``rows``."""
        numbers, seconds, which = rows.numbers.append, rows.seconds.append, rows.which.append
        seen, make = self.seen.get, self.template
        for r in records:  # as of_pyevt, inline: this loop runs once a record
            key = (r.source_name or "", r.event_identifier, r.event_type, r.event_category or 0,
                   tuple(map(str, r.strings or ())), r.user_security_identifier or "N/A",
                   r.computer_name or "")  # fmt: skip
            template = seen(key)
            if template is None:
                template = make(key)
            # pyevt's own datetime fails on 1999-12-31 ("day is out of range"): the seconds
            number, at = r.identifier, r.get_creation_time_as_integer()
            numbers(number)
            seconds(at)
            which(template)

    def of_pyevt(self, r: Any) -> int:  # noqa: ANN401 - a pyevt record (no stubs)
        # pyevt gives ints and strs (None for an absent name, SID or category)
        key = (r.source_name or "", r.event_identifier, r.event_type, r.event_category or 0,
               tuple(map(str, r.strings or ())), r.user_security_identifier or "N/A",
               r.computer_name or "")  # fmt: skip
        found = self.seen.get(key)
        return self.template(key) if found is None else found

    def template(self, key: _Key) -> int:
        """The index of the template of ``key`` (made now unless remembered)."""
        found = self.seen.get(key)
        if found is not None:
            return found
        source, event, kind, category, strings, user, computer = key
        event_id = event & 0xFFFF
        entry = self._entry(source, event_id)
        if entry is None:
            description = _not_found(event_id, source, strings)
        else:
            description = entry.fill(strings, strict=False)
        kind_name = _TYPES_BY_CODE.get(kind, EventType.INFORMATION)
        share = self.pool.setdefault  # names repeat across templates: one string each
        source, user, computer = share(source, source), share(user, user), share(computer, computer)
        at = len(self.templates)
        self.templates.append((source, kind_name, category_name(source, category), event_id,
                               user, computer, description, strings))  # fmt: skip
        if len(self.seen) < REMEMBERED:  # remembered with the shared names, not pyevt's copies
            self.seen[(source, event, kind, category, strings, user, computer)] = at
        return at

    def _entry(self, source: str, event_id: int) -> EventSpec | None:
        key = (source, event_id)
        if key in self.entries:
            return self.entries[key]
        found = lookup(source, event_id)
        if found is not None:
            self.catalogued.add(key)  # at most the catalogue's size
        if len(self.entries) < REMEMBERED:
            self.entries[key] = found
        return found


def _not_found(event_id: int, source: str, strings: tuple[str, ...]) -> str:
    """What NT 4.0 Event Viewer shows without the source's message file (modelled)."""
    return (
        f"The description for Event ID ( {event_id} ) in Source ( {source} ) could not be "
        f"found. It contains the following insertion string(s): {', '.join(strings)}."
    )
