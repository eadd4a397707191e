"""Damage analysis of a post office: the cheap check programs make, and ANALYZE's full scan.

Source: ccmail-reference.md §3 (ANALYZE, AN50: it "checks the database without
shutting the PO down and tells the administrator what to run to fix each
problem"; the GSS-DB6 repair order), §8 row 3 (a fragmented or damaged post
office makes EXPORT fail, KB Q166045; NFT errors on CLANDATA, KB Q179072).

Modelled, not documented (§3 "[U]", §7 item 1): which damage a program notices
when it opens the post office, the kinds of damage below and how each shows in
the bytes (layout: ``records.py``, ``postoffice.py``), and the fragmentation
limit. Each kind maps to the command GSS-DB6 names for it:

==========================  ==================================
NFT error                   CHKSTAT NFT/C
broken message index        CHKSTAT DIAGNOSTICS/M
wrong counters, torn or     CHKSTAT DIAGNOSTICS/R
short file, damaged header
or record
broken directory chain      RECLAIM DIRECTORY DIAGNOSTICS/A
fragmentation               RECLAIM
==========================  ==================================

:func:`quick_check` is what a program does on every open (the connector polls
every 15 seconds, §4.5), so it reads each small file once, only the header and
size of MLANDATA, and lists the directory once. :func:`check_message_index`
validates the records of one mailbox a program is about to read.
:func:`analyze` reads everything.
"""

from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from sim.postoffice import layout
from sim.postoffice import records as rf
from sim.postoffice.postoffice import Postoffice

__all__ = [
    "ACTION_ORDER",
    "FRAGMENTATION_MIN_FREE",
    "FRAGMENTATION_SHARE",
    "Action",
    "AnalysisReport",
    "Area",
    "Problem",
    "ProblemKind",
    "analyze",
    "check_message_index",
    "file_problems",
    "quick_check",
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
_USR_NAME = re.compile(r"^usr(\d{5})$")
_REF_SIZE = 8  # message number and offset (postoffice.py)


class ProblemKind(StrEnum):
    """The kinds of damage ANALYZE reports (modelled, §3)."""

    NFT_ERROR = "NFT error"
    BROKEN_INDEX = "broken message index"
    DAMAGED_HEADER = "damaged header"
    TORN_RECORD = "torn record"
    SHORT_FILE = "short file"
    BAD_RECORD = "bad record checksum"
    WRONG_COUNTERS = "wrong counters"
    BROKEN_CHAIN = "broken directory chain"
    FRAGMENTED = "fragmented"


class Action(StrEnum):
    """The repair commands, in the order GSS-DB6 runs them (§3)."""

    NFT = "CHKSTAT NFT/C"
    INDEX = "CHKSTAT DIAGNOSTICS/M"
    RECONCILE = "CHKSTAT DIAGNOSTICS/R"
    DIRECTORY = "RECLAIM DIRECTORY DIAGNOSTICS/A"
    RECLAIM = "RECLAIM"


#: GSS-DB6 order: NFT/C, DIAGNOSTICS/M, DIAGNOSTICS/R, DIRECTORY DIAGNOSTICS/A, RECLAIM
ACTION_ORDER: tuple[Action, ...] = tuple(Action)

_ACTION_FOR: Mapping[ProblemKind, Action] = {
    ProblemKind.NFT_ERROR: Action.NFT,
    ProblemKind.BROKEN_INDEX: Action.INDEX,
    ProblemKind.DAMAGED_HEADER: Action.RECONCILE,
    ProblemKind.TORN_RECORD: Action.RECONCILE,
    ProblemKind.SHORT_FILE: Action.RECONCILE,
    ProblemKind.BAD_RECORD: Action.RECONCILE,
    ProblemKind.WRONG_COUNTERS: Action.RECONCILE,
    ProblemKind.BROKEN_CHAIN: Action.DIRECTORY,
    ProblemKind.FRAGMENTED: Action.RECLAIM,
}


class Area(StrEnum):
    """What ANALYZE checks: its /DIRECTORY, /MESSAGES and /USERS options (AN50)."""

    SYSTEM = "system"  # CCPOMBOX.000 and NFTCHECK (always with a full analysis)
    DIRECTORY = "directory"  # CLANDATA
    MESSAGES = "messages"  # MLANDATA
    USERS = "users"  # USRxxxxx


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in one file."""

    file: str
    kind: ProblemKind
    detail: str

    @property
    def action(self) -> Action:
        return _ACTION_FOR[self.kind]

    def __str__(self) -> str:
        return f"{self.file}: {self.kind}: {self.detail}"


@dataclass(frozen=True, slots=True)
class AnalysisReport:
    """What ANALYZE found: the files it checked and every problem in them."""

    files: tuple[str, ...]
    problems: tuple[Problem, ...]

    @property
    def clean(self) -> bool:
        return not self.problems

    @property
    def actions(self) -> tuple[Action, ...]:
        """The commands to run, each once, in GSS-DB6 order."""
        needed = {p.action for p in self.problems}
        return tuple(a for a in ACTION_ORDER if a in needed)

    @property
    def kinds(self) -> frozenset[ProblemKind]:
        return frozenset(p.kind for p in self.problems)

    def problems_in(self, file: str) -> tuple[Problem, ...]:
        key = file.casefold()
        return tuple(p for p in self.problems if p.file.casefold() == key)


# -- one record file -------------------------------------------------------------------------


def _numbers(scan: rf.FileScan, rtype: int) -> list[int]:
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
        top = max(_numbers(scan, numbered), default=0)
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


def _chain_problem(scan: rf.FileScan) -> str | None:
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


def _entries(scan: rf.FileScan) -> list[layout.DirectoryEntry]:
    found = []
    for r in scan.records:
        if r.live and r.rtype == layout.T_ENTRY and r.crc_ok:
            try:
                found.append(layout.DirectoryEntry.decode(r.payload))
            except (ValueError, UnicodeDecodeError, struct.error):
                continue
    return found


def _nft_problems(
    nft: rf.FileScan, entries: list[layout.DirectoryEntry], names: Mapping[str, str]
) -> list[Problem]:
    """NFTCHECK against the directory's mailboxes and the USR files on disk."""
    rows: list[tuple[int, str]] = []
    for r in nft.records:
        if r.live and r.rtype == layout.T_NFT and len(r.payload) >= _U32.size:
            rows.append((_U32.unpack_from(r.payload)[0], layout.dec(r.payload[_U32.size :])))
    boxes = {e.mailbox for e in entries if e.mailbox}
    on_disk = {int(m.group(1)) for n in names if (m := _USR_NAME.match(n))}
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


def _fragmentation(free: int, used: int) -> str | None:
    if free > FRAGMENTATION_MIN_FREE and free > FRAGMENTATION_SHARE * used:
        return f"{free} of {used} bytes are free records ({free * 100 // max(used, 1)}%)"
    return None


# -- the cheap check -------------------------------------------------------------------------


def _read(po: Postoffice, names: Mapping[str, str], name: str) -> bytes | None:
    real = names.get(name.casefold())
    return None if real is None else po.read(real)


def _mlandata_header(path: Path) -> tuple[rf.Header, int]:
    with path.open("rb") as fh:
        head = fh.read(rf.HEADER_SIZE)
        size = fh.seek(0, 2)
    return rf.decode_header(head), size


def _quick_mlandata(po: Postoffice, names: Mapping[str, str]) -> str | None:
    real = names.get(layout.MLANDATA.casefold())
    if real is None:
        return f"{layout.MLANDATA} is missing"
    try:
        header, size = _mlandata_header(po.path / real)
    except rf.RecordFileError as exc:
        return f"{layout.MLANDATA}: {ProblemKind.DAMAGED_HEADER}: {exc}"
    committed = rf.HEADER_SIZE + header.used_bytes
    if not header.crc_ok:
        return f"{layout.MLANDATA}: {ProblemKind.DAMAGED_HEADER}: header checksum mismatch"
    if size > committed:
        return f"{layout.MLANDATA}: {ProblemKind.TORN_RECORD}: {size - committed} uncommitted bytes"
    if size < committed:
        return f"{layout.MLANDATA}: {ProblemKind.SHORT_FILE}: {committed - size} bytes missing"
    frag = _fragmentation(header.free_bytes, header.used_bytes)
    return f"{layout.MLANDATA}: {ProblemKind.FRAGMENTED}: {frag}" if frag else None


def quick_check(po: Postoffice) -> str | None:
    """The check a program makes when it opens the post office: None = healthy.

    Reads CCPOMBOX.000, CLANDATA and NFTCHECK once each, the header and size of
    MLANDATA, and one directory listing. Returns the first problem as one line.
    """
    names = po.names()
    scans: dict[str, rf.FileScan | None] = {}
    for name in (layout.POMBOX, layout.CLANDATA, layout.NFTCHECK):
        data = _read(po, names, name)
        if data is None:
            return f"{name} is missing"
        scans[name], problems = file_problems(name, data)
        if problems:
            return str(problems[0])
    clan, nft = scans[layout.CLANDATA], scans[layout.NFTCHECK]
    if clan is None or nft is None:  # pragma: no cover - no problems means both parsed
        return None
    chain = _chain_problem(clan)
    if chain:
        return str(Problem(layout.CLANDATA, ProblemKind.BROKEN_CHAIN, chain))
    nft_errors = _nft_problems(nft, _entries(clan), names)
    if nft_errors:
        return str(nft_errors[0])
    return _quick_mlandata(po, names)


# -- one mailbox's index ---------------------------------------------------------------------


def _ref_problem(ref: layout.Ref, record: bytes, payload: bytes) -> str | None:
    if len(record) < rf.RECORD_SIZE:
        return f"message {ref.number}: index points past the end of {layout.MLANDATA}"
    size, status, rtype, crc = rf.RECORD.unpack(record)
    if status != rf.LIVE or rtype != layout.T_MESSAGE or len(payload) != size:
        return f"message {ref.number}: index points at offset {ref.offset}, not a live message"
    if len(payload) < _U32.size or _U32.unpack_from(payload)[0] != ref.number:
        return f"message {ref.number}: index points at another message"
    if zlib.crc32(payload) != crc:
        return f"message {ref.number}: record fails its checksum"
    return None


def check_message_index(
    po: Postoffice, entry: layout.DirectoryEntry, *, limit: int | None = None
) -> str | None:
    """Validate one mailbox before reading it: its USR file and the records it points at.

    Checks the first ``limit`` references (all when None): each must point inside
    MLANDATA's committed data at a live message record with the same number.
    """
    name = entry.mailbox_file
    if name.casefold() not in po.names():
        return str(Problem(layout.NFTCHECK, ProblemKind.NFT_ERROR, f"{name} is missing"))
    scan, problems = file_problems(name, po.read(name))
    if problems or scan is None:
        return str(problems[0])
    refs = _refs(scan)
    refs = refs if limit is None else refs[:limit]
    if not refs:
        return None
    header, _ = _mlandata_header(po.path / layout.MLANDATA)
    end = rf.HEADER_SIZE + header.used_bytes
    with (po.path / layout.MLANDATA).open("rb") as fh:
        for ref in refs:
            if not rf.HEADER_SIZE <= ref.offset < end:
                problem: str | None = f"message {ref.number}: index points outside the data"
            else:
                fh.seek(ref.offset)
                record = fh.read(rf.RECORD_SIZE)
                size = rf.RECORD.unpack(record)[0] if len(record) == rf.RECORD_SIZE else 0
                problem = _ref_problem(ref, record, fh.read(min(size, end - ref.offset)))
            if problem:
                return str(Problem(name, ProblemKind.BROKEN_INDEX, problem))
    return None


# -- the full analysis -----------------------------------------------------------------------


def _usr_numbers(names: Mapping[str, str]) -> list[int]:
    return sorted(int(m.group(1)) for n in names if (m := _USR_NAME.match(n)))


def _refs(scan: rf.FileScan | None) -> list[layout.Ref]:
    if scan is None:
        return []
    return [
        layout.Ref.decode(r.payload)
        for r in scan.records
        if r.live and r.rtype == layout.T_REF and len(r.payload) >= _REF_SIZE
    ]


def _index_problems(
    name: str, refs: list[layout.Ref], mlan: rf.FileScan | None, seen: dict[int, str]
) -> list[Problem]:
    """References of one mailbox against the MLANDATA scan (offset -> record)."""
    at = {r.offset: r for r in mlan.records} if mlan else {}
    found = []
    for ref in refs:
        record = at.get(ref.offset)
        if record is None or not record.live or record.rtype != layout.T_MESSAGE:
            detail = (
                f"message {ref.number}: index points at offset {ref.offset}, not a live message"
            )
        elif _numbers_of(record) != ref.number:
            detail = f"message {ref.number}: index points at message {_numbers_of(record)}"
        elif ref.number in seen:
            detail = f"message {ref.number} is also indexed by {seen[ref.number]}"
        else:
            seen[ref.number] = name
            continue
        found.append(Problem(name, ProblemKind.BROKEN_INDEX, detail))
    return found


def _numbers_of(record: rf.Record) -> int:
    return _U32.unpack_from(record.payload)[0] if len(record.payload) >= _U32.size else -1


def _orphans(mlan: rf.FileScan, referenced: set[int]) -> list[Problem]:
    numbers = _numbers(mlan, layout.T_MESSAGE)
    return [
        Problem(layout.MLANDATA, ProblemKind.BROKEN_INDEX, f"message {n} is in no mailbox")
        for n in numbers
        if n not in referenced
    ]


@dataclass(slots=True)
class _Scanner:
    """Reads each file once and collects problems for the chosen areas."""

    po: Postoffice
    names: Mapping[str, str]
    files: list[str]
    problems: list[Problem]

    def file(self, name: str, report: bool) -> rf.FileScan | None:
        data = _read(self.po, self.names, name)
        if data is None:
            if report:
                self.files.append(name)
                self.problems.append(Problem(name, ProblemKind.SHORT_FILE, "file is missing"))
            return None
        scan, problems = file_problems(name, data)
        if report:
            self.files.append(name)
            self.problems.extend(problems)
        return scan


def analyze(
    po: Postoffice,
    areas: Collection[Area] | None = None,
    *,
    mailboxes: Collection[int] | None = None,
) -> AnalysisReport:
    """ANALYZE's full scan of the chosen areas (all by default; AN50 options).

    ``mailboxes`` limits the USRxxxxx files checked (``/USR/xxxxx``). Every file is
    read once; MLANDATA whole (it is the index checks' reference).
    """
    chosen = frozenset(Area) if areas is None else frozenset(areas)
    names = po.names()
    s = _Scanner(po, names, [], [])
    s.file(layout.POMBOX, Area.SYSTEM in chosen)
    clan = s.file(layout.CLANDATA, Area.DIRECTORY in chosen)
    if clan is not None and Area.DIRECTORY in chosen:
        chain = _chain_problem(clan)
        if chain:
            s.problems.append(Problem(layout.CLANDATA, ProblemKind.BROKEN_CHAIN, chain))
    entries = _entries(clan) if clan is not None else []
    nft = s.file(layout.NFTCHECK, Area.SYSTEM in chosen)
    if nft is not None and Area.SYSTEM in chosen:
        s.problems.extend(_nft_problems(nft, entries, names))
    mlan = s.file(layout.MLANDATA, Area.MESSAGES in chosen)
    if mlan is not None and Area.MESSAGES in chosen:
        frag = _fragmentation(mlan.counted_free, mlan.header.used_bytes)
        if frag:
            s.problems.append(Problem(layout.MLANDATA, ProblemKind.FRAGMENTED, frag))
    _analyze_mailboxes(s, chosen, mailboxes, mlan)
    return AnalysisReport(tuple(s.files), tuple(s.problems))


def _analyze_mailboxes(
    s: _Scanner,
    chosen: frozenset[Area],
    mailboxes: Collection[int] | None,
    mlan: rf.FileScan | None,
) -> None:
    users = Area.USERS in chosen
    if not users and Area.MESSAGES not in chosen:
        return
    seen: dict[int, str] = {}
    for number in _usr_numbers(s.names):
        name = f"USR{number:05d}"
        report = users and (mailboxes is None or number in mailboxes)
        if not report and Area.MESSAGES not in chosen:
            continue
        refs = _refs(s.file(name, report))
        problems = _index_problems(name, refs, mlan, seen)
        if report:
            s.problems.extend(problems)
        for ref in refs:
            seen.setdefault(ref.number, name)
    if Area.MESSAGES in chosen and mlan is not None:
        s.problems.extend(_orphans(mlan, set(seen)))
