"""Customer files as real machines and viewers leave them (reference §9).

The ``.evt`` files here are built byte by byte by ``tests.support.evtbytes`` from
the format documentation, not by the simulator's writer; the text exports are
written as each viewer writes them. Every count asserted was built by hand.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import _build_app
from harness.customerlog import EventLogError, LogFormat, LogKind, read_eventlog
from harness.inputs import summarise_log
from sim.connector.events import describe
from tests.support.evtbytes import (
    ARCHIVE,
    DIRTY,
    WRAP,
    Rec,
    flip_signature,
    linear_log,
    record_bytes,
    wrapped_log,
)

T0 = int(datetime(1998, 6, 2, 8, 0, tzinfo=UTC).timestamp())
SEVENTY = "Lotus cc:Mail EXPORT to file msg4A01.ccm returned result code 3."


def recs(count: int, first: int = 1, event_id: int = 70) -> list[Rec]:
    return [
        Rec(n, T0 + 15 * n, event_id, strings=(f"msg{n:04X}.ccm", "3"))
        for n in range(first, first + count)
    ]


def ccsim(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(_build_app(), list(args))
    return result.exit_code, result.stdout, result.stderr


# --- binary .evt --------------------------------------------------------------------


def test_dirty_archived_copy_with_a_stale_header_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "AppEvent.Evt"
    path.write_bytes(linear_log(recs(121), flags=DIRTY | ARCHIVE, header_next=100))
    log = read_eventlog(path)
    assert log.format is LogFormat.EVT
    assert len(log.records) == 121
    assert (log.missing, len(log.recovered)) == (0, 0)
    assert log.records[0].description.startswith("Lotus cc:Mail EXPORT to file msg0001.ccm")
    notes = " ".join(log.notes)
    assert "header flags: dirty, archive" in notes
    assert "header: oldest 1, next 100; EOF record: oldest 1, next 122" in notes


def test_wrapped_log_with_a_record_straddling_the_end_is_read_in_order(tmp_path: Path) -> None:
    records = recs(40, first=1001)
    one = len(record_bytes(records[0]))
    size = 48 + 42 * one + 40  # room for all 40, the EOF record and two spare
    start = size - 15 * one - one // 2  # record 1016 straddles the end of the file
    path = tmp_path / "SysEvent.Evt"
    path.write_bytes(wrapped_log(records, size, start, flags=DIRTY | WRAP | ARCHIVE))
    log = read_eventlog(path)
    assert len(log.records) == 40
    assert [r.strings[0] for r in log.records] == [f"msg{n:04X}.ccm" for n in range(1001, 1041)]
    assert log.missing == 0
    assert "header flags: dirty, wrapped, archive" in log.notes[0]


def test_a_flipped_signature_is_found_by_the_count_and_the_rest_recovered(
    tmp_path: Path,
) -> None:
    path = tmp_path / "AppEvent.Evt"
    path.write_bytes(flip_signature(linear_log(recs(127)), 14))
    log = read_eventlog(path)
    assert len(log.records) == 126
    assert log.missing == 1
    assert len(log.recovered) == 113  # 15..127, found after the damaged record
    summary = summarise_log(log)
    assert (summary.records, summary.recovered, summary.missing) == (126, 113, 1)
    assert any("113 record(s) recovered, 1 missing" in line for line in summary.lines())


@pytest.mark.parametrize(
    ("damage", "why"),
    [
        (lambda d: d[:4] + b"XXXX" + d[8:], "signature b'XXXX', size 48"),
        (lambda d: bytes(48) + d[48:], "signature b'\\x00\\x00\\x00\\x00', size 0"),
    ],
    ids=["signature-flipped", "header-zeroed"],
)
def test_a_damaged_header_is_not_trusted_and_the_records_are_read_by_their_signatures(
    tmp_path: Path, damage: Callable[[bytes], bytes], why: str
) -> None:
    """A header whose signature is gone made the file read as text (refused: NUL bytes);
    its records, each with ``LfLe`` and its length at both ends, are all still there."""
    path = tmp_path / "AppEvent.Evt"
    path.write_bytes(damage(linear_log(recs(30))))
    log = read_eventlog(path)
    assert log.format is LogFormat.EVT
    assert [r.record_number for r in log.records] == list(range(1, 31))
    assert log.missing == 0
    assert f"the header is damaged ({why}): not used" in log.notes
    code, out, _ = ccsim("diagnose", "--eventlog", str(path))
    assert code == 0
    assert "30 record(s)" in out


def test_a_file_with_no_readable_record_is_refused(tmp_path: Path) -> None:
    data = linear_log(recs(1))
    path = tmp_path / "AppEvent.Evt"
    path.write_bytes(flip_signature(data, 1))
    with pytest.raises(EventLogError, match="not one record could be read"):
        read_eventlog(path)


# --- text forms ---------------------------------------------------------------------

NT4_ROWS = [
    "6/2/98,8:00:30 AM,MSExchangeCCMC,Error,General,70,N/A,EXSRV1,"
    "Lotus cc:Mail EXPORT to file msg4A02.ccm returned result code 3. The Microsoft Exchange "
    "Connector for Lotus cc:Mail has not been configured correctly, or the Post Office it is "
    "configured to connect to is not accessible at this time.",
    "6/2/98,8:00:15 AM,MSExchangeCCMC,Error,General,70,N/A,EXSRV1,"
    "Lotus cc:Mail EXPORT to file msg4A01.ccm returned result code 3. The Microsoft Exchange "
    "Connector for Lotus cc:Mail has not been configured correctly, or the Post Office it is "
    "configured to connect to is not accessible at this time.",
]


def test_nt4_unquoted_commas_stay_in_the_description(tmp_path: Path) -> None:
    path = tmp_path / "app.txt"
    path.write_bytes("\r\n".join(NT4_ROWS).encode("cp1252") + b"\r\n")
    log = read_eventlog(path)
    assert (log.format, len(log.records), log.skipped) == (LogFormat.NT_TEXT, 2, ())
    assert log.records[1].description == NT4_ROWS[0].split(",", 8)[8]
    assert "configured correctly, or the Post Office" in log.records[1].description


def test_tab_delimited_utf16_text(tmp_path: Path) -> None:
    rows = [r.replace(",", "\t", 8) for r in NT4_ROWS]
    path = tmp_path / "app.txt"
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("utf-16"))
    log = read_eventlog(path)
    assert (log.format, log.encoding, len(log.records)) == (LogFormat.NT_TAB, "utf-16", 2)
    assert "correctly, or the Post Office" in log.records[1].description


@pytest.mark.parametrize("sep", [",", "\t"])
def test_a_header_naming_the_nine_columns_in_another_order_is_followed(
    tmp_path: Path, sep: str
) -> None:
    """Type first, as Windows XP's list view shows the columns (or a spreadsheet moved
    them): each row is read by the header's names, and a bad row is still named by its
    own line."""
    header = sep.join(["Type", "Date", "Time", "Source", "Category", "Event", "User",
                       "Computer", "Description"])  # fmt: skip
    rows = []
    for row in NT4_ROWS:
        date, time, source, kind, category, event, user, computer, text = row.split(",", 8)
        fields = [kind, date, time, source, category, event, user, computer, f'"{text}"']
        rows.append(sep.join(fields))
    path = tmp_path / "app.csv"
    path.write_text("\r\n".join([header, rows[0], "not a row", rows[1]]) + "\r\n", "cp1252")
    log = read_eventlog(path)
    assert len(log.records) == 2
    first = log.records[0]
    assert (first.source, first.event_id, first.computer) == ("MSExchangeCCMC", 70, "EXSRV1")
    assert first.description == NT4_ROWS[1].split(",", 8)[8]
    assert [s.line for s in log.skipped] == [3]


def test_quoted_csv_with_a_header_and_a_description_over_two_lines(tmp_path: Path) -> None:
    text = (
        "Date,Time,Source,Type,Category,Event,User,Computer,Description\r\n"
        '"6/2/1998","08:00:30","MSExchangeCCMC","Error","General","70","N/A","EXSRV1",'
        '"Lotus cc:Mail EXPORT to file msg4A02.ccm returned result code 3.\r\nsecond line"\r\n'
        '"6/2/1998","08:00:15","MSExchangeCCMC","Error","General","70","N/A","EXSRV1",'
        f'"{describe(70, "msg4A01.ccm")}"\r\n'
    )
    path = tmp_path / "app.csv"
    path.write_text(text, encoding="cp1252", newline="")
    log = read_eventlog(path)
    assert (log.format, len(log.records), log.skipped) == (LogFormat.QUOTED, 2, ())
    assert log.records[0].strings == ("msg4A01.ccm",)
    assert log.records[1].description.endswith("code 3.\r\nsecond line")


def test_cp850_text_from_a_dos_code_page(tmp_path: Path) -> None:
    row = "2.6.1998,08:00:01,Print,Information,None,10,N/A,EXSRV1,Dokument Übersicht gedruckt"
    path = tmp_path / "app.txt"
    path.write_bytes((row + "\r\n" + NT4_ROWS[1].replace("6/2/98", "2.6.1998") + "\r\n")
                     .replace(" AM", "").encode("cp850"))  # fmt: skip
    log = read_eventlog(path)
    assert log.encoding == "cp850"
    assert "Übersicht" in log.records[0].description


def test_bad_rows_are_skipped_and_named_up_to_half(tmp_path: Path) -> None:
    huge = "6/2/98,8:00:20 AM,MSExchangeCCMC,Error,General," + "7" * 5000 + ",N/A,EXSRV1,x"
    path = tmp_path / "app.txt"
    path.write_text("\r\n".join([NT4_ROWS[0], huge, "garbage", NT4_ROWS[1]]) + "\r\n")
    log = read_eventlog(path)
    assert len(log.records) == 2
    assert [s.line for s in log.skipped] == [2, 3]
    assert log.skipped[0].why.startswith("event ID 777777777777... is over 65535")
    path.write_text("\r\n".join([NT4_ROWS[0], huge, "garbage"]) + "\r\n")
    with pytest.raises(EventLogError, match=r"app.txt:2: 2 of 3 rows unreadable; the first"):
        read_eventlog(path)


def test_a_100_kb_not_found_description_is_parsed(tmp_path: Path) -> None:
    """The pattern that used to backtrack on this text (quadratic) is now plain finds."""
    head = "The description for Event ID ( 70 ) in Source ( "
    description = head + "a ) could not be found." * 4000
    path = tmp_path / "app.txt"
    path.write_text(f"6/2/98,8:00:20 AM,MSExchangeCCMC,Error,General,70,N/A,EXSRV1,{description}\n")
    (record,) = read_eventlog(path).records
    assert record.description == description  # no list of strings: left as it was
    listed = description + " The following information is part of the event: msg4A01.ccm, 3."
    path.write_text(f"6/2/98,8:00:20 AM,MSExchangeCCMC,Error,General,70,N/A,EXSRV1,{listed}\n")
    (record,) = read_eventlog(path).records
    assert record.description.startswith(SEVENTY)


# --- odd files ----------------------------------------------------------------------


def _special(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / f"{kind}.evt"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dir":
        path.mkdir()
    elif kind == "zero":
        path.symlink_to("/dev/zero")
    elif kind == "link-to-fifo":
        os.mkfifo(tmp_path / "f")
        path.symlink_to(tmp_path / "f")
    elif kind == "empty":
        path.write_bytes(b"")
    return path


@pytest.mark.parametrize("kind", ["fifo", "dir", "zero", "link-to-fifo", "empty"])
def test_special_files_get_exit_2_and_one_line(tmp_path: Path, kind: str) -> None:
    path = _special(tmp_path, kind)
    code, out, err = ccsim("diagnose", "--eventlog", str(path))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"ccsim: {path}:")


def test_dev_zero_itself_is_refused_unread() -> None:
    with pytest.raises(EventLogError, match="not a regular file"):
        read_eventlog(Path("/dev/zero"))


# --- the summary and the wrong log --------------------------------------------------


def test_a_system_log_gets_exit_0_no_findings_and_what_to_ask_for(tmp_path: Path) -> None:
    rows = [
        "6/2/98,8:00:00 AM,Service Control Manager,Error,None,7000,N/A,EXSRV1,"
        "The Microsoft Exchange Connector for Lotus cc:Mail service failed to start.",
        "6/2/98,7:59:00 AM,EventLog,Information,None,6005,N/A,EXSRV1,"
        "The Event log service was started.",
    ]
    path = tmp_path / "sys.txt"
    path.write_text("\r\n".join(rows) + "\r\n")
    assert read_eventlog(path).kind is LogKind.SYSTEM
    code, out, _ = ccsim("diagnose", "--eventlog", str(path), "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["findings"] == []
    (read,) = doc["inputs"]
    assert read["log"] == "System"
    assert "the Application log of the Exchange server" in read["advice"]
    code, out, _ = ccsim("diagnose", "--eventlog", str(path))
    assert code == 0
    assert "this is a System log" in out


def test_summary_names_skipped_lines_and_sources(tmp_path: Path) -> None:
    path = tmp_path / "app.txt"
    rows = [NT4_ROWS[0], "bad row", NT4_ROWS[1], *NT4_ROWS]
    path.write_text("\r\n".join(rows) + "\r\n")
    code, out, _ = ccsim("diagnose", "--eventlog", str(path), "--format", "json")
    assert code == 0
    (read,) = json.loads(out)["inputs"]
    assert (read["records"], read["ccmc"], read["skipped"]) == (4, 4, 1)
    assert read["skipped_lines"][0]["line"] == 2
    assert read["sources"] == [{"source": "MSExchangeCCMC", "records": 4}]
    assert (read["first"], read["last"]) == ("1998-06-02T08:00:15", "1998-06-02T08:00:30")


@pytest.mark.parametrize(
    ("data", "form"),
    [
        (b"ElfFile\x00" + bytes(4088), "a Windows Vista or later .evtx log"),
        (b'<?xml version="1.0"?><Events><Event/></Events>', "an Event Viewer XML export"),
        ('<?xml version="1.0"?><Events/>'.encode("utf-16"), "an Event Viewer XML export"),
    ],
    ids=["evtx", "xml", "xml-utf16"],
)
def test_a_later_windows_form_is_named_with_what_to_ask_for(
    tmp_path: Path, data: bytes, form: str
) -> None:
    """Not read, but said plainly: before, an .evtx was 'NUL bytes in a text file' and an
    XML export 'expected 9 fields'."""
    path = tmp_path / "Application.log"
    path.write_bytes(data)
    with pytest.raises(EventLogError) as exc:
        read_eventlog(path)
    assert str(exc.value) == (
        f"{path}:1: {form}, which is not read here: save the log from Event Viewer as CSV "
        "(comma delimited) or text, or send the .evt of an NT 4.0 / 2000 / 2003 server"
    )
