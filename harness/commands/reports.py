"""``ccsim report merge A.json B.json ... -o merged.json``: shard reports made one.

``--junit`` and ``--html`` write those reports of the merged run as well, from
the JSON alone; the shards' JUnit files, given as inputs too (``*.xml``), lend
their CPU times (``time=``), the one measured value, which the deterministic
JSON report does not carry.

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
given twice or came from another run); shards run with different ``--seed``
values; shards of different splits (``1/3`` and ``2/4``). Merging only some
shards of a split is allowed, with a warning on stderr (``2 of 3 shards``).

Only ``json`` is imported here, so the merge starts fast; the JUnit and HTML
renderers are imported when asked for.
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
    "shard_warning",
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
    #: the ``--seed`` of the run (None: each file's own)
    seed: int | None = None
    #: ``(K, N)`` for shard K of N, None for a run of everything
    shard: tuple[int, int] | None = None


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
    if isinstance(data, dict) and "interrupted" in data:
        note = str(data["interrupted"])[:60]
        raise MergeError(f"{name}: the report of a run that was stopped ({note}): run it again")
    if not isinstance(data, dict) or sorted(set(data) - {"run"}) != ["scenarios", "summary"]:
        raise MergeError(f"{name}: not a ccsim report (expected keys 'scenarios' and 'summary')")
    seed, shard = _check_run(name, data.get("run", {"seed": None, "shard": None}))
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
    return ShardReport(name, tuple(scenarios), seed, shard)


def _check_run(name: str, run: object) -> tuple[int | None, tuple[int, int] | None]:
    """The ``run`` object: ``seed`` a whole number or null, ``shard`` "K/N" or null."""
    if not isinstance(run, dict) or sorted(run) != ["seed", "shard"]:
        raise MergeError(f"{name}: 'run' must be an object with keys seed, shard")
    seed, shard = run["seed"], run["shard"]
    if seed is not None and (type(seed) is not int or not 0 <= seed < 2**32):
        raise MergeError(f"{name}: run seed {seed!r} is not a seed (0 to {2**32 - 1} or null)")
    if shard is None:
        return seed, None
    k, _, n = shard.partition("/") if isinstance(shard, str) else ("", "", "")
    if not (k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        raise MergeError(f"{name}: run shard {shard!r} is not K/N (1 <= K <= N) or null")
    return seed, (int(k), int(n))


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
    data = {
        "run": {"seed": _common_seed(reports), "shard": None},
        "scenarios": merged,
        "summary": _summary(merged),
    }
    return json.dumps(data, sort_keys=True, indent=2) + "\n"


def _common_seed(reports: Sequence[ShardReport]) -> int | None:
    """The one ``--seed`` of every report; MergeError naming two that differ."""
    if not reports:
        return None
    first = reports[0]
    for report in reports[1:]:
        if report.seed != first.seed:
            raise MergeError(
                f"{report.name}: run with {_seed_text(report.seed)} but {first.name} with "
                f"{_seed_text(first.seed)} (the shards of one run share a seed)"
            )
    return first.seed


def _seed_text(seed: int | None) -> str:
    return "each file's own seed" if seed is None else f"--seed {seed}"


def shard_warning(reports: Sequence[ShardReport]) -> str | None:
    """``2 of 3 shards (missing 3/3)`` when the reports are not a whole split, else None.

    MergeError when they come from different splits (``1/3`` and ``2/4``), or when
    a run of everything is merged with shards.
    """
    shards = [(r.name, r.shard) for r in reports]
    if all(shard is None for _, shard in shards):
        return None
    counts = {shard[1] if shard else None for _, shard in shards}
    if len(counts) > 1:
        split = {shard[1] if shard else None: name for name, shard in shards}
        (a, first), (b, second) = sorted(split.items(), key=str)[:2]
        raise MergeError(
            f"{second}: {_split_text(b)} but {first} is {_split_text(a)} (one split per merge)"
        )
    n = counts.pop() or 1
    have = {shard[0] for _, shard in shards if shard}
    missing = [f"{k}/{n}" for k in range(1, n + 1) if k not in have]
    if not missing:
        return None
    return f"{len(have)} of {n} shards (missing {', '.join(missing)})"


def _split_text(n: int | None) -> str:
    return "a run of every scenario" if n is None else f"a shard of {n}"


def read_report(path: Path) -> ShardReport:
    """Read and parse one report file; MergeError for an unreadable or undecodable file."""
    from harness.commands.report_files import read_bytes

    raw = read_bytes(path, limit=256 * 2**20)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MergeError(f"{path}: not UTF-8 (byte {exc.start})") from None
    return parse_report(text, name=str(path))


@dataclass(frozen=True, slots=True)
class _Merge:
    """What a merge writes: the JSON report, the JUnit/HTML ones by path, a warning."""

    text: str
    reports: int
    extra: dict[Path, str]
    warning: str | None


def _merged(files: Sequence[Path], junit: Path | None, html: Path | None) -> _Merge:
    """The merged reports; MergeError for bad inputs."""
    from harness.commands.report_files import check_complete, read_times

    reports = [read_report(p) for p in files if p.suffix.lower() != ".xml"]
    times: dict[tuple[str, str], float] = {}
    for p in files:
        if p.suffix.lower() == ".xml":
            times.update(read_times(p))
    if not reports:
        raise MergeError("no JSON report among the inputs (the .xml files only lend times)")
    warning = shard_warning(reports)  # first: another split also overlaps
    merge = _Merge(merge_reports(reports), len(reports), {}, warning)
    if junit is None and html is None:
        return merge
    for report in reports:
        check_complete(report)
    scenarios = json.loads(merge.text)["scenarios"]
    if junit is not None:
        from harness.report import junit_xml

        known = {(s["id"], s["file"]) for s in scenarios}
        merge.extra[junit] = junit_xml(scenarios, times if known <= set(times) else None)
    if html is not None:
        from harness.html import render_html
        from harness.report import result_from_json

        merge.extra[html] = render_html([result_from_json(s) for s in scenarios], merged=True)
    return merge


def _register_merge(group: typer.Typer) -> None:
    import typer

    @group.command("merge")
    def merge_command(
        files: list[Path] = typer.Argument(
            ..., help="JSON reports of `ccsim run --json` (and their --junit files, for times)."
        ),
        output: Path | None = typer.Option(
            None, "-o", "--output", help="Write the merged report here (default: stdout)."
        ),
        junit: Path | None = typer.Option(None, "--junit", help="Write JUnit XML here too."),
        html: Path | None = typer.Option(None, "--html", help="Write the HTML report here too."),
    ) -> None:
        """Merge shard JSON reports into the report one run of all scenarios gives."""
        targets = [t for t in (output, junit, html) if t is not None]
        try:
            for target in targets:
                if target.resolve() in {f.resolve() for f in files}:
                    raise MergeError(f"{target}: is an input; a report never overwrites one")
            merge = _merged(files, junit, html)
        except MergeError as exc:
            typer.echo(f"ccsim report merge: {exc}", err=True)
            raise typer.Exit(2) from None
        if output is None:
            sys.stdout.write(merge.text)
        written = {output: merge.text} if output is not None else {}
        for destination, body in {**written, **merge.extra}.items():
            try:
                destination.write_text(body, encoding="utf-8")
            except OSError as exc:
                typer.echo(
                    f"ccsim report merge: {destination}: cannot write: {exc.strerror}", err=True
                )
                raise typer.Exit(2) from None
        if merge.warning is not None:
            typer.echo(f"ccsim report merge: warning: {merge.warning}", err=True)
        total = json.loads(merge.text)["summary"]
        counted = ", ".join(f"{total[k]} {k}" for k in STATUSES)
        typer.echo(
            f"merged {merge.reports} report(s): {total['total']} scenarios ({counted})", err=True
        )


def register(app: typer.Typer) -> None:
    """Add ``ccsim report merge`` to the ``ccsim`` application."""
    import typer

    group = typer.Typer(
        name="report", help="Work with JSON reports of `ccsim run`.", no_args_is_help=True
    )
    _register_merge(group)
    app.add_typer(group, name="report")
