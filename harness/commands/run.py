"""``ccsim run``: reproduce, diagnose, fix and verify the selected scenarios.

Exit codes (harness.cli.ExitCode): 0 every selected scenario passed, 1 a
scenario failed, 2 usage error or an invalid scenario file (the valid files of
the selection still run; the invalid one is an ``error`` in the table and the
reports), 3 internal error (a scenario that raised inside the harness).

pytest's habits: ``-x`` stops at the first scenario that does not pass, ``-q``
prints the summary line only, ``-v`` says what failed, ``--lf`` runs only the
scenarios that did not pass last time (``harness.lastfailed``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from harness.commands.catalogue import SEED_LIMIT, _fail_usage

if TYPE_CHECKING:
    import typer

    from harness.errors import ScenarioError
    from harness.model import Scenario
    from harness.runner import RunResult

__all__ = ["TABLE_PRIORITY", "exit_code", "register_run", "suite_title"]

#: the columns of the results table, most important first: at a narrow terminal
#: the last ones are dropped, never the scenario id or its status
TABLE_PRIORITY = (
    "scenario",
    "status",
    "diagnosis",
    "cause",
    "verified",
    "conserved",
    "fix",
    "virtual time",
    "seed",
)


def _run_all(
    selection: list[tuple[Path, Scenario]],
    seed: int | None,
    *,
    exitfirst: bool = False,
    verbosity: int = 0,
) -> tuple[list[RunResult], KeyboardInterrupt | None]:
    """Run the selection in order; ``exitfirst`` stops after the first scenario that
    does not pass. Below verbosity 0 no line per scenario is printed; above it the
    failures of each scenario that did not pass follow its line. Ctrl-C (or SIGTERM)
    stops the run: the scenarios that finished are returned with the interrupt."""
    from rich.console import Console
    from rich.progress import Progress

    from harness.runner import run
    from harness.selection import display_name

    results: list[RunResult] = []
    console = Console(stderr=True)
    try:
        if console.is_terminal:
            with Progress(console=console, transient=True) as progress:
                task = progress.add_task("scenarios", total=len(selection))
                for path, scenario in selection:
                    progress.update(task, description=scenario.id)
                    results.append(run(scenario, file=display_name(path), seed=seed, source=path))
                    progress.advance(task)
                    _progress_line(results[-1], verbosity)
                    if exitfirst and not results[-1].passed:
                        break
            return results, None
        for path, scenario in selection:
            result = run(scenario, file=display_name(path), seed=seed, source=path)
            results.append(result)
            if verbosity >= 0:
                print(f"{result.status.value:<6} {result.id}", file=sys.stderr)
            _progress_line(result, verbosity)
            if exitfirst and not result.passed:
                break
    except KeyboardInterrupt as exc:
        return results, exc
    return results, None


def _progress_line(result: RunResult, verbosity: int) -> None:
    """With -v, what failed in a scenario that did not pass, under its line."""
    if verbosity <= 0 or result.passed:
        return
    lines = [f"  {result.id}: {failure}" for failure in result.failures] or [
        f"  {result.id}: {result.status.value}"
    ]
    for line in lines:
        print(line, file=sys.stderr)


def suite_title(paths: list[Path]) -> str:
    """The table's title: what was run (the built-in catalogue, or the paths given)."""
    from harness.selection import CATALOGUE_ALIAS

    if not paths:
        return "ccsim: the built-in catalogue"
    names = ["the built-in catalogue" if str(p) == CATALOGUE_ALIAS else str(p) for p in paths]
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return f"ccsim: {shown}"


def _summary_line(results: list[RunResult], invalid: int) -> str:
    from harness.report import counts

    c = counts(results)
    line = f"{c['passed']} passed, {c['failed']} failed, {c['error']} error"
    return line + (f" ({invalid} invalid file{'s' if invalid != 1 else ''})" if invalid else "")


def _print_table(
    results: list[RunResult], *, title: str, invalid: int = 0, quiet: bool = False
) -> None:
    from rich.console import Console

    from harness.report import render_summary

    console = Console()
    if quiet:
        sys.stdout.write(_summary_line(results, invalid) + "\n")
        return
    if not console.is_terminal:
        text = render_summary(results)
        sys.stdout.write(text.rsplit("\n", 2)[0] + "\n" + _summary_line(results, invalid) + "\n")
        return
    console.print(_table(results, title, console.width))
    console.print(_summary_line(results, invalid))


def _table(results: list[RunResult], title: str, width: int) -> object:
    """The rich table: columns dropped from the least important until it fits ``width``;
    the scenario id is never cut (only a terminal narrower than the id folds it)."""
    from rich.console import Console
    from rich.measure import Measurement
    from rich.table import Table

    from harness.report import SUMMARY_COLUMNS, summary_rows

    rows = summary_rows(results)
    widths = {"scenario": max(len(r[0]) for r in rows), "status": len("passed")}
    shown = list(TABLE_PRIORITY)
    measure = Console(width=10_000)
    while True:
        table = Table(title=title)
        for column in (c for c in SUMMARY_COLUMNS if c in shown):
            wide = column in ("scenario", "status")
            table.add_column(column, overflow="fold", min_width=widths[column] if wide else None)
        keep = [SUMMARY_COLUMNS.index(c) for c in SUMMARY_COLUMNS if c in shown]
        for row, result in zip(rows, results, strict=True):
            style = "green" if result.passed else "red"
            table.add_row(*(row[i] for i in keep), style=style)
        needed = Measurement.get(measure, measure.options, table).maximum
        if needed <= width or len(shown) <= 2:
            return table
        shown.pop()


def _write_reports(
    results: list[RunResult],
    options: dict[str, Path | None],
    *,
    quiet: bool = False,
    seed: int | None = None,
    shard: str | None = None,
    interrupted: str | None = None,
) -> None:
    """The report files, each written whole or not at all; then, unless ``quiet``,
    the transcript of each failure. ``interrupted`` ("interrupted after 6 of 31")
    marks the reports of a run that was stopped."""
    import importlib

    from harness.report import render_json, render_junit, render_transcript
    from sim.fsutil import atomic_write_bytes

    for kind, target in options.items():
        if target is None:
            continue
        if kind == "html":
            render_html = importlib.import_module("harness.html").render_html
            text = render_html(results, interrupted=interrupted)
        elif kind == "json":
            text = render_json(results, seed=seed, shard=shard, interrupted=interrupted)
        else:
            text = render_junit(results, interrupted=interrupted)
        atomic_write_bytes(target, text.encode("utf-8"))
    for result in results:
        if not result.passed and not quiet:
            sys.stdout.write("\n" + render_transcript(result))


def _check_outputs(reports: dict[str, Path | None], inputs: list[Path]) -> None:
    """Refuse, before anything runs, a report path that cannot be written, that is an
    input of this run (a scenario file), or that another report also names."""
    from harness.outputs import output_problem

    written: list[Path] = []
    for kind, target in reports.items():
        if target is None:
            continue
        problem = output_problem(target, [*inputs, *written])
        if problem is not None:
            _fail_usage(f"cannot write a report (--{kind}): {problem}")
        written.append(target)


def _stop(stop: KeyboardInterrupt, interrupted: str) -> None:
    """One line, then exit 130 (Ctrl-C) or 143 (SIGTERM) without the CLI's own line."""
    from harness.cli import ExitCode, Terminated

    terminated = isinstance(stop, Terminated)
    word = "terminated" if terminated else "interrupted"
    print(f"ccsim: {word}{interrupted.removeprefix('interrupted')} scenarios", file=sys.stderr)
    raise SystemExit(ExitCode.TERMINATED if terminated else ExitCode.INTERRUPTED)


def _select(
    paths: list[Path], keyword: str | None, shard_text: str | None
) -> tuple[list[tuple[Path, Scenario]], list[tuple[Path, ScenarioError]]]:
    """The selection and the files that did not load; exit 2 on a usage error."""
    from harness.errors import ScenarioError
    from harness.selection import SelectionError, load_selection

    invalid: list[tuple[Path, ScenarioError]] = []
    try:
        selection = load_selection(paths, keyword, shard_text, invalid=invalid)
    except (ScenarioError, SelectionError) as exc:
        _fail_usage(str(exc))
    for _, error in invalid:
        lines = error.lines() if hasattr(error, "lines") else [str(error)]
        print("\n".join(f"ccsim: {line}" for line in lines), file=sys.stderr)
    return selection, invalid


def _last_failed(
    selection: list[tuple[Path, Scenario]], quiet: bool
) -> list[tuple[Path, Scenario]]:
    """``--lf``: the scenarios that did not pass last time, else all (as pytest does)."""
    from harness.lastfailed import read_last_failed

    failed, warning = read_last_failed()
    if warning:
        print(f"ccsim: warning: {warning}", file=sys.stderr)
    chosen = [(p, s) for p, s in selection if s.id in failed]
    if not quiet:
        if chosen:
            note = f"run {len(chosen)} of {len(selection)} scenarios (failed last time)"
        else:
            note = f"no previously failed scenarios; running all {len(selection)}"
        print(f"ccsim: --lf: {note}", file=sys.stderr)
    return chosen or selection


def _remember(results: list[RunResult], invalid: list[str]) -> None:
    from harness.lastfailed import update_last_failed

    passed = [r.id for r in results if r.passed]
    failed = [r.id for r in results if not r.passed] + invalid
    warning = update_last_failed(passed, failed)
    if warning:
        print(f"ccsim: warning: {warning}", file=sys.stderr)


def register_run(app: typer.Typer) -> None:
    import typer

    @app.command("run")
    def run_command(
        paths: list[Path] = typer.Argument(
            None,
            help="Scenario files or folders; @catalogue is the built-in catalogue "
            "(default: the built-in catalogue).",
        ),
        seed: int | None = typer.Option(
            None, "--seed", help="Seed for every scenario (default: each file's seed, else 0)."
        ),
        keyword: str | None = typer.Option(
            None, "-k", help="Select by id, cause, tag or title: 'dirsync and not netware'."
        ),
        json_file: Path | None = typer.Option(None, "--json", help="Write the JSON report here."),
        junit_file: Path | None = typer.Option(
            None, "--junit", help="Write a JUnit XML report here."
        ),
        html_file: Path | None = typer.Option(
            None, "--html", help="Write a self-contained HTML report here."
        ),
        shard_text: str | None = typer.Option(
            None, "--shard", help="Run shard K of N (K/N), balanced by cost."
        ),
        exitfirst: bool = typer.Option(
            False, "-x", "--exitfirst", help="Stop after the first scenario that does not pass."
        ),
        last_failed: bool = typer.Option(
            False,
            "--lf",
            "--last-failed",
            help="Run only the scenarios that did not pass last time (kept in .ccsim_cache/).",
        ),
        verbose: int = typer.Option(
            0, "-v", "--verbose", count=True, help="Say what failed under each failing scenario."
        ),
        quiet: bool = typer.Option(False, "-q", "--quiet", help="Print only the summary line."),
    ) -> None:
        """Reproduce, diagnose, fix and verify every selected scenario."""
        from harness.runner import invalid_result
        from harness.selection import display_name

        given = list(paths or [])
        if seed is not None and not 0 <= seed < SEED_LIMIT:
            _fail_usage(f"--seed {seed}: a seed is a whole number from 0 to {SEED_LIMIT - 1}")
        selection, invalid = _select(given, keyword, shard_text)
        if last_failed and selection:
            selection = _last_failed(selection, quiet)
        if not selection and not invalid:
            _fail_usage("no scenario selected")
        reports = {"json": json_file, "junit": junit_file, "html": html_file}
        _check_outputs(reports, [path for path, _ in [*selection, *invalid]])
        verbosity = -1 if quiet else verbose
        results, stop = _run_all(selection, seed, exitfirst=exitfirst, verbosity=verbosity)
        interrupted = None
        if stop is not None:
            interrupted = f"interrupted after {len(results)} of {len(selection)}"
        bad = [invalid_result(error, display_name(path)) for path, error in invalid]
        results += bad
        if stop is None:
            _remember(results, [r.id for r in bad])
        _print_table(results, title=suite_title(given), invalid=len(bad), quiet=quiet)
        try:
            _write_reports(
                results,
                reports,
                quiet=quiet,
                seed=seed,
                shard=_shard_label(shard_text),
                interrupted=interrupted,
            )
        except OSError as exc:
            _fail_usage(f"cannot write a report: {exc.strerror or exc} ({exc.filename})")
        if stop is not None:
            _stop(stop, interrupted or "")
        raise typer.Exit(exit_code(results, invalid={r.id for r in bad}))


def _shard_label(text: str | None) -> str | None:
    """``--shard`` as the JSON report records it: ``"K/N"`` (validated by the selection)."""
    from harness.selection import parse_shard

    return None if text is None else "{}/{}".format(*parse_shard(text))


def exit_code(results: list[RunResult], *, invalid: set[str] | frozenset[str] = frozenset()) -> int:
    """3 an internal error, 2 an invalid file, 1 a scenario failed, 0 all passed."""
    from harness.runner import Status

    invalid = set(invalid) | {r.id for r in results if r.invalid}
    if any(r.status is Status.ERROR and r.id not in invalid for r in results):
        return 3
    if invalid:
        return 2
    return 0 if all(r.passed for r in results) else 1
