"""The physical layout of the simulated post office database files.

Source: ccmail-reference.md §1.2-§1.3 name the files; their layout is not
documented anywhere (§1.2 "[U]", §7 item 1). Everything below is modelled, not
documented, and designed so that each kind of damage ANALYZE reports (§3, AN50)
is a real state of the bytes.

Every database file (``CCPOMBOX.*``, ``CLANDATA``, ``MLANDATA``, ``USRxxxxx``,
``NFTCHECK``) is a *record file*, little-endian::

    header (32 bytes)
      0  magic        b"CCDB"
      4  kind         4 ASCII bytes: b"POMB" b"CLAN" b"MLAN" b"USR " b"NFT "
      8  db_version   u16, 6 or 8 (DB6 / DB8)
     10  reserved     u16, 0
     12  live_count   u32, live records
     16  used_bytes   u32, committed bytes after the header (live + free records)
     20  free_bytes   u32, bytes held by free records (fragmentation)
     24  next_number  u32, next message or entry number to hand out
     28  header_crc   u32, CRC-32 of bytes 0-27
    records, back to back
      0  size         u32, payload length
      4  status       u8, b"L" live or b"F" free
      5  rtype        u8, record type (per file kind)
      6  crc          u32, CRC-32 of the payload
     10  payload

The file's committed length is ``32 + used_bytes``. Damage this layout can hold:

* a damaged header (``header_crc`` wrong);
* a torn record: bytes past the committed length, left by a write that never
  finished (the header was not updated, so nothing in them was committed);
* wrong counters: ``live_count`` / ``free_bytes`` disagree with the records;
* fragmentation: free records inside the file (space RECLAIM gives back);
* a bad record checksum inside the committed region.

The index and directory-chain damage live one level up (``postoffice.py``).
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "FREE",
    "HEADER",
    "HEADER_SIZE",
    "LIVE",
    "RECORD",
    "RECORD_SIZE",
    "FileScan",
    "Header",
    "Record",
    "RecordFileError",
    "decode_header",
    "encode_header",
    "encode_record",
    "next_record",
    "read_record_file",
    "scan",
]

MAGIC = b"CCDB"
HEADER = struct.Struct("<4s4sHHIIII")  # without the CRC
HEADER_SIZE = HEADER.size + 4  # 32
RECORD = struct.Struct("<IcBI")  # size, status, rtype, crc
RECORD_SIZE = RECORD.size  # 10
LIVE = b"L"
FREE = b"F"


class RecordFileError(ValueError):
    """A record file too damaged to read at all (bad magic, short header)."""


@dataclass(slots=True)
class Header:
    kind: bytes
    db_version: int
    live_count: int = 0
    used_bytes: int = 0
    free_bytes: int = 0
    next_number: int = 1
    crc_ok: bool = True


@dataclass(slots=True)
class Record:
    offset: int  # of the record start, from the start of the file
    status: bytes
    rtype: int
    payload: bytes
    crc_ok: bool = True

    @property
    def live(self) -> bool:
        return self.status == LIVE

    @property
    def size(self) -> int:
        return RECORD_SIZE + len(self.payload)


@dataclass(slots=True)
class FileScan:
    """Everything a full read of one record file finds."""

    header: Header
    records: list[Record] = field(default_factory=list)
    torn_bytes: int = 0  # bytes past the committed length
    short_bytes: int = 0  # committed length claims more than the file has
    chain_error: str | None = None  # a record size that runs off the committed region

    @property
    def live(self) -> list[Record]:
        return [r for r in self.records if r.live]

    @property
    def counted_live(self) -> int:
        return sum(1 for r in self.records if r.live)

    @property
    def counted_free(self) -> int:
        return sum(r.size for r in self.records if not r.live)

    @property
    def bad_crc(self) -> list[Record]:
        return [r for r in self.records if not r.crc_ok]

    @property
    def fragmentation(self) -> float:
        """Share of the committed bytes held by free records."""
        used = self.header.used_bytes
        return self.counted_free / used if used else 0.0


def encode_header(header: Header) -> bytes:
    head = HEADER.pack(
        MAGIC,
        header.kind,
        header.db_version,
        0,
        header.live_count,
        header.used_bytes,
        header.free_bytes,
        header.next_number,
    )
    return head + struct.pack("<I", zlib.crc32(head))


def encode_record(payload: bytes, rtype: int, status: bytes = LIVE) -> bytes:
    return RECORD.pack(len(payload), status, rtype, zlib.crc32(payload)) + payload


def decode_header(data: bytes) -> Header:
    if len(data) < HEADER_SIZE or data[:4] != MAGIC:
        raise RecordFileError("not a cc:Mail database file (bad signature)")
    _, kind, version, _, live, used, free, nxt = HEADER.unpack_from(data)
    (crc,) = struct.unpack_from("<I", data, HEADER.size)
    ok = crc == zlib.crc32(data[: HEADER.size])
    return Header(kind, version, live, used, free, nxt, ok)


def scan(data: bytes, *, resync: bool = False) -> FileScan:
    """Parse a whole record file (bytes already read) without trusting its counters.

    ``resync``: after a chain error, go on from the next whole record
    (:func:`next_record`) within the committed length, as a count of what the file
    holds does; the error is still reported.
    """
    header = decode_header(data)
    committed = HEADER_SIZE + header.used_bytes
    result = FileScan(header)
    if committed > len(data):
        result.short_bytes = committed - len(data)
        committed = len(data)
    result.torn_bytes = max(0, len(data) - committed)
    pos = HEADER_SIZE
    while pos < committed:
        error = None
        if pos + RECORD_SIZE > committed:
            error = f"record at offset {pos} is cut short"
        else:
            size, status, rtype, crc = RECORD.unpack_from(data, pos)
            end = pos + RECORD_SIZE + size
            if end > committed or status not in (LIVE, FREE):
                error = f"record at offset {pos} runs past the committed data"
        if error is not None:
            result.chain_error = result.chain_error or error
            resume = next_record(data, pos, committed) if resync else None
            if resume is None:
                break
            pos = resume
            continue
        payload = data[pos + RECORD_SIZE : end]
        result.records.append(Record(pos, status, rtype, payload, zlib.crc32(payload) == crc))
        pos = end
    return result


def next_record(data: bytes, pos: int, limit: int) -> int | None:
    """The first offset after ``pos`` where a whole record that passes its checksum
    begins (within ``limit``), or None: where reading resumes after a gap.

    A writer trusts the header, so after a header that claims more than the file holds
    (KB Q248195's damage) the next append lands past the file's end and leaves a gap
    of zeros before it. A repair that copies the records mailboxes refer to finds
    those after the gap too (modelled). Only positions whose status byte reads live
    or free are tried, so a gap of zeros is crossed in one ``find``.
    """
    at = pos + 1
    while True:
        hits = [
            i for i in (data.find(LIVE, at + 4, limit), data.find(FREE, at + 4, limit)) if i >= 0
        ]
        if not hits:
            return None
        start = min(hits) - 4
        if start + RECORD_SIZE <= limit:
            size, status, _, crc = RECORD.unpack_from(data, start)
            end = start + RECORD_SIZE + size
            fits = status in (LIVE, FREE) and end <= limit
            if fits and zlib.crc32(data[start + RECORD_SIZE : end]) == crc:
                return start
        at = start + 1


def read_record_file(path: Path) -> FileScan:
    return scan(path.read_bytes())
