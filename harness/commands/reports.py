"""``ccsim report merge A.json B.json ... -o merged.json``: shard reports made one.

CI runs the catalogue as shards (``ccsim run --shard K/N --json ...``, see
docs/ci.md); the merge job turns their JSON reports back into the report a
single ``ccsim run --json`` of every scenario gives, byte for byte: scenarios
sorted by ``(id, file)``, the summary counted again, keys sorted, indent 2
(``harness.report.render_json``; tests/harness/test_reports.py holds the two
together).

Refused, with exit 2 and one line on stderr naming the file: a file that cannot
be read, is not UTF-8 JSON, or is not a report (``scenarios`` list and
``summary`` object, each scenario with a string ``id``, ``file`` and a known
``status``, a summary that matches its scenarios); and a scenario id found in
more than one input (shards never overlap, so an overlap means a file was
given twice or came from another run).

Only ``json`` is imported here, so the merge starts fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import typer

__all__ = [
    "STATUSES",
    "MergeError",
    "ShardReport",
    "merge_reports",
    "parse_report",
    "read_report",
    "register",
]

#: the scenario statuses of the JSON report (harness.runner.Status)
STATUSES = ("passed", "failed", "error")
_SUMMARY_KEYS = ("total", *STATUSES)


class MergeError(ValueError):
    """A report that cannot be merged; ``str()`` is one line naming the file."""


@dataclass(frozen=True, slots=True)
class ShardReport:
    """One parsed JSON report: where it came from and its scenario objects, as read."""

    name: str
    scenarios: tuple[dict[str, Any], ...]


def _summary(scenarios: Iterable[dict[str, Any]]) -> dict[str, int]:
    """``{"total", "passed", "failed", "error"}`` as ``harness.report.counts`` makes it."""
    statuses = [s["status"] for s in scenarios]
    return {"total": len(statuses), **{k: statuses.count(k) for k in STATUSES}}


def _check_scenario(name: str, index: int, item: object) -> dict[str, Any]:
    where = f"{name}: scenarios[{index}]"
    if not isinstance(item, dict):
        raise MergeError(f"{where}: expected an object, found {type(item).__name__}")
    for key in ("id", "file", "status"):
        if not isinstance(item.get(key), str):
            raise MergeError(f"{where}: {key!r} missing or not a string")
    if item["status"] not in STATUSES:
        raise MergeError(f"{where}: unknown status {item['status']!r} (one of {STATUSES})")
    return item


def _check_summary(name: str, summary: object, scenarios: Sequence[dict[str, Any]]) -> None:
    if not isinstance(summary, dict) or sorted(summary) != sorted(_SUMMARY_KEYS):
        raise MergeError(
            f"{name}: 'summary' must be an object with keys {', '.join(_SUMMARY_KEYS)}"
        )
    expected = _summary(scenarios)
    if summary != expected:
        got = ", ".join(f"{k} {summary[k]}" for k in _SUMMARY_KEYS)
        want = ", ".join(f"{k} {expected[k]}" for k in _SUMMARY_KEYS)
        raise MergeError(f"{name}: summary says {got} but the scenarios give {want}")


def parse_report(text: str, *, name: str) -> ShardReport:
    """A JSON report from its text; MergeError naming ``name`` if it is not one."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MergeError(f"{name}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from None
    except RecursionError:
        raise MergeError(f"{name}: not a ccsim report (nested too deeply)") from None
    if not isinstance(data, dict) or sorted(data) != ["scenarios", "summary"]:
        raise MergeError(f"{name}: not a ccsim report (expected keys 'scenarios' and 'summary')")
    items = data["scenarios"]
    if not isinstance(items, list):
        raise MergeError(f"{name}: 'scenarios' must be a list")
    scenarios = [_check_scenario(name, i, item) for i, item in enumerate(items)]
    _check_summary(name, data["summary"], scenarios)
    seen: set[tuple[str, str]] = set()
    for s in scenarios:
        key = (s["id"], s["file"])
        if key in seen:
            raise MergeError(f"{name}: scenario {s['id']!r} ({s['file']}) listed twice")
        seen.add(key)
    return ShardReport(name, tuple(scenarios))


def merge_reports(reports: Sequence[ShardReport]) -> str:
    """The single-run JSON report of every scenario the shard reports hold."""
    owner: dict[str, str] = {}
    merged: list[dict[str, Any]] = []
    for report in reports:
        ids = {s["id"] for s in report.scenarios}
        for ident in sorted(ids):
            if ident in owner:
                raise MergeError(
                    f"{report.name}: scenario {ident!r} is also in {owner[ident]} "
                    "(shard reports must not overlap)"
                )
        owner.update(dict.fromkeys(ids, report.name))
        merged.extend(report.scenarios)
    merged.sort(key=lambda s: (s["id"], s["file"]))
    data = {"scenarios": merged, "summary": _summary(merged)}
    return json.dumps(data, sort_keys=True, indent=2) + "\n"


def read_report(path: Path) -> ShardReport:
    """Read and parse one report file; MergeError for an unreadable or undecodable file."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise MergeError(f"{path}: no such file") from None
    except OSError as exc:
        raise MergeError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MergeError(f"{path}: not UTF-8 (byte {exc.start})") from None
    return parse_report(text, name=str(path))


def _register_merge(group: typer.Typer) -> None:
    import typer

    @group.command("merge")
    def merge_command(
        files: list[Path] = typer.Argument(..., help="JSON reports of `ccsim run --json`."),
        output: Path | None = typer.Option(
            None, "-o", "--output", help="Write the merged report here (default: stdout)."
        ),
    ) -> None:
        """Merge shard JSON reports into the report one run of all scenarios gives."""
        try:
            text = merge_reports([read_report(p) for p in files])
        except MergeError as exc:
            typer.echo(f"ccsim report merge: {exc}", err=True)
            raise typer.Exit(2) from None
        if output is None:
            sys.stdout.write(text)
        else:
            try:
                output.write_text(text, encoding="utf-8")
            except OSError as exc:
                typer.echo(f"ccsim report merge: {output}: cannot write: {exc.strerror}", err=True)
                raise typer.Exit(2) from None
        total = json.loads(text)["summary"]
        counted = ", ".join(f"{total[k]} {k}" for k in STATUSES)
        typer.echo(
            f"merged {len(files)} report(s): {total['total']} scenarios ({counted})", err=True
        )


def register(app: typer.Typer) -> None:
    """Add ``ccsim report merge`` to the ``ccsim`` application."""
    import typer

    group = typer.Typer(
        name="report", help="Work with JSON reports of `ccsim run`.", no_args_is_help=True
    )
    _register_merge(group)
    app.add_typer(group, name="report")
