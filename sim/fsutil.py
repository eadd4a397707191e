"""The few ways sim/ touches a filesystem, so listing order and atomicity are uniform.

Everything goes through ``pathlib`` so the same code runs on real disk and on
pyfakefs. pyfakefs shuffles directory listings by default: sorting here means the
shuffle can never leak into results.
"""

from __future__ import annotations

import os
import random
import stat
import zlib
from pathlib import Path

__all__ = [
    "NotAFileError",
    "TooLargeError",
    "atomic_write_bytes",
    "atomic_write_text",
    "listdir_sorted",
    "read_regular",
    "substream",
]


class NotAFileError(ValueError):
    """An input that is not a regular file (``directory`` says whether it is a folder)."""

    def __init__(self, directory: bool) -> None:
        self.directory = directory
        super().__init__(
            "is a directory" if directory else "not a regular file (a device, FIFO or socket)"
        )


class TooLargeError(ValueError):
    """A regular file over its limit; ``size`` is None when it grew past it while read."""

    def __init__(self, size: int | None, limit: int) -> None:
        self.size, self.limit = size, limit
        super().__init__(f"{size if size is not None else f'more than {limit}'} bytes")


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, read with a bounded read.

    A directory, device (``/dev/zero``), FIFO or socket, or a symlink to one, is
    refused (:class:`NotAFileError`) before any byte is read. The file is opened
    non-blocking, so a FIFO without a writer does not hang. A file whose size is
    over the limit is refused from ``fstat`` (:class:`TooLargeError` with the size);
    since ``st_size`` cannot be trusted for every file, at most ``limit + 1`` bytes
    are read whatever it claims. ``OSError`` is left to the caller.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotAFileError(stat.S_ISDIR(info.st_mode))
        if info.st_size > limit:
            raise TooLargeError(info.st_size, limit)
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 16, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise TooLargeError(None, limit)
        return b"".join(chunks)
    finally:
        os.close(fd)


def listdir_sorted(directory: Path) -> list[Path]:
    """The one way sim/ lists a directory (sorted by case-folded name, then name)."""
    return sorted(directory.iterdir(), key=lambda p: (p.name.casefold(), p.name))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` completely or not at all (temp file + rename); an
    interrupt or a full disk leaves no temp file behind."""
    tmp = path.with_name(path.name + ".$$$")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str, encoding: str = "cp437") -> None:
    """Text version of :func:`atomic_write_bytes` (DOS code page by default)."""
    atomic_write_bytes(path, text.encode(encoding, errors="replace"))


def substream(seed: int, name: str) -> random.Random:
    """One RNG per consumer; adding a consumer never shifts another (hash() is salted)."""
    return random.Random(zlib.crc32(f"{seed}:{name}".encode()))
