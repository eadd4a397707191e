"""``ccsim export`` and ``ccsim import``: the simulated cc:Mail programs on a real directory.

Source: ccmail-reference.md §2.2 (the switches, passed through exactly:
``ccsim export /NPO1 /PSECRET /Dpo /DIRECTORY /@dir.txt``), §2.5 (the command
exits with the program's result code), KB Q164695 (a path with a space fails
with code 3).

The program runs as the console user (no access checks) in ``World(seed=0,
root=<current directory>)``. /D and /@ values are host paths; relative ones are
made absolute against the current directory first, so a space anywhere in the
real path is refused as a DOS program would refuse it.

Modelled: which program version plays the part. The command peeks at the post
office and picks the tools that suit it (DB6: Export 5.14 / Import 5.15; DB8:
6.0; a cc:Mail 8.5 post office: the 32-bit 8.50 tools, KB Q248195), so a
healthy post office works; version mismatches are the scenarios' business.
"""

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer

__all__ = ["absolute_switches", "register", "run_transfer", "tools_for"]

_CONTEXT = {"allow_extra_args": True, "ignore_unknown_options": True}


def absolute_switches(args: Sequence[str], cwd: Path) -> list[str]:
    """``/Dpo`` -> ``/D<cwd>/po`` and the same for ``/@``; everything else unchanged."""
    out = []
    for arg in args:
        key = arg[:2].upper()
        value = arg[2:].strip('"')
        if key in ("/D", "/@") and value and not _is_keyword(arg):
            path = Path(value)
            out.append(arg[:2] + str(path if path.is_absolute() else cwd / path))
        else:
            out.append(arg)
    return out


def _is_keyword(arg: str) -> bool:
    """``/DIRECTORY``, ``/DELETE/5``, ``/DATE/1`` are switches, not ``/D`` paths."""
    return arg[1:].upper().split("/", 1)[0] in {"DIRECTORY", "DELETE", "DATE"}


def tools_for(program: str, po_dir: Path | None) -> tuple[str, str]:
    """(program name, version) that suit the post office at ``po_dir`` (modelled)."""
    from sim.errors import PostofficeError
    from sim.postoffice.layout import CCVER
    from sim.postoffice.postoffice import Postoffice

    db = 6
    try:
        db = Postoffice(po_dir).identity().db_version if po_dir is not None else 6
        lines = (po_dir / CCVER).read_text(encoding="cp850").splitlines() if po_dir else []
    except (OSError, PostofficeError, ValueError):
        lines = []
    if len(lines) > 1 and lines[1].strip().startswith("8.5"):
        return f"{program}32", "8.50"
    if db == 8:
        return program, "6.0"
    return program, "5.14" if program == "EXPORT" else "5.15"


def _po_dir(args: Sequence[str]) -> Path | None:
    for arg in args:
        if arg[:2].upper() == "/D" and not _is_keyword(arg) and len(arg) > 2:
            return Path(arg[2:].strip('"'))
    return None


def run_transfer(
    program: str, args: Sequence[str], cwd: Path, root: Path | None = None
) -> tuple[int, str]:
    """Run EXPORT or IMPORT on a real directory: (result code, console text).

    ``root``: the folder the program may reach (default ``cwd``)."""
    from sim.programs.runner import run_at_console
    from sim.world import World

    argv = absolute_switches(args, cwd)
    name, version = tools_for(program, _po_dir(argv))
    return run_at_console(World(seed=0, root=root or cwd), name, version, argv)


def register(app: "typer.Typer") -> None:
    """Add ``ccsim export`` and ``ccsim import``.

    No ``from __future__ import annotations`` here: typer reads the commands'
    annotations at run time, and ``typer`` is only imported inside this function.
    """
    import typer

    @app.command(
        "export", context_settings=_CONTEXT, help="Run the simulated cc:Mail EXPORT program."
    )
    def export_command(ctx: typer.Context) -> None:
        code, text = run_transfer("EXPORT", ctx.args, Path.cwd())
        typer.echo(text, nl=False)
        raise typer.Exit(code)

    @app.command(
        "import", context_settings=_CONTEXT, help="Run the simulated cc:Mail IMPORT program."
    )
    def import_command(ctx: typer.Context) -> None:
        code, text = run_transfer("IMPORT", ctx.args, Path.cwd())
        typer.echo(text, nl=False)
        raise typer.Exit(code)
