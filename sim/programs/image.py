"""What an installed program file is: its banner, its version and its image (DOS or Win32).

Source: KB Q248195 (cc:Mail 8.5 switched to the 32-bit ``Import32.exe`` /
``Export32.exe`` with ``Cdmw800.dll``, ``Cfw803.dll``, ``Ciw803.dll`` and
``Impexp.ri``; the resolution renames them to ``Import.exe`` / ``Export.exe``,
copies them with the DLLs to a PATH directory and ``Impexp.ri`` to
``Exchsrvr\\Ccmcdata``), Q251360 (the "cc:Mail Admin file path" directory
holding them), Q190275 / Q233164 (Import/Export 6.0+ need ``IE.RI``; without it
the program prints "R0002 Resource file not found" and ends with result code 1).

A program's bitness and resource needs come from the file installed, never
from its name: renaming ``EXPORT32.EXE`` to ``EXPORT.EXE`` keeps a Win32 image.
The file's first line is its banner, the second names its image.

Modelled, not documented:
- the image line (``MS-DOS executable`` / ``Win32 console executable``); a file
  without one is a DOS image;
- a Win32 program looks for its DLLs beside itself, in the current directory
  and on the search path (the NT loader order), and for ``Impexp.ri`` in the
  current directory (Q248195's ``Ccmcdata``) or beside itself (Q251360); it does
  not need ``IE.RI``;
- the console texts of a missing DLL (the NT 4.0 loader's wording) and of a
  missing ``Impexp.ri`` (the R0002 line of Q190275).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sim.errors import PathError

if TYPE_CHECKING:
    from sim.world import World

__all__ = [
    "DOS_IMAGE",
    "IE_RI",
    "IMPEXP_RI",
    "WIN32_DLLS",
    "WIN32_IMAGE",
    "ProgramImage",
    "image_text",
    "read_image",
    "startup_failure",
]

DOS_IMAGE = "MS-DOS executable"
WIN32_IMAGE = "Win32 console executable"
IE_RI = "IE.RI"
IMPEXP_RI = "IMPEXP.RI"
#: the libraries Import32/Export32 need (KB Q248195)
WIN32_DLLS = ("CDMW800.DLL", "CFW803.DLL", "CIW803.DLL")


@dataclass(frozen=True, slots=True)
class ProgramImage:
    """A program file as read from disk."""

    banner: str
    version: str
    win32: bool


def image_text(banner: str, win32: bool) -> str:
    """The content of a program file: its banner and its image line."""
    return f"{banner}\r\n{WIN32_IMAGE if win32 else DOS_IMAGE}\r\n"


def read_image(path: Path) -> ProgramImage:
    """Banner, version and image of an installed program file."""
    lines = path.read_text(encoding="cp850", errors="replace").splitlines()
    first = lines[0].strip() if lines else ""
    parts = first.split()
    version = parts[1] if len(parts) > 1 else "0"
    win32 = len(lines) > 1 and lines[1].strip() == WIN32_IMAGE
    return ProgramImage(first, version, win32)


def _found(world: World, name: str, directories: Sequence[str]) -> bool:
    """``name`` in one of ``directories``, matched without regard to case as NT does."""
    wanted = name.casefold()
    for directory in directories:
        if not directory:
            continue
        try:
            host = world.path(directory)
        except PathError:  # NT skips a PATH entry that names no place
            continue
        if (host / name).is_file():
            return True
        if host.is_dir() and any(
            p.name.casefold() == wanted and p.is_file() for p in host.iterdir()
        ):
            return True
    return False


def startup_failure(
    world: World,
    image: ProgramImage,
    directory: str,
    cwd: str,
    search_path: Sequence[str],
) -> tuple[str, bool] | None:
    """Why the program cannot start: (console line, whether it ended with code 1).

    None when everything it needs is there. ``directory`` is where the program
    was found, ``cwd`` the current directory it runs in ("" = none given).
    """
    if image.win32:
        for dll in WIN32_DLLS:
            if not _found(world, dll, [directory, cwd, *search_path]):
                line = f"The dynamic link library {dll} could not be found in the specified path."
                return line, False
        if not _found(world, IMPEXP_RI, [cwd, directory]):
            where = (cwd or directory).rstrip("\\")
            return f"R0002 Resource file not found: {where}\\{IMPEXP_RI}.", True
        return None
    major = int(image.version.split(".", 1)[0]) if image.version[:1].isdigit() else 0
    if major >= 6 and not _found(world, IE_RI, [directory]):
        return f"R0002 Resource file not found: {directory.rstrip(chr(92))}\\{IE_RI}.", True
    return None
