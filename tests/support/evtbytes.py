"""``.evt`` files built byte by byte from the format documentation, not by ``sim``.

Layout (MSDN ELF_LOGFILE_HEADER / EVENTLOGRECORD / ELF_EOF_RECORD; the libevt
documentation "Windows Event Viewer Log (EVT) format"): a 48-byte header, records
in a circular buffer that continues straight after the header, the 40-byte EOF
record. Used to test the reader against files shaped as real machines leave them.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

HEADER_SIZE = 0x30
EOF_SIZE = 0x28
DIRTY, WRAP, FULL, ARCHIVE = 0x1, 0x2, 0x4, 0x8


@dataclass(frozen=True)
class Rec:
    number: int
    seconds: int
    event_id: int
    source: str = "MSExchangeCCMC"
    computer: str = "EXSRV1"
    strings: tuple[str, ...] = ()
    event_type: int = 1  # error
    category: int = 1


def _z(text: str) -> bytes:
    return text.encode("utf-16-le") + b"\0\0"


def record_bytes(rec: Rec) -> bytes:
    names = _z(rec.source) + _z(rec.computer)
    names += b"\0" * (-len(names) % 4)
    strings = b"".join(_z(s) for s in rec.strings)
    body = names + strings
    body += b"\0" * (-len(body) % 4)
    length = 56 + len(body) + 4
    string_offset = 56 + len(names)
    head = struct.pack(
        "<I4sIIIIHHHHIIIIII",
        length, b"LfLe", rec.number, rec.seconds, rec.seconds, 0xC0000000 | rec.event_id,
        rec.event_type, len(rec.strings), rec.category, 0, 0, string_offset, 0,
        string_offset, 0, 56 + len(body),
    )  # fmt: skip
    return head + body + struct.pack("<I", length)


def eof_bytes(begin: int, end: int, next_no: int, oldest: int) -> bytes:
    return struct.pack(
        "<IIIIIIIIII", EOF_SIZE, 0x11111111, 0x22222222, 0x33333333, 0x44444444,
        begin, end, next_no, oldest, EOF_SIZE,
    )  # fmt: skip


def header_bytes(start: int, end: int, next_no: int, oldest: int, size: int, flags: int) -> bytes:
    return struct.pack(
        "<I4sIIIIIIIIII", HEADER_SIZE, b"LfLe", 1, 1, start, end, next_no, oldest, size,
        flags, 0, HEADER_SIZE,
    )  # fmt: skip


def linear_log(records: list[Rec], *, flags: int = 0, header_next: int | None = None) -> bytes:
    """Header, records, EOF record, in that order (a log that has not wrapped).
    ``header_next`` makes the header's next record number stale (a dirty copy)."""
    body = b"".join(record_bytes(r) for r in records)
    oldest, next_no = records[0].number, records[-1].number + 1
    end = HEADER_SIZE + len(body)
    header = header_bytes(HEADER_SIZE, end, header_next or next_no, oldest, end + EOF_SIZE, flags)
    return header + body + eof_bytes(HEADER_SIZE, end, next_no, oldest)


def wrapped_log(records: list[Rec], size: int, start: int, *, flags: int = DIRTY | WRAP) -> bytes:
    """A circular log of ``size`` bytes whose oldest record is at ``start``: the records
    run to the end of the file and continue after the header (one may straddle)."""
    stream = b"".join(record_bytes(r) for r in records)
    first = size - start
    assert len(stream) > first, "the records must reach past the end of the file"
    rest = stream[first:]
    end = HEADER_SIZE + len(rest)
    assert end + EOF_SIZE <= start, "the records must not overwrite themselves"
    oldest, next_no = records[0].number, records[-1].number + 1
    buf = bytearray(size)
    buf[:HEADER_SIZE] = header_bytes(start, end, next_no, oldest, size, flags)
    buf[start:] = stream[:first]
    buf[HEADER_SIZE:end] = rest
    buf[end : end + EOF_SIZE] = eof_bytes(start, end, next_no, oldest)
    return bytes(buf)


def flip_signature(data: bytes, number: int) -> bytes:
    """The file with one byte of record ``number``'s ``LfLe`` signature changed."""
    at = data.find(b"LfLe", HEADER_SIZE)
    while at >= 0:
        if struct.unpack_from("<I", data, at + 4)[0] == number:
            return data[:at] + b"M" + data[at + 1 :]
        at = data.find(b"LfLe", at + 4)
    raise AssertionError(f"no record {number}")
