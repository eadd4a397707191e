"""Event Viewer text export and NT .evt files: exact layout, round trip, pyevt reads ours."""

from __future__ import annotations

import io
import struct
from datetime import datetime, timedelta
from pathlib import Path

import pyevt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.connector.events import CATALOGUE, describe, lookup
from sim.eventlog import EventRecord, EventType
from sim.evtformat import (
    DateOrder,
    EventFileError,
    format_nt_date,
    format_nt_time,
    parse_log_datetime,
    parse_nt_datetime,
    read_nt_text,
    render_evt,
    render_nt_text,
    write_evt,
    write_nt_text,
)
from sim.world import World


def rec(n: int, when: datetime, event_id: int, *strings: str, source: str = "MSExchangeCCMC",
        type_: EventType = EventType.ERROR, category: str = "General",
        description: str | None = None) -> EventRecord:  # fmt: skip
    text = describe(event_id, *strings) if description is None else description
    return EventRecord(n, when, source, type_, category, event_id, "N/A", "EXSRV1", text, strings)


SAMPLE = [
    rec(1, datetime(1998, 6, 2, 8, 39, 12), 70, "msg4A01.ccm"),
    rec(
        2, datetime(1998, 6, 2, 12, 0, 5), 14001, type_=EventType.INFORMATION, category="Dir-Synch"
    ),
    rec(
        3,
        datetime(1998, 6, 2, 13, 5, 0),
        7036,
        source="Service Control Manager",
        type_=EventType.INFORMATION,
        category="None",
        description='The "cc:Mail" service, as configured, entered the running state.',
    ),
    rec(
        4,
        datetime(1998, 12, 31, 23, 59, 59),
        65,
        "msg423B.ccm",
        r"R0002 Resource file not found: C:\WINNT\IE.RI.",
    ),
]


@pytest.mark.parametrize(
    ("when", "date", "time"),
    [
        (datetime(1998, 6, 2, 8, 39, 12), "6/2/98", "8:39:12 AM"),
        (datetime(1998, 12, 31, 12, 0, 0), "12/31/98", "12:00:00 PM"),
        (datetime(2005, 2, 10, 0, 5, 9), "2/10/05", "12:05:09 AM"),
        (datetime(1999, 11, 3, 23, 10, 0), "11/3/99", "11:10:00 PM"),
    ],
)
def test_nt_date_and_time(when: datetime, date: str, time: str) -> None:
    """NT 4.0 US short date M/d/yy and 12-hour time (modelled)."""
    assert (format_nt_date(when), format_nt_time(when)) == (date, time)
    assert parse_nt_datetime(date, time) == when


def test_text_export_is_newest_first_without_header() -> None:
    lines = render_nt_text(SAMPLE).split("\r\n")
    assert lines[-1] == ""
    assert lines[0] == (
        "12/31/98,11:59:59 PM,MSExchangeCCMC,Error,General,65,N/A,EXSRV1,"
        "Lotus cc:Mail EXPORT to file msg423B.ccm failed to run. "
        r"R0002 Resource file not found: C:\WINNT\IE.RI."
    )
    assert lines[1] == (
        "6/2/98,1:05:00 PM,Service Control Manager,Information,None,7036,N/A,EXSRV1,"
        '"The ""cc:Mail"" service, as configured, entered the running state."'
    )
    assert lines[3].startswith(
        "6/2/98,8:39:12 AM,MSExchangeCCMC,Error,General,70,N/A,EXSRV1,Lotus cc:Mail EXPORT"
    )
    assert len(lines) == 5


def test_text_round_trip_recovers_catalogued_strings() -> None:
    back = read_nt_text(io.StringIO(render_nt_text(SAMPLE), newline=""), name="app.txt")
    assert back == SAMPLE
    assert back[3].strings == ("msg423B.ccm", r"R0002 Resource file not found: C:\WINNT\IE.RI.")


def test_text_file_is_ansi_in_one_write(world: World) -> None:
    world.root.mkdir(parents=True, exist_ok=True)
    path = world.root / "app.txt"
    records = [rec(1, datetime(1998, 6, 2, 8, 0, 0), 7000, source="Svc", description="Grüße ☃")]
    write_nt_text(records, path)
    data = path.read_bytes()
    assert data == b"6/2/98,8:00:00 AM,Svc,Error,General,7000,N/A,EXSRV1,Gr\xfc\xdfe ?\r\n"
    assert not list(world.root.glob("*.$$$"))
    with path.open(encoding="cp1252", newline="") as stream:
        assert read_nt_text(stream, name="app.txt")[0].description == "Grüße ?"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("6/2/98,8:00:00 AM,Svc,Error\r\n", "app.txt:1: expected 9 fields, found 4"),
        (
            "6/2/1998,8:00:00 AM,S,Error,None,1,N/A,PC,d\r\n",
            "app.txt:1: date '6/2/1998' is not M/D/YY",
        ),
        (
            "6/2/98,08:00,S,Error,None,1,N/A,PC,d\r\n",
            "app.txt:1: time '08:00' is not H:MM:SS AM/PM",
        ),
        (
            "6/2/98,8:00:00 AM,S,Error,None,1,N/A,PC,d\r\n"
            "13/2/98,8:00:00 AM,S,Error,None,1,N/A,PC,d\r\n",
            "app.txt:2: date '13/2/98' '8:00:00 AM': month must be in 1..12",
        ),
        (
            "6/2/98,8:00:00 AM,S,Fatal,None,1,N/A,PC,d\r\n",
            "app.txt:1: 'Fatal' is not a valid EventType",
        ),
        (
            "6/2/98,8:00:00 AM,S,Error,None,x1,N/A,PC,d\r\n",
            "app.txt:1: invalid literal for int() with base 10: 'x1'",
        ),
        (
            '6/2/98,8:00:00 AM,S,Error,None,1,N/A,PC,"d\r\n',
            "app.txt:1: bad CSV: unexpected end of data",
        ),
    ],
)
def test_malformed_text_names_file_and_line(text: str, message: str) -> None:
    with pytest.raises(EventFileError) as info:
        read_nt_text(io.StringIO(text, newline=""), name="app.txt")
    assert str(info.value) == message
    assert isinstance(info.value, ValueError)


field = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\0"), max_size=30
)
moment = st.datetimes(datetime(1930, 1, 1), datetime(2029, 12, 31, 23, 59, 59)).map(
    lambda d: d.replace(microsecond=0)
)
safe = st.text("abcXYZ019 _-\\:", max_size=12)


@st.composite
def records(draw: st.DrawFn) -> list[EventRecord]:
    out = []
    for n in range(1, draw(st.integers(0, 6)) + 1):
        when, kind = draw(moment), draw(st.sampled_from(list(EventType)))
        if draw(st.booleans()):
            entry = CATALOGUE[draw(st.sampled_from(sorted(CATALOGUE)))]
            strings = tuple(draw(st.lists(safe, min_size=entry.arity, max_size=entry.arity)))
            text = describe(entry.event_id, *strings)
            out.append(EventRecord(n, when, entry.source, kind, draw(field), entry.event_id,
                                   draw(field), draw(field), text, strings))  # fmt: skip
        else:
            source, event_id = draw(field), draw(st.integers(0, 65535))
            if lookup(source, event_id):
                source += "x"
            out.append(EventRecord(n, when, source, kind, draw(field), event_id,
                                   draw(field), draw(field), draw(field), ()))  # fmt: skip
    return out


@settings(deadline=None)  # no timing asserts: runs in parallel on unknown hardware
@given(records())
def test_text_round_trip_property(sample: list[EventRecord]) -> None:
    """read(write(x)) == x for whole-second times and records numbered 1..n."""
    assert read_nt_text(io.StringIO(render_nt_text(sample), newline=""), name="x") == sample


def _posix(seconds: int) -> datetime:
    """pyevt's datetime properties fail on 1999-12-31; its integers do not."""
    return datetime(1970, 1, 1) + timedelta(seconds=seconds)


def _pyevt_records(data: bytes) -> list[tuple[object, ...]]:
    log = pyevt.file()
    log.open_file_object(io.BytesIO(data))
    try:
        assert not log.is_corrupted()
        return [
            (r.identifier, r.event_identifier, r.event_type, r.event_category, r.source_name,
             r.computer_name, tuple(r.strings), _posix(r.get_written_time_as_integer()),
            _posix(r.get_creation_time_as_integer()))
            for r in log.records
        ]  # fmt: skip
    finally:
        log.close()


def test_pyevt_reads_our_evt(world: World) -> None:
    """The .evt file is one pyevt (libevt) reads without complaint, field by field."""
    world.root.mkdir(parents=True, exist_ok=True)
    path = world.root / "AppEvent.Evt"
    write_evt(SAMPLE, path)
    data = path.read_bytes()
    assert data[4:8] == b"LfLe"
    assert len(data) % 0x10000 == 0
    assert struct.unpack_from("<I", data, 0) == (0x30,)
    expected = [
        (1, 0xC0000046, 1, 1, "MSExchangeCCMC", "EXSRV1", ("msg4A01.ccm",)) + (SAMPLE[0].when,) * 2,
        (2, 0x400036B1, 4, 4, "MSExchangeCCMC", "EXSRV1", ()) + (SAMPLE[1].when,) * 2,
        (3, 0x40001B7C, 4, 0, "Service Control Manager", "EXSRV1", ()) + (SAMPLE[2].when,) * 2,
        (4, 0xC0000041, 1, 1, "MSExchangeCCMC", "EXSRV1", SAMPLE[3].strings)
        + (SAMPLE[3].when,) * 2,
    ]
    assert _pyevt_records(data) == expected


def test_pyevt_opens_a_real_path(tmp_path: Path) -> None:
    path = tmp_path / "AppEvent.Evt"
    write_evt(SAMPLE[:1], path)
    log = pyevt.file()
    log.open(str(path))
    assert log.number_of_records == 1
    assert log.get_record(0).event_identifier & 0xFFFF == 70
    log.close()


@settings(deadline=None)  # no timing asserts: runs in parallel on unknown hardware
@given(records())
def test_evt_property_pyevt_agrees(sample: list[EventRecord]) -> None:
    """Whatever we write, pyevt reads the same ids, types, sources, computers and strings."""
    sample = [r for r in sample if r.when.year >= 1970]
    sample = [
        EventRecord(r.record_number, r.when, r.source, r.type, "(7)", r.event_id, r.user,
                    r.computer, r.description, r.strings)
        for r in sample
    ]  # fmt: skip
    got = _pyevt_records(render_evt(sample))
    codes = {EventType.ERROR: 1, EventType.WARNING: 2, EventType.INFORMATION: 4,
             EventType.SUCCESS_AUDIT: 8, EventType.FAILURE_AUDIT: 16}  # fmt: skip
    assert [(g[1] & 0xFFFF, g[2], g[3], g[4], g[5], g[6]) for g in got] == [
        (r.event_id, codes[r.type], 7, r.source, r.computer, r.strings) for r in sample
    ]


def test_evt_refuses_what_it_cannot_hold() -> None:
    big = EventRecord(
        1, datetime(1998, 6, 2), "S", EventType.ERROR, "None", 70000, "N/A", "PC", "d"
    )
    with pytest.raises(ValueError, match=r"event ID 70000 .* does not fit an \.evt record"):
        render_evt([big])
    with pytest.raises(ValueError, match="unknown event category 'Disk'"):
        render_evt(
            [rec(1, datetime(1998, 6, 2), 7000, source="S", category="Disk", description="d")]
        )


@pytest.mark.parametrize(
    ("date", "time", "order", "expected"),
    [
        ("6/2/1998", "8:39:12 AM", DateOrder.MDY, datetime(1998, 6, 2, 8, 39, 12)),
        ("6/2/1998", "20:39:12", DateOrder.DMY, datetime(1998, 2, 6, 20, 39, 12)),
        ("02.06.98", "08:39", DateOrder.MDY, datetime(1998, 6, 2, 8, 39, 0)),
        ("1998-06-02", "12:01:02 a.m.", DateOrder.DMY, datetime(1998, 6, 2, 0, 1, 2)),
        ("1/1/29", "12:00:00 PM", DateOrder.MDY, datetime(2029, 1, 1, 12, 0, 0)),
        ("1/1/30", "1:00:00 pm", DateOrder.MDY, datetime(1930, 1, 1, 13, 0, 0)),
    ],
)
def test_parse_log_datetime(date: str, time: str, order: DateOrder, expected: datetime) -> None:
    """Customer logs: US and European forms; dotted and ISO dates ignore the order."""
    assert parse_log_datetime(date, time, order) == expected


@pytest.mark.parametrize(
    ("date", "time", "message"),
    [
        (
            "2-6-98",
            "8:00",
            "unreadable date '2-6-98' (expected M/D/YYYY, D/M/YYYY, D.M.YYYY or YYYY-MM-DD)",
        ),
        ("2/6/98", "8h00", "unreadable time '8h00' (expected H:MM:SS AM/PM or HH:MM:SS)"),
        (
            "2/30/98",
            "8:00",
            "impossible date or time '2/30/98' '8:00': day is out of range for month",
        ),
    ],
)
def test_parse_log_datetime_errors(date: str, time: str, message: str) -> None:
    with pytest.raises(ValueError, match=r"^(unreadable|impossible) ") as info:
        parse_log_datetime(date, time, DateOrder.MDY)
    assert str(info.value) == message
