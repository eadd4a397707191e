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
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sim.access import AccessModel
from sim.errors import PathError

__all__ = ["Location", "has_space", "is_83_name", "resolve", "split_unc"]

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


def resolve(text: str, *, root: Path, access: AccessModel) -> Location:
    """Place a Windows/UNC/host path under ``root``; raise PathError if it cannot be placed."""
    text = text.strip().strip('"')
    if not text:
        raise PathError("empty path")
    unc = split_unc(text)
    if unc is not None:
        server, share_name, rest = unc
        nw = access.netware.get(server.casefold())
        if nw is not None:
            base = nw.volumes.get(share_name.upper())
        else:
            share = access.share(server, share_name)
            base = share.path if share is not None else None
        if base is None:
            base = root / "_unreachable" / server / share_name
        return Location(text, base.joinpath(*_parts(rest)), unc)
    drive = _DRIVE.match(text)
    if drive:
        return Location(text, root.joinpath(drive.group(1).upper(), *_parts(drive.group(2))))
    host = PurePosixPath(text.replace("\\", "/"))
    if host.is_absolute():
        return Location(text, Path(host))
    return Location(text, root.joinpath(*_parts(str(host))))


def has_space(text: str) -> bool:
    """DOS programs split their command line at spaces (KB Q164695)."""
    return " " in text


def is_83_name(name: str) -> bool:
    """An 8.3 file or directory name (KB Q181186, Q194869)."""
    return bool(_83.match(name))
