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
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sim.connector.events import category_name
from sim.eventlog import EventRecord, EventType
from sim.evtformat import EVENT_TYPE_CODES, EVT_SIGNATURE

__all__ = ["EvtFacts", "EvtRead", "read_evt_records"]

_HEADER = struct.Struct("<I4sIIIIIIIIII")
_RECORD = struct.Struct("<I4sIIIIHHHHIIIIII")
_EOF = struct.Struct("<IIIIIIIIII")
_EOF_MAGIC = (0x11111111, 0x22222222, 0x33333333, 0x44444444)
#: a record longer than this is not believed (a flipped Length)
_MAX_RECORD = 0x40000
_FLAGS = ((0x1, "dirty"), (0x2, "wrapped"), (0x4, "full"), (0x8, "archive"))
_TYPES_BY_CODE = {code: kind for kind, code in EVENT_TYPE_CODES.items()}
_EPOCH = datetime(1970, 1, 1)


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
    """The records (file record number, record) in record-number order, and the facts."""

    records: tuple[tuple[int, EventRecord], ...]
    recovered: frozenset[int]
    facts: EvtFacts


class EvtUnreadableError(ValueError):
    """No record at all could be read from the file."""


def read_evt_records(data: bytes) -> EvtRead:
    """Every record that can be read from ``data`` (see the module docstring)."""
    import pyevt  # C extension: only when a .evt file is read

    if len(data) < _HEADER.size:
        raise EvtUnreadableError(f".evt header is cut short ({len(data)} of {_HEADER.size} bytes)")
    head = _HEADER.unpack_from(data, 0)
    start, end, next_no, oldest, flags = head[4], head[5], head[6], head[7], head[9]
    found: dict[int, EventRecord] = {}
    recovered: set[int] = set()
    log = pyevt.file()
    counts = [0, 0, 0]
    try:
        log.open_file_object(io.BytesIO(data))
        for kind, records in ((0, log.records), (1, log.recovered_records)):
            for r in records:
                number = int(r.identifier)
                if number not in found:
                    found[number] = _from_pyevt(r)
                    counts[kind] += 1
                    if kind:
                        recovered.add(number)
    except OSError:
        pass  # what was read so far counts; the scan below looks for the rest
    finally:
        log.close()
    eof = _find_eof(data, end)
    want = _wanted(oldest, next_no, eof)
    if _missing(want, found):
        for number, record in _scan(data):
            if number not in found:
                found[number] = record
                recovered.add(number)
                counts[2] += 1
    if not found:
        raise EvtUnreadableError("not one record could be read")
    missing = _missing(want, found)
    facts = EvtFacts(
        flags=tuple(name for bit, name in _FLAGS if flags & bit),
        header_oldest=oldest,
        header_next=next_no,
        eof_oldest=eof[1] if eof else None,
        eof_next=eof[0] if eof else None,
        read=counts[0],
        recovered=counts[1],
        scanned=counts[2],
        missing=missing,
        notes=_stale_notes(start, end, oldest, next_no, eof, flags),
    )
    ordered = tuple(sorted(found.items()))
    return EvtRead(ordered, frozenset(recovered), facts)


def _wanted(oldest: int, next_no: int, eof: tuple[int, int] | None) -> range:
    """Record numbers the log should hold: the EOF record's numbers win over the header's."""
    first, after = (eof[1], eof[0]) if eof else (oldest, next_no)
    if not 0 < first <= after or after - first > 50_000_000:
        return range(0)
    return range(first, after)


def _missing(want: range, found: dict[int, EventRecord]) -> int:
    """How many of the wanted record numbers no record was found for (no set is built)."""
    return len(want) - sum(1 for number in found if number in want)


def _find_eof(data: bytes, end: int) -> tuple[int, int] | None:
    """(CurrentRecordNumber, OldestRecordNumber) of the EOF record: at ``end``, else found."""
    magic = struct.pack("<IIIII", _EOF.size, *_EOF_MAGIC)
    at = end if data[end : end + 20] == magic else data.find(magic, _HEADER.size)
    if at < 0 or at + _EOF.size > len(data):
        return None
    values = _EOF.unpack_from(data, at)
    return values[7], values[8]


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


def _scan(data: bytes) -> Iterator[tuple[int, EventRecord]]:
    """Every well-formed record whose signature is found, straddling ones included."""
    size = len(data)
    at = data.find(EVT_SIGNATURE, _HEADER.size)
    while at >= 0:
        begin = at - 4
        (length,) = struct.unpack_from("<I", data, begin)
        if _RECORD.size + 4 <= length <= _MAX_RECORD and length % 4 == 0:
            if begin + length <= size:
                buf = data[begin : begin + length]
            else:  # circular: the rest follows the header
                buf = data[begin:] + data[_HEADER.size : _HEADER.size + begin + length - size]
            record = _parse(buf)
            if record is not None:
                yield record
        at = data.find(EVT_SIGNATURE, at + 4)


def _parse(buf: bytes) -> tuple[int, EventRecord] | None:
    """One EVENTLOGRECORD, or None when its lengths or offsets do not hold together."""
    length = len(buf)
    if buf[-4:] != buf[:4]:
        return None
    (_, _, number, generated, _, event, kind, count, category, _, _, str_at, sid_len, sid_at,
     _, _) = _RECORD.unpack_from(buf, 0)  # fmt: skip
    if not (_RECORD.size <= str_at <= length and sid_at + sid_len <= length):
        return None
    names = buf[_RECORD.size : length - 4].decode("utf-16-le", "replace").split("\0")
    if len(names) < 2:
        return None
    texts = buf[str_at : length - 4].decode("utf-16-le", "replace").split("\0")
    strings = tuple(texts[:count]) if count <= len(texts) else tuple(texts)
    sid = _sid(buf[sid_at : sid_at + sid_len]) if sid_len else "N/A"
    return number, _record(names[0], event, kind, category, generated, sid, names[1], strings)


def _sid(raw: bytes) -> str:
    """A binary SID as ``S-1-5-18`` (its revision, authority and sub-authorities)."""
    if len(raw) < 8:
        return "N/A"
    authority = int.from_bytes(raw[2:8], "big")
    subs = [str(v) for (v,) in struct.iter_unpack("<I", raw[8 : 8 + 4 * raw[1]])]
    return "-".join(["S", str(raw[0]), str(authority), *subs])


def _from_pyevt(r: Any) -> EventRecord:  # noqa: ANN401 - a pyevt record (no stubs)
    return _record(
        str(r.source_name or ""),
        int(r.event_identifier),
        int(r.event_type),
        int(r.event_category or 0),
        # pyevt's own datetime fails on 1999-12-31 ("day is out of range"): use the seconds
        int(r.get_creation_time_as_integer()),
        str(r.user_security_identifier or "N/A"),
        str(r.computer_name or ""),
        tuple(str(s) for s in (r.strings or ())),
    )


def _record(
    source: str,
    event: int,
    kind: int,
    category: int,
    seconds: int,
    user: str,
    computer: str,
    strings: tuple[str, ...],
) -> EventRecord:
    event_id = event & 0xFFFF
    return EventRecord(
        record_number=0,
        when=_EPOCH + timedelta(seconds=seconds),
        source=source,
        type=_TYPES_BY_CODE.get(kind, EventType.INFORMATION),
        category=category_name(source, category),
        event_id=event_id,
        user=user,
        computer=computer,
        description=_not_found(event_id, source, strings),
        strings=strings,
    )


def _not_found(event_id: int, source: str, strings: tuple[str, ...]) -> str:
    """What NT 4.0 Event Viewer shows without the source's message file (modelled)."""
    return (
        f"The description for Event ID ( {event_id} ) in Source ( {source} ) could not be "
        f"found. It contains the following insertion string(s): {', '.join(strings)}."
    )
