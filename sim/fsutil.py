"""The few ways sim/ touches a filesystem, so listing order and atomicity are uniform.

Everything goes through ``pathlib`` so the same code runs on real disk and on
pyfakefs. pyfakefs shuffles directory listings by default: sorting here means the
shuffle can never leak into results.
"""

from __future__ import annotations

import random
import zlib
from pathlib import Path

__all__ = ["atomic_write_bytes", "atomic_write_text", "listdir_sorted", "substream"]


def listdir_sorted(directory: Path) -> list[Path]:
    """The one way sim/ lists a directory (sorted by case-folded name, then name)."""
    return sorted(directory.iterdir(), key=lambda p: (p.name.casefold(), p.name))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` completely or not at all (temp file + rename)."""
    tmp = path.with_name(path.name + ".$$$")
    tmp.write_bytes(data)
    tmp.replace(path)


def atomic_write_text(path: Path, text: str, encoding: str = "cp437") -> None:
    """Text version of :func:`atomic_write_bytes` (DOS code page by default)."""
    atomic_write_bytes(path, text.encode(encoding, errors="replace"))


def substream(seed: int, name: str) -> random.Random:
    """One RNG per consumer; adding a consumer never shifts another (hash() is salted)."""
    return random.Random(zlib.crc32(f"{seed}:{name}".encode()))
