"""The HTML report of ``ccsim run --html FILE``: one self-contained page.

Inline CSS only: no JavaScript, no fonts, images or style sheets fetched from
anywhere, so the page opens the same offline, attached to a ticket, years
later. Everything shown is HTML-escaped (event texts quote file names such as
``<PO>`` and program output verbatim).

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
from collections.abc import Iterator, Sequence
from html import escape

from harness.diagnosis import Finding
from harness.report import SUMMARY_COLUMNS, counts, format_virtual, summary_rows
from harness.runner import Line, RunResult
from sim.clock import DEFAULT_EPOCH
from sim.eventlog import EventRecord

__all__ = ["anchor", "render_html"]

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
"""


def anchor(index: int, result: RunResult) -> str:
    """The id of a scenario's section: its position and its id (unique within the page)."""
    return f"s{index + 1}-" + re.sub(r"[^A-Za-z0-9_-]+", "-", result.id)


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def render_html(results: Sequence[RunResult]) -> str:
    """The whole page for these results, in the order given."""
    c = counts(results)
    head = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        "<title>ccsim scenario report</title>\n"
        f"<style>{_CSS}</style>\n</head>\n<body>\n"
        '<h1 id="top">'
        "ccsim scenario report</h1>\n"
        f"<p>{c['total']} scenario(s): {c['passed']} passed, {c['failed']} failed, "
        f"{c['error']} error. Times are virtual (t=HH:MM:SS from the start of each run).</p>\n"
    )
    parts = [head, *_summary(results)]
    for index, result in enumerate(results):
        parts.extend(_section(index, result))
    parts.append("</body>\n</html>\n")
    return "".join(parts)


def _summary(results: Sequence[RunResult]) -> Iterator[str]:
    yield '<table class="summary">\n<thead><tr>'
    yield "".join(f"<th>{_e(column)}</th>" for column in SUMMARY_COLUMNS)
    yield "</tr></thead>\n<tbody>\n"
    for index, (row, result) in enumerate(zip(summary_rows(results), results, strict=True)):
        link = f'<a href="#{anchor(index, result)}">{_e(row[0])}</a>'
        cells = [link, *(_e(cell) for cell in row[1:])]
        yield f'<tr class="{result.status.value}">'
        yield "".join(f"<td>{cell}</td>" for cell in cells)
        yield "</tr>\n"
    yield "</tbody>\n</table>\n"


def _section(index: int, r: RunResult) -> Iterator[str]:
    status = r.status.value
    yield f'<section id="{anchor(index, r)}">\n'
    yield f'<h2>{_e(r.id)}: {_e(r.title)} <span class="{status}">[{status}]</span></h2>\n'
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
    yield from _timeline(r)
    yield '<p><a href="#top">back to the summary</a></p>\n</section>\n'


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


def _timeline(r: RunResult) -> Iterator[str]:
    """Transcript lines and event records by virtual time (at a tie, the transcript first)."""
    rows: list[tuple[float, int, int, str]] = []
    for order, line in enumerate(r.transcript):
        rows.append((line.at, 0, order, _line_row(line)))
    for order, record in enumerate(r.events):
        rows.append((_event_seconds(record), 1, order, _event_row(record)))
    yield f"<h3>Timeline ({len(r.transcript)} transcript lines, {len(r.events)} events)</h3>\n"
    yield '<table class="timeline">\n<thead><tr><th>time</th><th>kind</th><th>event ID</th>'
    yield "<th>source</th><th>text</th><th>verdict</th></tr></thead>\n<tbody>\n"
    yield "".join(row for *_, row in sorted(rows, key=lambda item: item[:3]))
    yield "</tbody>\n</table>\n"


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


def _event_row(record: EventRecord) -> str:
    kind = record.type.value
    return (
        f'<tr class="event {_e(kind)}"><td>t={format_virtual(_event_seconds(record))}</td>'
        f'<td class="kind">{_e(kind)}</td><td>{record.event_id}</td>'
        f'<td>{_e(record.source)}</td><td class="text">{_e(record.description)}</td>'
        "<td></td></tr>\n"
    )
