"""A case as a customer sends it: a folder or a ``.zip`` of logs and copies, any mix.

Source: ccmail-reference.md §5 (what support reads), §4.4 (the connector store and its
``.ini`` files), §9 (the event log forms). Each piece is found by its content, never by
its name:

* an event log: a ``.evt`` (``LfLe`` at byte 4, or records that carry it after a damaged
  header), or any text file
  :func:`harness.customerlog.read_eventlog` reads; when there are several, the one with
  the most MSExchangeCCMC records is diagnosed (on a tie an Application log, then the
  first by name) and the others are listed;
* a post office copy: a folder holding cc:Mail database files (``CCDB`` header) or
  ``CCPOMBOX.*``;
* a ``Ccmcdata`` copy: a folder with two or more of the store's folders (``Export``,
  ``Import``, ``Submit``, ``Bad``, ``Export.bak``, ``Import.bak``);
* the connector's ``Export.ini`` / ``Import.ini`` (first section ``[Export]`` or
  ``[Import]``), recognised and listed (no rule reads them).

Every file is listed with what was done with it (:class:`CaseEntry`). Sealed: a zip is
unpacked only into a temporary folder, member by member; a member named outside it
(``..``, an absolute or drive name), a link, an encrypted member, one that would unpack
to more than :data:`MAX_RATIO` times its packed size, or to more than its header says,
is skipped and named. At most :data:`MAX_MEMBERS` files and :data:`MAX_TOTAL` bytes in
all are looked at. Links in a folder are never followed. The inputs are never written.
Caps modelled: no article gives them.
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.pocopy import CustomerFilesError

__all__ = ["MAX_MEMBERS", "MAX_RATIO", "MAX_TOTAL", "CaseEntry", "CaseFiles", "open_case"]

#: the most files (or zip members) a case may hold
MAX_MEMBERS = 10_000
#: the most bytes a zip may unpack to, in all
MAX_TOTAL = 2 << 30
#: the most a member may unpack to per byte packed (beyond: a zip bomb)
MAX_RATIO = 1000
#: the deepest folder looked into
MAX_DEPTH = 32
_STORE_FOLDERS = frozenset(n.casefold() for n in ("Export", "Import", "Submit", "Bad",
                                                  "Export.bak", "Import.bak"))  # fmt: skip
_INI = re.compile(rb"\s*\[(Export|Import)\]", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class CaseEntry:
    """One file (or folder) of the case: its name in the case, what it was used as, why."""

    file: str
    use: str
    why: str = ""

    def line(self) -> str:
        return f"{self.file}: {self.use}" + (f" ({self.why})" if self.why else "")

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "use": self.use, "why": self.why}


@dataclass(slots=True)
class CaseFiles:
    """The pieces found: event log candidates, the copies, and every entry."""

    logs: list[tuple[str, Path]] = field(default_factory=list)
    postoffice: tuple[str, Path] | None = None
    ccmcdata: tuple[str, Path] | None = None
    entries: list[CaseEntry] = field(default_factory=list)
    #: files inside a used copy: (entry, how many files)
    parts: dict[str, int] = field(default_factory=dict)


def open_case(case: Path, scratch: Path) -> CaseFiles:
    """The pieces of ``case`` (a folder, or a zip unpacked under ``scratch``)."""
    try:
        info = os.lstat(case)
    except OSError as exc:
        raise CustomerFilesError(f"{case}: cannot be read: {exc.strerror or exc}") from None
    if stat.S_ISLNK(info.st_mode):
        raise CustomerFilesError(f"{case}: is a link: give the folder or zip itself")
    found = CaseFiles()
    if stat.S_ISDIR(info.st_mode):
        _folder(case, "", found, 0)
    elif stat.S_ISREG(info.st_mode) and zipfile.is_zipfile(case):
        root = scratch / "case"
        root.mkdir()
        _unzip(case, root, found)
        _folder(root, "", found, 0)
    else:
        raise CustomerFilesError(f"{case}: not a folder or a .zip (give a log with --eventlog)")
    found.entries.sort(key=lambda e: e.file)
    return found


# --- a folder ---------------------------------------------------------------------------


def _count(found: CaseFiles) -> int:
    return len(found.entries) + sum(found.parts.values())


def _walk(folder: Path, prefix: str, found: CaseFiles, depth: int) -> None:
    """Each entry of ``folder``: pieces kept, links and special files named and left."""
    try:
        children = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        found.entries.append(CaseEntry(prefix or ".", "skipped", f"cannot be listed: {exc}"))
        return
    for child in children:
        name = prefix + child.name
        if _count(found) >= MAX_MEMBERS:
            why = f"more than {MAX_MEMBERS} files in the case: the rest not looked at"
            found.entries.append(CaseEntry(name, "skipped", why))
            return
        if child.is_symlink():
            found.entries.append(CaseEntry(name, "skipped", "a link: not followed"))
        elif child.is_dir(follow_symlinks=False):
            _folder(Path(child.path), name + "/", found, depth + 1)
        elif child.is_file(follow_symlinks=False):
            _file(Path(child.path), name, found)
        else:
            found.entries.append(CaseEntry(name, "skipped", "not a regular file"))


def _folder(path: Path, name: str, found: CaseFiles, depth: int) -> None:
    kind = _copy_kind(path)
    if kind is None:
        if depth > MAX_DEPTH:
            found.entries.append(CaseEntry(name, "skipped", f"deeper than {MAX_DEPTH} folders"))
        else:
            _walk(path, name, found, depth)
        return
    slot = "postoffice" if kind == "post office copy" else "ccmcdata"
    files = sum(len(f) for _, _, f in os.walk(path))
    if getattr(found, slot) is not None:
        used = getattr(found, slot)[0]
        found.entries.append(CaseEntry(name, f"{kind}, not used", f"{used} is used"))
        return
    setattr(found, slot, (name or "./", path))
    found.parts[name or "./"] = files
    found.entries.append(CaseEntry(name or "./", kind, f"{files} file(s)"))


def _copy_kind(path: Path) -> str | None:
    """ "post office copy", "connector store copy" (Ccmcdata) or None, from the content."""
    try:
        entries = list(os.scandir(path))
    except OSError:
        return None
    folders = {e.name.casefold() for e in entries if e.is_dir(follow_symlinks=False)}
    if len(folders & _STORE_FOLDERS) >= 2:
        return "connector store copy"
    files = [e for e in entries if e.is_file(follow_symlinks=False)]
    if any(e.name.casefold().startswith("ccpombox.") for e in files) or any(
        _head(Path(e.path)) == b"CCDB" for e in files
    ):
        return "post office copy"
    return None


def _head(path: Path, size: int = 4) -> bytes:
    try:
        with path.open("rb") as stream:
            return stream.read(size)
    except OSError:
        return b""


def _file(path: Path, name: str, found: CaseFiles) -> None:
    head = _head(path, 64)
    if head[:4] == b"PK\x03\x04":
        why = "a zip inside the case: not opened (send its files unzipped)"
        found.entries.append(CaseEntry(name, "ignored", why))
    elif m := _INI.match(head):
        why = f"[{m.group(1).decode()}] section; no rule reads it"
        found.entries.append(CaseEntry(name, "connector .ini file", why))
    else:
        found.logs.append((name, path))  # read_eventlog decides (and says why not)


# --- a zip ------------------------------------------------------------------------------


def _unsafe(info: zipfile.ZipInfo) -> str | None:
    """Why a member is not unpacked, or None."""
    name = info.filename.replace("\\", "/")
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if name.startswith("/") or re.match(r"[A-Za-z]:", name) or ".." in parts or not parts:
        return "named outside the case: not unpacked"
    if "\0" in name:
        return "a NUL in its name: not unpacked"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "a link: not unpacked"
    if info.flag_bits & 0x1:
        return "encrypted: not unpacked"
    if info.file_size > (1 << 20) and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        return f"would unpack to {info.file_size} bytes from {info.compress_size} (a zip bomb?)"
    return None


def _unzip(case: Path, root: Path, found: CaseFiles) -> None:
    """Every safe member of ``case`` unpacked under ``root``; the rest named."""
    try:
        with zipfile.ZipFile(case) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                why = f"{len(members)} members (at most {MAX_MEMBERS}): not opened"
                raise CustomerFilesError(f"{case}: {why}")
            total = 0
            seen: set[str] = set()
            for info in members:
                total += _member(archive, info, root, found, seen, MAX_TOTAL - total)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise CustomerFilesError(f"{case}: not a readable zip: {exc}") from None


def _member(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    root: Path,
    found: CaseFiles,
    seen: set[str],
    room: int,
) -> int:
    """One member unpacked (its bytes counted against ``room``); bytes written."""
    why = _unsafe(info)
    parts = [p for p in info.filename.replace("\\", "/").split("/") if p not in ("", ".")]
    shown = info.filename if why else "/".join(parts)  # an unsafe name as the zip holds it
    key = shown.casefold()
    if why is None and key in seen:
        why = "a second member of the same name: not unpacked"
    if why is not None:
        found.entries.append(CaseEntry(shown, "skipped", why))
        return 0
    seen.add(key)
    target = root.joinpath(*parts)
    if info.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    try:
        with archive.open(info) as source, target.open("xb") as out:
            while chunk := source.read(1 << 20):
                written += len(chunk)
                if written > min(info.file_size, room):
                    break
                out.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError,
            OSError) as exc:  # fmt: skip
        target.unlink(missing_ok=True)
        found.entries.append(CaseEntry(shown, "skipped", f"cannot be unpacked: {exc}"))
        return 0
    if written > room:
        raise CustomerFilesError(f"{shown}: the zip unpacks to more than {MAX_TOTAL} bytes")
    if written > info.file_size:
        target.unlink()
        why = f"unpacks to more than the {info.file_size} bytes its header says"
        found.entries.append(CaseEntry(shown, "skipped", why))
        return 0
    return written
