"""``ccsim run --lf``: the scenarios that did not pass last time, as pytest's cache keeps them.

After every ``ccsim run`` the ids of the scenarios that failed, raised or could
not be loaded are kept in ``.ccsim_cache/lastfailed.json`` under the current
directory (pytest keeps its own in ``.pytest_cache``): a scenario that passes
leaves the list, one that does not pass joins it, and the others keep their
place. ``--lf`` then runs only the listed scenarios of the selection, or all of
it when none of them is listed (``no previously failed scenarios``).

The file is data only: it is read with a size limit, and one that cannot be
read or is not such a list is ignored with a warning, never an error. The
folder holds a ``.gitignore`` of ``*`` and a ``CACHEDIR.TAG`` so that version
control and backups skip it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

__all__ = ["CACHE_DIR", "CACHE_FILE", "read_last_failed", "update_last_failed"]

#: the folder, under the current directory
CACHE_DIR = ".ccsim_cache"
#: the file in it
CACHE_FILE = "lastfailed.json"
_LIMIT = 4 * 2**20
_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by ccsim.\n"
)


def _path(base: Path | None) -> Path:
    return (base or Path.cwd()) / CACHE_DIR / CACHE_FILE


def read_last_failed(base: Path | None = None) -> tuple[set[str], str | None]:
    """The ids that did not pass last time, and a warning when the file was unusable."""
    path = _path(base)
    try:
        with path.open("rb") as handle:
            raw = handle.read(_LIMIT + 1)
    except FileNotFoundError:
        return set(), None
    except OSError as exc:
        return set(), f"{path}: cannot read: {exc.strerror or exc}; ignored"
    if len(raw) > _LIMIT:
        return set(), f"{path}: larger than {_LIMIT // 2**20} MB; ignored"
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return set(), f"{path}: not a ccsim cache file; ignored"
    failed = data.get("lastfailed") if isinstance(data, dict) else None
    if not isinstance(failed, list) or not all(isinstance(i, str) for i in failed):
        return set(), f"{path}: not a ccsim cache file; ignored"
    return set(failed), None


def update_last_failed(
    passed: Iterable[str], failed: Iterable[str], base: Path | None = None
) -> str | None:
    """Drop ``passed`` from the list, add ``failed``; a warning if it cannot be written."""
    known, _ = read_last_failed(base)
    now = sorted((known - set(passed)) | set(failed))
    path = _path(base)
    try:
        path.parent.mkdir(exist_ok=True)
        for name, text in ((".gitignore", "# created by ccsim\n*\n"), ("CACHEDIR.TAG", _TAG)):
            extra = path.parent / name
            if not extra.exists():
                extra.write_text(text, encoding="utf-8")
        temporary = path.with_name(f"{CACHE_FILE}.{os.getpid()}")
        temporary.write_text(json.dumps({"lastfailed": now}, indent=2) + "\n", encoding="utf-8")
        temporary.replace(path)
    except OSError as exc:
        return f"{path}: cannot write: {exc.strerror or exc}; --lf will not know this run"
    return None
