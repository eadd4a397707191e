"""The command layer's one exit-2 guard: bad input is one line on stderr and exit 2.

A command runs its work through :func:`guarded`, naming the errors that mean the
input was refused (a bad file, key, id or argument). Any other exception is a
bug: it goes on to ``harness.cli.main``, which prints one line with a ``--debug``
hint and exits 3, so no command prints a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn, TypeVar

__all__ = ["guarded", "refuse"]

T = TypeVar("T")


def guarded(work: Callable[[], T], *refused: type[Exception]) -> T:
    """``work()``; one of ``refused`` exits 2 with ``ccsim: <its first line>``."""
    try:
        return work()
    except refused as exc:
        lines = str(exc).splitlines() or [type(exc).__name__]
        refuse(lines[0])


def refuse(message: str) -> NoReturn:
    """``ccsim: <message>`` on stderr and exit 2."""
    import typer

    typer.echo(f"ccsim: {message}", err=True)
    raise typer.Exit(2) from None
