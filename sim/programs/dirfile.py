"""Directory export/import files (``Ccmdir.exp`` ``Ccmlist.exp`` ``Ccmbb.exp`` ``Ccmdel.imp`` ...).

The connector's dirsync files are ``Ccmdir.exp``, ``Ccmlist.exp``, ``Ccmbb.exp``
(EXPORT) and ``Ccmdel.imp``, ``Ccmdir.imp`` (IMPORT).

Source: ccmail-reference.md §2.4 (the connector's dirsync file names, KB Q295753,
Q168465; ``Addr:`` is the one confirmed keyword, IE51-RM), §1.4 (location codes,
addresses, FANs, comments), §4.6 (dirsync sequence).

Modelled, not documented (§2.4 and §7 item 3 mark the layout unknown): a file
is a sequence of blocks separated by blank lines, one ``Key: value`` line each,
CR/LF line ends, DOS code page 850::

    Name: Smith, Fred          a directory entry
    Locn: L
    Addr: PO2 fred.smith       (post office name, then the FAN with /FORMAT/FAN)
    Comments: Sales

    List: Sales                a mailing list, one Member: line per member
    Member: Smith, Fred

    BB: General                a bulletin board and its title
    Title: Company news

    Action: Delete             a deletion (Ccmdel.imp), as §2.4 suggests
    Name: Smith, Fred

Keys are case-insensitive on reading; ``Addr:`` and ``Comments:`` may be left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import IO

from sim.postoffice.layout import DirectoryEntry, Location, MailingList
from sim.postoffice.postoffice import Postoffice

__all__ = [
    "DirBlock",
    "DirFileError",
    "DirKind",
    "apply_blocks",
    "block_for_entry",
    "block_for_list",
    "iter_blocks",
    "render_block",
    "render_blocks",
]

EOL = "\r\n"


class DirKind(StrEnum):
    """What a block describes."""

    ENTRY = "entry"
    LIST = "list"
    BULLETIN_BOARD = "bb"
    DELETE = "delete"


class DirFileError(ValueError):
    """A directory file that does not follow the format; ``line`` is 1-based."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


@dataclass(frozen=True, slots=True)
class DirBlock:
    """One block of a directory file.

    ``name`` is the entry, list or bulletin-board name; ``location`` is set for
    entries; ``members`` for lists; ``comments`` holds an entry's comments or a
    bulletin board's title. ``line`` is where the block starts (0 when built in code).
    """

    kind: DirKind
    name: str
    location: Location | None = None
    address: str = ""
    comments: str = ""
    members: tuple[str, ...] = ()
    line: int = 0


def block_for_entry(entry: DirectoryEntry, *, fan: bool = False) -> DirBlock:
    """A directory entry as EXPORT /DIRECTORY writes it (FAN only with /FORMAT/FAN, §1.4)."""
    if entry.location is Location.BULLETIN_BOARD:
        return DirBlock(DirKind.BULLETIN_BOARD, entry.name, comments=entry.comments)
    address = entry.address if fan else entry.post_office
    return DirBlock(DirKind.ENTRY, entry.name, entry.location, address, entry.comments)


def block_for_list(mailing_list: MailingList) -> DirBlock:
    return DirBlock(DirKind.LIST, mailing_list.name, members=mailing_list.members)


def _line(key: str, value: str) -> str:
    if "\r" in value or "\n" in value:
        raise ValueError(f"{key} value {value!r} spans lines")
    return f"{key}: {value}".rstrip() + EOL


def render_block(block: DirBlock) -> str:
    """One block and its closing blank line."""
    if block.kind is DirKind.ENTRY:
        locn = block.location.value if block.location is not None else ""
        text = _line("Name", block.name) + _line("Locn", locn)
        text += _line("Addr", block.address) + _line("Comments", block.comments)
    elif block.kind is DirKind.LIST:
        text = _line("List", block.name) + "".join(_line("Member", m) for m in block.members)
    elif block.kind is DirKind.BULLETIN_BOARD:
        text = _line("BB", block.name) + _line("Title", block.comments)
    else:
        text = _line("Action", "Delete") + _line("Name", block.name)
    return text + EOL


def render_blocks(blocks: Iterable[DirBlock]) -> Iterator[str]:
    """Stream the text of many blocks."""
    for block in blocks:
        yield render_block(block)


_KEYS = {"name", "locn", "addr", "comments", "list", "member", "bb", "title", "action"}
_LOCATIONS = {loc.value: loc for loc in Location if loc is not Location.BULLETIN_BOARD}


def _kind(fields: dict[str, str], line: int) -> DirKind:
    if "action" in fields:
        if fields["action"].casefold() != "delete":
            raise DirFileError(line, f"unknown action {fields['action']!r} (only 'Delete')")
        return DirKind.DELETE
    heads = [k for k in ("name", "list", "bb") if k in fields]
    if len(heads) != 1:
        raise DirFileError(line, "a block needs exactly one of Name:, List: or BB:")
    return {"name": DirKind.ENTRY, "list": DirKind.LIST, "bb": DirKind.BULLETIN_BOARD}[heads[0]]


_ALLOWED = {
    DirKind.ENTRY: {"name", "locn", "addr", "comments"},
    DirKind.LIST: {"list", "member"},
    DirKind.BULLETIN_BOARD: {"bb", "title"},
    DirKind.DELETE: {"action", "name"},
}


def _build(fields: dict[str, str], members: list[str], line: int) -> DirBlock:
    kind = _kind(fields, line)
    extra = sorted(set(fields) - _ALLOWED[kind] - ({"member"} if members else set()))
    if extra:
        raise DirFileError(line, f"{kind.value} block cannot carry {', '.join(extra)}")
    if kind is DirKind.LIST:
        return DirBlock(kind, fields["list"], members=tuple(members), line=line)
    if members:
        raise DirFileError(line, "Member: lines belong in a List: block")
    name = fields.get("name") or fields.get("bb") or ""
    if not name:
        raise DirFileError(line, "empty name")
    if kind is DirKind.BULLETIN_BOARD:
        return DirBlock(kind, name, comments=fields.get("title", ""), line=line)
    if kind is DirKind.DELETE:
        return DirBlock(kind, name, line=line)
    locn = fields.get("locn", "")
    if locn not in _LOCATIONS:
        raise DirFileError(line, f"location code {locn!r} is not one of P p L l R r A a")
    address, comments = fields.get("addr", ""), fields.get("comments", "")
    return DirBlock(kind, name, _LOCATIONS[locn], address, comments, line=line)


def iter_blocks(stream: IO[str]) -> Iterator[DirBlock]:
    """Parse blocks one at a time; raise DirFileError (with its line) on a bad file."""
    fields: dict[str, str] = {}
    members: list[str] = []
    start = 0
    for number, raw in enumerate(stream, start=1):
        text = raw.rstrip("\r\n")
        if not text.strip():
            if start:
                yield _build(fields, members, start)
            fields, members, start = {}, [], 0
            continue
        key, sep, value = text.partition(":")
        key = key.strip().casefold()
        if not sep or key not in _KEYS:
            raise DirFileError(number, f"expected 'Key: value', got {text!r}")
        start = start or number
        if key == "member":
            members.append(value.strip())
        elif key in fields:
            raise DirFileError(number, f"{key.title()}: given twice in one block")
        else:
            fields[key] = value.strip()
    if start:
        yield _build(fields, members, start)


def _deletions(
    po: Postoffice, blocks: Sequence[DirBlock], known: dict[str, DirectoryEntry]
) -> tuple[int, list[tuple[DirBlock, str]]]:
    """Delete entries; unknown names are no error, entries still holding mail are refused."""
    refused: list[tuple[DirBlock, str]] = []
    names: list[str] = []
    for block in blocks:
        entry = known.pop(block.name.casefold(), None)
        if entry is None:
            continue
        if entry.mailbox and po.refs(entry):
            refused.append((block, f"Entry still holds mail: {block.name}"))
            known[block.name.casefold()] = entry
        else:
            names.append(entry.name)
    po.delete_entries(names)
    return len(names), refused


def apply_blocks(
    po: Postoffice, blocks: Sequence[DirBlock]
) -> tuple[int, list[tuple[DirBlock, str]]]:
    """Apply a directory update (``Ccmdel.imp`` / ``Ccmdir.imp``): (applied, refused with reasons).

    Deletions first, then entries and bulletin boards, then mailing lists (§4.6
    step 4). A name that already exists is never overwritten (§4.6) but refused.
    Modelled, not documented: the refusal reasons.
    """
    known = {e.name.casefold(): e for e in po.entries()}
    kinds = {k: [b for b in blocks if b.kind is k] for k in DirKind}
    done, refused = _deletions(po, kinds[DirKind.DELETE], known)
    specs: list[tuple[str, Location, str, str]] = []
    for block in kinds[DirKind.ENTRY] + kinds[DirKind.BULLETIN_BOARD]:
        if block.name.casefold() in known:
            refused.append((block, f"Entry already exists: {block.name}"))
            continue
        location = block.location or Location.BULLETIN_BOARD
        specs.append((block.name, location, block.address, block.comments))
        known[block.name.casefold()] = DirectoryEntry(0, block.name, location)
    if specs:
        po.add_entries(specs)
    lists = {m.name.casefold() for m in po.lists()}
    added_lists = 0
    for block in kinds[DirKind.LIST]:
        if block.name.casefold() in lists:
            refused.append((block, f"Mailing list already exists: {block.name}"))
            continue
        po.add_list(block.name, block.members)
        lists.add(block.name.casefold())
        added_lists += 1
    return done + len(specs) + added_lists, refused
