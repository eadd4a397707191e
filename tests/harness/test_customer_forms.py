"""Windows 2000/2003 text exports and every date form of reference §9.2, end to end.

Each file is written as that viewer writes it (fields quoted only where needed, a
header row, 4-digit years, ANSI or UTF-16 with a BOM); the counts, times and
descriptions asserted were worked out by hand from the rows written.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import _build_app
from harness.customerlog import DateOrder, read_eventlog
from sim.connector.events import describe

HEADER = "Date,Time,Source,Type,Category,Event,User,Computer,Description\r\n"
SEVENTY = describe(70, "msg4A02.ccm")
#: Windows 2000/2003 "CSV (Comma delimited)": quoted only where a field needs it
W2K_CSV = (
    HEADER + "6/2/2003,8:00:30 AM,Print,Information,None,10,NT AUTHORITY\\SYSTEM,EXSRV1,"
    '"Document 12, ""Quarterly report"", owned by François was printed on HP4."\r\n'
    + f"6/2/2003,8:00:15 AM,MSExchangeCCMC,Error,General,70,N/A,EXSRV1,{SEVENTY}\r\n"
    + "6/2/2003,8:00:00 AM,MSExchangeCCMC,Information,General,67,N/A,EXSRV1,"
    '"Lotus cc:Mail EXPORT to file msg4A01.ccm, first try"\r\n'
)


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16"])
def test_windows_2000_2003_csv_quoted_where_needed(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "AppEvent.csv"
    path.write_bytes(W2K_CSV.encode(encoding))
    log = read_eventlog(path)
    assert (log.encoding, len(log.records), log.skipped) == (encoding, 3, ())
    assert log.notes == ("a header row",)
    first, seventy, printed = log.records  # oldest first: the file is newest first
    assert [r.when for r in log.records] == [
        datetime(2003, 6, 2, 8, 0, 0),
        datetime(2003, 6, 2, 8, 0, 15),
        datetime(2003, 6, 2, 8, 0, 30),
    ]
    text = 'Document 12, "Quarterly report", owned by François was printed on HP4.'
    assert printed.description == text
    assert printed.user == "NT AUTHORITY\\SYSTEM"
    assert seventy.strings == ("msg4A02.ccm",)
    assert (first.event_id, first.description) == (
        67,
        "Lotus cc:Mail EXPORT to file msg4A01.ccm, first try",
    )
    assert log.date_order is DateOrder.MDY


def test_windows_2003_tab_text_utf16_day_first_24_hour(tmp_path: Path) -> None:
    rows = [
        f"13/6/2003\t20:00:15\tMSExchangeCCMC\tError\tGeneral\t70\tN/A\tEXSRV1\t{SEVENTY}",
        "13/6/2003\t08:00:00\tSrv\tWarning\tNone\t2013\tN/A\tEXSRV1\tThe D: disk is full, really.",
    ]
    path = tmp_path / "AppEvent.txt"
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("utf-16"))
    log = read_eventlog(path)
    assert (log.encoding, log.date_order, len(log.records)) == ("utf-16", DateOrder.DMY, 2)
    assert log.date_order_note == "D/M/Y (13/6/2003 on line 1)"
    assert [r.when for r in log.records] == [
        datetime(2003, 6, 13, 8, 0, 0),
        datetime(2003, 6, 13, 20, 0, 15),
    ]
    assert log.records[0].description == "The D: disk is full, really."


@pytest.mark.parametrize(
    ("date", "time", "when"),
    [
        ("6/2/98", "8:00:15 AM", datetime(1998, 6, 2, 8, 0, 15)),
        ("6/2/1998", "08:00:15", datetime(1998, 6, 2, 8, 0, 15)),
        ("06/02/98", "8:00:15 PM", datetime(1998, 6, 2, 20, 0, 15)),
        ("6/2/29", "12:00:00 AM", datetime(2029, 6, 2, 0, 0, 0)),
        ("6/2/30", "12:30:00 PM", datetime(1930, 6, 2, 12, 30, 0)),
        ("13/6/1998", "23:59:59", datetime(1998, 6, 13, 23, 59, 59)),
        ("6/13/98", "11:59:59 PM", datetime(1998, 6, 13, 23, 59, 59)),
        ("2.6.1998", "08:00", datetime(1998, 6, 2, 8, 0, 0)),
        ("02.06.98", "8:00:15", datetime(1998, 6, 2, 8, 0, 15)),
        ("1998-06-02", "8:00:15 PM", datetime(1998, 6, 2, 20, 0, 15)),
    ],
)
def test_each_date_and_time_form(tmp_path: Path, date: str, time: str, when: datetime) -> None:
    path = tmp_path / "app.txt"
    path.write_text(f"{date},{time},MSExchangeCCMC,Error,General,70,N/A,EXSRV1,{SEVENTY}\r\n")
    (record,) = read_eventlog(path).records
    assert record.when == when


def _rows(dates: list[str]) -> str:
    return "".join(
        f"{d},10:00:{59 - n:02d},MSExchangeCCMC,Error,General,70,N/A,EXSRV1,{SEVENTY}\r\n"
        for n, d in enumerate(dates)
    )


def test_conflicting_dates_the_order_of_more_rows_wins_the_others_are_named(
    tmp_path: Path,
) -> None:
    path = tmp_path / "app.txt"
    path.write_text(_rows(["6/13/98", "14/6/98", "15/6/98", "16/6/98", "3/4/98"]), newline="")
    log = read_eventlog(path)
    assert log.date_order is DateOrder.DMY
    assert log.date_order_note == "D/M/Y (14/6/98 on line 2); 1 row(s) dated month-first skipped"
    assert [(s.line, s.why) for s in log.skipped] == [
        (
            1,
            "date '6/13/98' is month-first but the file's dates are day-first "
            "('14/6/98' on line 2)",
        )
    ]
    assert [r.when.date() for r in log.records] == [
        datetime(1998, 4, 3).date(),
        datetime(1998, 6, 14).date(),
        datetime(1998, 6, 15).date(),
        datetime(1998, 6, 16).date(),
    ]


def test_conflicting_dates_on_a_tie_the_first_seen_wins(tmp_path: Path) -> None:
    path = tmp_path / "app.txt"
    path.write_text(_rows(["6/13/98", "14/6/98", "1/1/98"]), newline="")
    log = read_eventlog(path)
    assert log.date_order is DateOrder.MDY
    assert [s.line for s in log.skipped] == [2]


def test_the_order_of_fewer_rows_is_skipped_and_the_rest_read(tmp_path: Path) -> None:
    path = tmp_path / "app.txt"
    path.write_text(_rows(["6/13/98", "14/6/98", "15/6/98", "6/14/98", "6/15/98"]), newline="")
    log = read_eventlog(path)  # 3 month-first, 2 day-first: 2 of 5 skipped, read
    assert (log.date_order, len(log.records), len(log.skipped)) == (DateOrder.MDY, 3, 2)


def test_oldest_first_and_newest_first_read_alike(tmp_path: Path) -> None:
    rows = _rows(["6/2/98"] * 4).splitlines(keepends=True)
    newest, oldest = tmp_path / "n.txt", tmp_path / "o.txt"
    newest.write_text("".join(rows), newline="")
    oldest.write_text("".join(reversed(rows)), newline="")
    assert read_eventlog(newest).records == read_eventlog(oldest).records


def test_windows_2003_csv_end_to_end_through_diagnose(tmp_path: Path) -> None:
    path = tmp_path / "AppEvent.csv"
    path.write_bytes(W2K_CSV.encode("utf-16"))
    result = CliRunner().invoke(
        _build_app(), ["diagnose", "--eventlog", str(path), "--format", "json"]
    )
    assert result.exit_code == 0, result.stderr
    (summary,) = json.loads(result.stdout)["inputs"]
    assert (summary["encoding"], summary["records"], summary["ccmc"]) == ("utf-16", 3, 2)
    assert (summary["first"], summary["last"]) == ("2003-06-02T08:00:00", "2003-06-02T08:00:30")
    assert summary["notes"] == ["a header row"]
