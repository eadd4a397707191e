"""The cc:Mail programs as executables for code under test (part of ``harness.api``).

``install_programs`` writes EXPORT, IMPORT, ANALYZE, CHKSTAT and RECLAIM as
``/bin/sh`` scripts that run the simulated programs on a site's post office
(``harness.commands.shim``); the ``ccmail_programs`` fixture puts them first on
``PATH``. Import the names from ``harness.api``.
"""

from __future__ import annotations

import os
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness.api import CcmailSite

__all__ = ["ADMIN_PROGRAMS", "PROGRAMS", "CcmailPrograms", "install_programs"]

#: the programs the cc:Mail administrator runs at the post office console
ADMIN_PROGRAMS = ("ANALYZE", "CHKSTAT", "RECLAIM")
#: the programs :func:`install_programs` writes
PROGRAMS = ("EXPORT", "IMPORT", *ADMIN_PROGRAMS)
#: the module each of them runs (named, not imported: the engine does not import the CLI)
_SHIM = "harness.commands.shim"


@dataclass(frozen=True, slots=True)
class CcmailPrograms:
    """EXPORT, IMPORT, ANALYZE, CHKSTAT and RECLAIM as executables in ``bin``.

    Each runs the simulated program on ``postoffice`` (see ``harness.commands.shim``):
    ``subprocess.run(["EXPORT", *programs.switches.split(), "/DIRECTORY", "/@dir.txt"])``.
    """

    #: the folder of the executables (the ``ccmail_programs`` fixture puts it first on PATH)
    bin: Path
    #: the post office directory on disk
    postoffice: Path
    #: the site's UNC path; ``/D`` with it means ``postoffice``
    po_unc: str
    po_name: str
    po_password: str
    #: the folder the programs reach: the post office and their ``/@`` files lie under it
    root: Path

    @property
    def switches(self) -> str:
        """``/N<po> /P<password> /D<po_unc>``, what a connector would pass."""
        return f"/N{self.po_name} /P{self.po_password} /D{self.po_unc}"

    def path_with(self, path: str | None = None) -> str:
        """``PATH`` with ``bin`` first (the current ``PATH`` by default)."""
        rest = os.environ.get("PATH", "") if path is None else path
        return f"{self.bin}{os.pathsep}{rest}" if rest else str(self.bin)


def install_programs(
    site: CcmailSite, folder: Path | str, *, root: Path | str | None = None
) -> CcmailPrograms:
    """Write the five program executables (``EXPORT`` and ``EXPORT.EXE`` ...) into
    ``folder``, backed by ``site``'s post office.

    The programs reach files under ``root`` only (default: the folder holding
    both ``folder`` and the post office), so their ``/@`` files belong there too.
    They are ``/bin/sh`` scripts (POSIX; on Windows, use :meth:`CcmailSite.exec`),
    and a subprocess sees the real disk only: not under pyfakefs.
    """
    target = Path(folder).absolute()
    target.mkdir(parents=True, exist_ok=True)
    po = site.postoffice.absolute()
    reach = Path(root).absolute() if root is not None else Path(os.path.commonpath([target, po]))
    baked = [str(reach), str(po), site.po_unc]
    for program in PROGRAMS:
        command = shlex.join([sys.executable, "-m", _SHIM, program, *baked])
        for name in (program, f"{program}.EXE"):
            script = target / name
            script.write_text(f'#!/bin/sh\nexec {command} "$@"\n', encoding="utf-8")
            script.chmod(0o755)
    return CcmailPrograms(target, po, site.po_unc, site.po_name, site.po_password, reach)
