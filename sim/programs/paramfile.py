"""The parameter file the connector hands EXPORT and IMPORT: ``Export.ini`` / ``Import.ini``.

Source: ccmail-reference.md §2.2 and §4.4; KB Q181186 ("Exchange Server provides
the path to the Export.ini file (for example, C:\\ExchSrvr55\\CCMCData\\Export.ini)
and the MS-DOS utilities fail to locate the INI file"), Q164695 (with a space in
the path the programs "ignore the Import.ini and Export.ini settings and prompt for
the path").

Modelled, not documented (§7 item 4: the keys are unknown): the path is a bare
argument of the command line (one not starting with ``/``); the program tries each
bare argument in turn and reads the first it can open, section ``[Export]`` or
``[Import]``; a bare argument it cannot open is ignored (so the tail of a path split
at a space is, too). A 16-bit (MS-DOS) program cannot open a path with a name that
is not 8.3 (Q181186); a Win32 one can. The values: ``Path`` (the post office
directory, taken when the command line has no ``/D``), ``PostOffice``,
``DBVersion``, ``MaxMessages``, ``MaxAddressBuffer``; values the caller passes
itself win. At most ``MAX_BYTES`` of the file are read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sim.errors import PathError
from sim.winpath import is_83_name, split_unc

if TYPE_CHECKING:
    from sim.world import World

__all__ = ["MAX_BYTES", "read_parameter_file", "section_for"]

MAX_BYTES = 1 << 16


def section_for(program: str) -> str:
    """``EXPORT.EXE`` / ``EXPORT32.EXE`` -> ``Export``; ``IMPORT...`` -> ``Import``."""
    return "Import" if program.upper().startswith("IMPORT") else "Export"


def _dos_name(text: str) -> bool:
    """Every name of the path is 8.3 (the server and share of a UNC path aside)."""
    unc = split_unc(text)
    rest = unc[2] if unc is not None else text.partition(":")[2]
    return all(is_83_name(p) for p in rest.replace("/", "\\").split("\\") if p)


def _parse(text: str, section: str) -> dict[str, str]:
    values: dict[str, str] = {}
    inside = False
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            inside = line[1:-1].strip().casefold() == section.casefold()
        elif inside and "=" in line:
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def read_parameter_file(
    world: World, candidates: Sequence[str], section: str, *, dos: bool
) -> dict[str, str] | None:
    """The values of the first candidate that opens; None when none does."""
    for text in candidates:
        if dos and not _dos_name(text):
            continue
        try:
            host = world.path(text)
            if not host.is_file():
                continue
            with host.open("rb") as fh:
                data = fh.read(MAX_BYTES)
        except (OSError, PathError):
            continue
        return _parse(data.decode("cp850", "replace"), section)
    return None
