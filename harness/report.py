"""Reports of scenario runs as plain strings: summary, transcript, JSON, JUnit XML.

Only ``harness/commands`` uses rich; everything here returns text, sorted and
stamped with virtual times only, so the same seed gives the same bytes
(STYLE.md §5, §11). The one exception is JUnit's ``time=``, the CPU seconds a
scenario took, which CI servers show and which is measured.

The JSON report (documented in docs/scenarios.md)::

    {"scenarios": [{"id", "file", "cause", "status": "passed" | "failed" | "error",
                    "diagnosis": [cause ids, best first], "expected_diagnosis": [...],
                    "seed", "fixed", "verified", "conserved", "messages",
                    "virtual_seconds", "failures": [...]}, ...],
     "summary": {"total", "passed", "failed", "error"},
     "run": {"seed": the --seed given or null, "shard": "K/N" or null}}

Each scenario also carries its ``transcript`` (``{"at", "phase", "text", "ok",
"line"}`` objects) and the ``fixes`` applied, so that ``ccsim report merge`` can
write the JUnit and HTML reports from JSON alone.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any
from xml.etree import ElementTree as ET

from harness.diagnosis import Finding
from harness.runner import Line, RunResult, Status

__all__ = [
    "SUMMARY_COLUMNS",
    "format_virtual",
    "junit_xml",
    "line_from_json",
    "line_json",
    "plain_table",
    "render_json",
    "render_junit",
    "render_summary",
    "render_transcript",
    "result_from_json",
    "result_json",
    "summary_rows",
    "transcript_text",
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
    return transcript_text(result_json(result))


def line_json(line: Line) -> dict[str, Any]:
    """One transcript line as the JSON report holds it."""
    return {
        "at": line.at,
        "phase": line.phase,
        "text": line.text,
        "ok": line.ok,
        "line": line.source_line,
    }


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
        "fixes": list(result.fixes),
        "verified": result.verified,
        "conserved": result.conserved,
        "messages": result.messages,
        "virtual_seconds": result.virtual_seconds,
        "failures": list(result.failures),
        "transcript": [line_json(line) for line in result.transcript],
    }


def render_json(
    results: Sequence[RunResult],
    *,
    seed: int | None = None,
    shard: str | None = None,
    interrupted: str | None = None,
) -> str:
    """The documented JSON report, keys sorted, scenarios by id.

    ``run`` says how the scenarios were run: the ``--seed`` given (None: each
    file's own) and the shard (``"K/N"``, None for all), so that ``ccsim report
    merge`` can refuse shards of different seeds and count missing ones. A run that
    was stopped has an ``interrupted`` key ("interrupted after 6 of 31").
    """
    ordered = sorted(results, key=lambda r: (r.id, r.file))
    data: dict[str, object] = {
        "run": {"seed": seed, "shard": shard},
        "scenarios": [result_json(r) for r in ordered],
        "summary": counts(results),
    }
    if interrupted is not None:
        data["interrupted"] = interrupted
    return json.dumps(data, sort_keys=True, indent=2) + "\n"


def render_junit(results: Sequence[RunResult], *, interrupted: str | None = None) -> str:
    """JUnit XML (one testcase per scenario) for CI servers.

    ``time=`` is the CPU seconds each scenario took (measured: the one value in the
    reports that differs from run to run); the failing expectation is the message.
    A run that was stopped has an ``interrupted`` property.
    """
    ordered = sorted(results, key=lambda r: (r.id, r.file))
    times = {(r.id, r.file): r.cpu_seconds for r in ordered}
    return junit_xml([result_json(r) for r in ordered], times, interrupted=interrupted)


def transcript_text(scenario: Mapping[str, Any]) -> str:
    """``render_transcript`` of a JSON report's scenario object."""
    head = (
        f"{scenario['id']}: {scenario.get('title', '')} [{scenario['status']}] "
        f"(seed {scenario.get('seed', '-')})"
    )
    body = [line_from_json(item).render() for item in scenario.get("transcript", ())]
    tail = [f"FAILED {f}" for f in scenario.get("failures", ())]
    return "\n".join([head, *body, *tail]) + "\n"


def line_from_json(item: Mapping[str, Any]) -> Line:
    """A transcript line of the JSON report back as a :class:`Line`."""
    return Line(item["at"], item["phase"], item["text"], item["ok"], item["line"])


def junit_xml(
    scenarios: Sequence[Mapping[str, Any]],
    times: Mapping[tuple[str, str], float] | None = None,
    *,
    interrupted: str | None = None,
) -> str:
    """JUnit XML of the JSON report's scenario objects; ``times``: CPU seconds by (id, file)."""
    statuses = [s["status"] for s in scenarios]
    timed = {key: round(value, 3) for key, value in (times or {}).items()}
    total = sum(timed.get((s["id"], s["file"]), 0.0) for s in scenarios)  # as the cases show
    attrs = {
        "name": "ccsim",
        "tests": str(len(statuses)),
        "failures": str(statuses.count("failed")),
        "errors": str(statuses.count("error")),
        "skipped": "0",
    }
    if times is not None:
        attrs["time"] = f"{total:.3f}"
    suite = ET.Element("testsuite", attrs)
    if interrupted is not None:
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", {"name": "interrupted", "value": interrupted})
    for s in scenarios:
        case_attrs = {
            "classname": f"ccsim.{s.get('cause', '')}",
            "name": s["id"],
            "file": s["file"],
        }
        key = (s["id"], s["file"])
        if key in timed:
            case_attrs["time"] = f"{timed[key]:.3f}"
        case = ET.SubElement(suite, "testcase", case_attrs)
        transcript = transcript_text(s)
        if s["status"] != Status.PASSED.value:
            tag = "failure" if s["status"] == Status.FAILED.value else "error"
            failures = s.get("failures") or [s["status"]]
            element = ET.SubElement(case, tag, {"message": failures[0]})
            element.text = transcript
        ET.SubElement(case, "system-out").text = transcript
    ET.indent(suite)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suite, encoding="unicode") + "\n"
    )


def result_from_json(item: Mapping[str, Any]) -> RunResult:
    """A JSON report's scenario object as a RunResult, for the HTML report of a merge.

    The JSON report holds no event records or queue samples, so those are empty.
    """
    findings = tuple(
        Finding(f["cause"], f["score"], tuple(f["evidence"]), f["article"], f["fix"], f["confirm"])
        for f in item["findings"]
    )
    return RunResult(
        id=item["id"],
        title=item["title"],
        file=item["file"],
        cause=item["cause"],
        seed=item["seed"],
        status=Status(item["status"]),
        diagnosis=findings,
        transcript=tuple(line_from_json(line) for line in item["transcript"]),
        failures=tuple(item["failures"]),
        fixed=item["fixed"],
        verified=item["verified"],
        conserved=item["conserved"],
        messages=item["messages"],
        virtual_seconds=item["virtual_seconds"],
        expected_diagnosis=tuple(item["expected_diagnosis"]),
        fixes=tuple(item["fixes"]),
    )
