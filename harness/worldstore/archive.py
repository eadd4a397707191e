"""``.ccworld``: a world folder in one zip file, with a manifest of sha256 digests.

``manifest.json`` names the format and its version, the ccsim version, the
seed, and the sha256 and size of every member. Members are written in sorted
order with a fixed timestamp, so the same world gives the same bytes.

Loading is sealed: the file and each member are size-capped; a member name
must be a relative POSIX path without ``..``, drive or backslash; links and
anything the manifest does not list are refused; every digest is checked
before anything is written, and the target must be a new or empty folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import stat
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from harness.worldstore.store import WORLD_FILE, WorldError, open_world, read_doc
from sim.fsutil import listdir_sorted

__all__ = ["FORMAT", "load", "save"]

FORMAT = "ccworld"
VERSION = 1
MANIFEST = "manifest.json"
MAX_FILE = 256 * 1024 * 1024
MAX_MEMBER = 64 * 1024 * 1024
MAX_TOTAL = 512 * 1024 * 1024
MAX_MEMBERS = 20000
_STAMP = (1998, 6, 2, 8, 0, 0)
_SKIP = {"world.lock", WORLD_FILE + ".tmp"}


def _members(directory: Path) -> tuple[list[tuple[str, Path]], list[str]]:
    """Files (relative name, path) and folders, sorted; empty folders count (``Ccmcdata``)."""
    files, folders = [], []
    for path in sorted(directory.rglob("*")):
        rel = path.relative_to(directory).as_posix()
        if path.is_symlink():
            raise WorldError(f"{path}: a link; a saved world holds only plain files")
        if path.is_dir():
            folders.append(rel)
        elif path.is_file() and rel not in _SKIP:
            files.append((rel, path))
    return files, folders


def save(directory: Path, target: Path) -> int:
    """Write the world in ``directory`` to ``target``; returns the number of files."""
    doc = read_doc(directory)
    if target.resolve().is_relative_to(directory.resolve()):
        raise WorldError(f"{target}: the saved world cannot be inside the world folder")
    members, folders = _members(directory)
    files: dict[str, dict[str, Any]] = {}
    blobs: list[tuple[str, bytes]] = []
    for rel, path in members:
        data = path.read_bytes()
        files[rel] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        blobs.append((rel, data))
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "ccsim": doc.get("ccsim"),
        "seed": doc["state"].get("seed"),
        "files": files,
        "folders": folders,
    }
    tmp = target.with_name(target.name + ".tmp")
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            text = json.dumps(manifest, indent=1, sort_keys=True) + "\n"
            for rel, data in [(MANIFEST, text.encode()), *blobs]:
                info = zipfile.ZipInfo(rel, _STAMP)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, data)
        tmp.replace(target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise WorldError(f"{target}: cannot write: {exc.strerror or exc}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return len(blobs)


def _safe_name(name: str, file: Path) -> str:
    pure = PurePosixPath(name)
    bad = (
        not name
        or "\\" in name
        or name.startswith("/")
        or pure.is_absolute()
        or ".." in pure.parts
        or ":" in pure.parts[0]
        or "\x00" in name
    )
    if bad:
        raise WorldError(f"{file}: member {name!r} would land outside the world folder")
    return pure.as_posix()


def _manifest(zf: zipfile.ZipFile, file: Path) -> tuple[dict[str, dict[str, Any]], list[str]]:
    try:
        info = zf.getinfo(MANIFEST)
    except KeyError:
        raise WorldError(f"{file}: no {MANIFEST}; not a saved world") from None
    if info.file_size > MAX_MEMBER:
        raise WorldError(f"{file}: {MANIFEST} is too large")
    try:
        doc = json.loads(zf.read(info).decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise WorldError(f"{file}: {MANIFEST} is not valid JSON: {exc}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise WorldError(f"{file}: {MANIFEST} does not describe a saved world")
    if doc.get("version") != VERSION:
        raise WorldError(f"{file}: saved-world version {doc.get('version')!r} is not supported")
    files = doc.get("files")
    if not isinstance(files, dict) or WORLD_FILE not in files:
        raise WorldError(f"{file}: {MANIFEST} lists no {WORLD_FILE}")
    folders = doc.get("folders", [])
    if not isinstance(folders, list) or len(folders) > MAX_MEMBERS:
        raise WorldError(f"{file}: {MANIFEST} has a bad folder list")
    return files, [_safe_name(str(f), file) for f in folders]


def _read_all(file: Path) -> tuple[dict[str, bytes], list[str]]:
    if not file.is_file():
        raise WorldError(f"{file}: no such file")
    if file.stat().st_size > MAX_FILE:
        raise WorldError(f"{file}: larger than {MAX_FILE // (1024 * 1024)} MB")
    try:
        zf = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError) as exc:
        raise WorldError(f"{file}: not a saved world (not a zip: {exc})") from None
    with zf:
        files, folders = _manifest(zf, file)
        infos = [i for i in zf.infolist() if i.filename != MANIFEST]
        if len(infos) > MAX_MEMBERS:
            raise WorldError(f"{file}: more than {MAX_MEMBERS} members")
        if sum(i.file_size for i in infos) > MAX_TOTAL:
            raise WorldError(f"{file}: unpacks to more than {MAX_TOTAL // (1024 * 1024)} MB")
        out: dict[str, bytes] = {}
        for info in infos:
            name = _safe_name(info.filename, file)
            mode = info.external_attr >> 16
            if info.is_dir():
                continue
            if stat.S_ISLNK(mode):
                raise WorldError(f"{file}: member {name!r} is a link")
            want = files.get(name)
            if not isinstance(want, dict):
                raise WorldError(f"{file}: member {name!r} is not in the manifest")
            if info.file_size > MAX_MEMBER or info.file_size != want.get("size"):
                raise WorldError(f"{file}: member {name!r} has the wrong size")
            try:
                data = zf.read(info)
            except (zipfile.BadZipFile, OSError, ValueError) as exc:
                raise WorldError(f"{file}: member {name!r} cannot be read: {exc}") from None
            if hashlib.sha256(data).hexdigest() != want.get("sha256"):
                raise WorldError(f"{file}: member {name!r} does not match its sha256 (tampered)")
            out[name] = data
        missing = sorted(set(files) - set(out))
        if missing:
            raise WorldError(f"{file}: member {missing[0]!r} of the manifest is missing")
    return out, folders


def load(file: Path, directory: Path) -> int:
    """Unpack ``file`` into ``directory`` (new or empty); returns the number of files."""
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise WorldError(f"{directory}: exists and is not an empty folder")
    for parent in Path(os.path.realpath(directory)).parents:
        if (parent / WORLD_FILE).is_file():
            raise WorldError(f"{directory}: is inside the world folder {parent}")
    members, folders = _read_all(file)
    created = not directory.exists()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WorldError(f"{directory}: cannot create the folder: {exc.strerror or exc}") from None
    try:
        _unpack(file, directory, members, folders)
    except WorldError:
        _clear(directory, remove=created)  # nothing half loaded is left behind
        raise
    return len(members)


def _clear(directory: Path, *, remove: bool) -> None:
    for item in listdir_sorted(directory):
        if item.is_dir() and not item.is_symlink():
            shutil.rmtree(item, ignore_errors=True)
        else:
            item.unlink(missing_ok=True)
    if remove:
        with contextlib.suppress(OSError):
            directory.rmdir()


def _unpack(file: Path, directory: Path, members: dict[str, bytes], folders: list[str]) -> None:
    """Write the members, then open the world once: a state the simulation would refuse
    (a share or a store outside the world) is refused here, not at the next command."""
    root = directory.resolve()
    for name in folders:
        target = (directory / name).resolve()
        if not target.is_relative_to(root):
            raise WorldError(f"{file}: folder {name!r} would land outside the world folder")
        target.mkdir(parents=True, exist_ok=True)
    for name, data in sorted(members.items()):
        target = (directory / name).resolve()
        if not target.is_relative_to(root):  # belt and braces after _safe_name
            raise WorldError(f"{file}: member {name!r} would land outside the world folder")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    read_doc(directory)
    with open_world(directory, write=False):
        pass
