"""The ``EXPORT`` ... ``RECLAIM`` executables that the ``ccmail_programs`` fixture puts on PATH.

Each is a two-line script, ``python -m harness.commands.shim PROGRAM ROOT PO_DIR
PO_UNC ARGS...`` (written by ``harness.api.install_programs``), so that code under test
that shells out to an EXPORT.EXE-style command line runs the simulated program
on the fixture's post office: a ``/D`` naming the site's UNC path
(``/D\\\\POSRV\\CCDATA``, any case) is read as the post office directory on disk;
any other ``/D`` is a host path, as for ``ccsim export``. The program reaches
files under ROOT only (the test's ``tmp_path`` for the fixture): a ``/@`` file
elsewhere is refused as outside its world. The program prints its console text and
exits with its result code (reference §2.2, §2.5).

It runs as ``ccsim export`` does: as the console user on the real directory, so
it meets the files' state (password, CCPODOWN, damage) but not the access
model of the simulated site (service accounts, shares).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from harness.api import PROGRAMS

__all__ = ["main", "translate"]
_KEYWORDS = {"DIRECTORY", "DELETE", "DATE", "DIAGNOSTICS"}


def translate(args: Sequence[str], po_dir: str, po_unc: str) -> list[str]:
    """``/D<po_unc>`` (and the admin tools' positional ``<po_unc>``) -> the directory
    on disk; every other argument unchanged."""
    unc = po_unc.casefold()
    out = []
    for arg in args:
        value = arg[2:].strip('"')
        keyword = arg[1:].upper().split("/", 1)[0] in _KEYWORDS
        if arg[:2].upper() == "/D" and not keyword and value.casefold() == unc:
            out.append("/D" + po_dir)
        elif arg.strip('"').casefold() == unc:
            out.append(po_dir)
        else:
            out.append(arg)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Run one program; the exit code is its result code (2 for a misused shim)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) < 4 or args[0] not in PROGRAMS:
        print("ccsim shim: usage: PROGRAM ROOT PO_DIR PO_UNC ARGS...", file=sys.stderr)
        return 2
    program, root, po_dir, po_unc, rest = args[0], Path(args[1]), args[2], args[3], args[4:]
    argv_ = translate(rest, po_dir, po_unc)
    if program in ("EXPORT", "IMPORT"):
        from harness.commands.transfer import run_transfer

        code, text = run_transfer(program, argv_, Path.cwd(), root)
    else:
        from harness.commands.postoffice import run_admin_tool

        code, text = run_admin_tool(program, argv_, Path.cwd(), root)
    sys.stdout.write(text)
    sys.stdout.flush()
    return code


if __name__ == "__main__":
    sys.exit(main())
