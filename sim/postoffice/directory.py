"""The directory of a post office: entries, mailing lists and the mailbox-file table.

Reads and rewrites ``CLANDATA`` (entries, lists, the name-order chain) and
``NFTCHECK`` (the mailbox-file table); an entry that holds mail gets its
``USRnnnnn`` file here (ccmail-reference.md §1.3, §1.4). The file layout is
described in :mod:`sim.postoffice.postoffice`.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

from sim.errors import PostofficeError
from sim.fsutil import atomic_write_bytes
from sim.postoffice import records as rf
from sim.postoffice.layout import (
    CLANDATA,
    MAILBOX_LOCATIONS,
    NFTCHECK,
    T_LIST,
    T_NFT,
    T_OWNER,
    DirectoryEntry,
    Location,
    MailingList,
    build_file,
    decode_list,
    directory_file,
    enc,
    live_entries,
)
from sim.postoffice.pofiles import PostofficeFiles, writes

__all__ = ["PostofficeDirectory"]

_U32 = struct.Struct("<I")


class PostofficeDirectory(PostofficeFiles):
    """The directory part of a post office."""

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

    @writes
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

    @writes
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

    @writes
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

    @writes
    def add_list(self, name: str, members: Sequence[str]) -> MailingList:
        scan = self._clan()
        entries = live_entries(scan)
        lists = [m for m in self.lists() if m.name.casefold() != name.casefold()]
        new = MailingList(name, tuple(members))
        self._write_directory(entries, [*lists, new], scan.header.next_number)
        return new

    @writes
    def add_lists(self, lists: Sequence[tuple[str, Sequence[str]]]) -> list[MailingList]:
        """Add or replace many mailing lists with one directory write."""
        scan = self._clan()
        entries = live_entries(scan)
        new = [MailingList(name, tuple(members)) for name, members in lists]
        replaced = {m.name.casefold() for m in new}
        kept = [m for m in self.lists() if m.name.casefold() not in replaced]
        self._write_directory(entries, kept + new, scan.header.next_number)
        return new

    @writes
    def _write_nft(self, with_mailbox: Sequence[DirectoryEntry]) -> None:
        db = self._clan().header.db_version
        items = [(T_NFT, _U32.pack(e.mailbox) + enc(e.mailbox_file)) for e in with_mailbox]
        atomic_write_bytes(self.path / NFTCHECK, build_file(b"NFT ", db, items, 1))

    def _require_mailbox(self, entry: DirectoryEntry | str) -> DirectoryEntry:
        if isinstance(entry, str):
            found = self.find(entry)
            if found is None:
                raise PostofficeError(f"no directory entry {entry!r}")
            entry = found
        if not entry.mailbox:
            raise PostofficeError(f"{entry.name!r} ({entry.location.value}) has no mailbox")
        return entry
