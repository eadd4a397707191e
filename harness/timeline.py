"""An inline SVG timeline of an event log: lanes per event ID, phases, dirsync, queues.

Drawn by :func:`render_svg` for the HTML reports (``ccsim run --html``,
``ccsim diagnose --html``). One lane per event ID, its label linking to the
event's rows in the report's table; a mark per time bucket, coloured by the
worst type in it (error, warning, information). Events are counted into
:data:`BUCKETS` equal time buckets in one pass, and a run of occupied buckets
in a lane becomes one band carrying its count ("× 360"), so a month of polls
(≈175,000 events) draws a few hundred shapes, in time linear in the events.

Above the lanes: the run's phases as shaded spans (:class:`Span`: fault,
steps, diagnosis, fix, verification window) and dirsync cycles, 14001 to the
next 14031, open-ended when no 14031 follows (KB Q181186). Under the lanes, if
samples are given, the queue sizes each way as a small line chart.

Every text is escaped (customer logs are untrusted input: descriptions may
hold ``<script>``, ``&``, quotes, control characters); hovering a mark shows
its SVG ``<title>``. The picture is static: it needs no script.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape as _xml_escape

from harness.timeline_queues import QueueSample
from sim.eventlog import EventRecord, EventType

__all__ = [
    "BUCKETS",
    "DIRSYNC_END",
    "DIRSYNC_START",
    "QueueSample",
    "Span",
    "clean",
    "dirsync_spans",
    "render_svg",
    "stamp",
]

#: time buckets across the plot: one shape per occupied bucket at most
BUCKETS = 240
DIRSYNC_START, DIRSYNC_END = 14001, 14031

_LABEL_W, _PLOT_W, _RIGHT = 150, 960, 20
_LANE_H, _TOP_H, _QUEUE_H, _AXIS_H = 18, 52, 60, 22
_COLOURS = {EventType.ERROR: "#c62828", EventType.WARNING: "#ef8f00"}
_INFO = "#1e6fc2"
_RANK = {EventType.ERROR: 0, EventType.WARNING: 1}
_PHASE_FILL = {
    "world": "#eeeeee",
    "fault": "#f8c9c9",
    "step": "#fde7b0",
    "expect": "#e8e0f5",
    "diagnose": "#cfe0f7",
    "fix": "#c9ecc9",
    "verify": "#b9e5e0",
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class Span:
    """A shaded stretch of the timeline: seconds from the origin; ``end`` None = open."""

    start: float
    end: float | None
    label: str
    kind: str


def clean(text: object) -> str:
    """``text`` safe in XML and HTML: control characters shown as U+FFFD, markup escaped."""
    return _xml_escape(_CONTROL.sub("\ufffd", str(text)), {'"': "&quot;", "'": "&#x27;"})


def stamp(seconds: float) -> str:
    """``HH:MM:SS`` (hours past 24 kept: ``731:00:00``) of a virtual offset."""
    s = int(seconds)
    sign = "-" if s < 0 else ""
    s = abs(s)
    return f"{sign}{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"


@dataclass(slots=True)
class _Bucket:
    count: int
    rank: int
    first: float
    last: float
    text: str
    highlighted: bool


def _rank(kind: EventType) -> int:
    return _RANK.get(kind, 2)


def _colour(rank: int) -> str:
    return {0: _COLOURS[EventType.ERROR], 1: _COLOURS[EventType.WARNING]}.get(rank, _INFO)


def render_svg(
    events: Sequence[EventRecord],
    origin: datetime,
    *,
    phases: Sequence[Span] = (),
    queues: Sequence[QueueSample] = (),
    highlight: Collection[int] = (),
    start: float | None = None,
    end: float | None = None,
    lane_href: Callable[[int], str] | None = None,
) -> str:
    """The ``<svg>`` element for ``events`` placed at their offset from ``origin``.

    ``highlight`` holds record numbers to mark (evidence a finding quotes);
    the axis runs from ``start`` (default: the origin, or the first event if
    earlier) to ``end`` (default: the last event or phase); ``lane_href(event_id)`` gives
    the link of a lane's label (for example ``#s1-ev70``).
    """
    times = [(r.when - origin).total_seconds() for r in events]
    t0 = start if start is not None else min([0.0, *times])
    ends = [end if end is not None else t0, *times]
    ends += [p.end if p.end is not None else p.start for p in phases] + [q.at for q in queues]
    t1 = max(ends)
    if t1 <= t0:
        t1 = t0 + 60.0
    scale = BUCKETS / (t1 - t0)
    lanes: dict[int, dict[int, _Bucket]] = {}
    marked = frozenset(highlight)
    quoted: list[tuple[float, EventRecord]] = []
    for record, t in zip(events, times, strict=True):
        index = min(max(int((t - t0) * scale), 0), BUCKETS - 1)
        lane = lanes.setdefault(record.event_id, {})
        bucket = lane.get(index)
        rank = _rank(record.type)
        hit = record.record_number in marked
        if hit:
            quoted.append((t, record))
        if bucket is None:
            lane[index] = _Bucket(1, rank, t, t, record.description, hit)
            continue
        bucket.count += 1
        bucket.last = t
        bucket.rank = min(bucket.rank, rank)
        bucket.highlighted = bucket.highlighted or hit
    spans = dirsync_spans(events, times)
    ids = sorted(lanes)
    head = _TOP_H if phases else 6
    top = head + (_LANE_H if spans else 0)
    lanes_h = _LANE_H * max(len(ids), 1)
    queue_top = top + lanes_h + _AXIS_H
    height = queue_top + (_QUEUE_H + 14 if queues else 0) + 6
    width = _LABEL_W + _PLOT_W + _RIGHT

    def x(t: float) -> float:
        return _LABEL_W + (t - t0) / (t1 - t0) * _PLOT_W

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'font-family="sans-serif" font-size="11">',
        f"<title>Timeline {stamp(t0)}–{stamp(t1)}: {len(events)} events, "
        f"{len(ids)} event IDs</title>",
    ]
    parts += _phases(phases, x, t1, top + lanes_h)
    if spans:
        parts += _dirsync(spans, x, t1, head)
    for row, event_id in enumerate(ids):
        y = top + row * _LANE_H
        parts += _lane(event_id, lanes[event_id], y, x, t0, scale, lane_href)
    rows = {event_id: top + row * _LANE_H for row, event_id in enumerate(ids)}
    parts += (_quoted(t, record, x(t), rows[record.event_id]) for t, record in quoted)
    parts += _axis(x, t0, t1, top + lanes_h)
    if queues:
        from harness.timeline_queues import queue_chart

        parts += queue_chart(queues, x, queue_top, _LABEL_W, _PLOT_W, _QUEUE_H)
    parts.append("</svg>")
    return "\n".join(parts)


def dirsync_spans(
    events: Sequence[EventRecord], times: Sequence[float]
) -> list[tuple[float, float | None, bool]]:
    """Each 14001 paired with the next 14031: (start, end, completed).

    A 14001 followed by another 14001 before any 14031 never completed: its span
    ends (not completed) where the next cycle starts; the last one without a
    14031 has end None, open to the end of the picture.
    """
    spans: list[tuple[float, float | None, bool]] = []
    start: float | None = None
    for record, t in zip(events, times, strict=True):
        if record.event_id == DIRSYNC_START:
            if start is not None:
                spans.append((start, t, False))
            start = t
        elif record.event_id == DIRSYNC_END and start is not None:
            spans.append((start, t, True))
            start = None
    if start is not None:
        spans.append((start, None, False))
    return spans


def _phases(
    phases: Sequence[Span], x: Callable[[float], float], t1: float, bottom: float
) -> Iterator[str]:
    free = [0.0, 0.0, 0.0]  # where each of the three label rows is free again
    for p in phases:
        left, right = x(p.start), x(p.end if p.end is not None else t1)
        fill = _PHASE_FILL.get(p.kind, "#eeeeee")
        until = stamp(p.end) if p.end is not None else "end"
        narrow = right - left < 3
        shape = 'stroke="#777" stroke-width="2" fill="none"' if narrow else f'fill="{fill}" '
        yield (
            f'<g class="phase" data-kind="{clean(p.kind)}"><rect x="{left:.1f}" y="4" '
            f'width="{max(right - left, 1.0):.1f}" height="{bottom - 4:.1f}" {shape} '
            f'opacity="0.6"><title>{clean(p.kind)} {stamp(p.start)}–{until}: '
            f"{clean(p.label)}</title></rect>"
        )
        need = 7.0 * len(p.kind) + 6
        row = next((i for i, at in enumerate(free) if at <= left), None)
        if row is not None:
            free[row] = left + need
            yield (
                f'<text x="{left + 3:.1f}" y="{14 + 12 * row}" fill="#333">{clean(p.kind)}</text>'
            )
        yield "</g>"


def _dirsync(
    spans: Sequence[tuple[float, float | None, bool]],
    x: Callable[[float], float],
    t1: float,
    y: float,
) -> Iterator[str]:
    yield f'<text x="4" y="{y + 13}" fill="#333">dirsync</text>'
    for start, stop, completed in spans:
        left, right = x(start), x(stop if stop is not None else t1)
        w = max(right - left, 2.0)
        if not completed:
            until = "" if stop is None else f"{stamp(stop)} (next 14001)"
            yield (
                f'<rect class="dirsync open" x="{left:.1f}" y="{y + 3}" width="{w:.1f}" '
                f'height="{_LANE_H - 6}" fill="#f3d9a4" stroke="#a66b00" '
                f'stroke-dasharray="4 3"><title>dirsync {stamp(start)}–{until}: 14001 '
                f"without a 14031, never completed</title></rect>"
            )
            if w > 90:
                yield (
                    f'<text x="{left + 4:.1f}" y="{y + 13}" fill="#6b4500">14001, no 14031</text>'
                )
        else:
            yield (
                f'<rect class="dirsync" x="{left:.1f}" y="{y + 3}" width="{w:.1f}" '
                f'height="{_LANE_H - 6}" fill="#8fc98f" stroke="#2e7d32"><title>dirsync '
                f"{stamp(start)}–{stamp(stop or start)}: 14001 to 14031</title></rect>"
            )


def _lane(
    event_id: int,
    buckets: dict[int, _Bucket],
    y: float,
    x: Callable[[float], float],
    t0: float,
    scale: float,
    lane_href: Callable[[int], str] | None,
) -> Iterator[str]:
    worst = min(b.rank for b in buckets.values())
    total = sum(b.count for b in buckets.values())
    label = f"Event {event_id}"
    yield f'<g class="lane" data-event="{event_id}" data-count="{total}">'
    yield (
        f'<line x1="{_LABEL_W}" y1="{y + _LANE_H / 2}" x2="{_LABEL_W + _PLOT_W}" '
        f'y2="{y + _LANE_H / 2}" stroke="#e4e4e4"/>'
    )
    text = (
        f'<text x="4" y="{y + 13}" fill="{_colour(worst)}">{label} '
        f'<tspan fill="#666">({total})</tspan></text>'
    )
    if lane_href is not None:
        text = f'<a href="{clean(lane_href(event_id))}">{text}</a>'
    yield text
    for first_index, run in _runs(buckets):
        yield _band(event_id, first_index, run, y, x, t0, scale)
    yield "</g>"


def _quoted(t: float, record: EventRecord, cx: float, y: float) -> str:
    """A black marker on an event a finding quotes as evidence."""
    return (
        f'<path class="quoted" data-record="{record.record_number}" '
        f'd="M{cx - 5:.1f},{y - 1} L{cx + 5:.1f},{y - 1} L{cx:.1f},{y + 8}Z" fill="#000" '
        f'stroke="#fff"><title>evidence: Event {record.event_id} at {stamp(t)}: '
        f"{clean(record.description)}</title></path>"
    )


def _runs(buckets: dict[int, _Bucket]) -> Iterator[tuple[int, list[_Bucket]]]:
    """Consecutive occupied buckets, in time order: one band each."""
    run: list[_Bucket] = []
    start = previous = -2
    for index in sorted(buckets):
        if index != previous + 1 and run:
            yield start, run
            run = []
        if not run:
            start = index
        run.append(buckets[index])
        previous = index
    if run:
        yield start, run


def _band(
    event_id: int,
    first_index: int,
    run: list[_Bucket],
    y: float,
    x: Callable[[float], float],
    t0: float,
    scale: float,
) -> str:
    count = sum(b.count for b in run)
    rank = min(b.rank for b in run)
    first, last = run[0].first, run[-1].last
    hit = any(b.highlighted for b in run)
    stroke = ' stroke="#000" stroke-width="1"' if hit else ""
    css = "mark hit" if hit else "mark"
    what = f"Event {event_id}" + (f" × {count}" if count > 1 else "")
    when = stamp(first) + (f"–{stamp(last)}" if count > 1 else "")
    title = f"<title>{what}, {when}: {clean(run[0].text)}</title>"
    if count == 1:
        cx = x(first)
        return (
            f'<rect class="{css}" data-count="1" x="{cx - 1.5:.1f}" y="{y + 3}" width="3" '
            f'height="{_LANE_H - 6}" fill="{_colour(rank)}"{stroke}>{title}</rect>'
        )
    left = x(t0 + first_index / scale)
    width = len(run) * _PLOT_W / BUCKETS
    rect = (
        f'<rect class="{css} band" data-count="{count}" x="{left:.1f}" y="{y + 3}" '
        f'width="{max(width, 3.0):.1f}" height="{_LANE_H - 6}" rx="2" fill="{_colour(rank)}" '
        f'fill-opacity="0.75"{stroke}>{title}</rect>'
    )
    if width >= 34:
        rect += (
            f'<text x="{left + 3:.1f}" y="{y + 12.5}" fill="#fff" font-size="10" '
            f'pointer-events="none">× {count}</text>'
        )
    return rect


def _axis(x: Callable[[float], float], t0: float, t1: float, y: float) -> Iterator[str]:
    yield (f'<line x1="{_LABEL_W}" y1="{y}" x2="{_LABEL_W + _PLOT_W}" y2="{y}" stroke="#888"/>')
    step = _tick_step(t1 - t0)
    tick = (t0 // step + 1) * step if t0 % step else t0
    while tick <= t1:
        yield (
            f'<line x1="{x(tick):.1f}" y1="{y}" x2="{x(tick):.1f}" y2="{y + 4}" stroke="#888"/>'
            f'<text x="{x(tick):.1f}" y="{y + 15}" text-anchor="middle" fill="#555">'
            f"{stamp(tick)[:-3]}</text>"
        )
        tick += step


def _tick_step(length: float) -> float:
    for step in (60, 300, 900, 1800, 3600, 7200, 21600, 43200, 86400, 259200, 604800):
        if length / step <= 10:
            return float(step)
    return 2592000.0
