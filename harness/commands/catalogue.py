"""Running scenarios: ``ccsim run``, ``ccsim list``, ``ccsim plan``, ``ccsim show``.

Exit codes of ``ccsim run`` (harness.cli.ExitCode): 0 every selected scenario
passed, 1 a scenario failed, 2 usage error or invalid scenario file, 3 internal
error (a scenario that raised inside the harness).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import typer
    from pydantic import BaseModel

    from harness.model import Scenario
    from harness.runner import RunResult

from harness.selection import load_selection

__all__ = ["SEED_LIMIT", "param_text", "register"]

#: seeds are 32-bit, as in scenario files (``seed:``)
SEED_LIMIT = 2**32


def _fail_usage(message: str) -> None:
    import typer

    typer.echo(f"ccsim: {message}", err=True)
    raise typer.Exit(2)


def _run_all(
    selection: list[tuple[Path, Scenario]],
    seed: int | None,
    *,
    exitfirst: bool = False,
    verbosity: int = 0,
) -> list[RunResult]:
    """Run the selection in order; ``exitfirst`` stops after the first scenario that
    does not pass. Below verbosity 0 no line per scenario is printed; above it the
    failures of each scenario that did not pass follow its line."""
    from rich.console import Console
    from rich.progress import Progress

    from harness.runner import run
    from harness.selection import display_name

    results: list[RunResult] = []
    console = Console(stderr=True)
    if console.is_terminal:
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("scenarios", total=len(selection))
            for path, scenario in selection:
                progress.update(task, description=scenario.id)
                results.append(run(scenario, file=display_name(path), seed=seed))
                progress.advance(task)
                _progress_line(results[-1], verbosity)
                if exitfirst and not results[-1].passed:
                    break
        return results
    for path, scenario in selection:
        result = run(scenario, file=display_name(path), seed=seed)
        results.append(result)
        if verbosity >= 0:
            print(f"{result.status.value:<6} {result.id}", file=sys.stderr)
        _progress_line(result, verbosity)
        if exitfirst and not result.passed:
            break
    return results


def _progress_line(result: RunResult, verbosity: int) -> None:
    """With -v, what failed in a scenario that did not pass, under its line."""
    if verbosity <= 0 or result.passed:
        return
    lines = [f"  {result.id}: {failure}" for failure in result.failures] or [
        f"  {result.id}: {result.status.value}"
    ]
    for line in lines:
        print(line, file=sys.stderr)


def _print_table(results: list[RunResult], *, quiet: bool = False) -> None:
    from rich.console import Console
    from rich.table import Table

    from harness.report import SUMMARY_COLUMNS, counts, render_summary, summary_rows

    console = Console()
    if quiet:
        c = counts(results)
        sys.stdout.write(f"{c['passed']} passed, {c['failed']} failed, {c['error']} error\n")
        return
    if not console.is_terminal:
        sys.stdout.write(render_summary(results))
        return
    table = Table(title="ccsim scenario catalogue")
    for column in SUMMARY_COLUMNS:
        table.add_column(column)
    for row, result in zip(summary_rows(results), results, strict=True):
        style = "green" if result.passed else "red"
        table.add_row(*row, style=style)
    console.print(table)
    c = counts(results)
    console.print(f"{c['passed']} passed, {c['failed']} failed, {c['error']} error")


def _write_reports(
    results: list[RunResult],
    options: dict[str, Path | None],
    *,
    quiet: bool = False,
    seed: int | None = None,
    shard: str | None = None,
) -> None:
    """The report files; then, unless ``quiet``, the transcript of each failure."""
    from harness.report import render_json, render_junit, render_transcript

    for kind, target in options.items():
        if target is None:
            continue
        if kind == "html":
            import importlib

            text = importlib.import_module("harness.html").render_html(results)
        elif kind == "json":
            text = render_json(results, seed=seed, shard=shard)
        else:
            text = render_junit(results)
        target.write_text(text, encoding="utf-8")
    for result in results:
        if not result.passed and not quiet:
            sys.stdout.write("\n" + render_transcript(result))


def _register_run(app: typer.Typer) -> None:
    import typer

    @app.command("run")
    def run_command(
        paths: list[Path] = typer.Argument(
            None, help="Scenario files or folders (default: the built-in catalogue)."
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
        verbose: int = typer.Option(
            0, "-v", "--verbose", count=True, help="Say what failed under each failing scenario."
        ),
        quiet: bool = typer.Option(False, "-q", "--quiet", help="Print only the summary line."),
    ) -> None:
        """Reproduce, diagnose, fix and verify every selected scenario."""
        from harness.errors import ScenarioError, ScenarioErrors
        from harness.selection import SelectionError

        try:
            selection = load_selection(list(paths or []), keyword, shard_text)
        except ScenarioErrors as exc:
            typer.echo("\n".join(exc.lines()), err=True)
            raise typer.Exit(2) from None
        except (ScenarioError, SelectionError) as exc:
            _fail_usage(str(exc))
            return
        if seed is not None and not 0 <= seed < SEED_LIMIT:
            _fail_usage(f"--seed {seed}: a seed is a whole number from 0 to {SEED_LIMIT - 1}")
        if not selection:
            _fail_usage("no scenario selected")
        reports = {"json": json_file, "junit": junit_file, "html": html_file}
        for target in reports.values():
            if target is not None and not target.parent.is_dir():
                _fail_usage(f"cannot write a report to {target}: no folder {target.parent}")
        verbosity = -1 if quiet else verbose
        results = _run_all(selection, seed, exitfirst=exitfirst, verbosity=verbosity)
        _print_table(results, quiet=quiet)
        try:
            _write_reports(results, reports, quiet=quiet, seed=seed, shard=_shard_label(shard_text))
        except OSError as exc:
            _fail_usage(f"cannot write a report: {exc.strerror or exc} ({exc.filename})")
        raise typer.Exit(_exit_code(results))


def _shard_label(text: str | None) -> str | None:
    """``--shard`` as the JSON report records it: ``"K/N"`` (validated by the selection)."""
    from harness.selection import parse_shard

    return None if text is None else "{}/{}".format(*parse_shard(text))


def _exit_code(results: list[RunResult]) -> int:
    from harness.runner import Status

    if any(r.status is Status.ERROR for r in results):
        return 3
    return 0 if all(r.passed for r in results) else 1


def _register_list(app: typer.Typer) -> None:
    import typer

    @app.command("list")
    def list_command(
        what: str = typer.Argument(
            "scenarios", help="scenarios, causes, faults, fixes, rules or events."
        ),
    ) -> None:
        """List the catalogue, or the causes, faults, fixes and rules it is built from."""
        rows = _listing(what)
        if rows is None:
            _fail_usage(
                f"cannot list {what!r}: choose scenarios, causes, faults, fixes, rules or events"
            )
            return
        from rich.console import Console
        from rich.table import Table

        console = Console()
        if not console.is_terminal:
            from harness.report import plain_table

            sys.stdout.write(plain_table(rows))
            return
        table = Table(title=f"ccsim {what}")
        for column in rows[0]:
            table.add_column(column)
        for row in rows[1:]:
            table.add_row(*row)
        console.print(table)


def _listing(what: str) -> list[tuple[str, ...]] | None:
    from harness.loader import import_registries
    from harness.registry import FAULTS, FIXES, RULES

    import_registries()

    if what == "scenarios":
        selection = load_selection([], None, None)
        rows: list[tuple[str, ...]] = [("id", "cause", "articles", "title")]
        rows += [(s.id, s.cause, ", ".join(s.articles), s.title) for _, s in selection]
        return rows
    if what == "causes":
        from harness.causes import CAUSES

        rows = [("#", "cause", "articles", "title")]
        rows += [(str(c.number), c.id, ", ".join(c.articles), c.title) for c in CAUSES.values()]
        return rows
    if what == "events":
        return _event_rows()
    tables: dict[str, Any] = {
        "faults": (
            FAULTS,
            ("fault", "article", "parameters", "summary"),
            lambda s: (s.name, s.article, param_text(s.params), s.summary),
        ),
        "fixes": (
            FIXES,
            ("fix", "cures", "parameters", "summary"),
            lambda s: (s.name, ", ".join(s.cures), param_text(s.params), s.summary),
        ),
        "rules": (
            RULES,
            ("cause", "article", "explains events"),
            lambda s: (s.cause, s.article, ", ".join(map(str, s.explains))),
        ),
    }
    if what not in tables:
        return None
    registry, head, row = tables[what]
    return [head, *(row(spec) for spec in registry.specs())]


def param_text(model: type[BaseModel] | None) -> str:
    """A parameter model as ``name: type = default`` items ("-" when it takes none)."""
    if model is None or not model.model_fields:
        return "-"
    items = []
    for name, info in model.model_fields.items():
        default = (
            "" if info.is_required() else f" = {info.get_default(call_default_factory=True)!r}"
        )
        items.append(f"{name}: {_type_text(info.annotation)}{default}")
    return "; ".join(items)


def _type_text(annotation: object) -> str:
    """``str``, ``int``, a Literal's choices as ``a|b``; other forms as Python writes them."""
    import typing

    if typing.get_origin(annotation) is typing.Literal:
        return "|".join(str(choice) for choice in typing.get_args(annotation))
    name = getattr(annotation, "__name__", None)
    return name if isinstance(name, str) else str(annotation).replace("typing.", "")


def _event_rows() -> list[tuple[str, ...]]:
    """Every catalogue event: ID, type, category, the logging level that shows it."""
    from sim.connector.events import CATALOGUE

    rows: list[tuple[str, ...]] = [("event", "type", "category", "level", "article", "text")]
    for event_id in sorted(CATALOGUE):
        spec = CATALOGUE[event_id]
        rows.append(
            (str(event_id), spec.type.value, spec.category.value, spec.level.name.title(),
             spec.article, spec.template)
        )  # fmt: skip
    return rows


def _register_plan(app: typer.Typer) -> None:
    import typer

    @app.command("plan")
    def plan_command(path: Path = typer.Argument(..., help="A scenario file.")) -> None:
        """What the scenario would do, without running it."""
        from harness.plan import render_plan

        scenario = _load_or_exit(path)
        sys.stdout.write(render_plan(scenario))


def _register_show(app: typer.Typer) -> None:
    import typer

    @app.command("show")
    def show_command(
        path: Path = typer.Argument(..., help="A scenario file."),
        seed: int | None = typer.Option(None, "--seed"),
    ) -> None:
        """The scenario, then the transcript of running it."""
        from harness.plan import render_plan
        from harness.report import render_transcript
        from harness.runner import run
        from harness.selection import display_name

        scenario = _load_or_exit(path)
        sys.stdout.write(render_plan(scenario) + "\n")
        result = run(scenario, file=display_name(path), seed=seed)
        sys.stdout.write(render_transcript(result))
        raise typer.Exit(_exit_code([result]))


def _load_or_exit(path: Path) -> Scenario:
    import typer

    from harness.errors import ScenarioError, ScenarioErrors
    from harness.loader import load_scenario

    try:
        return load_scenario(path)
    except ScenarioErrors as exc:
        typer.echo("\n".join(exc.lines()), err=True)
        raise typer.Exit(2) from None
    except ScenarioError as exc:
        typer.echo(f"ccsim: {exc}", err=True)
        raise typer.Exit(2) from None


def register(app: typer.Typer) -> None:
    for registrar in (_register_run, _register_list, _register_plan, _register_show):
        registrar(app)
