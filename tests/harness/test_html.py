"""The HTML report: one self-contained, escaped, deterministic page (read back with HTMLParser)."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser

import pytest

from harness.diagnosis import Finding
from harness.html import FILTER_SCRIPT, anchor, render_html
from harness.report import SUMMARY_COLUMNS
from harness.runner import Line, RunResult, Status, run_file
from harness.selection import builtin_dir
from sim.clock import DEFAULT_EPOCH
from sim.eventlog import EventRecord, EventType

HOSTILE = 'EXPORT to file <PO>\\msg&1.ccm returned "3" <script>alert(1)</script>'


class Page(HTMLParser):
    """What a browser would see: tags with attributes, texts, and which table/row holds them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[str] = []
        self.summary_rows: list[list[str]] = []
        self._table: str | None = None
        self._in_body = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "table":
            self._table = attributes.get("class")
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._table == "summary" and self._in_body:
            self.summary_rows.append([])
        elif tag == "td" and self._table == "summary" and self._in_body:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            self.summary_rows[-1].append("".join(self._cell))
            self._cell = None
        elif tag == "tbody":
            self._in_body = False
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        self.texts.append(data)
        if self._cell is not None:
            self._cell.append(data)

    def ids(self) -> list[str]:
        return [a["id"] for _, a in self.tags if a.get("id")]  # type: ignore[misc]

    def links(self) -> list[str]:
        return [a["href"] or "" for t, a in self.tags if t == "a" and "href" in a]


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    return page


def record(seconds: int, event_id: int, text: str, number: int = 1) -> EventRecord:
    return EventRecord(
        record_number=number,
        when=DEFAULT_EPOCH + timedelta(seconds=seconds),
        source="MSExchangeCCMC",
        type=EventType.ERROR,
        category="General",
        event_id=event_id,
        user="N/A",
        computer="EXSRV1",
        description=text,
    )


def result(ident: str, status: Status = Status.PASSED, **changes: object) -> RunResult:
    values: dict[str, object] = {
        "id": ident,
        "title": f"Title of {ident}",
        "file": f"scenarios/{ident}.scenario.yaml",
        "cause": "po-settings-invalid",
        "seed": 3,
        "status": status,
        "diagnosis": (
            Finding(
                "po-settings-invalid",
                0.95,
                ("06/02/1998 08:00:15 MSExchangeCCMC Error 70: <quoted>",),
                "Q166045",
                "Correct the fields & restart",
                confirm="Run `ccmc ccdir` by hand",
            ),
        ),
        "transcript": (
            Line(0, "fault", "wrong-po-password: <old> password", None, 16),
            Line(900, "step", "advance 15m", None, 19),
            Line(900, "diagnose", "expected x; diagnosed y", status is Status.PASSED, 26),
        ),
        "failures": () if status is Status.PASSED else (f"{ident}.scenario.yaml:26: diagnose",),
        "fixed": True,
        "fixes": ("correct-po-settings",),
        "verified": status is Status.PASSED,
        "conserved": True,
        "messages": 12,
        "virtual_seconds": 4500.0,
        "events": (record(15, 70, HOSTILE), record(30, 70, "second", 2)),
        "expected_diagnosis": ("po-settings-invalid",),
    }
    values.update(changes)
    return RunResult(**values)  # type: ignore[arg-type]


RESULTS = [result("first-one"), result("second", Status.FAILED), result("third", Status.ERROR)]


def test_summary_table_has_the_columns_and_one_row_per_scenario() -> None:
    page = parse(render_html(RESULTS))
    headers = [text for text in page.texts if text in SUMMARY_COLUMNS]
    assert headers[: len(SUMMARY_COLUMNS)] == list(SUMMARY_COLUMNS)
    assert len(page.summary_rows) == len(RESULTS)
    assert [tuple(row[:2]) for row in page.summary_rows] == [
        ("second", "failed"),
        ("third", "error"),
        ("first-one", "passed"),
    ]
    assert all(len(row) == len(SUMMARY_COLUMNS) for row in page.summary_rows)
    classes = [a.get("class") for t, a in page.tags if t == "tr"][1:4]
    assert classes == ["failed", "error", "passed"]


def test_every_link_points_at_a_section_of_the_page() -> None:
    page = parse(render_html(RESULTS))
    ids = page.ids()
    assert len(ids) == len(set(ids))
    sections = [a["id"] for t, a in page.tags if t == "section"]
    pinned_first = [1, 2, 0]  # failed and error before passed, each in run order
    assert sections == [anchor(i, RESULTS[i]) for i in pinned_first]
    links = page.links()
    assert {f"#{s}" for s in sections} <= set(links)
    for link in links:
        assert link.startswith("#")
        assert link[1:] in ids


def test_same_id_twice_gets_two_anchors() -> None:
    page = parse(render_html([result("twin"), result("twin")]))
    sections = [a["id"] for t, a in page.tags if t == "section"]
    assert len(set(sections)) == 2


def test_page_is_self_contained() -> None:
    text = render_html(RESULTS)
    page = parse(text)
    assert not [t for t, _ in page.tags if t in {"link", "img", "iframe", "object"}]
    scripts = [a for t, a in page.tags if t == "script"]
    assert scripts == [{}]  # the one inline filter script, no src
    assert text.count("<script") == 1
    assert f"<script>{FILTER_SCRIPT}</script>" in text
    for _, attributes in page.tags:
        for name in ("src", "href", "action"):
            value = attributes.get(name) or ""
            assert "://" not in value
            assert not value.startswith("//")
    assert "@import" not in text
    assert "url(" not in text


def test_event_and_evidence_text_is_escaped() -> None:
    text = render_html(RESULTS)
    page = parse(text)
    assert text.count("<script>") == 1  # only the page's own filter script
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert HOSTILE in page.texts
    assert "06/02/1998 08:00:15 MSExchangeCCMC Error 70: <quoted>" in page.texts
    assert "Fix: Correct the fields & restart" in page.texts


def test_timeline_merges_transcript_and_events_by_virtual_time() -> None:
    page = parse(render_html([result("one")]))
    stamps = [t for t in page.texts if t.startswith("t=")]
    assert stamps == ["t=00:00:00", "t=00:00:15", "t=00:00:30", "t=00:15:00", "t=00:15:00"]
    after_fault = page.texts.index("wrong-po-password: <old> password")
    assert page.texts.index(HOSTILE) > after_fault
    assert page.texts.index("advance 15m") > page.texts.index("second")


def test_diagnosis_shows_score_article_fix_and_confirm() -> None:
    body = " ".join(parse(render_html([result("one")])).texts)
    assert "correct-po-settings" in body
    assert "1. po-settings-invalid" in body
    assert "(score 0.95, article Q166045)" in body
    assert "Confirm: Run `ccmc ccdir` by hand" in body


def test_no_findings_are_said_plainly() -> None:
    body = " ".join(parse(render_html([result("calm", diagnosis=())])).texts)
    assert "No findings" in body


@pytest.fixture(scope="module")
def real_results() -> list[RunResult]:
    names = ("healthy", "q166045-wrong-password")
    return [run_file(builtin_dir() / f"{n}.scenario.yaml") for n in names]


def test_real_runs_render_the_same_bytes_twice(real_results: list[RunResult]) -> None:
    first = render_html(real_results)
    assert first == render_html(real_results)
    page = parse(first)
    assert len(page.summary_rows) == 2
    assert "Error" in page.texts  # the wrong password's Event 70 records
    events = sum(len(r.events) for r in real_results)
    event_rows = [a for t, a in page.tags if t == "tr" and "event" in (a.get("class") or "")]
    assert len(event_rows) == events
