"""The SVG timeline: lanes, phases, dirsync and counts read back with xml.etree."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from datetime import timedelta

import pytest

from harness.html import event_rows, phases, render_html
from harness.runner import RunResult, Status, run_file
from harness.selection import builtin_dir
from harness.timeline import BUCKETS, QueueSample, Span, clean, render_svg
from sim.clock import DEFAULT_EPOCH
from sim.eventlog import EventRecord, EventType

NS = {"s": "http://www.w3.org/2000/svg"}
NASTY = "<script>alert('x')</script> & \"quoted\" \x01\x1b\x7f end"


def event(seconds: float, event_id: int, text: str = "text", number: int = 1) -> EventRecord:
    return EventRecord(
        record_number=number,
        when=DEFAULT_EPOCH + timedelta(seconds=seconds),
        source="MSExchangeCCMC",
        type=EventType.ERROR if event_id == 70 else EventType.INFORMATION,
        category="General",
        event_id=event_id,
        user="N/A",
        computer="EXSRV1",
        description=text,
    )


def svg_of(text: str) -> ET.Element:
    return ET.fromstring(text)


def lanes(root: ET.Element) -> dict[int, int]:
    return {
        int(g.get("data-event", "")): int(g.get("data-count", ""))
        for g in root.iterfind("s:g[@class='lane']", NS)
    }


@pytest.fixture(scope="module")
def run() -> RunResult:
    return run_file(builtin_dir() / "q166045-wrong-password.scenario.yaml")


def test_lanes_and_counts_match_the_run(run: RunResult) -> None:
    root = svg_of(render_svg(run.events, DEFAULT_EPOCH, end=run.virtual_seconds))
    want = Counter(r.event_id for r in run.events)
    assert lanes(root) == dict(want)
    for g in root.iterfind("s:g[@class='lane']", NS):
        marks = g.findall("s:rect", NS)
        assert (
            sum(int(m.get("data-count", "0")) for m in marks) == want[int(g.get("data-event", ""))]
        )


def test_phases_are_the_transcripts(run: RunResult) -> None:
    spans = phases(run.transcript)
    root = svg_of(render_svg(run.events, DEFAULT_EPOCH, phases=spans, end=run.virtual_seconds))
    kinds = [g.get("data-kind") for g in root.iterfind("s:g[@class='phase']", NS)]
    assert kinds == [s.kind for s in spans]
    assert {"fault", "step", "diagnose", "fix", "verify"} <= set(kinds)
    verify = next(s for s in spans if s.kind == "verify")
    fix = next(s for s in spans if s.kind == "fix")
    assert verify.start == fix.end
    assert verify.end == run.virtual_seconds > verify.start


def test_dirsync_spans_closed_and_open() -> None:
    log = [event(0, 14001), event(60, 14031, number=2), event(900, 14001, number=3)]
    root = svg_of(render_svg(log, DEFAULT_EPOCH, end=3600))
    closed = root.findall("s:rect[@class='dirsync']", NS)
    open_ = root.findall("s:rect[@class='dirsync open']", NS)
    assert len(closed) == 1
    assert len(open_) == 1
    assert "never completed" in "".join(open_[0].itertext())
    right = float(open_[0].get("x", "")) + float(open_[0].get("width", ""))
    axis_end = max(float(line.get("x2", "0")) for line in root.iterfind("s:line", NS))
    assert right == pytest.approx(axis_end, abs=0.2)  # open to the end


def test_bursts_are_bands_with_counts_and_bounded_shapes() -> None:
    log = [event(15 * i, 70, f"poll {i}", i) for i in range(1440)]  # six hours every 15 s
    root = svg_of(render_svg(log, DEFAULT_EPOCH))
    marks = root.findall(".//s:rect[@data-count]", NS)
    assert len(marks) == 1
    assert marks[0].get("data-count") == "1440"
    assert "× 1440" in "".join(root.itertext())


def test_a_month_of_polls_is_small() -> None:
    month = 30 * 86400
    log = [event(15 * i, 70 if i % 97 else 67, number=i) for i in range(month // 15)]
    text = render_svg(log, DEFAULT_EPOCH, queues=[QueueSample(0, 0, 0), QueueSample(month, 9, 2)])
    root = svg_of(text)
    assert sum(lanes(root).values()) == len(log) == 172800
    assert len(root.findall(".//s:rect[@data-count]", NS)) <= 2 * BUCKETS
    assert len(text) < 200_000
    assert len(root.findall(".//s:polyline[@class='queue']", NS)) == 2


def test_hostile_text_is_escaped_in_svg_and_page() -> None:
    log = [event(10, 70, NASTY, 1), event(20, 45, NASTY, 2)]
    span = Span(0, 30, NASTY, "step")
    text = render_svg(log, DEFAULT_EPOCH, phases=[span], highlight={1})
    root = svg_of(text)  # control characters would make this raise
    titles = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}title")]
    shown = NASTY.replace("\x01", "\ufffd").replace("\x1b", "\ufffd").replace("\x7f", "\ufffd")
    assert sum(shown in t for t in titles) >= 4  # two marks, the quoted marker, the phase
    assert "<script" not in text
    assert "\x01" not in text
    assert clean("<&>\"'") == "&lt;&amp;&gt;&quot;&#x27;"


def test_event_table_folds_runs_and_lane_links_resolve(run: RunResult) -> None:
    rows = [row for _, row in event_rows(run.events, "s1-x")]
    folded = [row for row in rows if 'class="group' in row]
    assert folded
    assert "Event 70 × " in folded[0]
    page = render_html([run])
    for event_id in {r.event_id for r in run.events}:
        assert f'href="#s1-{run.id}-ev{event_id}"' in page
        assert page.count(f'id="s1-{run.id}-ev{event_id}"') == 1


def test_filter_data_matches_the_results(run: RunResult) -> None:
    """What the filter script reads (data-status, data-cause) is right, checked without JS."""
    other = run_file(builtin_dir() / "healthy.scenario.yaml")
    failed = RunResult(
        **{**{f: getattr(other, f) for f in other.__slots__}, "status": Status.FAILED}
    )
    page = render_html([run, failed])
    assert page.count('data-status="failed"') == 2  # summary row and section
    assert page.count(f'data-cause="{run.cause}"') >= 2
    assert page.index('data-status="failed"') < page.index('data-status="passed"')


def test_run_queues_are_sampled_and_drawn(run: RunResult) -> None:
    """The wrong password holds cc:Mail's outbound mail until the fix; the chart shows it."""
    assert len(run.queues) == len(run.transcript)
    peak = max(q.to_exchange for q in run.queues)
    assert peak > 0
    assert run.queues[-1].to_exchange < peak  # drained after the fix
    text = render_svg(run.events, DEFAULT_EPOCH, queues=run.queues, end=run.virtual_seconds)
    lines = svg_of(text).findall(".//s:polyline[@class='queue']", NS)
    assert [line.get("data-way") for line in lines] == ["to_exchange", "to_ccmail"]
    assert len(lines[0].get("points", "").split()) == len(run.queues)
