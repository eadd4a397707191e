"""Where a command may write: never over one of its inputs, never where it cannot.

Every command that writes a file (``ccsim run --json``, ``connector run --eventlog``,
``diagnose --html``, ``reproduce -o``) asks :func:`output_problem` before it does
any work, so a bad output path is refused with exit 2 before the run, not after it.
Paths are compared once symlinks are resolved: a link to an input is that input.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

__all__ = ["inside", "output_problem"]


def inside(path: Path, folder: Path) -> bool:
    """``path`` is ``folder`` or lies under it, symlinks resolved."""
    real, base = os.path.realpath(path), os.path.realpath(folder)
    return real == base or real.startswith(base.rstrip(os.sep) + os.sep)


def output_problem(out: Path, inputs: Iterable[Path | None]) -> str | None:
    """Why ``out`` cannot be written (``"<out>: <why>"``), or None.

    Refused: an input itself, a path inside an input folder (a post office copy,
    a Ccmcdata copy), a folder, and a file whose folder does not exist.
    """
    for given in inputs:
        if given is not None and inside(out, given):
            what = "is" if os.path.realpath(out) == os.path.realpath(given) else "is inside"
            return f"{out}: {what} the input {given}: an output may not overwrite an input"
    if out.is_dir():
        return f"{out}: cannot write: it is a folder, not a file"
    if not out.parent.is_dir():
        return f"{out}: cannot write: no such folder {out.parent}"
    return None
