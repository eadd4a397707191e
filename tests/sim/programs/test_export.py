"""EXPORT: every result code from world state, the message and directory exports (§2, §8)."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import pytest

from sim.access import SharePermission
from sim.message import iter_messages, render_message
from sim.postoffice import Location, Postoffice
from sim.postoffice.layout import CCVER, MLANDATA
from sim.programs.export import BB_FILE, LIST_FILE, export_messages, temporary_name
from sim.programs.results import ExportResult
from sim.world import World
from tests.sim.programs.helpers import (
    ACCOUNT,
    LOGIN,
    UNC,
    files,
    make_po,
    message,
    queue,
    run,
    share,
)

OUT = "C:\\EXCHSRVR\\CCMCDATA\\EXPORT"
QUEUE_ARGS = (
    f"/NEX1 /PSECRET /DC:\\CCDATA /ITEMSIZE /FORMAT/FAN /BATCH /FILES/MACBIN2 /@{OUT}\\msg0001.ccm"
)


def out_dir(world: World) -> Path:
    path = world.path(OUT)
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(autouse=True)
def _export_folder(world: World) -> None:
    """The connector's Export folder exists (the connector creates it, §4.4)."""
    out_dir(world)


def test_queue_export_writes_the_file_and_empties_the_queue(world: World, po: Postoffice) -> None:
    """Exit 0: the queued mail for EX1 is in msg0001.ccm, in order, and gone from the queue."""
    sent = [message(i) for i in range(3)]
    po.deliver("EX1", sent)
    result = run(world, "EXPORT", QUEUE_ARGS)
    assert result.code == ExportResult.OK
    assert "EXPORT process completed successfully." in result.output
    target = out_dir(world) / "msg0001.ccm"
    with target.open(encoding="cp850", newline="") as fh:
        assert list(iter_messages(fh, itemsize=True)) == sent
    assert queue(po) == []
    assert files(out_dir(world)) == ["msg0001.ccm"]


def test_itemsize_switch_decides_the_size_lines(world: World, po: Postoffice) -> None:
    """/ITEMSIZE writes byte counts (KB Q184052 sample); without it none are written."""
    po.deliver("EX1", [message(1)])
    assert run(world, "EXPORT", QUEUE_ARGS).code == 0
    with_sizes = (out_dir(world) / "msg0001.ccm").read_bytes()
    assert with_sizes == render_message(message(1), itemsize=True).encode("cp850")
    po.deliver("EX1", [message(1)])
    assert run(world, "EXPORT", QUEUE_ARGS.replace("/ITEMSIZE ", "")).code == 0
    plain = (out_dir(world) / "msg0001.ccm").read_bytes()
    assert plain == render_message(message(1), itemsize=False).encode("cp850")


def test_max_messages_caps_the_export_and_keeps_the_rest(world: World, po: Postoffice) -> None:
    """The connector exports at most 16 per run (§4.5); the others stay queued, in order."""
    sent = [message(i) for i in range(20)]
    po.deliver("EX1", sent)
    result = run(world, "EXPORT", QUEUE_ARGS, options={"MaxMessages": "16"})
    assert result.code == 0
    with (out_dir(world) / "msg0001.ccm").open(encoding="cp850", newline="") as fh:
        assert list(iter_messages(fh)) == sent[:16]
    assert queue(po) == sent[16:]


def test_bad_max_messages_option_is_refused_with_code_3(world: World, po: Postoffice) -> None:
    po.deliver("EX1", [message(1)])
    result = run(world, "EXPORT", QUEUE_ARGS, options={"MaxMessages": "lots"})
    assert result.code == ExportResult.NOT_CONFIGURED
    assert "Invalid MaxMessages value" in result.output
    assert len(queue(po)) == 1


def test_empty_queue_writes_no_file(world: World, po: Postoffice) -> None:
    assert run(world, "EXPORT", QUEUE_ARGS).code == 0
    assert files(out_dir(world)) == []


def test_user_export_copies_without_removing(world: World, po: Postoffice) -> None:
    """Export of a user's mailbox (migration, KB Q186740) leaves the mail where it is."""
    mail = [message(i, to="Jones, Al at PO1") for i in range(2)]
    po.deliver("Jones, Al", mail)
    po.set_mailbox_password("Jones, Al", "alpw")
    args = f'/N"Jones, Al" /PALPW /DC:\\CCDATA /ITEMSIZE /MSGS/ALL /@{OUT}\\sd1.2'
    assert run(world, "EXPORT", args).code == 0
    with (out_dir(world) / "sd1.2").open(encoding="cp850", newline="") as fh:
        assert list(iter_messages(fh)) == mail
    assert len(po.mailbox("Jones, Al")) == 2


USER_ARGS = f'/N"Jones, Al" /P{{pw}} /DC:\\CCDATA /BATCH /ITEMSIZE /MSGS/ALL /@{OUT}\\sd1.2'


def test_user_export_takes_the_mailbox_password_not_the_postoffice_one(
    world: World, po: Postoffice
) -> None:
    """§2.2, KB Q186740: /P is the mailbox password when /N names a user."""
    po.deliver("Jones, Al", [message(1, to="Jones, Al at PO1")])
    po.set_mailbox_password("Jones, Al", "alpw")
    refused = run(world, "EXPORT", USER_ARGS.format(pw="SECRET"))
    assert refused.code == ExportResult.NOT_CONFIGURED
    assert "Invalid password for Jones, Al." in refused.output
    assert run(world, "EXPORT", USER_ARGS.format(pw="ALPW")).code == 0
    assert run(world, "EXPORT", QUEUE_ARGS).code == 0  # the P entry still takes the PO's


def test_a_mailbox_without_a_password_has_an_empty_one(world: World, po: Postoffice) -> None:
    assert run(world, "EXPORT", USER_ARGS.format(pw="SECRET")).code == 3
    assert run(world, "EXPORT", USER_ARGS.format(pw="")).code == 0


def test_a_pre_expired_password_is_refused_until_its_owner_changes_it(
    world: World, po: Postoffice
) -> None:
    """KB Q186740: reset by the administrator with "Pre-expired passwords" on."""
    po.set_pre_expired_passwords(True)
    assert po.set_mailbox_password("Jones, Al", "reset1").expired
    refused = run(world, "EXPORT", USER_ARGS.format(pw="RESET1"))
    assert refused.code == 3
    assert "has expired" in refused.output
    po.set_mailbox_password("Jones, Al", "mine", by_owner=True)
    assert run(world, "EXPORT", USER_ARGS.format(pw="MINE")).code == 0


def test_turning_the_option_off_leaves_an_expired_password_expired(
    world: World, po: Postoffice
) -> None:
    """Only a reset made with the option off is usable at once (the Wizard resets again)."""
    po.set_pre_expired_passwords(True)
    po.set_mailbox_password("Jones, Al", "reset1")
    po.set_pre_expired_passwords(False)
    assert run(world, "EXPORT", USER_ARGS.format(pw="RESET1")).code == 3
    assert not po.set_mailbox_password("Jones, Al", "reset2").expired
    assert run(world, "EXPORT", USER_ARGS.format(pw="RESET2")).code == 0


def test_passwords_and_options_survive_a_rename(world: World, po: Postoffice) -> None:
    po.set_pre_expired_passwords(True)
    po.set_mailbox_password("Jones, Al", "alpw", by_owner=True)
    po.rename("PO9")
    assert po.identity().name == "PO9"
    assert po.pre_expired_passwords()
    entry = po.find("Jones, Al")
    assert entry is not None
    assert po.mailbox_password(entry).matches("ALPW")


# -- failure codes from world state -----------------------------------------------------------


def _no_p_entry(world: World, po: Postoffice) -> None:
    po.delete_entries(["HUB2"])  # keep EX1's mail; the test exports /NHUB2


Setup = Callable[[World, Postoffice], None]

#: (what the world looks like, command-line change, expected code, console text)
FAILURES: dict[str, tuple[Setup | None, tuple[str, str], int, str]] = {
    "wrong-password": (None, ("/PSECRET", "/PWRONG"), 3, "Invalid post office password."),
    "password-is-case-insensitive": (None, ("/PSECRET", "/Psecret"), 0, "completed"),
    "unknown-name": (None, ("/NEX1", "/NEX9"), 3, "EX9 is not a mailbox"),
    "not-a-postoffice": (None, ("C:\\CCDATA", "C:\\TEMP"), 3, "not a cc:Mail post office"),
    "space-in-path": (None, ("/DC:\\CCDATA", '/D"C:\\CC DATA"'), 3, "Invalid directory name"),
    "path-split-at-space": (
        None,
        ("/DC:\\CCDATA", "/DC:\\CC DATA"),
        3,
        "Post office directory: C:\\CC\n",
    ),
    "unknown-switch": (None, ("/BATCH", "/BOTCH"), 3, "Usage: EXPORT"),
    "bad-qualifier": (None, ("/FORMAT/FAN", "/FORMAT/XYZ"), 3, "/FORMAT does not take /XYZ"),
    "shut-down": (lambda w, p: p.shut_down(), ("", ""), 4, "Post office is temporarily shut down."),
    "locked": (
        lambda w, p: w.locks.acquire(p.path, "CHKSTAT"),
        ("", ""),
        4,
        "locked by another process",
    ),
    "shared-holder-is-no-lock": (
        lambda w, p: w.locks.acquire(p.path, "ccmc", exclusive=False),
        ("", ""),
        0,
        "completed",
    ),
    "no-p-entry-yet": (_no_p_entry, ("/NEX1", "/NHUB2"), 3, "HUB2 is not a mailbox"),
    "db6-with-export-6": (None, ("", ""), 1, "Could not access the Lotus cc:Mail Post Office"),
}


@pytest.mark.parametrize("case", sorted(FAILURES))
def test_export_result_code_comes_from_world_state(world: World, po: Postoffice, case: str) -> None:
    """Each documented failure gives its code (§2.5, §8) and the queue keeps every message."""
    setup, (old, new), code, text = FAILURES[case]
    sent = [message(i) for i in range(3)]
    po.deliver("EX1", sent)
    if setup is not None:
        setup(world, po)
    version = "6.0" if case == "db6-with-export-6" else "5.14"
    result = run(
        world, "EXPORT", QUEUE_ARGS.replace(old, new) if old else QUEUE_ARGS, version=version
    )
    assert result.code == code, result.output
    assert text in result.output
    if code:
        assert result.output.endswith(f"EXPORT process ended with error: {code}.\n")
        assert queue(po) == sent
        assert not any(n.endswith(".ccm") for n in files(out_dir(world)))
    else:
        assert queue(po) == []


def test_db8_needs_export_6(world: World) -> None:
    """DB8 with Export 5.14 is code 1 (KB Q168465); with 6.0 it works."""
    po = make_po(world, db_version=8)
    po.deliver("EX1", [message(1)])
    assert run(world, "EXPORT", QUEUE_ARGS, version="5.14").code == ExportResult.NO_ACCESS
    assert len(queue(po)) == 1
    assert run(world, "EXPORT", QUEUE_ARGS, version="6.0").code == ExportResult.OK
    assert queue(po) == []


def _flip_clandata_header(po: Postoffice) -> None:
    data = bytearray((po.path / "CLANDATA").read_bytes())
    data[28] ^= 0xFF
    (po.path / "CLANDATA").write_bytes(bytes(data))


def test_damaged_postoffice_is_code_3(world: World, po: Postoffice) -> None:
    """A damaged post office makes EXPORT fail with 3 (KB Q166045), nothing exported."""
    sent = [message(1)]
    po.deliver("EX1", sent)
    _flip_clandata_header(po)
    result = run(world, "EXPORT", QUEUE_ARGS)
    assert result.code == ExportResult.NOT_CONFIGURED
    assert "Post office damaged: CLANDATA" in result.output
    assert files(out_dir(world)) == []


def test_nft_error_is_code_3_for_export_without_a_log(world: World, po: Postoffice) -> None:
    """Only IMPORT writes NFTERROR.LOG (KB Q179072)."""
    (po.path / po.find("Jones, Al").mailbox_file).unlink()  # type: ignore[union-attr]
    result = run(world, "EXPORT", QUEUE_ARGS)
    assert result.code == 3
    assert "NFT error" in result.output
    assert not (po.path / "NFTERROR.LOG").exists()


# -- access (§6) -------------------------------------------------------------------------------


UNC_ARGS = QUEUE_ARGS.replace("C:\\CCDATA", UNC)


@pytest.mark.parametrize(
    ("permission", "code"),
    [
        (SharePermission.NO_ACCESS, ExportResult.NOT_CONFIGURED),
        (SharePermission.READ, ExportResult.NO_ACCESS),
        (SharePermission.CHANGE, ExportResult.OK),
    ],
)
def test_service_account_rights_decide_the_code(
    world: World, po: Postoffice, permission: SharePermission, code: int
) -> None:
    """No access: 3 (KB Q166045); read-only: 1 (exporting queued mail modifies the queue)."""
    sent = [message(1)]
    po.deliver("EX1", sent)
    share(world, po, permission)
    result = run(world, "EXPORT", UNC_ARGS, account=ACCOUNT)
    assert result.code == code, result.output
    assert queue(po) == ([] if code == 0 else sent)


def test_unknown_share_is_not_accessible(world: World, po: Postoffice) -> None:
    result = run(world, "EXPORT", UNC_ARGS, account=ACCOUNT)
    assert result.code == 3
    assert "not accessible" in result.output


def test_read_only_account_may_export_the_directory(world: World, po: Postoffice) -> None:
    share(world, po, SharePermission.READ)
    args = f"/NPO1 /PSECRET /D{UNC} /DIRECTORY /@{OUT}\\CCMDIR.EXP"
    out_dir(world)
    assert run(world, "EXPORT", args, account=ACCOUNT).code == 0


# -- killed or failing mid-file: nothing lost --------------------------------------------------


class KilledError(Exception):
    """Stands for the process being killed."""


class _Breaking(io.BytesIO):
    def __init__(self, path: Path, after: int, error: BaseException) -> None:
        super().__init__()
        self.path, self.after, self.error = path, after, error

    def write(self, data: bytes) -> int:  # type: ignore[override]
        room = self.after - self.tell()
        if len(data) > room:
            super().write(data[:room])
            self.path.write_bytes(self.getvalue())
            raise self.error
        return super().write(data)

    def close(self) -> None:
        self.path.write_bytes(self.getvalue())
        super().close()


def _opener(after: int, error: BaseException) -> Callable[[Path], BinaryIO]:
    return lambda path: _Breaking(path, after, error)  # type: ignore[return-value]


def test_export_killed_mid_file_leaves_only_a_partial_temporary(
    world: World, po: Postoffice
) -> None:
    sent = [message(i) for i in range(1000)]
    po.deliver("EX1", sent)
    target = out_dir(world) / "msg0001.ccm"
    ex1 = po.find("EX1")
    assert ex1 is not None
    with pytest.raises(KilledError):
        export_messages(po, ex1, target, opener=_opener(70_000, KilledError()))
    assert files(target.parent) == ["msg0001.$$$"]
    assert 0 < temporary_name(target).stat().st_size <= 70_000
    assert queue(po) == sent


def test_write_error_removes_the_temporary_and_keeps_the_queue(
    world: World, po: Postoffice
) -> None:
    sent = [message(i) for i in range(5)]
    po.deliver("EX1", sent)
    target = out_dir(world) / "msg0001.ccm"
    ex1 = po.find("EX1")
    assert ex1 is not None
    with pytest.raises(OSError, match="full"):
        export_messages(po, ex1, target, opener=_opener(100, OSError(28, "disk full")))
    assert files(target.parent) == []
    assert queue(po) == sent


# -- /MSG#, /DELETE (KB Q212759) ---------------------------------------------------------------


def test_msg_list_names_numbers_and_subjects_without_removing(world: World, po: Postoffice) -> None:
    numbers = po.deliver("EX1", [message(i) for i in range(3)])
    args = f"/NEX1 /PSECRET /DC:\\CCDATA /MSG# /@{OUT}\\ccmessg.txt"
    assert run(world, "EXPORT", args).code == 0
    text = (out_dir(world) / "ccmessg.txt").read_bytes().decode("cp850")
    for number, i in zip(numbers, range(3), strict=True):
        assert f"Message #: {number}\r\nFrom: Smith, Fred at PO1\r\n" in text
        assert f"Subject: Subject {i}\r\n" in text
    assert len(queue(po)) == 3


def test_delete_removes_one_message(world: World, po: Postoffice) -> None:
    numbers = po.deliver("EX1", [message(i) for i in range(3)])
    result = run(world, "EXPORT", f"/NEX1 /PSECRET /DC:\\CCDATA /DELETE/{numbers[1]}")
    assert result.code == 0
    assert [m.subject for m in queue(po)] == ["Subject 0", "Subject 2"]


def test_delete_of_unknown_number_is_code_3(world: World, po: Postoffice) -> None:
    po.deliver("EX1", [message(1)])
    result = run(world, "EXPORT", "/NEX1 /PSECRET /DC:\\CCDATA /DELETE/999")
    assert result.code == 3
    assert "Message 999 not found" in result.output
    assert len(queue(po)) == 1


def test_delete_needs_modify(world: World, po: Postoffice) -> None:
    numbers = po.deliver("EX1", [message(1)])
    share(world, po, SharePermission.READ)
    result = run(world, "EXPORT", f"/NEX1 /PSECRET /D{UNC} /DELETE/{numbers[0]}", account=ACCOUNT)
    assert result.code == 1
    assert len(queue(po)) == 1


# -- /DIRECTORY (§2.4, §4.6) -------------------------------------------------------------------


def _directory(world: World, extra: str = "") -> tuple[str, str, str]:
    args = f"/NPO1 /PSECRET /DC:\\CCDATA /DIRECTORY{extra} /@{OUT}\\CCMDIR.EXP"
    out_dir(world)
    assert run(world, "EXPORT", args).code == 0
    folder = out_dir(world)
    names = ("CCMDIR.EXP", LIST_FILE, BB_FILE)
    return tuple((folder / n).read_bytes().decode("cp850") for n in names)  # type: ignore[return-value]


def _names(directory: str) -> list[str]:
    return [line[6:] for line in directory.split("\r\n") if line.startswith("Name: ")]


def test_plain_directory_export_is_in_directory_order(world: World, po: Postoffice) -> None:
    """/DIRECTORY and /DIRECTORY/PROP: alphabetical, not grouped (IE51-RM item 2)."""
    for extra in ("", "/PROP"):
        directory, _, _ = _directory(world, extra)
        names = _names(directory)
        assert names == sorted(names, key=str.casefold)
        assert names.index("Fred") < names.index("HUB2") < names.index("Jones, Al")


def test_propadd_directory_export_is_grouped(world: World, po: Postoffice) -> None:
    """P, p, then L/l/R/r, then A/a, alphabetical inside each group (IE51-RM)."""
    directory, _, _ = _directory(world, "/PROPADD")
    names = _names(directory)
    assert names == [
        "EX1",
        "HUB2",
        "FAR3",
        "Jones, Al",
        "Mobile, Mo",
        "Remote, Rita",
        "Smith, Fred",
        "Fred",
    ]
    assert "Name: EX1\r\nLocn: P\r\nAddr:\r\nComments: MSExchangeCCMC EXSRV1\r\n\r\n" in directory


def test_fan_only_with_format_fan(world: World, po: Postoffice) -> None:
    """The foreign alias name follows the PO name in Addr: only with /FORMAT/FAN (PMDF 38.5.9)."""
    plain, _, _ = _directory(world)
    assert "Name: Remote, Rita\r\nLocn: r\r\nAddr: EX1\r\n" in plain
    fan, _, _ = _directory(world, " /FORMAT/FAN")
    assert "Name: Remote, Rita\r\nLocn: r\r\nAddr: EX1 rita.remote\r\n" in fan


def test_directory_export_writes_lists_and_bulletin_boards(world: World, po: Postoffice) -> None:
    directory, lists, bbs = _directory(world)
    assert lists == "List: Sales\r\nMember: Smith, Fred\r\nMember: Jones, Al\r\n\r\n"
    assert bbs == "BB: General\r\nTitle: Company news\r\n\r\n"
    assert "General" not in directory


def test_directory_needs_the_administrator(world: World, po: Postoffice) -> None:
    result = run(world, "EXPORT", "/NEX1 /PSECRET /DC:\\CCDATA /DIRECTORY")
    assert result.code == 3
    assert "administrator" in result.output


def test_directory_without_file_goes_to_the_screen(world: World, po: Postoffice) -> None:
    """``export32 /Npostoffice /Ppassword /DPO-directory /directory`` (KB Q282172)."""
    result = run(world, "EXPORT", f"{LOGIN} /DIRECTORY")
    assert result.code == 0
    assert "Name: Smith, Fred\r\nLocn: L\r\n" in result.output
    assert "List: Sales" in result.output


# -- cc:Mail 8.5 with 16-bit tools (KB Q248195) ------------------------------------------------


def _release_85(world: World) -> Postoffice:
    po = make_po(world, db_version=8)
    (po.path / CCVER).write_bytes(b"DB8\r\n8.5\r\n")
    return po


def test_16_bit_export_corrupts_an_85_postoffice(world: World) -> None:
    """The first run succeeds; the damage it leaves makes the next run fail with 3."""
    po = _release_85(world)
    po.deliver("EX1", [message(1), message(2)])
    assert run(world, "EXPORT", QUEUE_ARGS, version="6.0", options={"MaxMessages": "1"}).code == 0
    before = (po.path / MLANDATA).stat().st_size
    second = run(world, "EXPORT", QUEUE_ARGS, version="6.0")
    assert second.code == 3
    assert "MLANDATA" in second.output
    assert (po.path / MLANDATA).stat().st_size == before
    assert len(queue(po)) == 1


def test_32_bit_export_leaves_an_85_postoffice_healthy(world: World) -> None:
    po = _release_85(world)
    po.deliver("EX1", [message(1), message(2)])
    opts = {"MaxMessages": "1"}
    assert run(world, "EXPORT", QUEUE_ARGS, version="8.50", bits32=True, options=opts).code == 0
    assert run(world, "EXPORT", QUEUE_ARGS, version="8.50", bits32=True, options=opts).code == 0
    assert queue(po) == []


def test_usage_text_for_question_mark(world: World) -> None:
    result = run(world, "EXPORT", "/?")
    assert result.code == 0
    assert result.output.startswith("Usage: EXPORT /N<name>")


def test_export_of_a_remote_entry_is_refused(world: World, po: Postoffice) -> None:
    """An ``r`` entry has no mailbox here (§1.4): nothing to act as."""
    assert po.find("Remote, Rita").location is Location.REMOTE  # type: ignore[union-attr]
    result = run(world, "EXPORT", QUEUE_ARGS.replace("/NEX1", '/N"Remote, Rita"'))
    assert result.code == 3
