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
Bitness and resource needs come from the installed image (``sim.programs.image``,
KB Q248195), never from the file name the program was started by.
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TextIO

from sim.errors import PathError
from sim.message import DateStyle
from sim.programs import replay
from sim.programs.cmdline import split_command_line
from sim.programs.image import IMPEXP_RI, WIN32_DLLS, image_text, read_image, startup_failure

if TYPE_CHECKING:
    from sim.world import World

__all__ = [
    "PROGRAM_FILES",
    "WAITING",
    "ProgramContext",
    "ProgramRun",
    "ProgramWaiting",
    "banner",
    "find_program",
    "install_program",
    "install_win32_companions",
    "program_version",
    "run_at_console",
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
    "ADMIN.EXE": "sim.programs.ccadmin",
}


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
    #: a Win32 image (read from the installed file); None = a program run without
    #: an installed file (a console run), whose name says what it is
    win32: bool | None = None
    #: someone's console (a question gets the end of the input); False: a service's
    #: NTVDM with no desktop, where a question waits for ever (KB Q164695)
    console: bool = True

    @property
    def major(self) -> int:
        return int(self.version.split(".", 1)[0])

    @property
    def is_32bit(self) -> bool:
        """A Win32 program (KB Q248195): from its image, not from the name it was run by."""
        if self.win32 is not None:
            return self.win32
        return self.program.endswith("32")


#: ``ProgramRun.failure`` of a program that asked a question no one answers
WAITING = "waiting for input"


class ProgramWaiting(Exception):  # noqa: N818 - a state, not an error
    """Raised by a program that waits for an answer that never comes (KB Q164695)."""


class ProgramSpecLike(Protocol):
    @property
    def known(self) -> frozenset[str]: ...


class ProgramMain(Protocol):
    def __call__(self, argv: Sequence[str], ctx: ProgramContext) -> int: ...


@dataclass(frozen=True, slots=True)
class ProgramRun:
    """The outcome of one run, as the connector sees it."""

    program: str
    command_line: str
    #: exit code; None when the program could not be started at all
    code: int | None
    output: str
    #: "not found" (event 43) or "failed to run" (event 65): a missing resource
    #: file ends the program with code 1 (KB Q233164), a missing DLL stops it
    #: before it runs (code None); "waiting for input": it asked a question on a
    #: console no one answers and has not ended (code None, KB Q164695); "application
    #: error": the connector's NTVDM ended it with an access violation (code None, KB
    #: Q165404, ``sim.connector.ntvdm``)
    failure: str = ""


def install_program(
    world: World, directory: str, file_name: str, version: str, *, win32: bool | None = None
) -> Path:
    """Put a program file (banner and image) into a Windows directory of the world.

    ``win32`` None: the image Lotus ships under that name (``EXPORT32.EXE`` and
    ``IMPORT32.EXE`` are Win32, KB Q248195; the others DOS). A file renamed
    later keeps its image.
    """
    target = world.path(directory)
    target.mkdir(parents=True, exist_ok=True)
    program = file_name.upper().removesuffix(".EXE")
    path = target / file_name.upper()
    image = program.endswith("32") if win32 is None else win32
    path.write_text(image_text(banner(program, version), image), encoding="cp850")
    return path


def install_win32_companions(world: World, directory: str) -> None:
    """The DLLs and ``Impexp.ri`` the cc:Mail 8.5 Import32/Export32 ship with (KB Q248195)."""
    target = world.path(directory)
    target.mkdir(parents=True, exist_ok=True)
    for name in (*WIN32_DLLS, IMPEXP_RI):
        (target / name).write_bytes(f"{name} cc:Mail 8.5\r\n".encode())


def program_version(path: Path) -> str:
    """The version printed in a program file's banner."""
    return read_image(path).version


def find_program(
    world: World, file_name: str, search_path: Sequence[str]
) -> tuple[str, Path] | None:
    """First ``file_name`` on the search path: (Windows directory, host path)."""
    for directory in search_path:
        try:
            host = world.path(directory) / file_name.upper()
        except PathError:  # NT skips a PATH entry that names no place
            continue
        if host.is_file():
            return directory, host
    return None


def run_at_console(
    world: World, program: str, version: str, argv: Sequence[str]
) -> tuple[int, str]:
    """``program`` (``EXPORT``, ``EXPORT32``, ``ANALYZE``, ``ADMIN`` ...) typed at a console:
    no PATH search, no image, no account (no access checks): (result code, console text),
    the console showing the banner of ``version``, then what the program prints."""
    module = importlib.import_module(PROGRAM_FILES[f"{program.upper()}.EXE"])
    out = io.StringIO()
    out.write(banner(program, version) + "\n")
    main: ProgramMain = module.main
    code = main(argv, ProgramContext(world, None, program, version, out))
    return int(code), out.getvalue()


def run_program(
    world: World,
    file_name: str,
    command_line: str,
    *,
    account: str | None,
    search_path: Sequence[str],
    date_style: DateStyle = DateStyle.US,
    options: Mapping[str, str] | None = None,
    cwd: str = "",
    console: bool = True,
) -> ProgramRun:
    """Find ``file_name`` on the path and run it with a DOS command-line string.

    ``console`` False: run as a service runs it, with no one to answer a question.

    ``cwd`` is the current directory the caller starts it in (the connector:
    its ``Ccmcdata`` store, where KB Q248195 puts ``Impexp.ri``). A run whose
    inputs did not change since the last identical one is answered from it
    (``sim.programs.replay``; ``CCSIM_EXACT=1`` runs every one).
    """
    argv = split_command_line(command_line)
    if file_name.upper() not in replay.REPLAYED:
        return _run_program(
            world, file_name, command_line, argv, account, search_path,
            date_style, options, cwd, console,
        )  # fmt: skip
    spec: ProgramSpecLike = importlib.import_module(PROGRAM_FILES[file_name.upper()]).SPEC
    return replay.replayed_run(
        world,
        file_name,
        command_line,
        argv,
        known=spec.known,
        account=account,
        search_path=search_path,
        settings=((date_style, console), dict(options or {})),
        cwd=cwd,
        execute=lambda: _run_program(
            world,
            file_name,
            command_line,
            argv,
            account,
            search_path,
            date_style,
            options,
            cwd,
            console,
        ),
    )


def _run_program(
    world: World,
    file_name: str,
    command_line: str,
    argv: Sequence[str],
    account: str | None,
    search_path: Sequence[str],
    date_style: DateStyle,
    options: Mapping[str, str] | None,
    cwd: str,
    console: bool = True,
) -> ProgramRun:
    found = find_program(world, file_name, search_path)
    if found is None:
        return ProgramRun(file_name, command_line, None, "", "not found")
    directory, host = found
    image = read_image(host)
    version = image.version
    program = file_name.upper().removesuffix(".EXE")
    out = io.StringIO()
    failure = startup_failure(world, image, directory, cwd, search_path)
    if failure is not None:
        line, ran = failure
        if ran:
            out.write(image.banner + "\n")
        out.write(line + "\n")
        return ProgramRun(
            file_name, command_line, 1 if ran else None, out.getvalue(), "failed to run"
        )
    out.write(image.banner + "\n")
    module = importlib.import_module(PROGRAM_FILES[file_name.upper()])
    ctx = ProgramContext(
        world,
        account,
        program,
        version,
        out,
        directory,
        date_style,
        dict(options or {}),
        image.win32,
        console,
    )
    main: ProgramMain = module.main
    try:
        code = main(argv, ctx)
    except ProgramWaiting:
        return ProgramRun(file_name, command_line, None, out.getvalue(), WAITING)
    return ProgramRun(file_name, command_line, int(code), out.getvalue())
