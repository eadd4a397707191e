"""Finding and running a cc:Mail program as an account, the way NT runs a DOS program.

Source: ccmail-reference.md §4.2 (programs on the *system* PATH, IE.RI beside
them for 6.0+), §2.1 (versions; ``export /?`` prints the version), §4.8 events
43 ("could not be executed", system error 2) and 65 ("failed to run ...
R0002 Resource file not found").

A program is a file such as ``C:\\WINNT\\SYSTEM32\\EXPORT.EXE`` in the world; its
content is its banner, e.g. ``EXPORT 5.14 Copyright(c) ...``, which is where
the version comes from. Installing another version means writing another file.
Modelled, not documented: the banner text other than the 8.50 example of
KB Q282172, and that IE.RI is looked for in the program's own directory.
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TextIO

from sim.message import DateStyle
from sim.programs.cmdline import split_command_line

if TYPE_CHECKING:
    from sim.world import World

__all__ = [
    "PROGRAM_FILES",
    "ProgramContext",
    "ProgramRun",
    "banner",
    "find_program",
    "install_program",
    "program_version",
    "run_program",
]

#: program file name -> module implementing it
PROGRAM_FILES = {
    "EXPORT.EXE": "sim.programs.export",
    "IMPORT.EXE": "sim.programs.import_",
    "EXPORT32.EXE": "sim.programs.export",
    "IMPORT32.EXE": "sim.programs.import_",
    "ANALYZE.EXE": "sim.programs.analyze",
    "CHKSTAT.EXE": "sim.programs.chkstat",
    "RECLAIM.EXE": "sim.programs.reclaim",
}
IE_RI = "IE.RI"


def banner(program: str, version: str) -> str:
    """The first console line, after KB Q282172's "EXPORT 8.50.00.14 Copyright(c) ..."."""
    return (
        f"{program} {version} Copyright(c) 1991, 1999 by cc:Mail, Inc., "
        "a wholly owned subsidiary of Lotus Development Corporation"
    )


@dataclass(frozen=True, slots=True)
class ProgramContext:
    """What a program knows when it runs."""

    world: World
    #: the NT account it runs as; None = the console user of a real directory (no checks)
    account: str | None
    #: e.g. "EXPORT" or "EXPORT32"
    program: str
    #: e.g. "5.14", "6.0", "8.50"
    version: str
    stdout: TextIO
    #: the Windows directory the program was found in ("" when run from the command line)
    directory: str = ""
    #: the machine's NT locale short-date order (Import 5.12-5.15 parse dates with it, Q180641)
    date_style: DateStyle = DateStyle.US
    #: values the caller writes into Export.ini / Import.ini (keys modelled, §7 item 4),
    #: e.g. {"MaxAddressBuffer": "163840"}
    options: Mapping[str, str] = field(default_factory=dict)

    @property
    def major(self) -> int:
        return int(self.version.split(".", 1)[0])

    @property
    def is_32bit(self) -> bool:
        return self.program.endswith("32")


class ProgramMain(Protocol):
    def __call__(self, argv: Sequence[str], ctx: ProgramContext) -> int: ...


@dataclass(frozen=True, slots=True)
class ProgramRun:
    """The outcome of one run, as the connector sees it."""

    program: str
    command_line: str
    #: exit code; None when the program could not be started or failed to start up
    code: int | None
    output: str
    #: "not found" (event 43) or "failed to run" (event 65) when code is None
    failure: str = ""


def install_program(world: World, directory: str, file_name: str, version: str) -> Path:
    """Put a program file (its banner) into a Windows directory of the world."""
    target = world.path(directory)
    target.mkdir(parents=True, exist_ok=True)
    program = file_name.upper().removesuffix(".EXE")
    path = target / file_name.upper()
    path.write_text(banner(program, version) + "\r\n", encoding="cp850")
    return path


def program_version(path: Path) -> str:
    """The version printed in a program file's banner."""
    first = path.read_text(encoding="cp850", errors="replace").split("\n", 1)[0]
    parts = first.split()
    return parts[1] if len(parts) > 1 else "0"


def find_program(
    world: World, file_name: str, search_path: Sequence[str]
) -> tuple[str, Path] | None:
    """First ``file_name`` on the search path: (Windows directory, host path)."""
    for directory in search_path:
        host = world.path(directory) / file_name.upper()
        if host.is_file():
            return directory, host
    return None


def run_program(
    world: World,
    file_name: str,
    command_line: str,
    *,
    account: str | None,
    search_path: Sequence[str],
    date_style: DateStyle = DateStyle.US,
    options: Mapping[str, str] | None = None,
) -> ProgramRun:
    """Find ``file_name`` on the path and run it with a DOS command-line string."""
    found = find_program(world, file_name, search_path)
    if found is None:
        return ProgramRun(file_name, command_line, None, "", "not found")
    directory, host = found
    version = program_version(host)
    program = file_name.upper().removesuffix(".EXE")
    out = io.StringIO()
    out.write(banner(program, version) + "\n")
    if int(version.split(".", 1)[0]) >= 6 and not (host.parent / IE_RI).is_file():
        missing = directory.rstrip("\\") + "\\" + IE_RI
        out.write(f"R0002 Resource file not found: {missing}.\n")
        return ProgramRun(file_name, command_line, None, out.getvalue(), "failed to run")
    module = importlib.import_module(PROGRAM_FILES[file_name.upper()])
    ctx = ProgramContext(
        world, account, program, version, out, directory, date_style, dict(options or {})
    )
    main: ProgramMain = module.main
    code = main(split_command_line(command_line), ctx)
    return ProgramRun(file_name, command_line, int(code), out.getvalue())
