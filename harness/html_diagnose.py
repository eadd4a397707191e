"""The HTML page of ``ccsim diagnose ... --html REPORT.html``: a customer's case at a glance.

One self-contained file like the run report (:mod:`harness.html`, same style
sheet, no script needed): what was read (the input summary), the timeline of
the customer's Application log (:mod:`harness.timeline`) with the events each
finding quotes marked, the ranked findings with their quoted evidence, the fix
and the check that confirms it, and the log itself as a table whose runs of the
same event ID fold into one expandable row.

Customer logs carry wall-clock dates: the picture's origin is midnight of the
first event's day, so its axis reads as the time of day (``09:00``; a later day
as ``33:00``). The log is untrusted input: every text is escaped.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from harness.diagnosis import Finding
from harness.evidence import Evidence
from harness.html import CSS, event_rows, quoted
from harness.timeline import clean, render_svg
from sim.eventlog import EventRecord

__all__ = ["origin_of", "render_diagnosis_html"]

_PREFIX = "log"


def origin_of(evidence: Evidence) -> datetime:
    """Midnight of the first event's day (the epoch of an empty log)."""
    if not evidence.events:
        return datetime(1970, 1, 1)
    first = min(record.when for record in evidence.events)
    return first.replace(hour=0, minute=0, second=0, microsecond=0)


def render_diagnosis_html(evidence: Evidence, findings: Sequence[Finding], title: str) -> str:
    """The whole page for ``findings`` diagnosed from ``evidence``; ``title`` names the case."""
    origin = origin_of(evidence)
    events = sorted(evidence.events, key=lambda r: r.when)
    marks = quoted(findings, events)
    times = [(r.when - origin).total_seconds() for r in events]
    svg = render_svg(
        events,
        origin,
        highlight=marks,
        start=min(times, default=0.0),
        end=max(times, default=0.0),
        lane_href=lambda event_id: f"#{_PREFIX}-ev{event_id}",
    )
    day = origin.strftime("%m/%d/%Y") if events else "no events"
    parts = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        f"<title>ccsim diagnose: {clean(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        f'<h1 id="top">ccsim diagnose: {clean(title)}</h1>\n',
        *_read(evidence),
        f"<h2>Timeline</h2>\n<p>{len(events)} events; times of day from {clean(day)}; "
        "black triangles mark the events the findings quote.</p>\n",
        svg,
        "\n",
        *_findings(findings),
        *_table(events),
        "</body>\n</html>\n",
    ]
    return "".join(parts)


def _read(evidence: Evidence) -> Iterator[str]:
    yield "<h2>What was read</h2>\n<ul>\n"
    yield "".join(f"<li>{clean(note)}</li>\n" for note in evidence.notes)
    if not evidence.notes:
        yield f"<li>{len(evidence.events)} event(s)</li>\n"
    yield "</ul>\n"


def _findings(findings: Sequence[Finding]) -> Iterator[str]:
    yield "<h2>Findings, best first</h2>\n"
    if not findings:
        yield "<p>No findings: the files show no failure pattern of the catalogue.</p>\n"
        return
    for rank, f in enumerate(findings, 1):
        yield f'<div class="finding" id="finding-{rank}">\n'
        yield (
            f"<p><strong>{rank}. {clean(f.cause)}</strong> (score {f.score:.2f}, "
            f"article {clean(f.article)})</p>\n"
        )
        yield "".join(f'<blockquote class="hit">{clean(q)}</blockquote>\n' for q in f.evidence)
        yield f"<p><strong>Fix:</strong> {clean(f.fix)}</p>\n"
        if f.confirm:
            yield f"<p><strong>Confirm:</strong> {clean(f.confirm)}</p>\n"
        yield "</div>\n"


def _when(record: EventRecord) -> str:
    return record.when.strftime("%m/%d/%Y %H:%M:%S")


def _table(records: Sequence[EventRecord]) -> Iterator[str]:
    yield f"<h2>The log ({len(records)} events)</h2>\n"
    yield '<table class="timeline">\n<thead><tr><th>time</th><th>kind</th><th>event ID</th>'
    yield "<th>source</th><th>text</th><th></th></tr></thead>\n<tbody>\n"
    yield "".join(row for _, row in event_rows(records, _PREFIX, _when))
    yield "</tbody>\n</table>\n"
