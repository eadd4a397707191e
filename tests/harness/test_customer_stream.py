"""Reading a customer's text log in chunks and lines: what the chunk edges must not change.

:mod:`harness.logbytes` reads text in 1 MiB chunks to choose the encoding, then line by
line; :mod:`harness.customer_text` keeps each row as indexes into an event table. These
tests put the awkward bytes exactly on the chunk edges and check the counts built by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.customerlog import EventLogError, read_eventlog
from harness.logbytes import CHUNK, sniff_text, text_lines
from sim.connector.events import describe

ROW = "6/2/98,8:00:{s:02d} AM,MSExchangeCCMC,Error,General,70,N/A,EXSRV1,"
ROW += describe(70, "msg{n:04X}.ccm") + "\r\n"
PRINT = "6/2/98,8:00:{s:02d} AM,Print,Information,None,10,N/A,EXSRV1,{text}\r\n"


def _padding(size: int) -> str:
    """Rows of 70s, newest first, adding up to ``size`` characters or a little less."""
    rows: list[str] = []
    total = 0
    n = 0
    while True:
        row = ROW.format(s=59 - n % 60, n=n)
        if total + len(row) > size:
            return "".join(rows)
        rows.append(row)
        total += len(row)
        n += 1


def _error(path: Path | str, line: int, message: str) -> Exception:
    return EventLogError(path, line, message)


def test_a_utf8_letter_split_by_the_chunk_edge_is_still_utf8(tmp_path: Path) -> None:
    head = _padding(CHUNK - 200)
    prefix = PRINT.format(s=0, text="")[:-2]
    fill = "x" * (CHUNK - 1 - len(head) - len(prefix))
    data = (head + prefix + fill + "Übersicht\r\n").encode("utf-8")
    assert data[CHUNK - 1 : CHUNK + 1] == "Ü".encode()  # the letter's two bytes, one each side
    path = tmp_path / "app.txt"
    path.write_bytes(data)
    assert sniff_text(path, 1 << 30, _error) == "utf-8"
    log = read_eventlog(path)
    assert log.encoding == "utf-8"
    (printed,) = [r for r in log.records if r.source == "Print"]
    assert printed.description.endswith("Übersicht")
    assert not log.skipped


def test_mixed_encodings_found_past_the_first_chunk_name_the_line(tmp_path: Path) -> None:
    head = _padding(CHUNK + 5000)
    lines = head.count("\n")
    text = PRINT.format(s=0, text="Dokument Übersicht gedruckt")
    data = head.encode() + text.encode("utf-8") + text.encode("cp1252")
    path = tmp_path / "app.txt"
    path.write_bytes(data)
    with pytest.raises(EventLogError) as info:
        read_eventlog(path)
    assert str(info.value) == (
        f"{path}:{lines + 2}: mixed encodings: line {lines + 1} is UTF-8 but this line is not "
        "(cp1252?); save the log again in one encoding"
    )


def test_a_nul_past_the_first_chunk_names_its_line(tmp_path: Path) -> None:
    head = _padding(CHUNK + 300)
    path = tmp_path / "app.txt"
    path.write_bytes(head.encode() + b"6/2/98,\0\r\n")
    with pytest.raises(EventLogError, match=rf":{head.count(chr(10)) + 1}: NUL bytes"):
        read_eventlog(path)


def test_lines_stop_at_the_cap_even_if_the_file_grew(tmp_path: Path) -> None:
    path = tmp_path / "app.txt"
    path.write_text("a\nb\nc\n")
    got = text_lines(path, "utf-8", 6, _error)
    assert next(got) == "a\n"  # the file is open now
    with path.open("a") as grow:
        grow.write("d\n" * 1000)
    assert list(got) == ["b\n", "c\n"]
    assert list(text_lines(path, "utf-8", 1 << 30, _error))[-1] == "d\n"


def test_repeated_descriptions_share_one_string_and_records_are_numbered_oldest_first(
    tmp_path: Path,
) -> None:
    rows = [ROW.format(s=59 - k, n=k % 3) for k in range(30)]  # newest first, 3 texts
    path = tmp_path / "app.txt"
    path.write_text("".join(rows), newline="")
    log = read_eventlog(path)
    assert [r.record_number for r in log.records] == list(range(1, 31))
    assert [r.when.second for r in log.records] == list(range(30, 60))
    texts = {id(r.description) for r in log.records}
    assert len(texts) == 3
    assert {r.strings for r in log.records} == {
        ("msg0000.ccm",),
        ("msg0001.ccm",),
        ("msg0002.ccm",),
    }


def test_a_row_with_an_impossible_time_names_its_own_date(tmp_path: Path) -> None:
    good = ROW.format(s=1, n=1)
    bad = good.replace("8:00:01 AM", "25:00:00")
    path = tmp_path / "app.txt"
    path.write_text(good + good + bad, newline="")
    log = read_eventlog(path)
    assert len(log.records) == 2
    assert [(s.line, s.why) for s in log.skipped] == [
        (3, "impossible date or time '6/2/98' '25:00:00': hour must be in 0..23")
    ]
