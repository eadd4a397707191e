"""The checks of one post office file: its records, counters, directory chain, NFT table.

Source and modelling as :mod:`sim.postoffice.check`, which builds the cheap check and
ANALYZE's full scan on these.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Mapping

from sim.postoffice import layout
from sim.postoffice import records as rf
from sim.postoffice.problems import Problem, ProblemKind

__all__ = [
    "FRAGMENTATION_MIN_FREE",
    "FRAGMENTATION_SHARE",
    "USR_NAME",
    "chain_problem",
    "directory_entries",
    "file_problems",
    "fragmentation_problem",
    "nft_problems",
    "record_numbers",
]

#: Modelled limit: MLANDATA is "fragmented" when free records hold more than this share of
#: the committed bytes *and* more than FRAGMENTATION_MIN_FREE bytes. A healthy connector
#: frees one record for every message it exports, so the limit must not be reached by a
#: normal day's traffic: 1 MiB is over a thousand exported messages of about 1 KB even in
#: a post office that holds nothing else, and a post office that keeps more live mail than
#: that needs three times as much freed space before 75% is passed. Sites ran RECLAIM
#: nightly to give that space back (§3, KB Q166045 "fragmented").
FRAGMENTATION_SHARE = 0.75
FRAGMENTATION_MIN_FREE = 1 << 20

_U32 = struct.Struct("<I")
#: a mailbox file, USRnnnnn (§1.3)
USR_NAME = re.compile(r"^usr(\d{5})$")


def record_numbers(scan: rf.FileScan, rtype: int) -> list[int]:
    """Numbers (first u32 of the payload) of the live records of one type."""
    return [
        _U32.unpack_from(r.payload)[0]
        for r in scan.records
        if r.live and r.rtype == rtype and len(r.payload) >= _U32.size
    ]


def _counters_problem(scan: rf.FileScan) -> str | None:
    h = scan.header
    if h.live_count != scan.counted_live:
        return f"header counts {h.live_count} live records, found {scan.counted_live}"
    if h.free_bytes != scan.counted_free:
        return f"header counts {h.free_bytes} free bytes, found {scan.counted_free}"
    numbered = {b"CLAN": layout.T_ENTRY, b"MLAN": layout.T_MESSAGE}.get(h.kind)
    if numbered is not None:
        top = max(record_numbers(scan, numbered), default=0)
        if h.next_number <= top:
            return f"next number {h.next_number} is not above the highest in use ({top})"
    return None


def file_problems(name: str, data: bytes) -> tuple[rf.FileScan | None, list[Problem]]:
    """Record-level problems of one database file (its bytes already read)."""
    try:
        scan = rf.scan(data)
    except rf.RecordFileError as exc:
        return None, [Problem(name, ProblemKind.DAMAGED_HEADER, str(exc))]
    if not scan.header.crc_ok:
        return scan, [Problem(name, ProblemKind.DAMAGED_HEADER, "header checksum mismatch")]
    found: list[Problem] = []
    if scan.short_bytes:
        detail = f"file is {scan.short_bytes} bytes shorter than its committed length"
        found.append(Problem(name, ProblemKind.SHORT_FILE, detail))
    if scan.torn_bytes:
        detail = f"{scan.torn_bytes} uncommitted bytes past the committed length"
        found.append(Problem(name, ProblemKind.TORN_RECORD, detail))
    if scan.chain_error:
        found.append(Problem(name, ProblemKind.TORN_RECORD, scan.chain_error))
    for record in scan.bad_crc:
        detail = f"record at offset {record.offset} fails its checksum"
        found.append(Problem(name, ProblemKind.BAD_RECORD, detail))
    if not (scan.short_bytes or scan.chain_error):
        counters = _counters_problem(scan)
        if counters:
            found.append(Problem(name, ProblemKind.WRONG_COUNTERS, counters))
    return scan, found


# -- the directory and the NFT table ---------------------------------------------------------


def chain_problem(scan: rf.FileScan) -> str | None:
    """Does the chain record list every live entry, in name order, and nothing else?"""
    chains = [r for r in scan.records if r.live and r.rtype == layout.T_CHAIN]
    if len(chains) != 1:
        return f"{len(chains)} directory chain records instead of 1"
    payload = chains[0].payload
    if len(payload) % _U32.size:
        return "directory chain record has a ragged length"
    listed = [o for (o,) in _U32.iter_unpack(payload)]
    entries: list[tuple[str, int]] = []
    for r in scan.records:
        if r.live and r.rtype == layout.T_ENTRY:
            try:
                entries.append((layout.DirectoryEntry.decode(r.payload).name.casefold(), r.offset))
            except (ValueError, UnicodeDecodeError, struct.error):
                return f"entry at offset {r.offset} cannot be read"
    expected = [offset for _, offset in sorted(entries)]
    if listed == expected:
        return None
    stray = sorted(set(listed) - set(expected))
    if stray:
        return f"chain points at offset {stray[0]}, which holds no live entry"
    missing = sorted(set(expected) - set(listed))
    if missing:
        return f"chain misses the entry at offset {missing[0]}"
    return "chain lists the entries out of name order"


def directory_entries(scan: rf.FileScan) -> list[layout.DirectoryEntry]:
    found = []
    for r in scan.records:
        if r.live and r.rtype == layout.T_ENTRY and r.crc_ok:
            try:
                found.append(layout.DirectoryEntry.decode(r.payload))
            except (ValueError, UnicodeDecodeError, struct.error):
                continue
    return found


def nft_problems(
    nft: rf.FileScan, entries: list[layout.DirectoryEntry], names: Mapping[str, str]
) -> list[Problem]:
    """NFTCHECK against the directory's mailboxes and the USR files on disk."""
    rows: list[tuple[int, str]] = []
    for r in nft.records:
        if r.live and r.rtype == layout.T_NFT and len(r.payload) >= _U32.size:
            rows.append((_U32.unpack_from(r.payload)[0], layout.dec(r.payload[_U32.size :])))
    boxes = {e.mailbox for e in entries if e.mailbox}
    on_disk = {int(m.group(1)) for n in names if (m := USR_NAME.match(n))}
    listed = [n for n, _ in rows]
    errors = [
        f"mailbox {n} listed twice" for n in sorted({n for n in listed if listed.count(n) > 1})
    ]
    errors += [f"row {n} names file {f!r}" for n, f in rows if f.casefold() != f"usr{n:05d}"]
    errors += [f"USR{n:05d} is listed but missing" for n in sorted(set(listed) - on_disk)]
    errors += [f"USR{n:05d} is not listed" for n in sorted(on_disk - set(listed))]
    errors += [f"mailbox {n} of the directory is not listed" for n in sorted(boxes - set(listed))]
    errors += [f"mailbox {n} is listed but no entry owns it" for n in sorted(set(listed) - boxes)]
    return [Problem(layout.NFTCHECK, ProblemKind.NFT_ERROR, e) for e in dict.fromkeys(errors)]


def fragmentation_problem(free: int, used: int) -> str | None:
    if free > FRAGMENTATION_MIN_FREE and free > FRAGMENTATION_SHARE * used:
        return f"{free} of {used} bytes are free records ({free * 100 // max(used, 1)}%)"
    return None
