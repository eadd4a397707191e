"""The mail of a post office: messages in ``MLANDATA`` and the ``USRnnnnn`` references.

Delivery appends the message records, then adds the references, all or nothing;
removal drops the references, then frees the records (ccmail-reference.md §1.3).
Deleting a directory entry lives here because its mailbox's mail goes with it.
The file layout is described in :mod:`sim.postoffice.postoffice`.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable, Iterator, Sequence
from typing import BinaryIO

from sim.errors import PostofficeError
from sim.fsutil import atomic_write_bytes
from sim.message import Message
from sim.postoffice import records as rf
from sim.postoffice.directory import PostofficeDirectory
from sim.postoffice.layout import (
    MLANDATA,
    T_MESSAGE,
    T_OWNER,
    T_REF,
    DirectoryEntry,
    Ref,
    StoredMessage,
    build_file,
    decode_message,
    encode_message,
    live_entries,
    mailbox_refs,
)
from sim.postoffice.pofiles import writes

__all__ = ["PostofficeMail"]

_U32 = struct.Struct("<I")


class PostofficeMail(PostofficeDirectory):
    """The directory and the mail of a post office."""

    def refs(self, entry: DirectoryEntry) -> list[Ref]:
        return mailbox_refs(self.read(entry.mailbox_file))

    def deliver(
        self, entry: DirectoryEntry | str, messages: Iterable[Message], folder: str = "Inbox"
    ) -> list[int]:
        """Store messages in a mailbox: append to MLANDATA, then add the references."""
        return self.deliver_batches([(entry, list(messages))], folder)[0]

    @writes
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

    @writes
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

    @writes
    def _rollback(self, saved: dict[str, tuple[bytes, int]]) -> None:
        """Rewrite each header in place and cut the file back: needs no free space."""
        for name, (header, size) in saved.items():
            with (self.path / name).open("r+b") as fh:
                fh.write(header)
                fh.truncate(size)

    @writes
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

    @writes
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

    @writes
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

    @writes
    def _free_records(self, offsets: Sequence[int]) -> None:
        if not offsets:
            return
        with (self.path / MLANDATA).open("r+b") as fh:
            header = rf.decode_header(fh.read(rf.HEADER_SIZE))
            for offset in sorted(set(offsets)):
                size = _live_message_at(fh, offset)
                if size is None:  # a damaged reference points into another record: free nothing
                    continue
                fh.seek(offset + 4)
                fh.write(rf.FREE)
                header.live_count -= 1
                header.free_bytes += rf.RECORD_SIZE + size
            fh.seek(0)
            fh.write(rf.encode_header(header))

    @writes
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


def _live_message_at(fh: BinaryIO, offset: int) -> int | None:
    """The payload size of the live message record starting at ``offset``, else None.

    A reference whose offset was damaged (it points into the middle of a record)
    must not free anything: writing the free mark there would break the message
    record around it. Modelled on cc:Mail's behaviour: the orphaned message stays
    in MLANDATA until ANALYZE or RECLAIM deals with it.
    """
    if offset < rf.HEADER_SIZE:
        return None
    fh.seek(offset)
    head = fh.read(rf.RECORD_SIZE)
    if len(head) < rf.RECORD_SIZE:
        return None
    size, status, rtype, crc = rf.RECORD.unpack(head)
    if status != rf.LIVE or rtype != T_MESSAGE:
        return None
    payload = fh.read(size)
    if len(payload) != size or zlib.crc32(payload) != crc:
        return None
    return int(size)
