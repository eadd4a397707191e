"""A world kept in a folder: ``world.json`` (versioned), ``exchange.json`` and ``world/``.

``world/`` is the world root: the post office server's share, the Exchange
server's drives with ``Ccmcdata``. They are ordinary files; a change made by
hand is what the next command finds. ``world.json`` holds the state that is
not a file (:mod:`harness.worldstore.state`); it is written atomically (temp
file and rename) after each command, under a lock (``world.lock``) that makes a
second command on the same folder stop at once with a one-line error (no
waiting, so no hang). The JSON is sorted and carries no host paths, so the
same seed and the same commands give the same bytes in any folder.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.build import Site
from harness.worldstore.state import EXCHANGE_FILE, StateError, dump, restore

__all__ = [
    "FORMAT",
    "VERSION",
    "WORLD_FILE",
    "WorldError",
    "WorldHandle",
    "create",
    "is_world",
    "open_world",
]

FORMAT = "ccsim-world"
VERSION = 1
WORLD_FILE = "world.json"
ROOT = "world"
LOCK_FILE = "world.lock"
MAX_STATE_BYTES = 64 * 1024 * 1024


class WorldError(ValueError):
    """A folder that is not a usable world: printed as one line, exit code 2."""


@dataclass(slots=True)
class WorldHandle:
    """An open world: the site and what ``world.json`` says besides its state."""

    directory: Path
    site: Site
    meta: dict[str, Any]


def is_world(directory: Path) -> bool:
    return (directory / WORLD_FILE).is_file()


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    with (directory / LOCK_FILE).open("a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WorldError(f"{directory}: another ccsim command is using it; try again") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def render(meta: dict[str, Any], state: dict[str, Any]) -> str:
    from sim import __version__

    doc = {"format": FORMAT, "version": VERSION, "ccsim": __version__, **meta, "state": state}
    return json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _write(directory: Path, meta: dict[str, Any], site: Site) -> None:
    text = render(meta, dump(site, directory))
    tmp = directory / (WORLD_FILE + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, directory / WORLD_FILE)


def read_doc(directory: Path) -> dict[str, Any]:
    """``world.json`` parsed and its format and version checked."""
    path = directory / WORLD_FILE
    if not directory.is_dir():
        raise WorldError(f"{directory}: no such folder")
    if not path.is_file():
        raise WorldError(f"{path}: not a world (make one with 'ccsim world new {directory}')")
    if path.stat().st_size > MAX_STATE_BYTES:
        raise WorldError(f"{path}: larger than {MAX_STATE_BYTES // (1024 * 1024)} MB")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise WorldError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise WorldError(f"{path}: cannot be read: {exc}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise WorldError(f"{path}:1: not a ccsim world file")
    if doc.get("version") != VERSION:
        got = doc.get("version")
        raise WorldError(
            f"{path}:1: world format version {got!r} is not supported (only {VERSION})"
        )
    if not isinstance(doc.get("state"), dict):
        raise WorldError(f"{path}:1: no state")
    return doc


def create(directory: Path, site_factory: Any, meta: dict[str, Any]) -> None:  # noqa: ANN401
    """Make a new world in ``directory`` (empty or missing): ``site_factory(root)`` builds it."""
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise WorldError(f"{directory}: exists and is not an empty folder")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WorldError(f"{directory}: cannot create: {exc.strerror or exc}") from None
    with _locked(directory):
        site: Site = site_factory(directory / ROOT)
        _write(directory, meta, site)


@contextlib.contextmanager
def open_world(directory: Path, *, write: bool = True) -> Iterator[WorldHandle]:
    """The world in ``directory``, locked; saved again when the block ends without error."""
    read_doc(directory)  # a clear error before taking the lock
    with _locked(directory):
        doc = read_doc(directory)
        meta = {k: v for k, v in doc.items() if k not in ("format", "version", "ccsim", "state")}
        if not (directory / EXCHANGE_FILE).is_file():
            raise WorldError(f"{directory / EXCHANGE_FILE}: missing")
        try:
            site = restore(doc["state"], directory, directory / ROOT)
        except StateError as exc:
            raise WorldError(f"{directory / WORLD_FILE}: bad state: {exc}") from None
        except Exception as exc:  # noqa: BLE001 - e.g. the Exchange store file
            raise WorldError(f"{directory}: cannot be opened: {exc}") from None
        handle = WorldHandle(directory, site, meta)
        yield handle
        if write:
            _write(directory, handle.meta, handle.site)
