"""Reading a record file without trusting it: the first step of every repair.

Modelled, not documented (how CHKSTAT and RECLAIM read a damaged file is unknown,
ccmail-reference.md §7 item 5): the header is trusted only where the records agree
with it; a torn tail is uncommitted bytes and is cut off; a record whose checksum
fails but whose payload still reads is kept with a new checksum, otherwise it
becomes a free record of the same size, so offsets never move. The repairs built
on it are in :mod:`sim.postoffice.repair`.
"""

from __future__ import annotations

import itertools
import re
import struct
import zlib
from dataclasses import dataclass

from sim.postoffice import layout
from sim.postoffice import records as rf

__all__ = ["USR_NAME", "Salvage", "first_u32", "kind_of", "salvage"]

_U32 = struct.Struct("<I")
#: a mailbox file name, case-folded: ``usr00012``
USR_NAME = re.compile(r"^usr(\d{5})$")
_KINDS = {"clandata": b"CLAN", "mlandata": b"MLAN", "nftcheck": b"NFT "}


@dataclass(slots=True)
class Salvage:
    """A record file read without trusting it: its records and what was wrong."""

    kind: bytes
    db_version: int
    next_number: int
    #: (status, rtype, payload), back to back from the header: offsets are preserved
    records: list[tuple[bytes, int, bytes]]
    notes: list[str]

    def offsets(self) -> list[int]:
        out, pos = [], rf.HEADER_SIZE
        for _, _, payload in self.records:
            out.append(pos)
            pos += rf.RECORD_SIZE + len(payload)
        return out

    def live(self, rtype: int) -> list[tuple[int, bytes]]:
        """(offset, payload) of live records of one type."""
        return [
            (off, payload)
            for off, (status, kind, payload) in zip(self.offsets(), self.records, strict=True)
            if status == rf.LIVE and kind == rtype
        ]

    def replaced(self, records: list[tuple[bytes, int, bytes]]) -> Salvage:
        """The same file with other records (header fields kept)."""
        return Salvage(self.kind, self.db_version, self.next_number, records, [])

    def encode(self) -> bytes:
        """The whole file: consistent header, records in place, no tail."""
        body = b"".join(rf.encode_record(p, t, s) for s, t, p in self.records)
        live = sum(1 for s, _, _ in self.records if s == rf.LIVE)
        free = sum(rf.RECORD_SIZE + len(p) for s, _, p in self.records if s != rf.LIVE)
        numbered = {b"CLAN": layout.T_ENTRY, b"MLAN": layout.T_MESSAGE}.get(self.kind)
        top = max((first_u32(p) for _, p in self.live(numbered)), default=0) if numbered else 0
        nxt = max(self.next_number, top + 1)
        header = rf.Header(self.kind, self.db_version, live, len(body), free, nxt)
        return rf.encode_header(header) + body


def first_u32(payload: bytes) -> int:
    return _U32.unpack_from(payload)[0] if len(payload) >= _U32.size else 0


def kind_of(name: str) -> bytes:
    key = name.casefold()
    if key.startswith("ccpombox."):
        return b"POMB"
    if USR_NAME.match(key):
        return b"USR "
    return _KINDS.get(key, b"????")


def _readable(kind: bytes, rtype: int, payload: bytes) -> bool:
    """Does a payload whose checksum failed still read as its record type?"""
    try:
        if kind == b"CLAN" and rtype == layout.T_ENTRY:
            layout.DirectoryEntry.decode(payload)
        elif kind == b"CLAN" and rtype == layout.T_LIST:
            layout.decode_list(payload)
        elif kind == b"CLAN" and rtype == layout.T_CHAIN:
            return len(payload) % _U32.size == 0
        elif kind == b"MLAN":
            layout.decode_message(payload)
        elif kind == b"USR " and rtype == layout.T_REF:
            return len(payload) >= 2 * _U32.size
        elif kind == b"POMB" and rtype == layout.T_IDENTITY:
            return len(layout.dec(payload).split("\x00")) == 3
        return len(payload) >= _U32.size
    except (ValueError, UnicodeDecodeError, struct.error):
        return False


def _walk(data: bytes, limit: int, gaps: set[int] | None = None) -> list[tuple[int, bool]]:
    """Record boundaries reachable from the header up to ``limit`` bytes, each with
    whether the record ending there passes its checksum (the header's entry: True).

    Where the chain breaks, the walk goes on at the next whole record
    (:func:`sim.postoffice.records.next_record`) when the bytes between can be kept as
    one free record; the start of each such gap is added to ``gaps``.
    """
    bounds = [(rf.HEADER_SIZE, True)]
    pos = rf.HEADER_SIZE
    while pos + rf.RECORD_SIZE <= limit:
        size, status, _, crc = rf.RECORD.unpack_from(data, pos)
        end = pos + rf.RECORD_SIZE + size
        if end > limit or status not in (rf.LIVE, rf.FREE):
            resume = rf.next_record(data, pos, limit)
            if resume is None or resume - pos < rf.RECORD_SIZE:
                break  # nothing after it, or a gap too small to keep as a free record
            if gaps is not None:
                gaps.add(pos)
            bounds.append((resume, True))
            pos = resume
            continue
        bounds.append((end, zlib.crc32(data[pos + rf.RECORD_SIZE : end]) == crc))
        pos = end
    return bounds


def _committed_end(data: bytes, claimed: int, header_ok: bool) -> int:
    walked = _walk(data, len(data))
    bounds = [b for b, _ in walked]
    if claimed in bounds:
        return claimed  # the header's length lands on a record boundary: trust it
    if header_ok:
        return max(b for b in bounds if b <= claimed)  # short file or a torn last record
    # unknown length: a torn tail is the records after the last one that checks out
    return max(b for b, ok in walked if ok)


def salvage(name: str, data: bytes, db_version: int = 6) -> Salvage:
    """Read a record file tolerantly (header trusted only where the records agree)."""
    kind = kind_of(name)
    if len(data) < rf.HEADER_SIZE:
        return Salvage(kind, db_version, 1, [], [f"{name}: rebuilt an empty file"])
    _, _, version, _, _, used, _, nxt = rf.HEADER.unpack_from(data)
    (crc,) = _U32.unpack_from(data, rf.HEADER.size)
    header_ok = data[:4] == b"CCDB" and crc == zlib.crc32(data[: rf.HEADER.size])
    end = _committed_end(data, rf.HEADER_SIZE + used, header_ok)
    notes = [] if header_ok else [f"{name}: header rebuilt"]
    if len(data) > end:
        notes.append(f"{name}: {len(data) - end} uncommitted bytes removed")
    records = []
    gaps: set[int] = set()
    walked = _walk(data, end, gaps)
    for (pos, _), (after, _) in itertools.pairwise(walked):
        if pos in gaps:  # bytes no record covers (a write past a short file's end)
            records.append((rf.FREE, 0, bytes(after - pos - rf.RECORD_SIZE)))
            notes.append(f"{name}: {after - pos} bytes at offset {pos} that hold no record freed")
            continue
        size, status, rtype, rcrc = rf.RECORD.unpack_from(data, pos)
        payload = data[pos + rf.RECORD_SIZE : pos + rf.RECORD_SIZE + size]
        if zlib.crc32(payload) != rcrc:
            if status == rf.LIVE and not _readable(kind, rtype, payload):
                status = rf.FREE
                notes.append(f"{name}: unreadable record at offset {pos} freed")
            else:
                notes.append(f"{name}: checksum of record at offset {pos} rewritten")
        records.append((status, rtype, payload))
    version = version if version in (6, 8) else db_version
    return Salvage(kind, version, max(nxt, 1), records, notes)
