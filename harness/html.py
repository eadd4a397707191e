"""The HTML report of ``ccsim run --html FILE``: one self-contained page.

Inline CSS and one small inline script (the filter box); no fonts, images or
style sheets fetched from anywhere, so the page opens the same offline,
attached to a ticket, years later. With scripts disabled everything is still
shown: the filter box is the only thing that needs the script, and scenarios
and repeated events fold with ``<details>``. Everything shown is escaped (event
texts quote file names such as ``<PO>`` and program output verbatim).

Failed and errored scenarios come first, in the summary and in the sections,
each section with its inline SVG timeline (:mod:`harness.timeline`). In the
event table a run of the same event ID folds into one expandable row ("Event
70 × 360, 09:00:00–10:30:00"); the lane labels of the picture link to it.

The page holds a summary table (the columns of ``report.SUMMARY_COLUMNS``, a
row per scenario linking to its section) and, per scenario, the diagnosis
(findings with score, quoted evidence, article, fix and the confirming check)
and a timeline merging the transcript with the event log, both on the virtual
clock. Like every report (STYLE.md §5), it shows virtual times only: same
results, same bytes.

Event records carry the virtual date and time the connector logged them at;
the timeline places them at their offset from ``sim.clock.DEFAULT_EPOCH``, the
start of every world the harness builds (``harness.build``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence

from harness.diagnosis import Finding
from harness.report import SUMMARY_COLUMNS, counts, format_virtual, summary_rows
from harness.runner import Line, RunResult, Status
from harness.timeline import Span, clean, render_svg
from sim.clock import DEFAULT_EPOCH
from sim.eventlog import EventRecord

__all__ = ["CSS", "FILTER_SCRIPT", "LIST_LIMIT", "anchor", "event_rows", "phases", "render_html"]

_CSS = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.5em; text-align: left;
         vertical-align: top; }
th { background: #eee; }
td.text { font-family: ui-monospace, monospace; white-space: pre-wrap; }
table.summary tr.passed td, span.passed { background: #d9f2d9; }
table.summary tr.failed td, span.failed { background: #f8d0d0; }
table.summary tr.error td, span.error { background: #f5c08a; }
tr.event { color: #444; } tr.Error td.kind { color: #b00; } tr.Warning td.kind { color: #a60; }
tr.bad td { background: #fde8e8; }
blockquote { margin: 0.2em 0 0.2em 1em; padding-left: 0.5em; border-left: 3px solid #bbb;
             font-family: ui-monospace, monospace; white-space: pre-wrap; }
dl.meta { display: grid; grid-template-columns: max-content auto; gap: 0.1em 1em; }
dl.meta dt { font-weight: bold; }
.finding { border: 1px solid #ccc; padding: 0.5em; margin: 0.5em 0; }
.pinned { border: 2px solid #c62828; background: #fff4f4; padding: 0.3em 1em; }
details.scenario { border-top: 1px solid #ddd; margin-top: 1em; }
details.scenario > summary { cursor: pointer; }
details.scenario > summary h2 { display: inline; }
tr.group td { background: #f6f6f6; } tr.group summary { cursor: pointer; }
svg.timeline { display: block; margin: 0.5em 0; max-width: 100%; height: auto; }
svg.timeline a text { text-decoration: underline; }
.filters { margin: 1em 0; } .filters input, .filters select { margin-right: 1em; }
blockquote.hit { border-left: 5px solid #000; background: #fffbe6; }
"""
CSS = _CSS

#: the filter box: hides summary rows and sections by text, status and cause
#: (their ``data-text``, ``data-status``, ``data-cause``); without it all is shown
FILTER_SCRIPT = """
(function () {
  var box = document.getElementById("filter"), st = document.getElementById("status"),
      ca = document.getElementById("cause");
  function show() {
    var q = box.value.toLowerCase(), s = st.value, c = ca.value;
    document.querySelectorAll("[data-status]").forEach(function (el) {
      var ok = (!s || el.dataset.status === s) && (!c || el.dataset.cause === c) &&
               (!q || el.dataset.text.indexOf(q) >= 0);
      el.hidden = !ok;
    });
  }
  [box, st, ca].forEach(function (el) { el.addEventListener("input", show); });
  document.getElementById("filters").hidden = false;
})();
"""

_PINNED = (Status.FAILED, Status.ERROR)


def anchor(index: int, result: RunResult) -> str:
    """The id of a scenario's section: its position and its id (unique within the page)."""
    return f"s{index + 1}-" + re.sub(r"[^A-Za-z0-9_-]+", "-", result.id)


def _e(text: object) -> str:
    return clean(text)


def render_html(
    results: Sequence[RunResult], *, merged: bool = False, interrupted: str | None = None
) -> str:
    """The whole page for these results, in the order given.

    ``merged``: the page of ``ccsim report merge``, built from JSON reports, which
    hold transcripts but no event records (those are in each shard's own page).
    ``interrupted``: the run was stopped ("interrupted after 6 of 31"), said under
    the title.
    """
    c = counts(results)
    stopped = "" if interrupted is None else f'<p class="interrupted">Run {_e(interrupted)}.</p>\n'

    where = (
        " Merged from shard JSON reports: each scenario's event records and queue sizes "
        "are in the HTML report of the shard that ran it."
        if merged
        else ""
    )
    head = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        "<title>ccsim scenario report</title>\n"
        f"<style>{_CSS}</style>\n</head>\n<body>\n"
        '<h1 id="top">'
        "ccsim scenario report</h1>\n"
        f"<p>{c['total']} scenario(s): {c['passed']} passed, {c['failed']} failed, "
        f"{c['error']} error. Times are virtual (t=HH:MM:SS from the start of each run).{where}"
        f"</p>\n{stopped}"
    )
    order = sorted(range(len(results)), key=lambda i: results[i].status not in _PINNED)
    parts = [head, *_pinned(results), *_filters(results), *_summary(results, order)]
    for index in order:
        parts.extend(_section(index, results[index]))
    parts.append(f"<script>{FILTER_SCRIPT}</script>\n</body>\n</html>\n")
    return "".join(parts)


def _data(r: RunResult) -> str:
    """The attributes the filter script reads (lower-cased text: id, title, cause, file)."""
    text = " ".join((r.id, r.title, r.cause, r.file)).lower()
    return f'data-status="{r.status.value}" data-cause="{_e(r.cause)}" data-text="{_e(text)}"'


def _pinned(results: Sequence[RunResult]) -> Iterator[str]:
    bad = [(i, r) for i, r in enumerate(results) if r.status in _PINNED]
    if not bad:
        return
    yield f'<div class="pinned"><h2>{len(bad)} not passed</h2>\n<ul>\n'
    for index, r in bad:
        first = r.failures[0] if r.failures else r.status.value
        yield (
            f'<li><a href="#{anchor(index, r)}">{_e(r.id)}</a> '
            f'<span class="{r.status.value}">[{r.status.value}]</span>: {_e(first)}</li>\n'
        )
    yield "</ul></div>\n"


def _filters(results: Sequence[RunResult]) -> Iterator[str]:
    causes = sorted({r.cause for r in results})
    yield '<div class="filters" id="filters" hidden>\n'
    yield '<input id="filter" type="search" placeholder="filter: id, title, cause">'
    yield '<select id="status"><option value="">any status</option>'
    yield "".join(f'<option value="{s.value}">{s.value}</option>' for s in Status)
    yield '</select><select id="cause"><option value="">any cause</option>'
    yield "".join(f'<option value="{_e(c)}">{_e(c)}</option>' for c in causes)
    yield "</select>\n</div>\n"


def _summary(results: Sequence[RunResult], order: Sequence[int]) -> Iterator[str]:
    yield '<table class="summary">\n<thead><tr>'
    yield "".join(f"<th>{_e(column)}</th>" for column in SUMMARY_COLUMNS)
    yield "</tr></thead>\n<tbody>\n"
    rows = summary_rows(results)
    for index in order:
        row, result = rows[index], results[index]
        link = f'<a href="#{anchor(index, result)}">{_e(row[0])}</a>'
        cells = [link, *(_e(cell) for cell in row[1:])]
        yield f'<tr class="{result.status.value}" {_data(result)}>'
        yield "".join(f"<td>{cell}</td>" for cell in cells)
        yield "</tr>\n"
    yield "</tbody>\n</table>\n"


def _section(index: int, r: RunResult) -> Iterator[str]:
    status = r.status.value
    opened = " open" if r.status in _PINNED else ""
    yield f'<section id="{anchor(index, r)}" {_data(r)}>\n'
    yield f'<h2>{_e(r.id)}: {_e(r.title)} <span class="{status}">[{status}]</span></h2>\n'
    yield _picture(index, r)
    yield f'<details class="scenario"{opened}><summary>Details: diagnosis, '
    yield f"{len(r.transcript)} transcript lines, {len(r.events)} events</summary>\n"
    meta = {
        "file": r.file,
        "cause": r.cause,
        "seed": r.seed,
        "expected diagnosis": ", ".join(r.expected_diagnosis) or "nothing",
        "fixes applied": ", ".join(r.fixes) or ("yes" if r.fixed else "none"),
        "verified": "yes" if r.verified else "NO",
        "conserved": "yes" if r.conserved else "NO",
        "messages tracked": r.messages,
        "virtual time": format_virtual(r.virtual_seconds),
    }
    yield '<dl class="meta">\n'
    yield "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>\n" for k, v in meta.items())
    yield "</dl>\n"
    if r.failures:
        yield "<h3>Failures</h3>\n<ul>\n"
        yield "".join(f'<li class="text">{_e(f)}</li>\n' for f in r.failures)
        yield "</ul>\n"
    yield from _diagnosis(r.diagnosis)
    yield from _timeline(index, r)
    yield '</details>\n<p><a href="#top">back to the summary</a></p>\n</section>\n'


def _diagnosis(findings: Sequence[Finding]) -> Iterator[str]:
    yield "<h3>Diagnosis</h3>\n"
    if not findings:
        yield "<p>No findings: nothing points at a failure cause.</p>\n"
        return
    for rank, f in enumerate(findings, 1):
        yield '<div class="finding">\n'
        yield (
            f"<p><strong>{rank}. {_e(f.cause)}</strong> (score {f.score:.2f}, "
            f"article {_e(f.article)})</p>\n"
        )
        yield "".join(f"<blockquote>{_e(quote)}</blockquote>\n" for quote in f.evidence)
        yield f"<p>Fix: {_e(f.fix)}</p>\n"
        if f.confirm:
            yield f"<p>Confirm: {_e(f.confirm)}</p>\n"
        yield "</div>\n"


def _event_seconds(record: EventRecord) -> float:
    return (record.when - DEFAULT_EPOCH).total_seconds()


def phases(transcript: Sequence[Line]) -> list[Span]:
    """The run's phases as spans: each run of lines of one phase, from the end of the last.

    A transcript line is written when its work is done (``advance 15m`` at
    ``t=00:15:00``), so a phase spans from the previous phase's last line to its
    own last line; the verification window is the ``verify`` phase so drawn.
    """
    spans: list[Span] = []
    previous = 0.0
    group: list[Line] = []
    for line in [*transcript, None]:
        if group and (line is None or line.phase != group[0].phase):
            kind = group[0].phase
            if kind not in {"world", "error"}:
                label = "; ".join(g.text for g in group[:3]) + (" …" if len(group) > 3 else "")
                spans.append(Span(previous, group[-1].at, label, kind))
            previous = group[-1].at
            group = []
        if line is not None:
            group.append(line)
    return spans


def quoted(findings: Sequence[Finding], events: Sequence[EventRecord]) -> set[int]:
    """The record numbers of the events the findings quote (their ``line()``)."""
    quotes = {q for f in findings for q in f.evidence}
    return {r.record_number for r in events if r.line() in quotes}


def _picture(index: int, r: RunResult) -> str:
    prefix = anchor(index, r)
    svg = render_svg(
        r.events,
        DEFAULT_EPOCH,
        phases=phases(r.transcript),
        queues=r.queues,
        highlight=quoted(r.diagnosis, r.events),
        end=r.virtual_seconds,
        lane_href=lambda event_id: f"#{prefix}-ev{event_id}",
    )
    return svg + "\n"


def _timeline(index: int, r: RunResult) -> Iterator[str]:
    """Transcript lines and event records by virtual time (at a tie, the transcript first)."""
    prefix = anchor(index, r)
    yield f"<h3>Timeline ({len(r.transcript)} transcript lines, {len(r.events)} events)</h3>\n"
    rows: list[tuple[float, int, int, str]] = []
    for order, line in enumerate(r.transcript):
        rows.append((line.at, 0, order, _line_row(line)))
    for order, (at, row) in enumerate(event_rows(r.events, prefix)):
        rows.append((at, 1, order, row))
    yield '<table class="timeline">\n<thead><tr><th>time</th><th>kind</th><th>event ID</th>'
    yield "<th>source</th><th>text</th><th>verdict</th></tr></thead>\n<tbody>\n"
    yield "".join(row for *_, row in sorted(rows, key=lambda item: item[:3]))
    yield "</tbody>\n</table>\n"


def _virtual(record: EventRecord) -> str:
    return f"t={format_virtual(_event_seconds(record))}"


#: the most event rows a table lists: beyond it the first and last halves are
#: listed and one row says how many are left out (the picture counts them all),
#: so a month of polls stays a page of a few hundred kilobytes
LIST_LIMIT = 2000


def event_rows(
    events: Sequence[EventRecord],
    prefix: str,
    shown: Callable[[EventRecord], str] = _virtual,
    limit: int = LIST_LIMIT,
) -> Iterator[tuple[float, str]]:
    """(seconds, row) per event, a run of the same event ID folded into one expandable row.

    The first row holding an event ID carries the id ``{prefix}-ev{ID}`` the
    timeline's lane label links to; ``shown`` writes an event's time (virtual
    ``t=HH:MM:SS`` by default). Past ``limit`` events, the middle ones are left
    out and one row says which.
    """
    seen: set[int] = set()
    if len(events) <= limit:
        yield from _runs(events, prefix, shown, seen)
        return
    half = limit // 2
    head, middle, tail = events[:half], events[half:-half], events[-half:]
    yield from _runs(head, prefix, shown, seen)
    yield from _runs(tail, prefix, shown, seen)
    anchors = "".join(
        f'<span id="{prefix}-ev{event_id}"></span>'
        for event_id in sorted({r.event_id for r in middle} - seen)
    )
    note = (
        f"… {len(middle)} events not listed here, {shown(middle[0])}–{shown(middle[-1])} "
        f"(the table lists the first and last {half} of {len(events)}; the timeline counts all)"
    )
    yield (
        _event_seconds(middle[0]),
        f'<tr class="skipped"><td colspan="6">{anchors}{_e(note)}</td></tr>\n',
    )


def _runs(
    events: Sequence[EventRecord],
    prefix: str,
    shown: Callable[[EventRecord], str],
    seen: set[int],
) -> Iterator[tuple[float, str]]:
    start = 0
    while start < len(events):
        stop = start + 1
        while stop < len(events) and events[stop].event_id == events[start].event_id:
            stop += 1
        run = events[start:stop]
        event_id = run[0].event_id
        ident = "" if event_id in seen else f' id="{prefix}-ev{event_id}"'
        seen.add(event_id)
        at = _event_seconds(run[0])
        if len(run) == 1:
            yield at, _event_row(run[0], shown, ident)
        else:
            yield at, _group_row(run, shown, ident)
        start = stop


def _line_row(line: Line) -> str:
    verdict = {True: "ok", False: "FAILED", None: ""}[line.ok]
    if line.source_line:
        verdict = f"{verdict} (line {line.source_line})".strip()
    css = "line bad" if line.ok is False else "line"
    return (
        f'<tr class="{css}"><td>t={format_virtual(line.at)}</td>'
        f'<td class="kind">{_e(line.phase)}</td><td></td><td>ccsim</td>'
        f'<td class="text">{_e(line.text)}</td><td>{_e(verdict)}</td></tr>\n'
    )


def _event_row(record: EventRecord, shown: Callable[[EventRecord], str], ident: str = "") -> str:
    kind = record.type.value
    return (
        f'<tr class="event {_e(kind)}"{ident}><td>{_e(shown(record))}</td>'
        f'<td class="kind">{_e(kind)}</td><td>{record.event_id}</td>'
        f'<td>{_e(record.source)}</td><td class="text">{_e(record.description)}</td>'
        "<td></td></tr>\n"
    )


def _group_row(run: Sequence[EventRecord], shown: Callable[[EventRecord], str], ident: str) -> str:
    head = (
        f"Event {run[0].event_id} × {len(run)}, {shown(run[0])}–{shown(run[-1])}: "
        f"{run[0].description}"
    )
    inner = "".join(_event_row(record, shown) for record in run)
    return (
        f'<tr class="group {_e(run[0].type.value)}"{ident} data-count="{len(run)}">'
        f'<td colspan="6"><details><summary>{_e(head)}</summary>\n'
        f'<table class="events">\n{inner}</table></details></td></tr>\n'
    )
