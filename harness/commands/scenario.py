"""Scenario commands: ``ccsim validate FILE...`` and ``ccsim schema``.

Source: STYLE.md §10 (one ``file:line:col: message`` line per error), §11 (exit
2 for an invalid scenario file). ``register(app)`` calls one small registrar per
command; ``run``, ``list``, ``plan`` and ``show`` are added the same way.

Start-up time of ``ccsim validate`` is benchmarked against ``python -c pass``:
pydantic, yaml and the loader are imported inside the command bodies, and
nothing here imports ``rich`` or ``sim``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from harness.selection import expand_paths

if TYPE_CHECKING:
    import typer

__all__ = ["REGISTRARS", "register", "schema_text", "validate_paths"]

#: the file pattern of scenario files inside a directory


def validate_paths(paths: Sequence[Path], *, out: TextIO, err: TextIO) -> int:
    """Print ``file: ok`` per valid file and one line per error (all of them); the exit code."""
    from harness.cli import ExitCode
    from harness.errors import ScenarioError, ScenarioErrors
    from harness.loader import load_scenario

    failed = False
    files = expand_paths(paths)
    if not files:
        err.write("ccsim validate: no scenario files found\n")
        return int(ExitCode.USAGE)
    for path in files:
        try:
            scenario = load_scenario(path)
            if scenario.faults:  # the world is built only for a scenario that breaks it
                from harness.apply import check_faults_apply

                check_faults_apply(scenario, str(path))
        except ScenarioErrors as exc:
            failed = True  # every error, uncapped: one pass shows all there is to fix
            err.writelines(ScenarioError.__str__(e) + "\n" for e in exc.errors)
        except ScenarioError as exc:
            failed = True
            err.write(f"{exc}\n")
        else:
            out.write(f"{path}: ok\n")
    return int(ExitCode.USAGE if failed else ExitCode.OK)


def schema_text() -> str:
    """The JSON Schema of scenario files: sorted keys, indent 2, final newline."""
    import json

    from harness.schema import scenario_schema

    return json.dumps(scenario_schema(), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def _register_validate(app: typer.Typer) -> None:
    import typer

    @app.command("validate")
    def validate(
        files: list[Path] = typer.Argument(
            ..., help="Scenario files, or directories holding *.scenario.yaml files."
        ),
    ) -> None:
        """Check scenario files; print 'FILE: ok' or one 'FILE:LINE:COL: message' per error."""
        code = validate_paths(files, out=sys.stdout, err=sys.stderr)
        raise typer.Exit(code)


def _register_schema(app: typer.Typer) -> None:
    import typer

    @app.command("schema")
    def schema() -> None:
        """Print the JSON Schema of scenario files (for editors)."""
        sys.stdout.write(schema_text())
        raise typer.Exit(0)


#: one registrar per command, in help order; others append theirs
REGISTRARS: list[Callable[[typer.Typer], None]] = [_register_validate, _register_schema]


def register(app: typer.Typer) -> None:
    """Add the scenario commands to the ``ccsim`` application."""
    for registrar in REGISTRARS:
        registrar(app)
