"""The directory file format: writer and streaming reader (§2.4, modelled layout)."""

from __future__ import annotations

import io

import pytest

from sim.postoffice import Location
from sim.postoffice.layout import DirectoryEntry, MailingList
from sim.programs.dirfile import (
    DirBlock,
    DirFileError,
    DirKind,
    block_for_entry,
    block_for_list,
    iter_blocks,
    render_block,
    render_blocks,
)

BLOCKS = [
    DirBlock(DirKind.ENTRY, "EX1", Location.POST_OFFICE, "", "MSExchangeCCMC EXSRV1"),
    DirBlock(DirKind.ENTRY, "Doe, Jane", Location.REMOTE, "EX1 jane.doe", "a: b; c"),
    DirBlock(DirKind.LIST, "Sales", members=("Doe, Jane", "Smith, Fred")),
    DirBlock(DirKind.LIST, "Empty list"),
    DirBlock(DirKind.BULLETIN_BOARD, "General", comments="Company news"),
    DirBlock(DirKind.DELETE, "Gone, Gary"),
]


def read(text: str) -> list[DirBlock]:
    return list(iter_blocks(io.StringIO(text, newline="")))


def test_render_then_read_gives_the_blocks_back() -> None:
    text = "".join(render_blocks(BLOCKS))
    found = read(text)
    assert [(b.kind, b.name, b.location, b.address, b.comments, b.members) for b in found] == [
        (b.kind, b.name, b.location, b.address, b.comments, b.members) for b in BLOCKS
    ]
    assert [b.line for b in found] == [1, 6, 11, 15, 17, 20]


def test_entry_layout() -> None:
    text = render_block(BLOCKS[1])
    assert text == "Name: Doe, Jane\r\nLocn: r\r\nAddr: EX1 jane.doe\r\nComments: a: b; c\r\n\r\n"


def test_deletion_layout() -> None:
    assert render_block(BLOCKS[-1]) == "Action: Delete\r\nName: Gone, Gary\r\n\r\n"


def test_fan_is_written_only_when_asked() -> None:
    """Addr: holds the PO name; the foreign alias name follows only with /FORMAT/FAN (§1.4)."""
    entry = DirectoryEntry(7, "Doe, Jane", Location.REMOTE, "EX1 jane.doe", "")
    assert block_for_entry(entry).address == "EX1"
    assert block_for_entry(entry, fan=True).address == "EX1 jane.doe"


def test_bulletin_board_entry_becomes_a_bb_block() -> None:
    board = DirectoryEntry(3, "General", Location.BULLETIN_BOARD, "", "Company news", 4)
    assert block_for_entry(board) == DirBlock(
        DirKind.BULLETIN_BOARD, "General", comments="Company news"
    )


def test_list_block() -> None:
    block = block_for_list(MailingList("Sales", ("A", "B")))
    assert render_block(block) == "List: Sales\r\nMember: A\r\nMember: B\r\n\r\n"


def test_reader_is_lenient_about_case_blank_lines_and_the_last_line() -> None:
    text = "\n\nNAME: Smith, Fred\nlocn: L\n\n\n\nbb: News\ntitle: x"
    found = read(text)
    assert [(b.kind, b.name, b.line) for b in found] == [
        (DirKind.ENTRY, "Smith, Fred", 3),
        (DirKind.BULLETIN_BOARD, "News", 8),
    ]
    assert found[0].address == found[0].comments == ""


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("Name: A\r\nLocn: L\r\nColour: red\r\n", 3, "expected 'Key: value'"),
        ("Name: A\r\nLocn: L\r\nno colon here\r\n", 3, "expected 'Key: value'"),
        ("Name: A\r\nLocn: Q\r\n", 1, "location code 'Q'"),
        ("Name: A\r\n", 1, "location code ''"),
        ("Name: A\r\nLocn: B\r\n", 1, "location code 'B'"),
        ("\r\nName: A\r\nName: B\r\n", 3, "Name: given twice"),
        ("Member: A\r\n", 1, "exactly one of Name:, List: or BB:"),
        ("Name: A\r\nLocn: L\r\nMember: B\r\n", 1, "Member: lines belong in a List: block"),
        ("List: L\r\nLocn: L\r\n", 1, "list block cannot carry locn"),
        ("Action: Purge\r\nName: A\r\n", 1, "unknown action 'Purge'"),
        ("Action: Delete\r\nList: A\r\n", 1, "delete block cannot carry list"),
        ("Name:\r\nLocn: L\r\n", 1, "empty name"),
        ("Name: A\r\nLocn: L\r\n\r\nName: B\r\nLocn: x\r\n", 4, "location code 'x'"),
    ],
)
def test_errors_name_the_line(text: str, line: int, reason: str) -> None:
    with pytest.raises(DirFileError) as caught:
        read(text)
    assert caught.value.line == line
    assert reason in caught.value.reason
    assert str(caught.value).startswith(f"line {line}: ")


def test_reader_streams() -> None:
    """The first block is yielded before a later error is reached."""
    blocks = iter_blocks(io.StringIO("Name: A\r\nLocn: L\r\n\r\nbroken\r\n", newline=""))
    assert next(blocks).name == "A"
    with pytest.raises(DirFileError):
        next(blocks)


def test_writer_refuses_a_value_spanning_lines() -> None:
    with pytest.raises(ValueError, match="spans lines"):
        render_block(DirBlock(DirKind.ENTRY, "A", Location.LOCAL, comments="one\r\ntwo"))
