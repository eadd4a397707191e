"""Reading a customer's Application log in whatever form it arrives (harness/customerlog.py)."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest

from harness.customerlog import CustomerLog, DateOrder, EventLogError, LogFormat, read_eventlog
from sim.clock import Clock
from sim.connector.events import Category, LoggingLevel, describe, log
from sim.eventlog import EventLog, EventRecord, EventType
from sim.evtformat import write_evt, write_nt_text
from sim.world import World

DATA = Path(__file__).parent.parent / "data" / "eventlogs"
BAD = DATA / "bad"


def read(name: str) -> CustomerLog:
    return read_eventlog(DATA / name)


@pytest.mark.parametrize(
    ("name", "form", "encoding", "order", "note", "count", "foreign", "rebuilt"),
    [
        ("nt4-q166045.txt", LogFormat.NT_TEXT, "utf-8", DateOrder.MDY,
         "M/D/Y (assumed: no date in the file decides it)", 7, {1, 6}, set()),
        ("header-utf16.txt", LogFormat.NT_TEXT_HEADER, "utf-16", DateOrder.MDY,
         "M/D/Y (assumed: no date in the file decides it)", 4, {3}, set()),
        ("viewer.csv", LogFormat.VIEWER_CSV, "utf-8", DateOrder.MDY,
         "M/D/Y (10/17/2001 on line 2)", 5, {3}, {2}),
        ("not-found.txt", LogFormat.NT_TEXT, "utf-8", DateOrder.MDY,
         "M/D/Y (assumed: no date in the file decides it)", 3, {3}, {1, 2}),
        ("uk-dates.txt", LogFormat.NT_TEXT, "utf-8", DateOrder.DMY,
         "D/M/Y (13/06/98 on line 1)", 3, {3}, set()),
        ("dotted-dates.txt", LogFormat.NT_TEXT, "cp1252", DateOrder.DMY,
         "D/M/Y (the dates say so)", 2, {2}, set()),
        ("iso-dates.csv", LogFormat.VIEWER_CSV, "utf-8", DateOrder.YMD,
         "Y-M-D (the dates say so)", 2, set(), set()),
        ("AppEvent.Evt", LogFormat.EVT, "binary", None, "binary times (UTC)", 3, {2}, {1, 3}),
    ],
)  # fmt: skip
def test_sample_logs(name, form, encoding, order, note, count, foreign, rebuilt) -> None:
    """Each sample is recognised from its content and read oldest first."""
    got = read(name)
    assert (got.format, got.encoding, got.date_order, got.date_order_note) == (
        form,
        encoding,
        order,
        note,
    )
    assert len(got.records) == count
    assert [r.record_number for r in got.records] == list(range(1, count + 1))
    assert [r.when for r in got.records] == sorted(r.when for r in got.records)
    assert (set(got.foreign), set(got.rebuilt)) == (foreign, rebuilt)


def test_nt4_export_q166045() -> None:
    """Event 70 every 15 s after the service starts (Q166045), an MTA 142 among them."""
    got = read("nt4-q166045.txt")
    first, *_, last = got.records
    assert (first.source, first.event_id, first.when) == (
        "Service Control Manager",
        7036,
        datetime(1998, 6, 2, 8, 39, 12),
    )
    seventy = [r for r in got.ccmc() if r.event_id == 70]
    assert [r.strings for r in seventy] == [
        ("msg4A01.ccm",),
        ("msg4A02.ccm",),
        ("msg4A03.ccm",),
        ("msg4A04.ccm",),
    ]
    assert seventy[0].description == describe(70, "msg4A01.ccm")
    assert seventy[0].type is EventType.ERROR
    assert seventy[0].category == "General"
    mta = got.records[5]
    assert (mta.source, mta.event_id) == ("MSExchangeMTA", 142)
    assert mta.strings == (
        "CCMAIL:Smith, Fred at HUB",
        "C=US;A= ;P=ORG;L=EXSRV1-980602083952Z-7",
        "1",
    )
    assert (last.event_id, last.category) == (14001, "Dir-Synch")
    assert len(got.ccmc()) == 5


def test_description_not_found_is_rebuilt_from_the_catalogue() -> None:
    """Windows 2000's "could not be found" text: strings recovered, extras ignored."""
    seventy, sixty_two, disk = read("not-found.txt").records
    assert seventy.description == describe(70, "msg4A01.ccm")
    assert seventy.strings == ("msg4A01.ccm", "3")
    assert seventy.category == "General"  # "(1)" without the message file
    assert seventy.when == datetime(1999, 11, 3, 23, 10, 0)
    assert sixty_two.description == describe(62, "*.ccm", "")
    assert disk.description == "The D: disk is at or near capacity."
    assert disk.strings == ()


def test_later_viewer_csv() -> None:
    """Vista's CSV: no user/computer columns; its own "cannot be found" form."""
    got = read("viewer.csv")
    dirsync, seventy, sa, restart, cannot_run = got.records
    assert (dirsync.event_id, dirsync.when) == (14031, datetime(2001, 10, 17, 14, 5, 9))
    assert seventy.description == describe(70, "msg65F9.ccm")
    assert (seventy.user, seventy.computer, seventy.category) == ("N/A", "", "General")
    assert sa.source == "MSExchangeSA"
    assert sa.strings == (
        "CCMAIL - General Error (code 1)",
        r"C:\exchsrvr\address\CCMAIL\i386\ccmproxy.dll",
    )
    assert restart.strings == ("1", "dwCCExport")
    assert cannot_run.strings == ("2", "The system cannot find the file specified.")


def test_utf16_with_header() -> None:
    got = read("header-utf16.txt")
    assert got.records[1].strings == (
        "msg423B.ccm",
        r"R0002 Resource file not found: C:\WINNT\IE.RI.",
    )
    assert (
        got.records[2].description
        == 'Application popup: ntvdm.exe - "EXPORT.EXE" has stopped, press OK to close.'
    )
    assert got.records[3].strings == ("Jones, Ann", "SITE1", "Jones, Ann")
    assert got.records[3].type is EventType.WARNING


def test_european_dates() -> None:
    uk = read("uk-dates.txt").records
    assert [r.when for r in uk] == [
        datetime(1998, 6, 13, 7, 59, 58),
        datetime(1998, 6, 13, 8, 0, 0),
        datetime(1998, 6, 13, 8, 29, 58),
    ]
    assert uk[0].strings == ("msg0A3C.ccm", "")
    dotted = read("dotted-dates.txt").records
    assert dotted[0].when == datetime(1998, 6, 2, 16, 0, 1)
    assert dotted[1].description == "Dokument 12, Microsoft Word - Übersicht.doc, gedruckt."


def test_binary_evt_through_pyevt() -> None:
    seventy, scm, dirsync = read("AppEvent.Evt").records
    assert seventy.description == describe(70, "msg4A01.ccm")
    assert (seventy.type, seventy.category, seventy.computer) == (
        EventType.ERROR,
        "General",
        "EXSRV1",
    )
    assert scm.description == (
        "The description for Event ID ( 7000 ) in Source ( Service Control Manager ) could not be "
        "found. It contains the following insertion string(s): Microsoft Exchange Connector for "
        "Lotus cc:Mail, %%2."
    )
    assert scm.category == "None"
    assert (dirsync.category, dirsync.type) == ("Dir-Synch", EventType.INFORMATION)


@pytest.mark.parametrize(
    ("lines", "order", "note"),
    [
        (
            ["2/3/98", "1/4/98", "1/2/98"],
            DateOrder.MDY,
            "M/D/Y (the only order that keeps the records in time order)",
        ),
        (
            ["3/2/98", "4/1/98", "2/1/98"],
            DateOrder.DMY,
            "D/M/Y (the only order that keeps the records in time order)",
        ),
    ],
)
def test_ambiguous_dates_decided_by_record_order(tmp_path: Path, lines, order, note) -> None:
    path = tmp_path / "app.txt"
    path.write_text("".join(f"{d},10:00:00,S,Information,None,1,N/A,PC,x\r\n" for d in lines))
    got = read_eventlog(path)
    assert (got.date_order, got.date_order_note) == (order, note)


NT9 = "expected 9 fields (Date, Time, Source, Type, Category, Event, User, Computer, "
NT9 += "Description), found "
BAD_FILES = [
    ("empty.txt", 1, "the file is empty"),
    ("not-a-log.txt", 1, NT9 + "2"),
    (
        "csv-short-row.csv",
        2,
        "expected 6 fields (Level, Date and Time, Source, Event ID, Task Category, text), found 4",
    ),
    (
        "bad-type.txt",
        1,
        "unknown event type 'Fatal' (expected Error, Warning, Information, Success Audit, "
        "Failure Audit)",
    ),
    (
        "mixed-encoding.txt",
        3,
        "mixed encodings: line 1 is UTF-8 but this line is not (cp1252?); "
        "save the log again in one encoding",
    ),
    (
        "utf16-no-bom.txt",
        1,
        "NUL bytes in a text file: UTF-16 without a byte-order mark? "
        "Save the log again as text or .evt",
    ),
    ("odd-utf16.txt", 3, "undecodable UTF-16 (truncated data)"),
    ("short-header.evt", 1, ".evt header is cut short (30 of 48 bytes)"),
]
#: files with a bad part: what is readable is read, the rest is named
#: (name, records read, skipped (line, why), recovered, missing)
PARTIAL_FILES = [
    ("truncated-line.txt", 2, [(3, NT9 + "6")], 0, 0),
    ("unterminated-quote.txt", 1,
     [(2, "malformed CSV: unterminated quoted field (file cut short?)")], 0, 0),
    ("extra-field.txt", 2, [], 0, 0),
    ("bad-date.txt", 1,
     [(2, "unreadable date '6-2-98' (expected M/D/YYYY, D/M/YYYY, D.M.YYYY or YYYY-MM-DD)")],
     0, 0),
    ("bad-time.txt", 1,
     [(2, "unreadable time '8:39:27h' (expected H:MM:SS AM/PM or HH:MM:SS)")], 0, 0),
    ("impossible-date.txt", 1,
     [(2, "impossible date or time '2/30/98' '8:39:27 AM': day is out of range for month")],
     0, 0),
    ("bad-event-id.txt", 1, [(2, "event ID '7O' is not a number")], 0, 0),
    ("conflicting-dates.txt", 1,
     [(2, "date '6/13/98' is month-first but the file's dates are day-first "
          "('13/6/98' on line 1)")], 0, 0),
    ("undecodable.txt", 2, [], 0, 0),
    ("truncated.evt", 1, [], 0, 2),
    ("damaged.evt", 2, [], 0, 1),
]  # fmt: skip
PARTIAL = BAD.parent / "partial"


@pytest.mark.parametrize(
    ("name", "count", "skipped", "recovered", "missing"),
    PARTIAL_FILES,
    ids=[p[0] for p in PARTIAL_FILES],
)
def test_partly_bad_logs_are_read_and_say_what_was_skipped(
    name: str, count: int, skipped: list[tuple[int, str]], recovered: int, missing: int
) -> None:
    got = read_eventlog(PARTIAL / name)
    assert len(got.records) == count
    assert [(s.line, s.why) for s in got.skipped] == skipped
    assert (len(got.recovered), got.missing) == (recovered, missing)


def test_every_partial_sample_is_tested() -> None:
    assert sorted(p.name for p in PARTIAL.iterdir()) == sorted(p[0] for p in PARTIAL_FILES)


def test_unquoted_nt4_row_with_an_extra_comma_keeps_it_in_the_description() -> None:
    first = read_eventlog(PARTIAL / "extra-field.txt").records[0]
    assert (first.user, first.computer) == ("N/A", "Administrator")
    assert first.description.startswith("EXSRV1,Lotus cc:Mail EXPORT to file msg4A01.ccm")


def test_high_bytes_that_are_letters_only_in_cp850_read_as_cp850() -> None:
    got = read_eventlog(PARTIAL / "undecodable.txt")
    assert got.encoding == "cp850"
    assert got.records[0].description.rstrip() == "cafÚ ü"


@pytest.mark.parametrize(("name", "line", "message"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_malformed_logs_give_path_line_message(name: str, line: int, message: str) -> None:
    path = BAD / name
    with pytest.raises(EventLogError) as info:
        read_eventlog(path)
    assert str(info.value) == f"{path}:{line}: {message}"
    assert (info.value.line, info.value.message) == (line, message)
    assert isinstance(info.value, ValueError)


def test_every_bad_sample_is_tested() -> None:
    assert sorted(p.name for p in BAD.iterdir()) == sorted(b[0] for b in BAD_FILES)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(
        EventLogError, match=r"app\.txt:0: cannot read the file: No such file or directory"
    ):
        read_eventlog(tmp_path / "app.txt")


def _simulated_log() -> EventLog:
    clock = Clock()
    eventlog = EventLog(clock)
    levels = dict.fromkeys(Category, LoggingLevel.MAXIMUM)
    for i, (event_id, strings) in enumerate(
        [
            (14001, ()),
            (70, ("msg0001.ccm",)),
            (62, ("*.ccm", "")),
            (14018, ("Smith, Fred", "SITE1")),
            (86, ("3", "dwCCExport")),
        ]
    ):
        clock.advance(15 + i)
        log(eventlog, event_id, *strings, computer="EXSRV1", levels=levels)
    clock.advance(1)
    eventlog.write(
        source="Service Control Manager",
        event_id=7036,
        type=EventType.INFORMATION,
        category="None",
        description="The service entered the running state.",
        computer="EXSRV1",
    )
    return eventlog


def test_simulated_log_survives_the_text_export(world: World) -> None:
    """What the simulator writes, support reads back unchanged (pyfakefs and real disk)."""
    world.root.mkdir(parents=True, exist_ok=True)
    eventlog = _simulated_log()
    path = world.root / "AppEvent.txt"
    write_nt_text(eventlog.records, path)
    got = read_eventlog(path)
    assert got.records == tuple(eventlog.records)
    assert got.foreign == frozenset({6})


def test_simulated_log_survives_the_evt(world: World) -> None:
    world.root.mkdir(parents=True, exist_ok=True)
    eventlog = _simulated_log()
    path = world.root / "AppEvent.Evt"
    write_evt(eventlog.records, path)
    got = read_eventlog(path)
    ccmc = [r for r in eventlog.records if r.source == "MSExchangeCCMC"]
    assert got.ccmc() == ccmc
    assert got.rebuilt == frozenset({1, 2, 3, 4, 5})


def test_format_comes_from_content_not_name(tmp_path: Path) -> None:
    shutil.copy(DATA / "AppEvent.Evt", tmp_path / "log.txt")
    shutil.copy(DATA / "nt4-q166045.txt", tmp_path / "AppEvent.Evt")
    assert read_eventlog(tmp_path / "log.txt").format is LogFormat.EVT
    assert read_eventlog(tmp_path / "AppEvent.Evt").format is LogFormat.NT_TEXT


def test_header_only_export_holds_nothing_and_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "app.csv"
    path.write_text("Level,Date and Time,Source,Event ID,Task Category\r\n")
    with pytest.raises(EventLogError, match=r"app.csv:1: no events in the file"):
        read_eventlog(path)


def test_superscript_digits_are_not_an_event_id(tmp_path: Path) -> None:
    path = tmp_path / "app.txt"
    path.write_text("6/2/98,8:00:00 AM,S,Error,None,7²,N/A,PC,d\r\n", encoding="utf-8")
    with pytest.raises(EventLogError, match="event ID '7²' is not a number"):
        read_eventlog(path)


def test_evt_on_new_years_eve_1999(tmp_path: Path) -> None:
    """pyevt's datetime conversion fails on 1999-12-31; the reader does not."""
    eve = datetime(1999, 12, 31, 23, 59, 59)
    record = EventRecord(1, eve, "MSExchangeCCMC", EventType.ERROR, "General", 70, "N/A",
                         "EXSRV1", describe(70, "msgFFFF.ccm"), ("msgFFFF.ccm",))  # fmt: skip
    write_evt([record], tmp_path / "AppEvent.Evt")
    assert read_eventlog(tmp_path / "AppEvent.Evt").records == (record,)
