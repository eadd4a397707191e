"""Reports of scenario runs as plain strings: summary, transcript, JSON, JUnit XML.

Only ``harness/commands`` uses rich; everything here returns text, sorted and
stamped with virtual times only, so the same seed gives the same bytes
(STYLE.md §5, §11).

The JSON report (documented in docs/scenarios.md)::

    {"scenarios": [{"id", "file", "cause", "status": "passed" | "failed" | "error",
                    "diagnosis": [cause ids, best first], "expected_diagnosis": [...],
                    "seed", "fixed", "verified", "conserved", "messages",
                    "virtual_seconds", "failures": [...]}, ...],
     "summary": {"total", "passed", "failed", "error"}}
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from xml.etree import ElementTree as ET

from harness.runner import RunResult, Status

__all__ = [
    "SUMMARY_COLUMNS",
    "format_virtual",
    "plain_table",
    "render_json",
    "render_junit",
    "render_summary",
    "render_transcript",
    "result_json",
    "summary_rows",
]

SUMMARY_COLUMNS = (
    "scenario",
    "status",
    "cause",
    "diagnosis",
    "fix",
    "verified",
    "conserved",
    "seed",
    "virtual time",
)


def format_virtual(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole // 60 % 60:02d}:{whole % 60:02d}"


def _mark(flag: bool) -> str:
    return "yes" if flag else "NO"


def summary_rows(results: Sequence[RunResult]) -> list[tuple[str, ...]]:
    """One row per scenario, in the order of SUMMARY_COLUMNS."""
    rows: list[tuple[str, ...]] = []
    for r in results:
        top = r.diagnosis[0].cause if r.diagnosis else "-"
        fix = ", ".join(r.fixes) or "-"
        rows.append(
            (
                r.id,
                r.status.value,
                r.cause,
                top,
                fix,
                _mark(r.verified),
                _mark(r.conserved),
                str(r.seed),
                format_virtual(r.virtual_seconds),
            )
        )
    return rows


def counts(results: Sequence[RunResult]) -> dict[str, int]:
    return {
        "total": len(results),
        "passed": sum(r.status is Status.PASSED for r in results),
        "failed": sum(r.status is Status.FAILED for r in results),
        "error": sum(r.status is Status.ERROR for r in results),
    }


def plain_table(rows: Sequence[Sequence[str]]) -> str:
    """Columns padded with spaces, a rule under the first row (for logs and pipes)."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def render_summary(results: Sequence[RunResult]) -> str:
    """A plain-text table (for logs and pipes) and a closing count line."""
    lines = plain_table([SUMMARY_COLUMNS, *summary_rows(results)]).splitlines()
    c = counts(results)
    lines.append(f"{c['passed']} passed, {c['failed']} failed, {c['error']} error")
    return "\n".join(lines) + "\n"


def render_transcript(result: RunResult) -> str:
    """What happened, line by line, with the failures last."""
    head = f"{result.id}: {result.title} [{result.status.value}] (seed {result.seed})"
    body = [line.render() for line in result.transcript]
    tail = [f"FAILED {f}" for f in result.failures]
    return "\n".join([head, *body, *tail]) + "\n"


def result_json(result: RunResult) -> dict[str, Any]:
    return {
        "id": result.id,
        "title": result.title,
        "file": result.file,
        "cause": result.cause,
        "status": result.status.value,
        "diagnosis": [f.cause for f in result.diagnosis],
        "expected_diagnosis": list(result.expected_diagnosis),
        "findings": [f.as_json() for f in result.diagnosis],
        "seed": result.seed,
        "fixed": result.fixed,
        "verified": result.verified,
        "conserved": result.conserved,
        "messages": result.messages,
        "virtual_seconds": result.virtual_seconds,
        "failures": list(result.failures),
    }


def render_json(results: Sequence[RunResult]) -> str:
    """The documented JSON report, keys sorted, scenarios by id."""
    ordered = sorted(results, key=lambda r: (r.id, r.file))
    data = {"scenarios": [result_json(r) for r in ordered], "summary": counts(results)}
    return json.dumps(data, sort_keys=True, indent=2) + "\n"


def render_junit(results: Sequence[RunResult]) -> str:
    """JUnit XML (one testcase per scenario) for CI servers; times are virtual seconds."""
    c = counts(results)
    suite = ET.Element(
        "testsuite",
        {
            "name": "ccsim",
            "tests": str(c["total"]),
            "failures": str(c["failed"]),
            "errors": str(c["error"]),
            "skipped": "0",
        },
    )
    for r in sorted(results, key=lambda r: (r.id, r.file)):
        case = ET.SubElement(
            suite, "testcase", {"classname": f"ccsim.{r.cause}", "name": r.id, "file": r.file}
        )
        if r.status is not Status.PASSED:
            tag = "failure" if r.status is Status.FAILED else "error"
            first = r.failures[0] if r.failures else r.status.value
            element = ET.SubElement(case, tag, {"message": first})
            element.text = render_transcript(r)
        ET.SubElement(case, "system-out").text = render_transcript(r)
    ET.indent(suite)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suite, encoding="unicode") + "\n"
    )
