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

import struct
import zlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from sim.postoffice import layout
from sim.postoffice import records as rf
from sim.postoffice.filecheck import (
    FRAGMENTATION_MIN_FREE,
    FRAGMENTATION_SHARE,
    USR_NAME,
    chain_problem,
    directory_entries,
    file_problems,
    fragmentation_problem,
    nft_problems,
    record_numbers,
)
from sim.postoffice.postoffice import Postoffice
from sim.postoffice.problems import (
    ACTION_ORDER,
    Action,
    AnalysisReport,
    Area,
    Problem,
    ProblemKind,
)

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


_U32 = struct.Struct("<I")
_REF_SIZE = 8  # message number and offset (postoffice.py)


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
    frag = fragmentation_problem(header.free_bytes, header.used_bytes)
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
    chain = chain_problem(clan)
    if chain:
        return str(Problem(layout.CLANDATA, ProblemKind.BROKEN_CHAIN, chain))
    nft_errors = nft_problems(nft, directory_entries(clan), names)
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
    return sorted(int(m.group(1)) for n in names if (m := USR_NAME.match(n)))


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
    numbers = record_numbers(mlan, layout.T_MESSAGE)
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
        chain = chain_problem(clan)
        if chain:
            s.problems.append(Problem(layout.CLANDATA, ProblemKind.BROKEN_CHAIN, chain))
    entries = directory_entries(clan) if clan is not None else []
    nft = s.file(layout.NFTCHECK, Area.SYSTEM in chosen)
    if nft is not None and Area.SYSTEM in chosen:
        s.problems.extend(nft_problems(nft, entries, names))
    mlan = s.file(layout.MLANDATA, Area.MESSAGES in chosen)
    if mlan is not None and Area.MESSAGES in chosen:
        frag = fragmentation_problem(mlan.counted_free, mlan.header.used_bytes)
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
