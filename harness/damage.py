"""Byte-level damage to a post office, as a crash or a hand edit leaves it.

Each helper writes bytes with pathlib, never through the Postoffice API, so the
damage is exactly what ANALYZE must find in the files (layout: sim/postoffice/
records.py and postoffice.py).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from pathlib import Path

from sim.message import Message
from sim.postoffice import records as rf
from sim.postoffice.layout import (
    CLANDATA,
    MLANDATA,
    NFTCHECK,
    T_CHAIN,
    T_MESSAGE,
    T_NFT,
    T_REF,
    encode_message,
)
from sim.postoffice.postoffice import Postoffice

__all__ = [
    "add_nft_row",
    "break_chain",
    "break_index",
    "claim_more",
    "drop_nft_row",
    "flip_header_crc",
    "flip_record_crc",
    "fragment",
    "header_field",
    "misdirect_index",
    "orphan_message",
    "set_header_field",
    "tear_tail",
]

U32 = struct.Struct("<I")
#: header field -> byte offset (records.py docstring)
FIELDS = {"live_count": 12, "used_bytes": 16, "free_bytes": 20, "next_number": 24}


def _header_crc(head: bytes) -> bytes:
    return U32.pack(zlib.crc32(head[: rf.HEADER.size]))


def set_header_field(path: Path, field: str, value: int, *, fix_crc: bool) -> None:
    """Overwrite one header counter; with fix_crc the header stays self-consistent."""
    data = bytearray(path.read_bytes())
    data[FIELDS[field] : FIELDS[field] + 4] = U32.pack(value)
    if fix_crc:
        data[28:32] = _header_crc(bytes(data))
    path.write_bytes(bytes(data))


def header_field(path: Path, field: str) -> int:
    value: int = U32.unpack_from(path.read_bytes(), FIELDS[field])[0]
    return value


def flip_header_crc(path: Path) -> None:
    """A header whose checksum no longer matches (damaged header)."""
    data = bytearray(path.read_bytes())
    data[28] ^= 0xFF
    path.write_bytes(bytes(data))


def tear_tail(path: Path, junk: bytes = b"\x0b\x00\x00\x00L\x01partial") -> None:
    """Bytes past the committed length: a write whose header update never happened."""
    with path.open("ab") as fh:
        fh.write(junk)


def claim_more(path: Path, extra: int = 64) -> None:
    """The header claims more committed bytes than the file holds (short file)."""
    set_header_field(path, "used_bytes", header_field(path, "used_bytes") + extra, fix_crc=True)


def _patch_record(path: Path, index: int, change: Callable[[bytes], bytes], rtype: int) -> None:
    """Replace the payload of the index-th live record of a type; keep its checksum right."""
    data = bytearray(path.read_bytes())
    record = [r for r in rf.scan(bytes(data)).records if r.live and r.rtype == rtype][index]
    payload = change(record.payload)
    if len(payload) != len(record.payload):
        raise ValueError("a patched record must keep its length")
    start = record.offset + rf.RECORD_SIZE
    data[start : start + len(payload)] = payload
    data[record.offset + 6 : record.offset + 10] = U32.pack(zlib.crc32(payload))
    path.write_bytes(bytes(data))


def break_chain(po: Postoffice, how: str = "stray") -> None:
    """Directory chain damage: "stray" points an offset off its entry, "swap" reorders."""

    def change(payload: bytes) -> bytes:
        offsets = [o for (o,) in U32.iter_unpack(payload)]
        if how == "swap" and len(offsets) >= 2:
            offsets[0], offsets[1] = offsets[1], offsets[0]
        else:
            offsets[0] += 3
        return b"".join(U32.pack(o) for o in offsets)

    _patch_record(po.path / CLANDATA, 0, change, T_CHAIN)


def break_index(po: Postoffice, mailbox_file: str, index: int = 0, *, shift: int = 1) -> None:
    """A mailbox reference whose MLANDATA offset no longer holds its message."""

    def change(payload: bytes) -> bytes:
        number, offset = U32.unpack_from(payload)[0], U32.unpack_from(payload, 4)[0]
        return U32.pack(number) + U32.pack(offset + shift) + payload[8:]

    _patch_record(po.path / mailbox_file, index, change, T_REF)


def misdirect_index(po: Postoffice, mailbox_file: str, index: int, target_offset: int) -> None:
    """A reference pointing at another (live or free) message record."""

    def change(payload: bytes) -> bytes:
        return payload[:4] + U32.pack(target_offset) + payload[8:]

    _patch_record(po.path / mailbox_file, index, change, T_REF)


def _rewrite(path: Path, items: list[tuple[int, bytes]]) -> None:
    header = rf.scan(path.read_bytes()).header
    body = b"".join(rf.encode_record(payload, rtype) for rtype, payload in items)
    head = rf.Header(header.kind, header.db_version, len(items), len(body), 0, header.next_number)
    path.write_bytes(rf.encode_header(head) + body)


def drop_nft_row(po: Postoffice, index: int = 0) -> None:
    """NFTCHECK forgets a mailbox file (NFT error)."""
    path = po.path / NFTCHECK
    rows = [(r.rtype, r.payload) for r in rf.scan(path.read_bytes()).live]
    del rows[index]
    _rewrite(path, rows)


def add_nft_row(po: Postoffice, number: int = 99999) -> None:
    """NFTCHECK lists a mailbox file that does not exist (NFT error)."""
    path = po.path / NFTCHECK
    rows = [(r.rtype, r.payload) for r in rf.scan(path.read_bytes()).live]
    rows.append((T_NFT, U32.pack(number) + f"USR{number:05d}".encode()))
    _rewrite(path, rows)


def flip_record_crc(path: Path, index: int = 0) -> None:
    """One record's checksum field damaged; its payload is intact."""
    data = bytearray(path.read_bytes())
    record = rf.scan(bytes(data)).records[index]
    data[record.offset + 6] ^= 0xFF
    path.write_bytes(bytes(data))


def _append_committed(path: Path, record: bytes, *, free: bool, number: int | None) -> None:
    data = bytearray(path.read_bytes())
    header = rf.scan(bytes(data)).header
    committed = rf.HEADER_SIZE + header.used_bytes
    del data[committed:]
    data += record
    header.used_bytes += len(record)
    if free:
        header.free_bytes += len(record)
    else:
        header.live_count += 1
    if number is not None:
        header.next_number = max(header.next_number, number + 1)
    data[: rf.HEADER_SIZE] = rf.encode_header(header)
    path.write_bytes(bytes(data))


def fragment(po: Postoffice, size: int = (1 << 20) + 4096) -> None:
    """A committed free record of ``size`` bytes in MLANDATA (space RECLAIM gives back)."""
    record = rf.encode_record(bytes(size - rf.RECORD_SIZE), T_MESSAGE, rf.FREE)
    _append_committed(po.path / MLANDATA, record, free=True, number=None)


def orphan_message(po: Postoffice, message: Message) -> int:
    """A committed message record no mailbox references (crash between store and index)."""
    path = po.path / MLANDATA
    number = rf.scan(path.read_bytes()).header.next_number
    record = rf.encode_record(encode_message(number, message), T_MESSAGE)
    _append_committed(path, record, free=False, number=number)
    return number
