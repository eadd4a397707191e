"""A cc:Mail post office directory and its logical content.

Source: ccmail-reference.md §1.3 (files), §1.4 (directory entries, location
codes, addresses, comments, lists, bulletin boards), §1.2 (DB6/DB8), KB Q282172
(``CCPODOWN``), KB Q170011 (``CCPOMBOX.*`` validates a post office path).

Physical layout (modelled, not documented; the record format is in ``records.py``):

``CCPOMBOX.000``  the post office's own record: name, password check value,
                  DB version, language (rtype 1).
``CLANDATA``      directory: entry records (rtype 1), mailing lists (rtype 3)
                  and one *directory chain* record (rtype 2) listing the entry
                  offsets in name order. A chain that names a free record or
                  misses an entry is a broken chain (RECLAIM DIRECTORY
                  DIAGNOSTICS/A or BFORCE rebuild it).
``MLANDATA``      messages (rtype 1), one copy per mailbox holding it; payload =
                  message number (u32) + the message in Import/Export text.
``USRnnnnn``      one per mailbox (local users ``L``, post office entries ``P``,
                  bulletin boards): an owner record (rtype 1) and one reference
                  per message (rtype 2: number, MLANDATA offset, folder). A
                  reference whose offset does not hold that message is a broken
                  message index (CHKSTAT DIAGNOSTICS/M rebuilds it).
``NFTCHECK``      the mailbox-file table (rtype 1: mailbox number, file name).
                  A listed file that is missing, or a mailbox file not listed,
                  is an "NFT error" (CHKSTAT NFT/C repairs it). What NFT stands
                  for is unknown (§1.3); the table is our model.
``CCVER.TB`` ``CCINTL.TB`` ``CCPODD.00`` ``CCPOMS``  small text files the
                  connector reads at start and touches at stop (§1.3).
``CCADMIN\\IE.RI`` the Import/Export 6.0 resource file, DB8 only.
``CCPODOWN``      present while the post office is shut down.

Mail queued for another post office (or for Exchange) waits in the mailbox of
that post office's ``P`` entry, which is what EXPORT ``/N<P entry>`` reads.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from sim.errors import PostofficeError
from sim.fsutil import atomic_write_bytes, listdir_sorted
from sim.message import Message
from sim.postoffice import records as rf
from sim.postoffice.layout import (
    CCADMIN,
    CCINTL,
    CCPODD,
    CCPODOWN,
    CCPOMS,
    CCVER,
    CLANDATA,
    IE_RI,
    MAILBOX_LOCATIONS,
    MLANDATA,
    NFTCHECK,
    POMBOX,
    T_CHAIN,
    T_IDENTITY,
    T_LIST,
    T_MESSAGE,
    T_NFT,
    T_OWNER,
    T_REF,
    DirectoryEntry,
    Location,
    MailingList,
    PoIdentity,
    Ref,
    StoredMessage,
    build_file,
    dec,
    decode_list,
    decode_message,
    directory_file,
    enc,
    encode_message,
    live_entries,
    mailbox_refs,
    password_check,
)

__all__ = ["Postoffice"]

_U32 = struct.Struct("<I")
P = ParamSpec("P")
R = TypeVar("R")


def _writes(
    method: Callable[Concatenate[Postoffice, P], R],
) -> Callable[Concatenate[Postoffice, P], R]:
    """A method that writes: whatever a cached Postoffice read before is stale after it."""

    def wrapper(self: Postoffice, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(self, *args, **kwargs)
        finally:
            self.forget()

    wrapper.__doc__ = method.__doc__
    wrapper.__name__ = method.__name__
    return wrapper


class Postoffice:
    """One post office directory. Stateless: every call reads what it needs from disk."""

    def __init__(self, path: Path, *, cached: bool = False) -> None:
        self.path = path
        #: ``cached``: one program run's view. Each file is read once and the listing
        #: taken once until this object writes (a run is atomic on the virtual clock,
        #: so nothing else writes meanwhile); pyfakefs calls are costly (STYLE.md §6).
        self._cache: dict[str, bytes] | None = {} if cached else None
        self._listing: dict[str, str] | None = None

    def read(self, name: str) -> bytes:
        """A whole file of the post office (from the run's cache when ``cached``)."""
        if self._cache is None:
            return (self.path / name).read_bytes()
        data = self._cache.get(name)
        if data is None:
            data = self._cache[name] = (self.path / name).read_bytes()
        return data

    def forget(self) -> None:
        """Drop what was cached: called by every method that writes."""
        if self._cache is not None:
            self._cache.clear()
        self._listing = None

    # -- creation ---------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: Path,
        *,
        name: str,
        password: str,
        db_version: int = 6,
        language: str = "US English",
    ) -> Postoffice:
        """Create an empty post office (directory must not hold one already)."""
        if db_version not in (6, 8):
            raise PostofficeError(f"DB version must be 6 or 8, not {db_version}")
        path.mkdir(parents=True, exist_ok=True)
        if any(p.name.upper().startswith("CCPOMBOX.") for p in path.iterdir()):
            raise PostofficeError(f"{path} already holds a post office")
        ident = "\x00".join((name, str(password_check(password)), language))
        files = {
            POMBOX: build_file(b"POMB", db_version, [(T_IDENTITY, enc(ident))], 1),
            CLANDATA: build_file(b"CLAN", db_version, [(T_CHAIN, b"")], 1),
            MLANDATA: build_file(b"MLAN", db_version, [], 1),
            NFTCHECK: build_file(b"NFT ", db_version, [], 1),
        }
        for fname, data in files.items():
            (path / fname).write_bytes(data)
        (path / CCVER).write_bytes(enc(f"DB{db_version}\r\n"))
        (path / CCINTL).write_bytes(enc(f"{language}\r\n"))
        (path / CCPODD).write_bytes(enc("CLANDATA\r\nMLANDATA\r\nNFTCHECK\r\n"))
        (path / CCPOMS).write_bytes(b"")
        if db_version == 8:
            (path / CCADMIN).mkdir(exist_ok=True)
            (path / CCADMIN / IE_RI).write_bytes(enc("cc:Mail Import/Export resources 6.0\r\n"))
        return cls(path)

    # -- identity and state -----------------------------------------------------------------

    def names(self) -> dict[str, str]:
        """Case-folded file name -> real name, from one directory listing."""
        if self._cache is not None and self._listing is not None:
            return self._listing
        try:
            listing = {p.name.casefold(): p.name for p in self.path.iterdir()}
        except (FileNotFoundError, NotADirectoryError):
            listing = {}
        if self._cache is not None:
            self._listing = listing
        return listing

    def is_postoffice(self, names: dict[str, str] | None = None) -> bool:
        """A path is a post office if it holds ``CCPOMBOX.*`` (KB Q170011)."""
        names = self.names() if names is None else names
        return any(n.startswith("ccpombox.") for n in names)

    def is_shut_down(self, names: dict[str, str] | None = None) -> bool:
        names = self.names() if names is None else names
        return CCPODOWN.casefold() in names

    @_writes
    def shut_down(self, reason: str = "Maintenance") -> None:
        (self.path / CCPODOWN).write_bytes(enc(reason + "\r\n"))

    @_writes
    def reopen(self) -> None:
        for p in self.path.iterdir():
            if p.name.casefold() == CCPODOWN.casefold():
                p.unlink()

    def file(self, name: str) -> Path:
        return self.path / name

    def identity(self) -> PoIdentity:
        names = self.names()
        pombox = next((names[n] for n in sorted(names) if n.startswith("ccpombox.")), None)
        if pombox is None:
            raise PostofficeError(f"{self.path} is not a post office (no CCPOMBOX.*)")
        scan = rf.scan(self.read(pombox))
        live = scan.live
        if not live:
            raise PostofficeError(f"{pombox} holds no identity record")
        name, check, language = dec(live[0].payload).split("\x00")
        return PoIdentity(name, int(check), scan.header.db_version, language)

    @_writes
    def rename(self, name: str) -> None:
        """cc:Mail ADMIN renames the post office: a new name in the identity record.

        KB Q197258's fix for extended characters in a PO name is "rename PO"; the
        password, language and DB version stay. Modelled: nothing else changes.
        """
        names = self.names()
        pombox = next((names[n] for n in sorted(names) if n.startswith("ccpombox.")), None)
        if pombox is None or not name:
            raise PostofficeError(f"cannot rename {self.path} to {name!r}")
        scan = rf.read_record_file(self.path / pombox)
        _, check, language = dec(scan.live[0].payload).split("\x00")
        ident = enc("\x00".join((name, check, language)))
        data = build_file(b"POMB", scan.header.db_version, [(T_IDENTITY, ident)], 1)
        atomic_write_bytes(self.path / pombox, data)

    # -- directory --------------------------------------------------------------------------

    def _clan(self) -> rf.FileScan:
        return rf.scan(self.read(CLANDATA))

    def entries(self) -> list[DirectoryEntry]:
        """Live directory entries in name order (reads CLANDATA once)."""
        scan = self._clan()
        found = live_entries(scan)
        return sorted(found, key=lambda e: e.name.casefold())

    def find(
        self, name: str, entries: Sequence[DirectoryEntry] | None = None
    ) -> DirectoryEntry | None:
        key = name.casefold()
        for entry in self.entries() if entries is None else entries:
            if entry.name.casefold() == key:
                return entry
        return None

    def lists(self) -> list[MailingList]:
        scan = self._clan()
        found = []
        for r in scan.records:
            if r.live and r.rtype == T_LIST:
                found.append(decode_list(r.payload))
        return sorted(found, key=lambda m: m.name.casefold())

    @_writes
    def _write_directory(
        self, entries: Sequence[DirectoryEntry], lists: Sequence[MailingList], nxt: int
    ) -> None:
        """Rewrite CLANDATA whole: entries, lists, then the chain in name order."""
        db = self._clan().header.db_version
        atomic_write_bytes(self.path / CLANDATA, directory_file(entries, lists, db, nxt))

    def add_entry(
        self,
        name: str,
        location: Location | str,
        *,
        address: str = "",
        comments: str = "",
    ) -> DirectoryEntry:
        """Add a directory entry; entries that hold mail get a mailbox file."""
        return self.add_entries([(name, Location(location), address, comments)])[0]

    @_writes
    def add_entries(self, specs: Sequence[tuple[str, Location, str, str]]) -> list[DirectoryEntry]:
        """Add many entries with one directory write and one NFT write."""
        scan = self._clan()
        entries = live_entries(scan)
        taken = {e.name.casefold() for e in entries}
        nxt = scan.header.next_number
        mailboxes = [e.mailbox for e in entries if e.mailbox]
        next_box = max(mailboxes, default=0) + 1
        added: list[DirectoryEntry] = []
        for name, location, address, comments in specs:
            if not name or name.casefold() in taken:
                raise PostofficeError(f"directory entry {name!r} already exists or is empty")
            taken.add(name.casefold())
            box = 0
            if location in MAILBOX_LOCATIONS:
                box, next_box = next_box, next_box + 1
            entry = DirectoryEntry(nxt, name, location, address, comments, box)
            nxt += 1
            added.append(entry)
        db = scan.header.db_version
        for entry in added:
            if entry.mailbox:
                owner = _U32.pack(entry.number) + enc(entry.name)
                data = build_file(b"USR ", db, [(T_OWNER, owner)], 1)
                (self.path / entry.mailbox_file).write_bytes(data)
        self._write_directory(entries + added, self.lists(), nxt)
        if any(e.mailbox for e in added):
            self._write_nft([e for e in entries + added if e.mailbox])
        return added

    @_writes
    def update_entry(
        self, name: str, *, address: str | None = None, comments: str | None = None
    ) -> DirectoryEntry:
        scan = self._clan()
        entries = live_entries(scan)
        for i, e in enumerate(entries):
            if e.name.casefold() == name.casefold():
                new = DirectoryEntry(
                    e.number,
                    e.name,
                    e.location,
                    e.address if address is None else address,
                    e.comments if comments is None else comments,
                    e.mailbox,
                )
                entries[i] = new
                self._write_directory(entries, self.lists(), scan.header.next_number)
                return new
        raise PostofficeError(f"no directory entry {name!r}")

    @_writes
    def delete_entries(self, names: Iterable[str]) -> list[DirectoryEntry]:
        """Delete entries (and their mailbox files). Unknown names are ignored."""
        drop = {n.casefold() for n in names}
        scan = self._clan()
        entries = live_entries(scan)
        gone = [e for e in entries if e.name.casefold() in drop]
        if not gone:
            return []
        for e in gone:
            if e.mailbox:
                self.remove_messages(e, [s.number for s in self.mailbox(e)])
                (self.path / e.mailbox_file).unlink(missing_ok=True)
        kept = [e for e in entries if e.name.casefold() not in drop]
        self._write_directory(kept, self.lists(), scan.header.next_number)
        self._write_nft([e for e in kept if e.mailbox])
        return gone

    @_writes
    def add_list(self, name: str, members: Sequence[str]) -> MailingList:
        scan = self._clan()
        entries = live_entries(scan)
        lists = [m for m in self.lists() if m.name.casefold() != name.casefold()]
        new = MailingList(name, tuple(members))
        self._write_directory(entries, [*lists, new], scan.header.next_number)
        return new

    @_writes
    def add_lists(self, lists: Sequence[tuple[str, Sequence[str]]]) -> list[MailingList]:
        """Add or replace many mailing lists with one directory write."""
        scan = self._clan()
        entries = live_entries(scan)
        new = [MailingList(name, tuple(members)) for name, members in lists]
        replaced = {m.name.casefold() for m in new}
        kept = [m for m in self.lists() if m.name.casefold() not in replaced]
        self._write_directory(entries, kept + new, scan.header.next_number)
        return new

    @_writes
    def _write_nft(self, with_mailbox: Sequence[DirectoryEntry]) -> None:
        db = self._clan().header.db_version
        items = [(T_NFT, _U32.pack(e.mailbox) + enc(e.mailbox_file)) for e in with_mailbox]
        atomic_write_bytes(self.path / NFTCHECK, build_file(b"NFT ", db, items, 1))

    # -- mail -------------------------------------------------------------------------------

    def _require_mailbox(self, entry: DirectoryEntry | str) -> DirectoryEntry:
        if isinstance(entry, str):
            found = self.find(entry)
            if found is None:
                raise PostofficeError(f"no directory entry {entry!r}")
            entry = found
        if not entry.mailbox:
            raise PostofficeError(f"{entry.name!r} ({entry.location.value}) has no mailbox")
        return entry

    def refs(self, entry: DirectoryEntry) -> list[Ref]:
        return mailbox_refs(self.read(entry.mailbox_file))

    def deliver(
        self, entry: DirectoryEntry | str, messages: Iterable[Message], folder: str = "Inbox"
    ) -> list[int]:
        """Store messages in a mailbox: append to MLANDATA, then add the references."""
        return self.deliver_batches([(entry, list(messages))], folder)[0]

    @_writes
    def deliver_batches(
        self,
        batches: Sequence[tuple[DirectoryEntry | str, Sequence[Message]]],
        folder: str = "Inbox",
    ) -> list[list[int]]:
        """Store messages in many mailboxes: one MLANDATA append, then each USR file once.

        All or nothing: if a write fails (a full volume), every file is put back as it
        was — header and length — so no message is left stored without its mailbox
        reference, and the caller can try again later without duplicating anything.
        """
        boxes = [self._require_mailbox(entry) for entry, _ in batches]
        names = [MLANDATA, *dict.fromkeys(b.mailbox_file for b in boxes)]
        before = self._snapshot(names)
        try:
            return self._deliver_all(boxes, batches, folder)
        except OSError:
            self._rollback(before)
            raise

    @_writes
    def _deliver_all(
        self,
        boxes: Sequence[DirectoryEntry],
        batches: Sequence[tuple[DirectoryEntry | str, Sequence[Message]]],
        folder: str,
    ) -> list[list[int]]:
        placed = self._append_messages(m for _, messages in batches for m in messages)
        numbers: list[list[int]] = []
        start = 0
        for entry, (_, messages) in zip(boxes, batches, strict=True):
            mine = placed[start : start + len(messages)]
            start += len(messages)
            if mine:
                self._add_refs(entry, [Ref(n, off, folder) for n, off in mine])
            numbers.append([n for n, _ in mine])
        return numbers

    def _snapshot(self, names: Sequence[str]) -> dict[str, tuple[bytes, int]]:
        """Header and length of each file, to put back after a failed write."""
        saved = {}
        for name in names:
            with (self.path / name).open("rb") as fh:
                saved[name] = (fh.read(rf.HEADER_SIZE), fh.seek(0, 2))
        return saved

    @_writes
    def _rollback(self, saved: dict[str, tuple[bytes, int]]) -> None:
        """Rewrite each header in place and cut the file back: needs no free space."""
        for name, (header, size) in saved.items():
            with (self.path / name).open("r+b") as fh:
                fh.write(header)
                fh.truncate(size)

    @_writes
    def _append_messages(self, messages: Iterable[Message]) -> list[tuple[int, int]]:
        """Append message records; the header is rewritten last (a crash leaves a torn tail)."""
        path = self.path / MLANDATA
        placed: list[tuple[int, int]] = []
        with path.open("r+b") as fh:
            header = rf.decode_header(fh.read(rf.HEADER_SIZE))
            pos = rf.HEADER_SIZE + header.used_bytes
            fh.seek(pos)
            number = header.next_number
            chunk: list[bytes] = []
            for message in messages:
                record = rf.encode_record(encode_message(number, message), T_MESSAGE)
                chunk.append(record)
                placed.append((number, pos))
                pos += len(record)
                number += 1
                if len(chunk) >= 256:
                    fh.write(b"".join(chunk))
                    chunk.clear()
            fh.write(b"".join(chunk))
            header.live_count += len(placed)
            header.used_bytes = pos - rf.HEADER_SIZE
            header.next_number = number
            fh.seek(0)
            fh.write(rf.encode_header(header))
        return placed

    @_writes
    def _add_refs(self, entry: DirectoryEntry, refs: Sequence[Ref]) -> None:
        path = self.path / entry.mailbox_file
        with path.open("r+b") as fh:
            header = rf.decode_header(fh.read(rf.HEADER_SIZE))
            fh.seek(rf.HEADER_SIZE + header.used_bytes)
            body = b"".join(rf.encode_record(r.encode(), T_REF) for r in refs)
            fh.write(body)
            header.live_count += len(refs)
            header.used_bytes += len(body)
            fh.seek(0)
            fh.write(rf.encode_header(header))

    def read_messages(self, refs: Sequence[Ref]) -> Iterator[StoredMessage]:
        """Read the referenced messages from MLANDATA, one seek each, streaming."""
        if not refs:
            return
        with (self.path / MLANDATA).open("rb") as fh:
            for ref in refs:
                fh.seek(ref.offset)
                head = fh.read(rf.RECORD_SIZE)
                size, status, rtype, crc = rf.RECORD.unpack(head)
                payload = fh.read(size)
                if status != rf.LIVE or zlib.crc32(payload) != crc or rtype != T_MESSAGE:
                    raise PostofficeError(f"message {ref.number}: index points at a bad record")
                number, message = decode_message(payload)
                if number != ref.number:
                    raise PostofficeError(f"message {ref.number}: index points at message {number}")
                yield StoredMessage(number, ref.folder, message)

    def mailbox(self, entry: DirectoryEntry | str) -> list[StoredMessage]:
        entry = self._require_mailbox(entry)
        return list(self.read_messages(self.refs(entry)))

    @_writes
    def remove_messages(self, entry: DirectoryEntry | str, numbers: Iterable[int]) -> int:
        """Remove messages from a mailbox: drop the references, then free the records."""
        entry = self._require_mailbox(entry)
        drop = set(numbers)
        if not drop:
            return 0
        refs = self.refs(entry)
        gone = [r for r in refs if r.number in drop]
        kept = [r for r in refs if r.number not in drop]
        scan = rf.read_record_file(self.path / entry.mailbox_file)
        owner = [(r.rtype, r.payload) for r in scan.records if r.live and r.rtype == T_OWNER]
        items = owner + [(T_REF, r.encode()) for r in kept]
        db = scan.header.db_version
        data = build_file(b"USR ", db, items, scan.header.next_number)
        atomic_write_bytes(self.path / entry.mailbox_file, data)
        self._free_records([r.offset for r in gone])
        return len(gone)

    @_writes
    def _free_records(self, offsets: Sequence[int]) -> None:
        if not offsets:
            return
        with (self.path / MLANDATA).open("r+b") as fh:
            header = rf.decode_header(fh.read(rf.HEADER_SIZE))
            for offset in sorted(offsets):
                fh.seek(offset)
                (size,) = _U32.unpack(fh.read(4))
                fh.seek(offset + 4)
                fh.write(rf.FREE)
                header.live_count -= 1
                header.free_bytes += rf.RECORD_SIZE + size
            fh.seek(0)
            fh.write(rf.encode_header(header))

    # -- listing ----------------------------------------------------------------------------

    def listing(self) -> list[tuple[str, int]]:
        """``dir`` of the post office directory: (name, size), sorted."""
        out = []
        for p in listdir_sorted(self.path):
            if p.is_dir():
                out.append((p.name + "\\", 0))
            else:
                out.append((p.name, p.stat().st_size))
        return out
