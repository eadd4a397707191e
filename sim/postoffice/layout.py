"""The post office's physical layout: file names, record types and their encodings.

Source: ccmail-reference.md §1.3 (file names), §1.4 (directory entries and
location codes). The layout itself is modelled, not documented: see the
docstrings of ``records.py`` (record files) and ``postoffice.py`` (which file
holds what).
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sim.message import CODEPAGE, Message, iter_messages, render_message
from sim.postoffice import records as rf

__all__ = [
    "CCADMIN",
    "CCINTL",
    "CCPODD",
    "CCPODOWN",
    "CCPOMS",
    "CCVER",
    "CLANDATA",
    "IE_RI",
    "MAILBOX_LOCATIONS",
    "MLANDATA",
    "NFTCHECK",
    "NFTERROR",
    "POMBOX",
    "T_CHAIN",
    "T_ENTRY",
    "T_IDENTITY",
    "T_LIST",
    "T_MESSAGE",
    "T_NFT",
    "T_OPTIONS",
    "T_OWNER",
    "T_PASSWORD",
    "T_REF",
    "DirectoryEntry",
    "Location",
    "MailingList",
    "PoIdentity",
    "Ref",
    "StoredMessage",
    "build_file",
    "decode_list",
    "decode_message",
    "directory_file",
    "encode_message",
    "live_entries",
    "mailbox_refs",
    "password_check",
]

POMBOX = "CCPOMBOX.000"
CLANDATA = "CLANDATA"
MLANDATA = "MLANDATA"
NFTCHECK = "NFTCHECK"
CCPODOWN = "CCPODOWN"
CCVER = "CCVER.TB"
CCINTL = "CCINTL.TB"
CCPODD = "CCPODD.00"
CCPOMS = "CCPOMS"
CCADMIN = "CCADMIN"
IE_RI = "IE.RI"
NFTERROR = "NFTERROR.LOG"

# record types
T_IDENTITY = 1
T_PASSWORD = 2  # CCPOMBOX: a mailbox password (entry number, check value, expired flag)
T_OPTIONS = 3  # CCPOMBOX: post office options ("PreExpiredPasswords=1")
T_ENTRY = 1
T_CHAIN = 2
T_LIST = 3
T_MESSAGE = 1
T_OWNER = 1
T_REF = 2
T_NFT = 1

_U32 = struct.Struct("<I")
_ENTRY = struct.Struct("<IIc")
_REF = struct.Struct("<II")


class Location(StrEnum):
    """Directory location codes (§1.4, IE51-RM)."""

    LOCAL = "L"
    REMOTE_LOCAL = "l"
    MOBILE = "R"
    REMOTE = "r"
    POST_OFFICE = "P"
    INDIRECT_PO = "p"
    ALIAS = "A"
    REMOTE_ALIAS = "a"
    BULLETIN_BOARD = "B"  # modelled: BB titles live in the directory too


#: entries whose mail is held in this post office's database (§1.4, PMDF 38.5.6)
MAILBOX_LOCATIONS = frozenset({Location.LOCAL, Location.POST_OFFICE, Location.BULLETIN_BOARD})


def enc(text: str) -> bytes:
    try:
        return text.encode("ascii")  # the common case, several times faster than cp850
    except UnicodeEncodeError:
        return text.encode(CODEPAGE, errors="replace")


def dec(data: bytes) -> str:
    return data.decode(CODEPAGE, errors="replace")


def password_check(password: str) -> int:
    """The stored check value of a PO password (names and passwords are case-insensitive)."""
    return zlib.crc32(enc(password.upper()))


@dataclass(frozen=True, slots=True)
class PoIdentity:
    name: str
    password_check: int
    db_version: int
    language: str

    def password_matches(self, password: str) -> bool:
        return password_check(password) == self.password_check


@dataclass(frozen=True, slots=True)
class DirectoryEntry:
    number: int
    name: str
    location: Location
    address: str = ""
    comments: str = ""
    mailbox: int = 0  # 0: no mailbox file

    @property
    def mailbox_file(self) -> str:
        return f"USR{self.mailbox:05d}" if self.mailbox else ""

    @property
    def post_office(self) -> str:
        """First word of the address: the PO a remote entry lives on (§1.4)."""
        return self.address.split(" ", 1)[0] if self.address else ""

    def encode(self) -> bytes:
        text = "\x00".join((self.name, self.address, self.comments))
        return _ENTRY.pack(self.number, self.mailbox, self.location.value.encode()) + enc(text)

    @classmethod
    def decode(cls, payload: bytes) -> DirectoryEntry:
        number, mailbox, locn = _ENTRY.unpack_from(payload)
        name, address, comments = dec(payload[_ENTRY.size :]).split("\x00")
        return cls(number, name, Location(locn.decode()), address, comments, mailbox)


@dataclass(frozen=True, slots=True)
class MailingList:
    name: str
    members: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StoredMessage:
    number: int
    folder: str
    message: Message


@dataclass(frozen=True, slots=True)
class Ref:
    number: int
    offset: int
    folder: str

    def encode(self) -> bytes:
        return _REF.pack(self.number, self.offset) + enc(self.folder)

    @classmethod
    def decode(cls, payload: bytes) -> Ref:
        number, offset = _REF.unpack_from(payload)
        return cls(number, offset, dec(payload[_REF.size :]))


def build_file(kind: bytes, db_version: int, items: Iterable[tuple[int, bytes]], nxt: int) -> bytes:
    """A complete, consistent record file from (rtype, payload) pairs."""
    records = [rf.encode_record(payload, rtype) for rtype, payload in items]
    body = b"".join(records)
    header = rf.Header(kind, db_version, len(records), len(body), 0, nxt)
    return rf.encode_header(header) + body


def directory_file(
    entries: Sequence[DirectoryEntry], lists: Sequence[MailingList], db_version: int, nxt: int
) -> bytes:
    """A whole CLANDATA: entries in name order, lists, then the chain of entry offsets."""
    ordered = sorted(entries, key=lambda e: e.name.casefold())
    items: list[tuple[int, bytes]] = [(T_ENTRY, e.encode()) for e in ordered]
    items += [(T_LIST, enc(m.name + "\x00" + "\x1f".join(m.members))) for m in lists]
    offsets = []
    pos = rf.HEADER_SIZE
    for _, payload in items[: len(ordered)]:
        offsets.append(pos)
        pos += rf.RECORD_SIZE + len(payload)
    items.append((T_CHAIN, b"".join(_U32.pack(o) for o in offsets)))
    return build_file(b"CLAN", db_version, items, nxt)


def decode_list(payload: bytes) -> MailingList:
    name, members = dec(payload).split("\x00")
    return MailingList(name, tuple(m for m in members.split("\x1f") if m))


def live_entries(scan: rf.FileScan) -> list[DirectoryEntry]:
    return [DirectoryEntry.decode(r.payload) for r in scan.records if r.live and r.rtype == T_ENTRY]


def encode_message(number: int, message: Message) -> bytes:
    return _U32.pack(number) + enc(render_message(message, itemsize=True))


def decode_message(payload: bytes) -> tuple[int, Message]:
    (number,) = _U32.unpack_from(payload)
    text = dec(payload[_U32.size :])
    (message,) = iter_messages(io.StringIO(text, newline=""), itemsize=True)
    return number, message


def mailbox_refs(data: bytes) -> list[Ref]:
    """The live references of a mailbox file, read straight from its bytes.

    What ``scan`` + ``Ref.decode`` give, without a Record object per reference:
    a queue of 100,000 messages costs a small object each, and folder names are
    shared. Stops at the first record that runs off the committed data.
    """
    header = rf.decode_header(data)
    end = rf.HEADER_SIZE + header.used_bytes
    pos = rf.HEADER_SIZE
    folders: dict[bytes, str] = {}
    found: list[Ref] = []
    unpack = rf.RECORD.unpack_from
    while pos + rf.RECORD_SIZE <= end:
        size, status, rtype, _ = unpack(data, pos)
        start = pos + rf.RECORD_SIZE
        pos = start + size
        if pos > end:
            break
        if status == rf.LIVE and rtype == T_REF:
            number, offset = _REF.unpack_from(data, start)
            raw = data[start + _REF.size : pos]
            folder = folders.get(raw)
            if folder is None:
                folder = folders[raw] = dec(raw)
            found.append(Ref(number, offset, folder))
    return found
