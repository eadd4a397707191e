"""Answering a repeated program run from the last identical one: the fast path.

A program's result is a function of what it reads: the files it opens, the
access check, the world's locks, its command line and parameter values. When
none of those changed since the last identical run, the run can be answered
from that run's outcome, the way make or Bazel answer a build step whose inputs
did not change. The connector polls EXPORT every 15 virtual seconds; nearly
every poll finds the post office as the previous one did.

A run's **key**: the program file, its argument vector with the name of the
``/@`` file left out (the connector's ``msgXXXX.ccm`` counter moves on every
poll), the account, the search path, the NT date order, the parameter-file
values and the current directory.

Its **signature**, checked before every replay:

* every directory the program can read: the ``/D`` post office directory, the
  folder of the ``/@`` file, each directory of the search path and the current
  directory. Each is listed with, for every file, its name, mode, size,
  ``mtime_ns``, ``ctime_ns`` and inode (``stat``), and every folder by name (no
  program reads into a folder of these). That is a superset of the
  files EXPORT and IMPORT open, so a file written by anything, the simulation or
  a person editing a real directory by hand, changes the signature;
* the decisions that do not live in files: where ``/D`` and ``/@`` resolve
  (shares, NetWare volumes), the account's access check on a UNC ``/D``, and the
  exclusive holder of the post office in ``world.locks``.

The signature's file part has two halves. Writes made by this process, by the
simulation, the harness or anything else, are counted by an audit hook
(:func:`sys.addaudithook`: ``open`` for writing, rename, remove, truncate, utime,
mkdir...): that count is the world's **write generation**, and a replay needs it
unchanged since the recording. It is exact however fast the writes follow each
other. A file a person edits by hand in a real directory is written by another
process, which no hook sees: its ``stat`` row changes instead. (A hand edit landing
within the same file-system clock tick as an in-process write to the same file,
with the size and inode unchanged, is the one change this cannot see; git's index
has the same blind spot. In pyfakefs no audit event fires, and the fake clock is
fine enough that every write moves ``mtime_ns``.)

A run is **recorded** only when it wrote nothing (the same generation and
signature after it as before: a run that exports or imports mail is never
replayed) and when its console text does not echo the ``/@`` name. A replay
returns the recorded result code, console text and failure with the new command
line; the caller logs its events at the new virtual time, as after any run. Only
EXPORT and IMPORT are replayed (:data:`REPLAYED`): the admin tools take locks and
read the clock.

``CCSIM_EXACT=1`` in the environment turns every fast path off: each run
executes. It is the reference mode the fast one is checked against
(``tests/sim/test_fast_equivalence.py``).
"""

from __future__ import annotations

import os
import stat
import sys
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sim.errors import PathError
from sim.programs.cmdline import SwitchError, parse_switches

if TYPE_CHECKING:
    from sim.access import AccessCheck
    from sim.programs.runner import ProgramRun
    from sim.world import World

__all__ = [
    "EXACT_ENV",
    "REPLAYED",
    "TOTALS",
    "Stats",
    "exact_mode",
    "generation",
    "replayed_run",
    "stats",
]

#: the environment variable that turns every fast path off
EXACT_ENV = "CCSIM_EXACT"
#: program files whose runs may be replayed
REPLAYED = frozenset({"EXPORT.EXE", "IMPORT.EXE", "EXPORT32.EXE", "IMPORT32.EXE"})
#: audit events that change the file system (``open`` is judged by its flags)
_WRITE_EVENTS = frozenset(
    {
        "os.chmod",
        "os.chown",
        "os.link",
        "os.mkdir",
        "os.remove",
        "os.rename",
        "os.rmdir",
        "os.symlink",
        "os.truncate",
        "os.utime",
        "shutil.rmtree",
    }
)
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC
_PLACEHOLDER = "\x00"

#: one listed entry: name, mode, size, mtime_ns, ctime_ns, inode
Row = tuple[str, int, int, int, int, int]
#: a directory's listing, or the error that listing it raised
Listing = tuple[Row, ...] | str


_generation = [0]
_hooked = [False]


def _audit(event: str, args: tuple[object, ...]) -> None:
    if event == "open":
        flags = args[2] if len(args) > 2 else 0
        if isinstance(flags, int) and flags & _WRITE_FLAGS:
            _generation[0] += 1
    elif event in _WRITE_EVENTS:
        _generation[0] += 1


def generation() -> int:
    """The write generation: file-system changes this process made since the hook went in."""
    if not _hooked[0]:
        _hooked[0] = True
        sys.addaudithook(_audit)
    return _generation[0]


def exact_mode() -> bool:
    """``CCSIM_EXACT`` set to anything but ``""`` or ``"0"``: no fast path."""
    return os.environ.get(EXACT_ENV, "") not in ("", "0")


@dataclass(frozen=True, slots=True)
class _Signature:
    """What a run could see: directory listings with stats, and in-memory decisions."""

    listings: tuple[tuple[str, Listing], ...]
    decisions: tuple[object, ...]


@dataclass(frozen=True, slots=True)
class _Entry:
    generation: int
    signature: _Signature
    run: ProgramRun


@dataclass(slots=True)
class Stats:
    """How often the fast path answered (for benchmarks and tests)."""

    replayed: int = 0
    executed: int = 0


#: the counts over every world of this process
TOTALS = Stats()
_CACHES: weakref.WeakKeyDictionary[World, dict[tuple[object, ...], _Entry]] = (
    weakref.WeakKeyDictionary()
)
_STATS: weakref.WeakKeyDictionary[World, Stats] = weakref.WeakKeyDictionary()


def stats(world: World) -> Stats:
    """The replay counts of one world."""
    return _STATS.setdefault(world, Stats())


def _listing(path: Path | None) -> Listing:
    if path is None:
        return "unplaced"
    try:
        rows: list[Row] = []
        with os.scandir(path) as found:
            for entry in found:
                try:
                    if entry.is_dir():  # a folder's content is no program's input: no stat
                        rows.append((entry.name, stat.S_IFDIR, 0, 0, 0, 0))
                        continue
                    st = entry.stat()
                except OSError as exc:
                    rows.append((entry.name, -1, exc.errno or 0, 0, 0, 0))
                    continue
                rows.append(
                    (entry.name, st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
                )
    except OSError as exc:
        return f"{type(exc).__name__} {exc.errno}"
    rows.sort()
    return tuple(rows)


def _host(world: World, text: str) -> Path | None:
    try:
        return world.path(text)
    except PathError:
        return None


@dataclass(frozen=True, slots=True)
class _Call:
    """One program call, as the runner was given it."""

    world: World
    file_name: str
    argv: tuple[str, ...]
    account: str | None
    search_path: tuple[str, ...]
    cwd: str
    po_path: str | None
    file: str | None

    def signature(self) -> _Signature:
        world = self.world
        folders: dict[str, Path | None] = {}
        for directory in (*self.search_path, self.cwd):
            if directory:
                folders[f"dir {directory}"] = _host(world, directory)
        decisions: list[object] = []
        if self.po_path is not None:
            try:
                location = world.resolve(self.po_path)
            except PathError as exc:
                decisions.append(f"unplaced: {exc}")
            else:
                folders["po"] = location.host
                check: AccessCheck | None = None
                if self.account is not None and location.unc is not None:
                    check = world.access.check_unc(self.account, *location.unc)
                decisions += [location, check, world.locks.exclusive_holder(location.host)]
        if self.file is not None:
            host = _host(world, self.file)
            folders["file"] = None if host is None else host.parent
        listings = tuple((k, _listing(v)) for k, v in sorted(folders.items()))
        return _Signature(listings, tuple(decisions))


def _key_and_call(
    world: World,
    file_name: str,
    argv: Sequence[str],
    known: frozenset[str],
    account: str | None,
    search_path: Sequence[str],
    extra: tuple[object, ...],
    cwd: str,
) -> tuple[tuple[object, ...], _Call, str] | None:
    """The cache key, the call, and the ``/@`` name left out of the key (None: not cacheable)."""
    try:
        switches = parse_switches(argv, known=known)
    except SwitchError:
        return None
    name = ""
    keyed = list(argv)
    if switches.file is not None:
        _, sep, name = switches.file.rpartition("\\")
        if not sep or not name or any(ch in name for ch in '*?"'):
            name = ""
        else:
            keyed = [a.replace(name, _PLACEHOLDER) if a[:2] == "/@" else a for a in argv]
    call = _Call(
        world,
        file_name.upper(),
        tuple(argv),
        account,
        tuple(search_path),
        cwd,
        switches.path,
        switches.file,
    )
    key = (call.file_name, tuple(keyed), account, call.search_path, cwd, extra)
    return key, call, name


def replayed_run(
    world: World,
    file_name: str,
    command_line: str,
    argv: Sequence[str],
    *,
    known: frozenset[str],
    account: str | None,
    search_path: Sequence[str],
    settings: tuple[object, Mapping[str, str]],
    cwd: str,
    execute: Callable[[], ProgramRun],
) -> ProgramRun:
    """The run's outcome: replayed when its inputs are unchanged, else ``execute()``.

    ``settings`` are the NT date order and the parameter-file values; ``known`` the
    program's keyword switches (to find ``/D`` and ``/@`` as it does).
    """
    date_style, options = settings
    extra = (date_style, tuple(sorted(options.items())))
    found = None
    if not exact_mode() and file_name.upper() in REPLAYED:
        found = _key_and_call(world, file_name, argv, known, account, search_path, extra, cwd)
    if found is None:
        return execute()
    key, call, name = found
    cache = _CACHES.setdefault(world, {})
    counts = stats(world)
    written = generation()
    before = call.signature()
    entry = cache.get(key)
    if entry is not None and entry.generation == written and entry.signature == before:
        counts.replayed += 1
        TOTALS.replayed += 1
        return replace(entry.run, command_line=command_line)
    cache.pop(key, None)
    run = execute()
    counts.executed += 1
    TOTALS.executed += 1
    if generation() != written or (name and name in run.output):
        return run
    if call.signature() == before:
        cache[key] = _Entry(written, before, run)
    return run
