"""The repairs CHKSTAT and RECLAIM perform, each without losing a live message.

Source: ccmail-reference.md §3 (CHKSTAT ``NFT/C`` repairs NFT errors,
``DIAGNOSTICS/M`` rebuilds the message index, ``DIAGNOSTICS/R`` reconciles
counters and message pointers; RECLAIM recovers unused space and ``DIRECTORY
DIAGNOSTICS/A`` rebuilds the directory index; GSS-DB6, ADM512-RM, KB Q166045).

Modelled, not documented (how the real tools work is unknown, §7 item 5):

* every repair reads a file *tolerantly* (:func:`salvage`): the header is
  trusted only where the records agree with it, so the repairs work in any order;
* a torn tail is uncommitted bytes and is cut off; a record whose checksum
  fails but whose payload still reads is kept with a new checksum, otherwise it
  becomes a free record of the same size (offsets never move outside RECLAIM);
* ``NFT/C`` rebuilds NFTCHECK from the directory's mailboxes and the USR files;
  a mailbox file that is missing is created empty, an unlisted one that belongs
  to no entry and holds no reference is deleted;
* ``DIAGNOSTICS/M`` re-points every reference at the record holding its message
  number, and frees message records no mailbox references (a store whose index
  write never happened: the sender was told it failed and sends again);
* RECLAIM drops the free records of MLANDATA and rewrites the offsets in every
  USR file. Each file is written once, atomically; USR files before MLANDATA
  except in RECLAIM, where the references follow the records they point at.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sim.fsutil import atomic_write_bytes
from sim.postoffice import layout
from sim.postoffice import records as rf
from sim.postoffice.check import file_problems
from sim.postoffice.postoffice import Postoffice
from sim.postoffice.salvage import USR_NAME, Salvage, first_u32, kind_of, salvage

__all__ = [
    "RepairLog",
    "Salvage",
    "rebuild_directory",
    "rebuild_index",
    "reclaim",
    "reconcile",
    "repair_nft",
    "salvage",
]

_U32 = struct.Struct("<I")


@dataclass(slots=True)
class RepairLog:
    """What a repair did (``fixed``) and what it could not repair (``unrepaired``)."""

    fixed: list[str] = field(default_factory=list)
    unrepaired: list[str] = field(default_factory=list)

    def extend(self, other: RepairLog) -> None:
        self.fixed += other.fixed
        self.unrepaired += other.unrepaired


# -- reading the post office tolerantly -------------------------------------------------------


@dataclass(slots=True)
class _Files:
    """The post office's files, each read (and salvaged) at most once."""

    po: Postoffice
    names: dict[str, str]
    db: int
    cache: dict[str, Salvage] = field(default_factory=dict)

    @classmethod
    def open(cls, po: Postoffice) -> _Files:
        names = po.names()
        ver = names.get(layout.CCVER.casefold())
        text = (po.path / ver).read_text(encoding="cp850", errors="replace") if ver else ""
        return cls(po, names, 8 if "DB8" in text.upper() else 6)

    def get(self, name: str) -> Salvage:
        if name not in self.cache:
            real = self.names.get(name.casefold())
            data = (self.po.path / real).read_bytes() if real else b""
            self.cache[name] = salvage(name, data, self.db)
        return self.cache[name]

    def write(self, name: str, new: Salvage) -> None:
        real = self.names.get(name.casefold(), name)
        atomic_write_bytes(self.po.path / real, new.encode())
        self.cache[name] = new
        self.names[name.casefold()] = real

    def usr_numbers(self) -> list[int]:
        return sorted(int(m.group(1)) for n in self.names if (m := USR_NAME.match(n)))

    def entries(self) -> list[layout.DirectoryEntry]:
        found: dict[str, layout.DirectoryEntry] = {}
        for _, payload in self.get(layout.CLANDATA).live(layout.T_ENTRY):
            try:
                entry = layout.DirectoryEntry.decode(payload)
            except (ValueError, UnicodeDecodeError, struct.error):
                continue
            found.setdefault(entry.name.casefold(), entry)
        return list(found.values())


def _refs(s: Salvage) -> list[layout.Ref]:
    return [layout.Ref.decode(p) for _, p in s.live(layout.T_REF) if len(p) >= 2 * _U32.size]


def _with_refs(s: Salvage, refs: list[layout.Ref]) -> Salvage:
    """The same USR file with its references replaced (owner and others kept first)."""
    kept = [r for r in s.records if not (r[0] == rf.LIVE and r[1] == layout.T_REF)]
    kept = [r for r in kept if r[0] == rf.LIVE]
    return s.replaced(kept + [(rf.LIVE, layout.T_REF, ref.encode()) for ref in refs])


# -- CHKSTAT NFT/C -----------------------------------------------------------------------------


def repair_nft(po: Postoffice) -> RepairLog:
    """CHKSTAT NFT/C: rebuild NFTCHECK from the directory's mailboxes and the USR files."""
    files, log = _Files.open(po), RepairLog()
    owners = {e.mailbox: e for e in files.entries() if e.mailbox}
    for number in files.usr_numbers():
        if number in owners:
            continue
        name = f"USR{number:05d}"
        if _refs(files.get(name)):
            log.unrepaired.append(f"{name} holds messages but no directory entry owns it")
        else:
            (po.path / files.names.pop(name.casefold())).unlink()
            log.fixed.append(f"{name} belonged to no directory entry and was empty: deleted")
    for number, entry in sorted(owners.items()):
        if f"usr{number:05d}" not in files.names:
            owner = _U32.pack(entry.number) + layout.enc(entry.name)
            blank = Salvage(b"USR ", files.db, 1, [(rf.LIVE, layout.T_OWNER, owner)], [])
            files.write(entry.mailbox_file, blank)
            log.fixed.append(f"{entry.mailbox_file} of {entry.name!r} was missing: created empty")
    rows = [
        (rf.LIVE, layout.T_NFT, _U32.pack(n) + layout.enc(f"USR{n:05d}")) for n in sorted(owners)
    ]
    old = files.get(layout.NFTCHECK)
    if [r for r in old.records if r[0] == rf.LIVE] != rows or old.notes:
        files.write(layout.NFTCHECK, Salvage(b"NFT ", old.db_version, 1, rows, []))
        log.fixed.append(f"{layout.NFTCHECK} rebuilt with {len(rows)} mailbox files")
    return log


# -- CHKSTAT DIAGNOSTICS/M ---------------------------------------------------------------------


def _message_offsets(mlan: Salvage) -> dict[int, int]:
    found: dict[int, int] = {}
    for offset, payload in mlan.live(layout.T_MESSAGE):
        found.setdefault(first_u32(payload), offset)
    return found


def rebuild_index(po: Postoffice) -> RepairLog:
    """CHKSTAT DIAGNOSTICS/M: re-point references by message number; free orphan records."""
    files, log = _Files.open(po), RepairLog()
    where = _message_offsets(files.get(layout.MLANDATA))
    indexed: set[int] = set()
    for number in files.usr_numbers():
        name = f"USR{number:05d}"
        usr = files.get(name)
        refs, new = _refs(usr), []
        for ref in refs:
            if ref.number not in where:
                log.unrepaired.append(f"{name}: message {ref.number} is not in {layout.MLANDATA}")
            elif ref.number in indexed:
                log.fixed.append(f"{name}: duplicate reference to message {ref.number} dropped")
            else:
                indexed.add(ref.number)
                new.append(layout.Ref(ref.number, where[ref.number], ref.folder))
        if new != refs:
            files.write(name, _with_refs(usr, new))
            log.fixed.append(f"{name}: message index rebuilt ({len(new)} messages)")
    orphans = sorted(set(where) - indexed)
    if orphans:
        mlan = files.get(layout.MLANDATA)
        drop = {where[n] for n in orphans}
        records = [
            (rf.FREE if off in drop else s, t, p)
            for off, (s, t, p) in zip(mlan.offsets(), mlan.records, strict=True)
        ]
        files.write(
            layout.MLANDATA, Salvage(mlan.kind, mlan.db_version, mlan.next_number, records, [])
        )
        log.fixed.append(f"{layout.MLANDATA}: {len(orphans)} messages in no mailbox freed")
    return log


# -- CHKSTAT DIAGNOSTICS/R ---------------------------------------------------------------------


def reconcile(po: Postoffice) -> RepairLog:
    """CHKSTAT DIAGNOSTICS/R: headers, counters, torn tails and record checksums of every file."""
    files, log = _Files.open(po), RepairLog()
    database = [n for n in files.names.values() if kind_of(n) != b"????"]
    for name in sorted(database, key=str.casefold):
        data = (po.path / name).read_bytes()
        _, problems = file_problems(name, data)
        if not problems:
            continue
        fixed = salvage(name, data, files.db)
        files.write(name, fixed)
        log.fixed += fixed.notes or [f"{name}: counters reconciled"]
    for name in (layout.CLANDATA, layout.MLANDATA, layout.NFTCHECK):
        if name.casefold() not in files.names:
            files.write(name, salvage(name, b"", files.db))
            log.unrepaired.append(f"{name} was missing: created empty")
    return log


# -- RECLAIM -----------------------------------------------------------------------------------


def rebuild_directory(po: Postoffice) -> RepairLog:
    """RECLAIM DIRECTORY DIAGNOSTICS/A: rewrite CLANDATA with a fresh chain, in name order."""
    files = _Files.open(po)
    clan = files.get(layout.CLANDATA)
    entries = files.entries()
    lists: list[layout.MailingList] = []
    for _, payload in clan.live(layout.T_LIST):
        try:
            lists.append(layout.decode_list(payload))
        except ValueError:
            continue
    top = max((e.number for e in entries), default=0)
    data = layout.directory_file(entries, lists, clan.db_version, max(clan.next_number, top + 1))
    atomic_write_bytes(po.path / files.names.get("clandata", layout.CLANDATA), data)
    return RepairLog([f"{layout.CLANDATA}: directory index rebuilt ({len(entries)} entries)"])


def _moved(records: list[tuple[bytes, int, bytes]]) -> Mapping[int, int]:
    """Message number -> offset once the free records are gone."""
    where: dict[int, int] = {}
    pos = rf.HEADER_SIZE
    for _, _, payload in records:
        where.setdefault(first_u32(payload), pos)
        pos += rf.RECORD_SIZE + len(payload)
    return where


def reclaim(po: Postoffice) -> RepairLog:
    """RECLAIM: compact MLANDATA (drop free records) and re-point every USR file."""
    files, log = _Files.open(po), RepairLog()
    mlan = files.get(layout.MLANDATA)
    kept = [r for r in mlan.records if r[0] == rf.LIVE]
    freed = sum(rf.RECORD_SIZE + len(p) for s, _, p in mlan.records if s != rf.LIVE)
    if freed == 0 and not mlan.notes:
        return RepairLog([f"{layout.MLANDATA}: no space to recover"])
    files.write(layout.MLANDATA, mlan.replaced(kept))
    log.fixed.append(f"{layout.MLANDATA}: {freed} bytes recovered")
    where = _moved(kept)
    _repoint(files, lambda ref: where.get(ref.number, ref.offset))
    return log


def _repoint(files: _Files, offset_of: Callable[[layout.Ref], int]) -> None:
    for number in files.usr_numbers():
        name = f"USR{number:05d}"
        usr = files.get(name)
        refs = _refs(usr)
        new = [layout.Ref(r.number, offset_of(r), r.folder) for r in refs]
        if new != refs:
            files.write(name, _with_refs(usr, new))
