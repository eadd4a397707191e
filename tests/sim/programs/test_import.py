"""IMPORT: every result code from world state, delivery, .und files, directory updates (§2, §4)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from sim.access import NetWareServer, Rights
from sim.message import DateStyle, Message, render_message
from sim.postoffice import Location, Postoffice
from sim.programs import import_
from sim.programs.results import ImportResult
from sim.programs.routing import NAME_LIMIT
from sim.world import World
from tests.sim.programs.helpers import ACCOUNT, files, make_po, message, queue, run

IMP = "C:\\EXCHSRVR\\CCMCDATA\\IMPORT"
ARGS = f"/NPO1 /PSECRET /DC:\\CCDATA /ITEMSIZE /PARTIAL /BATCH /FILES/MACBIN2 /@{IMP}\\msg0001.ccm"
STRICT = ARGS.replace("/PARTIAL ", "")


def folder(world: World) -> Path:
    path = world.path(IMP)
    path.mkdir(parents=True, exist_ok=True)
    return path


def write(world: World, messages: list[Message], name: str = "msg0001.ccm", **kw: object) -> Path:
    text = "".join(render_message(m, **kw) for m in messages)  # type: ignore[arg-type]
    path = folder(world) / name
    path.write_bytes(text.encode("cp850"))
    return path


PER_FILE = {"UndFile": "*.und"}


def und(world: World, name: str = "CCMAIL.UND") -> str:
    """The undeliverable file IMPORT run by hand writes (IE51-RM, IE512-RM)."""
    return (folder(world) / name).read_bytes().decode("cp850")


def state(po: Postoffice) -> dict[str, bytes]:
    """Every database file's bytes: proof that a run changed nothing."""
    return {p.name: p.read_bytes() for p in sorted(po.path.iterdir()) if p.is_file()}


def inbox(po: Postoffice, name: str) -> list[Message]:
    return [s.message for s in po.mailbox(name)]


# -- delivery ----------------------------------------------------------------------------------


def test_local_and_routed_recipients_each_get_one_copy(world: World, po: Postoffice) -> None:
    """Local users, ANR names, r entries, P and p routes, bulletin boards (§1.4)."""
    to_local = message(1, to="Smith, Fred at PO1", cc=("Smith, Fred",))
    to_routes = message(2, to="Remote, Rita", cc=("x at EX1", "Mobile, Mo", "y at FAR3"))
    to_board = message(3, to="#General")
    to_alias = message(4, to="Fred at PO1")
    path = write(world, [to_local, to_routes, to_board, to_alias])
    result = run(world, "IMPORT", ARGS)
    assert result.code == ImportResult.OK, result.output
    assert inbox(po, "Smith, Fred") == [to_local, to_alias]
    assert queue(po, "EX1") == [to_routes]
    assert queue(po, "HUB2") == [to_routes]
    assert inbox(po, "General") == [to_board]
    assert not path.exists()
    assert "IMPORT process completed successfully." in result.output


def test_unknown_recipient_goes_to_the_und_and_code_5(world: World, po: Postoffice) -> None:
    """One undeliverable message: .und beside the file, others delivered, file deleted."""
    good = message(1, to="Jones, Al at PO1")
    bad = message(2, to="Nobody at PO1")
    path = write(world, [good, bad])
    result = run(world, "IMPORT", ARGS)
    assert result.code == ImportResult.UNDELIVERABLE
    assert "Undeliverable message or updates." in result.output
    assert inbox(po, "Jones, Al") == [good]
    text = und(world)
    assert text.startswith("Reason: Address(es) were unknown: Nobody at PO1\r\nMessage:\r\n")
    assert "ccsim-id: T-0002" in text
    assert "T-0001" not in text
    assert not path.exists()


def test_partial_decides_if_known_recipients_get_it(world: World, po: Postoffice) -> None:
    mixed = message(1, to="Jones, Al at PO1", cc=("Nobody at PO1",))
    write(world, [mixed])
    assert run(world, "IMPORT", STRICT).code == 5
    assert inbox(po, "Jones, Al") == []
    write(world, [mixed])
    assert run(world, "IMPORT", ARGS).code == 5
    assert inbox(po, "Jones, Al") == [mixed]


@pytest.mark.parametrize("keep", [0, 300, 1 << 20])
def test_large_files_are_read_twice_with_the_same_outcome(
    world: World, po: Postoffice, monkeypatch: pytest.MonkeyPatch, keep: int
) -> None:
    """Past the memory budget the file is parsed again for delivery; nothing else changes."""
    monkeypatch.setattr(import_, "KEEP_CHARS", keep)
    sent = [message(i, to="Jones, Al" if i % 2 else "Nobody") for i in range(6)]
    write(world, sent)
    assert run(world, "IMPORT", ARGS).code == 5
    assert inbox(po, "Jones, Al") == sent[1::2]
    assert [line for line in und(world).split("\r\n") if line.startswith("ccsim-id")] == [
        f"ccsim-id: T-{i:04d}" for i in (0, 2, 4)
    ]


def test_und_grows_on_every_run(world: World, po: Postoffice) -> None:
    """KB Q223772: the .und file is appended to."""
    for _ in range(2):
        write(world, [message(1, to="Nobody at PO1")])
        assert run(world, "IMPORT", ARGS).code == 5
    assert und(world).count("Reason: ") == 2


def test_a_name_too_long_ends_with_code_1_after_its_report_and_keeps_every_file(
    world: World, po: Postoffice
) -> None:
    """KB Q223772 (reason modelled): the report goes to the .und at each run, code 1, the
    input files stay and nothing is delivered; a name of exactly the limit is only unknown."""
    long = "N" * (NAME_LIMIT + 1) + " at PO1"
    write(world, [message(1, to="Jones, Al")], "msg0001.ccm")
    write(world, [message(2, to=long)], "msg0002.ccm")
    for attempt in (1, 2):
        result = run(world, "IMPORT", ARGS.replace("msg0001.ccm", "*.ccm"), options=PER_FILE)
        assert result.code == ImportResult.FAILED
        assert "Program did not complete successfully." in result.output
        assert und(world, "msg0002.und").count(f"Reason: Name too long: {long}") == attempt
    assert files(folder(world)) == ["msg0001.ccm", "msg0002.ccm", "msg0002.und"]
    assert inbox(po, "Jones, Al") == []
    write(world, [message(3, to="N" * NAME_LIMIT + " at PO1")], "msg0003.ccm")
    assert run(world, "IMPORT", ARGS.replace("msg0001", "msg0003"), options=PER_FILE).code == 5


def test_wildcard_imports_every_matching_file(world: World, po: Postoffice) -> None:
    """Events name the batch ``*.ccm`` (KB Q181186)."""
    write(world, [message(1, to="Jones, Al")], "msg0001.ccm")
    write(world, [message(2, to="Jones, Al")], "msg0002.ccm")
    (folder(world) / "keep.txt").write_bytes(b"not mine")
    result = run(world, "IMPORT", ARGS.replace("msg0001.ccm", "*.ccm"))
    assert result.code == 0
    assert [m.subject for m in inbox(po, "Jones, Al")] == ["Subject 1", "Subject 2"]
    assert files(folder(world)) == ["keep.txt"]


# -- dates (KB Q180641) ------------------------------------------------------------------------


def _day_13() -> Message:
    return message(1, to="Jones, Al", date=datetime(1998, 6, 13, 9, 5))


@pytest.mark.parametrize(
    ("version", "locale", "code"),
    [
        ("5.15", DateStyle.US, 0),
        ("5.15", DateStyle.EUROPEAN, 5),  # Import 5.15 reads the NT locale
        ("5.12", DateStyle.EUROPEAN, 5),
        ("6.0", DateStyle.EUROPEAN, 0),  # 6.0 reads the PO language (US English)
    ],
)
def test_date_order_depends_on_the_version(
    world: World, version: str, locale: DateStyle, code: int
) -> None:
    po = make_po(world, db_version=8 if version == "6.0" else 6)
    write(world, [_day_13()])
    result = run(world, "IMPORT", ARGS, version=version, date_style=locale)
    assert result.code == code
    if code:
        assert und(world).startswith("Reason: *** Unknown Date Format *** 6/13/98 9:05\r\n")
        assert inbox(po, "Jones, Al") == []
    else:
        assert inbox(po, "Jones, Al") == [_day_13()]


def test_import_6_reads_dates_in_the_postoffice_language(world: World) -> None:
    po = make_po(world, db_version=8, language="German")
    write(world, [_day_13()], date_style=DateStyle.EUROPEAN)
    assert run(world, "IMPORT", ARGS, version="6.0").code == 0
    assert inbox(po, "Jones, Al") == [_day_13()]


# -- header limit and brackets (KB Q166499, Q266711, Q232687, Q234350) -------------------------


def _crowded() -> Message:
    cc = tuple(f"Person {i:03d}, Somebody at EX1" for i in range(150))
    return message(1, to="Jones, Al at PO1", cc=cc)


@pytest.mark.parametrize(
    ("version", "options", "code"),
    [
        ("5.15", {}, 5),
        ("8.0", {"MaxAddressBuffer": "163840"}, 5),  # the option needs 8.2x
        ("8.20", {}, 5),
        ("8.20", {"MaxAddressBuffer": "163840"}, 0),
    ],
)
def test_header_buffer_limit(
    world: World, version: str, options: dict[str, str], code: int
) -> None:
    po = make_po(world, db_version=6 if version == "5.15" else 8)
    write(world, [_crowded()])
    assert run(world, "IMPORT", ARGS, version=version, options=options).code == code
    if code:
        # KB Q166499: repeated per recipient past 4 KB. From 26 + To 22 bytes, then 33
        # per Cc line: lines 123 to 150 end past 4,096 bytes, so 28 times
        reason = und(world).split("\r\n", 1)[0]
        assert reason == "Reason: " + " ".join(["Header Buffer Full."] * 28)
        assert inbox(po, "Jones, Al") == []
    else:
        assert inbox(po, "Jones, Al") == [_crowded()]
        assert queue(po, "EX1") == [_crowded()]


@pytest.mark.parametrize(("version", "code"), [("5.15", 0), ("6.0", 0), ("8.0", 5), ("8.30", 5)])
def test_brackets_in_an_address_with_import_8(world: World, version: str, code: int) -> None:
    po = make_po(world, db_version=6 if version == "5.15" else 8)
    po.add_entry("Lab [West], Ann", Location.LOCAL)
    write(world, [message(1, to="Lab [West], Ann at PO1")])
    assert run(world, "IMPORT", ARGS, version=version).code == code
    assert len(inbox(po, "Lab [West], Ann")) == (1 - code // 5)


@pytest.mark.parametrize(("version", "code"), [("8.20", 0), ("8.30", 5)])
def test_bracketed_subject_with_import_83(world: World, version: str, code: int) -> None:
    po = make_po(world, db_version=8)
    write(world, [message(1, to="Jones, Al", subject="[EXT] hello")])
    assert run(world, "IMPORT", ARGS, version=version).code == code
    assert len(inbox(po, "Jones, Al")) == (1 - code // 5)


# -- code 1: nothing changes, the file stays ---------------------------------------------------


MALFORMED = {
    "no-contents": (
        "Message:\r\nFrom: A at PO1\r\nDate: 6/2/98 8:39\r\nTo: Jones, Al\r\nSubject: x\r\n"
    ),
    "bad-size": "Message:\r\n999\r\nFrom: A at PO1\r\nDate: 6/2/98 8:39\r\n",
    "not-a-number": "Message:\r\nlots\r\nFrom: A at PO1\r\n",
    "junk": "Hello there\r\n",
    "bad-directory": "Name: X\r\nLocn: Q\r\n\r\n",
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_file_is_code_1_and_changes_nothing(
    world: World, po: Postoffice, case: str
) -> None:
    """The whole file is validated first (§7 item 9, KB Q234745): a bad message late in it
    leaves the good ones before it undelivered too."""
    good = render_message(message(1, to="Jones, Al"))
    path = folder(world) / "msg0001.ccm"
    path.write_bytes((good + MALFORMED[case]).encode("cp850"))
    if case == "bad-directory":
        path.write_bytes(MALFORMED[case].encode("cp850"))
    before = state(po)
    result = run(world, "IMPORT", ARGS)
    assert result.code == ImportResult.FAILED, result.output
    assert "Invalid import file: msg0001.ccm, line " in result.output
    assert state(po) == before
    assert path.exists()
    assert not (folder(world) / "CCMAIL.UND").exists()


def test_missing_file_is_code_1(world: World, po: Postoffice) -> None:
    folder(world)
    result = run(world, "IMPORT", ARGS)
    assert result.code == 1
    assert "Cannot open file" in result.output


def _netware(world: World, po: Postoffice, rights: str) -> str:
    """The PO on NetWare, a same-name same-password user with ``rights`` (§6, KB Q164707)."""
    world.access.gsnw_installed = True
    world.access.add_account(ACCOUNT, "pw")
    nw = world.access.add_netware(NetWareServer("NW1", volumes={"SYS": po.path.parent}))
    nw.users[ACCOUNT] = "pw"
    nw.trustees[(ACCOUNT, "sys", po.path.name.casefold())] = Rights.parse(rights)
    return f"\\\\NW1\\SYS\\{po.path.name}"


def test_no_create_right_breaks_only_import(world: World, po: Postoffice) -> None:
    """KB Q168670: Read, File Scan, Modify but no Create: EXPORT works, IMPORT is code 1."""
    unc = _netware(world, po, "RFM")
    path = write(world, [message(1, to="Jones, Al")])
    before = state(po)
    result = run(world, "IMPORT", ARGS.replace("C:\\CCDATA", unc), account=ACCOUNT)
    assert result.code == ImportResult.FAILED
    assert state(po) == before
    assert path.exists()
    po.deliver("EX1", [message(2)])
    world.path("C:\\OUT").mkdir()
    export = f"/NEX1 /PSECRET /D{unc} /ITEMSIZE /@C:\\OUT\\msg0001.ccm"
    assert run(world, "EXPORT", export, account=ACCOUNT).code == 0
    grant = _netware(world, po, "RFMC")
    assert run(world, "IMPORT", ARGS.replace("C:\\CCDATA", grant), account=ACCOUNT).code == 0


# -- codes 1/3/4 from the post office ----------------------------------------------------------


def _drop_mailbox_file(world: World, po: Postoffice) -> None:
    (po.path / po.find("Jones, Al").mailbox_file).unlink()  # type: ignore[union-attr]


def _flip_clandata_header(world: World, po: Postoffice) -> None:
    data = bytearray((po.path / "CLANDATA").read_bytes())
    data[28] ^= 0xFF
    (po.path / "CLANDATA").write_bytes(bytes(data))


Setup = Callable[[World, Postoffice], None]

CODES: dict[str, tuple[Setup | None, tuple[str, str], int, str]] = {
    "wrong-password": (None, ("/PSECRET", "/PWRONG"), 3, "Invalid post office password."),
    "not-the-po-name": (None, ("/NPO1", "/NEX1"), 3, "EX1 is not the name of this post office"),
    "not-a-postoffice": (None, ("/DC:\\CCDATA", "/DC:\\TEMP"), 3, "not a cc:Mail post office"),
    "path-split-at-space": (None, ("/DC:\\CCDATA", "/DC:\\CC DATA"), 3, "directory: C:\\CC\n"),
    "unknown-switch": (None, ("/HILITE", "/HILIGHT"), 3, "Usage: IMPORT"),
    "no-file-switch": (None, (f"/@{IMP}\\msg0001.ccm", ""), 3, "IMPORT needs a file"),
    "shut-down": (lambda w, p: p.shut_down(), ("", ""), 4, "temporarily shut down"),
    "locked": (
        lambda w, p: w.locks.acquire(p.path, "RECLAIM"),
        ("", ""),
        4,
        "locked by another process",
    ),
    "damaged": (_flip_clandata_header, ("", ""), 1, "Post office damaged: CLANDATA"),
    "nft-error": (_drop_mailbox_file, ("", ""), 1, "NFT error"),
}


@pytest.mark.parametrize("case", sorted(CODES))
def test_import_result_code_comes_from_world_state(world: World, po: Postoffice, case: str) -> None:
    setup, (old, new), code, text = CODES[case]
    path = write(world, [message(1, to="Smith, Fred")])
    args = (ARGS + " /HILITE").replace(old, new) if old else ARGS
    if setup is not None:
        setup(world, po)
    before = state(po)
    result = run(world, "IMPORT", args)
    assert result.code == code, result.output
    assert text in result.output
    assert result.output.endswith(f"IMPORT process ended with error: {code}.\n")
    after = state(po)
    if case == "nft-error":
        log = after.pop("NFTERROR.LOG").decode("cp850")
        assert "06/02/98 08:00:00 IMPORT: Post office damaged: NFTCHECK: NFT error" in log
    assert after == before
    assert path.exists()


@pytest.mark.parametrize(("db", "version", "code"), [(6, "6.0", 1), (8, "5.15", 1), (8, "8.0", 0)])
def test_version_must_suit_the_database(world: World, db: int, version: str, code: int) -> None:
    """DB6 needs Import 5.x, DB8 needs 6.0 or later (KB Q168465)."""
    make_po(world, db_version=db)
    write(world, [message(1, to="Jones, Al")])
    assert run(world, "IMPORT", ARGS, version=version).code == code


def test_16_bit_import_corrupts_an_85_postoffice(world: World) -> None:
    """KB Q248195: delivered the first time, code 1 (damage) the next."""
    po = make_po(world, db_version=8)
    (po.path / "CCVER.TB").write_bytes(b"DB8\r\n8.5\r\n")
    write(world, [message(1, to="Jones, Al")])
    assert run(world, "IMPORT", ARGS, version="6.0").code == 0
    assert len(inbox(po, "Jones, Al")) == 1
    write(world, [message(2, to="Jones, Al")])
    assert run(world, "IMPORT", ARGS, version="6.0").code == 1
    write(world, [message(2, to="Jones, Al")])
    other = make_po_elsewhere(world)
    args32 = ARGS.replace("CCDATA", "CCDATA2")
    assert run(world, "IMPORT", args32, version="8.50", bits32=True).code == 0
    assert len(inbox(other, "Jones, Al")) == 1


def make_po_elsewhere(world: World) -> Postoffice:
    po = Postoffice.create(world.path("C:\\CCDATA2"), name="PO1", password="SECRET", db_version=8)
    (po.path / "CCVER.TB").write_bytes(b"DB8\r\n8.5\r\n")
    po.add_entry("Jones, Al", Location.LOCAL)
    return po


# -- directory updates (§2.4, §4.6) ------------------------------------------------------------


def _dirfile(world: World, name: str, text: str) -> str:
    (folder(world) / name).write_bytes(text.encode("cp850"))
    return ARGS.replace("msg0001.ccm", name)


def test_directory_additions_are_added(world: World, po: Postoffice) -> None:
    text = (
        "Name: EXSITE2\r\nLocn: P\r\nComments: MSExchangeCCMC EXSRV2\r\n\r\n"
        "Name: Doe, Jane\r\nLocn: r\r\nAddr: EXSITE2 jane.doe\r\n\r\n"
        "BB: Lunch\r\nTitle: What's for lunch\r\n\r\n"
        "List: Exchange users\r\nMember: Doe, Jane\r\n\r\n"
    )
    assert run(world, "IMPORT", _dirfile(world, "Ccmdir.imp", text)).code == 0
    site = po.find("EXSITE2")
    assert site is not None
    assert site.location is Location.POST_OFFICE
    assert site.mailbox
    assert site.comments == "MSExchangeCCMC EXSRV2"
    jane = po.find("Doe, Jane")
    assert jane is not None
    assert (jane.location, jane.address) == (Location.REMOTE, "EXSITE2 jane.doe")
    assert po.find("Lunch").location is Location.BULLETIN_BOARD  # type: ignore[union-attr]
    assert [m.members for m in po.lists() if m.name == "Exchange users"] == [("Doe, Jane",)]
    assert not (folder(world) / "Ccmdir.imp").exists()


def test_existing_entries_are_never_overwritten(world: World, po: Postoffice) -> None:
    text = (
        "Name: EX1\r\nLocn: P\r\nComments: MSExchangeCCMC OTHER\r\n\r\n"
        "Name: New, Ned\r\nLocn: r\r\nAddr: EX1\r\n"
    )
    assert run(world, "IMPORT", _dirfile(world, "Ccmdir.imp", text), options=PER_FILE).code == 5
    assert po.find("EX1").comments == "MSExchangeCCMC EXSRV1"  # type: ignore[union-attr]
    assert po.find("New, Ned") is not None
    assert und(world, "Ccmdir.und").startswith("Reason: Entry already exists: EX1\r\nName: EX1\r\n")


def test_directory_deletions(world: World, po: Postoffice) -> None:
    """Deleting an unknown name is no error; an entry still holding mail is kept (modelled)."""
    po.deliver("EX1", [message(1)])
    text = (
        "Action: Delete\r\nName: Remote, Rita\r\n\r\n"
        "Action: Delete\r\nName: Never, There\r\n\r\n"
        "Action: Delete\r\nName: EX1\r\n\r\n"
    )
    assert run(world, "IMPORT", _dirfile(world, "Ccmdel.imp", text), options=PER_FILE).code == 5
    assert po.find("Remote, Rita") is None
    assert len(queue(po, "EX1")) == 1
    assert und(world, "Ccmdel.und") == (
        "Reason: Entry still holds mail: EX1\r\nAction: Delete\r\nName: EX1\r\n\r\n"
    )


def test_usage_text_for_question_mark(world: World) -> None:
    result = run(world, "IMPORT", "/?")
    assert (result.code, result.output.splitlines()[0]) == (0, SPEC_USAGE_FIRST)


SPEC_USAGE_FIRST = (
    "Usage: IMPORT /N<post office> /P<password> /D<post office directory> /@<file> [options]"
)


def test_message_size_covering_two_messages_is_malformed(world: World, po: Postoffice) -> None:
    """/ITEMSIZE counts must frame exactly one message each."""
    first, second = (render_message(message(i, to="Jones, Al")) for i in (1, 2))
    head, size, rest = first.split("\r\n", 2)
    text = f"{head}\r\n{int(size) + len(second)}\r\n{rest}{second}"
    (folder(world) / "msg0001.ccm").write_bytes(text.encode("cp850"))
    result = run(world, "IMPORT", ARGS)
    assert result.code == 1
    assert "line 1: message size does not match its content" in result.output
    assert inbox(po, "Jones, Al") == []


@pytest.mark.parametrize(("people", "repeats"), [(122, 0), (123, 1), (125, 3)])
def test_header_buffer_full_once_per_recipient_past_the_limit(
    world: World, people: int, repeats: int
) -> None:
    """KB Q166499: "Header Buffer Full" repeated for each recipient beyond 4 KB."""
    make_po(world)
    cc = tuple(f"Person {i:03d}, Somebody at EX1" for i in range(people))
    write(world, [message(1, to="Jones, Al at PO1", cc=cc)])
    code = run(world, "IMPORT", ARGS).code
    assert code == (5 if repeats else 0)
    if repeats:
        assert und(world).split("\r\n", 1)[0].count("Header Buffer Full.") == repeats


def test_other_header_keywords_are_kept_not_fatal(world: World) -> None:
    """Bcc:, Priority:, Receipt: in an Import file (§2.3, §7 item 3): delivered, kept."""
    po = make_po(world)
    sent = dataclasses.replace(
        message(1, to="Jones, Al at PO1"),
        extra=(("Bcc", "Smith, Fred at PO1"), ("Priority", "Urgent"), ("Receipt", "Yes")),
    )
    write(world, [sent])
    assert run(world, "IMPORT", ARGS).code == 0
    assert inbox(po, "Jones, Al") == [sent]


def test_by_hand_ccmail_und_and_per_file_for_the_connector(world: World) -> None:
    """IE51-RM: CCMAIL.UND; the connector's UndFile=*.und: one per input (KB Q212788)."""
    make_po(world)
    write(world, [message(1, to="Nobody, Here at PO1")])
    assert run(world, "IMPORT", ARGS).code == 5
    assert files(folder(world)) == ["CCMAIL.UND"]
    (folder(world) / "CCMAIL.UND").unlink()
    write(world, [message(2, to="Nobody, Here at PO1")])
    assert run(world, "IMPORT", ARGS, options=PER_FILE).code == 5
    assert files(folder(world)) == ["msg0001.und"]
