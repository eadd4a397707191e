"""Windows, UNC and NetWare paths of the simulated machines, placed under the world root.

The connector and the DOS programs speak Windows paths (``C:\\EXCHSRVR\\CCMCDATA``,
``\\\\POSRV\\CCDATA``, ``\\\\NW1\\SYS\\CCDATA``); the world stores everything
under one root directory (real disk or pyfakefs). This module is the only
translation between the two.

* ``X:\\rest`` is a local drive of the Exchange server: ``<root>/X/rest``.
* ``\\\\server\\share\\rest`` is an NT share (``AccessModel.shares``) or a
  NetWare volume (``AccessModel.netware``) whose target directory is a path
  under the root.
* Anything else is a host path (the ``ccsim`` command line on a real directory),
  taken relative to the world root.

The jail: every placed path is checked with ``os.path.realpath`` to lie inside
the world root (a symlink that leads out is refused like ``..``), and an absolute
host path outside the root is refused. :func:`normalise` is how the programs see
a path before any of that: whitespace and control characters at either end are
dropped, as a DOS command line drops them; one left inside the path (a tab, a
newline, a no-break space) is an invalid DOS file-name character and refused.
That last rule is modelled, not documented: DOS file names exclude control
characters and the separators of the command line (§2.2).

8.3 short names (KB Q164695: "the MS-DOS name" on a folder's property page,
Q181186): a drive path may name a folder or file by its short alias, e.g.
``C:\\PROGRA~1\\EXCHSRVR``; :func:`short_alias` gives the alias of a long name.
Modelled, not documented (NTFS's own rule is close to it): the name's first six
characters (upper case, without spaces, dots and the characters DOS refuses), ``~``
and a number counting the long names of the folder with that start, in sorted order,
then the first three characters of the extension.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sim.access import AccessModel
from sim.errors import PathError

__all__ = [
    "Location",
    "check",
    "has_space",
    "is_83_name",
    "jail",
    "normalise",
    "resolve",
    "short_alias",
    "short_form",
    "split_unc",
]

#: the longest path Windows NT takes (MAX_PATH is 260 with the terminating NUL), and
#: the longest name in it (NTFS and FAT long names)
MAX_PATH = 259
MAX_NAME = 255
_DRIVE = re.compile(r"^([A-Za-z]):[\\/]?(.*)$")
_83 = re.compile(r"^[^.\s]{1,8}(\.[^.\s]{0,3})?$")


@dataclass(frozen=True, slots=True)
class Location:
    """A path as the program was given it, and where it lives under the world root."""

    text: str
    host: Path
    #: (server, share or volume, rest) for UNC paths, else None
    unc: tuple[str, str, str] | None = None


def split_unc(text: str) -> tuple[str, str, str] | None:
    """``\\\\server\\share\\a\\b`` -> ``("server", "share", "a\\b")``; None if not UNC."""
    if not text.startswith(("\\\\", "//")):
        return None
    parts = [p for p in re.split(r"[\\/]+", text[2:]) if p]
    if len(parts) < 2:
        return None
    return parts[0], parts[1], "\\".join(parts[2:])


def _parts(rest: str) -> list[str]:
    parts = [p for p in re.split(r"[\\/]+", rest) if p]
    if any(p == ".." for p in parts):
        raise PathError(f"path {rest!r} leaves its volume")
    return [p for p in parts if p != "."]


def _blank(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Zs", "Zl", "Zp")


def normalise(text: str) -> str:
    """The path as a DOS program reads it: quotes and outer blanks dropped, inner ones refused."""
    start, end = 0, len(text)
    while start < end and (_blank(text[start]) or text[start] == '"'):
        start += 1
    while end > start and (_blank(text[end - 1]) or text[end - 1] == '"'):
        end -= 1
    text = text[start:end]
    if not text:
        raise PathError("empty path")
    if len(text) > MAX_PATH:
        raise PathError(f"path of {len(text)} characters: at most {MAX_PATH} (MAX_PATH)")
    if any(len(part) > MAX_NAME for part in re.split(r"[\\/]+", text)):
        raise PathError(f"path '{text}' has a name over {MAX_NAME} characters")
    for ch in text:
        if _blank(ch) and ch != " ":
            raise PathError(f"path '{text}' holds the character U+{ord(ch):04X}")
    return text


def check(text: str) -> str:
    """What can be said of a path without a world: normalised, no ``..``, not a host path.

    The scenario models use it, so ``validate`` refuses what ``run`` would refuse.
    """
    text = normalise(text)
    if ".." in re.split(r"[\\/]+", text):
        raise PathError(f"path '{text}' uses '..': paths may not leave the world")
    host = split_unc(text) is None and not _DRIVE.match(text)
    if host and text.startswith(("/", "\\")):
        raise PathError(
            f"path '{text}' is a host path: use a drive (C:\\...) or UNC (\\\\server\\share)"
        )
    return text


def jail(path: Path, root: Path) -> Path:
    """``path`` if it lies inside ``root`` once symlinks are followed; else PathError."""
    real_root = os.path.realpath(root)
    real = os.path.realpath(path)
    if real != real_root and not real.startswith(real_root.rstrip(os.sep) + os.sep):
        raise PathError(f"path {str(path)!r} leaves the world")
    return path


def resolve(text: str, *, root: Path, access: AccessModel) -> Location:
    """Place a Windows/UNC/host path under ``root``; raise PathError if it cannot be placed.

    A UNC path is jailed to its share's (or volume's) directory: the operator may
    share a post office outside the root (``ccsim connector run --postoffice``).
    """
    location, base = _place(normalise(text), root=root, access=access)
    jail(location.host, base)
    return location


def _place(text: str, *, root: Path, access: AccessModel) -> tuple[Location, Path]:
    unc = split_unc(text)
    if unc is not None:
        server, share_name, rest = unc
        if {server, share_name} & {".", ".."}:
            raise PathError(f"path {text!r} names no server and share")
        nw = access.netware.get(server.casefold())
        if nw is not None:
            base = nw.volumes.get(share_name.upper())
        else:
            share = access.share(server, share_name)
            base = share.path if share is not None else None
        if base is None:
            base = root / "_unreachable" / server / share_name
        return Location(text, base.joinpath(*_parts(rest)), unc), base
    drive = _DRIVE.match(text)
    if drive:
        host = _expand(root / drive.group(1).upper(), _parts(drive.group(2)))
        return Location(text, host), root
    posix = PurePosixPath(text.replace("\\", "/"))
    if posix.is_absolute():
        return Location(text, Path(posix)), root
    return Location(text, root.joinpath(*_parts(str(posix)))), root


def has_space(text: str) -> bool:
    """DOS programs split their command line at spaces (KB Q164695)."""
    return " " in text


def is_83_name(name: str) -> bool:
    """An 8.3 file or directory name (KB Q181186, Q194869)."""
    return bool(_83.match(name))


_ALIAS = re.compile(r"^[^~\\/]{1,6}~[1-9][0-9]*(\.[^.\\/]{0,3})?$")
_DOS_REFUSED = re.compile(r"[\s.\"*+,/:;<=>?\[\\\]|]")


def _alias_parts(name: str) -> tuple[str, str]:
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        stem, ext = name, ""
    return _DOS_REFUSED.sub("", stem).upper()[:6], _DOS_REFUSED.sub("", ext).upper()[:3]


def short_alias(name: str, siblings: list[str]) -> str:
    """The 8.3 alias of ``name`` among the names of its folder (``siblings``, itself too).

    The long names of one stem take ``~1``, ``~2`` ... in sorted order, skipping an
    alias that another entry already has as its own 8.3 name: NTFS never gives a long
    name a short name that is taken in its folder, so a folder ``PROGRA~1`` beside
    ``Program Files`` makes the latter ``PROGRA~2``. Modelled: NTFS numbers in creation
    order, this in name order.
    """
    if is_83_name(name):
        return name
    start, ext = _alias_parts(name)
    suffix = f".{ext}" if ext else ""
    taken = {n.casefold() for n in siblings if is_83_name(n)}
    same = sorted(n for n in siblings if not is_83_name(n) and _alias_parts(n)[0] == start)
    wanted = same.index(name) + 1 if name in same else 1
    number = 0
    while wanted:
        number += 1
        if f"{start}~{number}{suffix}".casefold() not in taken:
            wanted -= 1
    return f"{start}~{number}{suffix}"


def _listing(folder: Path) -> list[str]:
    try:
        return sorted(p.name for p in folder.iterdir())
    except OSError:
        return []


def _expand(base: Path, parts: list[str]) -> Path:
    """``base`` joined with ``parts``, each 8.3 alias that names no entry as itself taken
    for the long name it stands for (KB Q164695)."""
    path = base
    for part in parts:
        if _ALIAS.match(part) and not (path / part).exists():
            siblings = _listing(path)
            match = [n for n in siblings if short_alias(n, siblings).casefold() == part.casefold()]
            part = match[0] if match else part
        path = path / part
    return path


def short_form(text: str, root: Path) -> str:
    """A drive path with every long name replaced by its 8.3 alias, as the folder's
    property page shows the "MS-DOS name" (KB Q164695); other paths unchanged."""
    drive = _DRIVE.match(text)
    if not drive:
        return text
    folder = root / drive.group(1).upper()
    out = [f"{drive.group(1)}:"]
    for part in _parts(drive.group(2)):
        out.append(short_alias(part, _listing(folder)) if not is_83_name(part) else part)
        folder = _expand(folder, [part])
    return "\\".join(out)
