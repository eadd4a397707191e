"""A program killed mid-file (NTVDM ended): the stream EXPORT writes dies after N bytes.

Passed to ``sim.programs.export.export_messages(opener=...)``, the seam for a
kill: what is left is what a killed EXPORT leaves, a partial temporary file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import TracebackType

__all__ = ["DyingFile", "KilledError", "dying_opener"]


class KilledError(Exception):
    """EXPORT.EXE killed (NTVDM ended) in the middle of writing its file."""


class DyingFile:
    """Writes the first ``budget`` bytes, then the process dies."""

    def __init__(self, path: Path, budget: int) -> None:
        self._fh = path.open("wb")
        self._left = budget

    def __enter__(self) -> DyingFile:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._fh.close()

    def write(self, data: bytes) -> int:
        if len(data) < self._left:
            self._left -= len(data)
            return self._fh.write(data)
        self._fh.write(data[: self._left])
        raise KilledError


def dying_opener(budget: int) -> Callable[[Path], DyingFile]:
    """An ``opener`` whose file dies after ``budget`` bytes."""
    return lambda path: DyingFile(path, budget)
