"""The catalogue: ``ccsim list``, ``ccsim plan``, ``ccsim show`` (``ccsim run``: run.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import typer
    from pydantic import BaseModel

    from harness.model import Scenario

from harness.selection import load_selection

__all__ = ["SEED_LIMIT", "param_text", "register"]

#: seeds are 32-bit, as in scenario files (``seed:``)
SEED_LIMIT = 2**32


def _fail_usage(message: str) -> None:
    import typer

    typer.echo(f"ccsim: {message}", err=True)
    raise typer.Exit(2)


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
        from harness.commands.run import exit_code
        from harness.plan import render_plan
        from harness.report import render_transcript
        from harness.runner import run
        from harness.selection import display_name

        scenario = _load_or_exit(path)
        sys.stdout.write(render_plan(scenario) + "\n")
        result = run(scenario, file=display_name(path), seed=seed, source=path)
        sys.stdout.write(render_transcript(result))
        raise typer.Exit(exit_code([result]))


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
    from harness.commands.run import register_run

    for registrar in (register_run, _register_list, _register_plan, _register_show):
        registrar(app)
