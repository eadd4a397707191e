"""The post office directory as files: one run's read cache and the write marker.

A :class:`PostofficeFiles` reads whole files and the directory listing. With
``cached=True`` (one program run's view) each file is read once until the object
writes; every method that writes is marked :func:`writes`, which drops the cache
afterwards. The layout of the files is described in :mod:`sim.postoffice.postoffice`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

__all__ = ["PostofficeFiles", "writes"]

P = ParamSpec("P")
R = TypeVar("R")
S = TypeVar("S", bound="PostofficeFiles")


def writes(method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
    """A method that writes: whatever a cached Postoffice read before is stale after it."""

    def wrapper(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(self, *args, **kwargs)
        finally:
            self.forget()

    wrapper.__doc__ = method.__doc__
    wrapper.__name__ = method.__name__
    return wrapper


class PostofficeFiles:
    """The files of one post office directory, read whole."""

    def __init__(self, path: Path, *, cached: bool = False) -> None:
        self.path = path
        #: ``cached``: one program run's view. Each file is read once and the listing
        #: taken once until this object writes (a run is atomic on the virtual clock,
        #: so nothing else writes meanwhile); pyfakefs calls are costly (STYLE.md §6).
        self._cache: dict[str, bytes] | None = {} if cached else None
        self._listing: dict[str, str] | None = None

    def read(self, name: str) -> bytes:
        """A whole file of the post office (from the run's cache when ``cached``)."""
        if self._cache is None:
            return (self.path / name).read_bytes()
        data = self._cache.get(name)
        if data is None:
            data = self._cache[name] = (self.path / name).read_bytes()
        return data

    def forget(self) -> None:
        """Drop what was cached: called by every method that writes."""
        if self._cache is not None:
            self._cache.clear()
        self._listing = None

    def names(self) -> dict[str, str]:
        """Case-folded file name -> real name, from one directory listing."""
        if self._cache is not None and self._listing is not None:
            return self._listing
        try:
            listing = {p.name.casefold(): p.name for p in self.path.iterdir()}
        except OSError:  # missing, not a folder, a name too long: no post office files
            listing = {}
        if self._cache is not None:
            self._listing = listing
        return listing

    def file(self, name: str) -> Path:
        return self.path / name
