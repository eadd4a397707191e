"""``ccsim demo [CAUSE | FILE]``: trainer mode (docs/trainer.md).

Without an argument, the list of lessons: one per catalogue scenario, by cause.
With a cause id or a scenario id, that lesson, narrated step by step
(``harness.demo``); with a path to a scenario file (one that exists, or a name
ending in ``.yaml``/``.yml``), the user's own scenario as a lesson. Exit codes: 0
the lesson ran and its fix was verified (or the list was printed, or the user
stopped the lesson), 1 the scenario did not pass, 2 an unknown lesson, an invalid
or missing file (one line, ``file:line:col: message``) or contradicting options.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer

    from harness.demo import Lesson
    from harness.demo_view import Style

__all__ = ["register"]


def _print_lessons(available: list[Lesson], style: Style) -> None:
    """By cause (reference §8 order): the cause with its articles, then its lessons."""
    from itertools import groupby

    from rich.text import Text

    from harness.demo_view import make_console

    console = make_console(style)
    console.print(Text("ccsim demo: one lesson per catalogue scenario, by cause", style="bold"))
    for cause, group in groupby(available, key=lambda lesson: lesson.cause):
        row = f"§8 row {cause.number}" if cause.number else "baseline"
        console.print()
        console.print(
            Text(f"{cause.id}: {cause.title} ({row}; {', '.join(cause.articles)})", style="bold")
        )
        for lesson in group:
            articles = ", ".join(lesson.scenario.articles)
            console.print(Text(f"  {lesson.scenario.id} [{articles}]"))
            console.print(Text(f"      {lesson.scenario.title}"))
    console.print()
    console.print(Text("Play one: ccsim demo CAUSE-OR-SCENARIO-ID [--step | --no-pause] [--plain]"))


def _is_file_name(name: str) -> bool:
    """A path to a scenario file rather than a lesson name (ids are kebab-case, no dots)."""
    return Path(name).is_file() or name.endswith((".yaml", ".yml")) or "/" in name


def _pausing(step: bool, no_pause: bool) -> bool:
    """``--step`` waits, ``--no-pause`` does not; by default, wait when stdin is a terminal."""
    if step:
        return True
    if no_pause:
        return False
    return sys.stdin.isatty()


def register(app: typer.Typer) -> None:
    import typer

    @app.command("demo")
    def demo_command(
        name: str | None = typer.Argument(
            None,
            metavar="[CAUSE|FILE]",
            help="A cause id, a scenario id or a scenario file; none lists the lessons.",
        ),
        step: bool = typer.Option(False, "--step", help="Wait for Enter between steps."),
        no_pause: bool = typer.Option(
            False, "--no-pause", help="Run straight through (default when stdin is not a terminal)."
        ),
        plain: bool = typer.Option(False, "--plain", help="No colour and no ANSI codes."),
    ) -> None:
        """Trainer mode: a failure cause played as a narrated lesson."""
        from harness.demo import Pauser, find_lesson, lesson_from_file, lessons, play
        from harness.demo_view import Style, make_console
        from harness.errors import NotRegisteredError, ScenarioError, ScenarioErrors

        if step and no_pause:
            typer.echo("ccsim demo: --step and --no-pause contradict each other", err=True)
            raise typer.Exit(2)
        style = Style(plain=plain)
        available = lessons()
        if name is None:
            _print_lessons(available, style)
            return
        try:
            if _is_file_name(name):
                lesson = lesson_from_file(Path(name))
            else:
                lesson = find_lesson(name, available)
        except ScenarioErrors as exc:
            more = len(exc.errors) - 1
            tail = f" (and {more} more: ccsim validate {name})" if more else ""
            typer.echo(f"ccsim demo: {ScenarioError.__str__(exc.errors[0])}{tail}", err=True)
            raise typer.Exit(2) from None
        except (NotRegisteredError, ScenarioError) as exc:
            typer.echo(f"ccsim demo: {exc}", err=True)
            raise typer.Exit(2) from None
        console = make_console(style)
        pauser = Pauser(_pausing(step, no_pause), sys.stdin, console.print)
        result = play(lesson, console, style, pauser)
        raise typer.Exit(0 if result.passed or pauser.stopped else 1)
