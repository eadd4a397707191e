"""``ccsim scaffold cause ID --article QNNNNNN``: the three files of a new cause.

The files and their templates: :mod:`harness.scaffold`; the walk-through:
docs/adding-a-cause.md. Exit codes: 0 written, 2 refused (one line on stderr:
the id or a file is taken, a name is malformed, not a source checkout).

Typer reads the command's annotations at run time, so this module does not use
``from __future__ import annotations``.
"""

from pathlib import Path
from typing import TYPE_CHECKING

from harness.commands.guard import guarded

if TYPE_CHECKING:
    import typer

__all__ = ["register"]


def register(app: "typer.Typer") -> None:
    import typer

    scaffold = typer.Typer(help="Write the files of something new from a template.")
    app.add_typer(scaffold, name="scaffold")

    @scaffold.command("cause")
    def cause_command(
        cause_id: str = typer.Argument(..., metavar="ID", help="Kebab-case id of the cause."),
        article: str = typer.Option(..., "--article", help="The KB article, e.g. Q166045."),
        root: Path | None = typer.Option(
            None, "--root", help="The project folder (default: this source checkout)."
        ),
    ) -> None:
        """Write harness/causes/ID.py, tests/causes/test_ID.py and a catalogue scenario."""
        from harness.scaffold import ScaffoldError, scaffold_cause

        done = guarded(lambda: scaffold_cause(cause_id, article, root), ScaffoldError)
        for path in done.files:
            typer.echo(f"wrote {path}")
        module = done.files[1]
        typer.echo(f"next: ccsim validate {done.files[2]} && pytest {module}")
