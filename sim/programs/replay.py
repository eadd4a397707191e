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

* the **write generation**: file-system changes made by this process, by the
  simulation, the harness or anything else, counted by an audit hook
  (:func:`sys.addaudithook`: ``open`` for writing, rename, remove, truncate,
  utime, mkdir...). A replay needs it unchanged since the recording. It is exact
  however fast the writes follow each other;
* ``stat`` rows (mode, size, ``mtime_ns``, ``ctime_ns``, inode) of every file the
  recorded run opened and every folder it listed (the same audit hook collects
  them while the run is recorded), and of the folders it may look into without
  listing them: the ``/D`` post office directory, the folder of the ``/@`` file,
  the search path and the current directory (a file appearing or going changes
  its folder's row). A person editing a real directory by hand writes from
  another process, which no hook sees: these rows change instead. (A hand edit
  within the same file-system clock tick as an in-process write to the same
  file, leaving size and inode alone, is the one change this cannot see; git's
  index has the same blind spot. A concurrent edit during a run is recorded as
  the run's input.);
* the decisions that do not live in files: where ``/D`` resolves (shares,
  NetWare volumes), the account's access check on a UNC ``/D``, and the
  exclusive holder of the post office in ``world.locks``.

Under pyfakefs no audit event fires (the fake ``os`` module is no module), so
the fast path stands aside and every run executes.

A run is **recorded** only when it wrote nothing (the same generation after it as
before, and the same folders and decisions: a run that exports or imports mail
is never replayed) and when its console text does not echo the ``/@`` name. A replay
returns the recorded result code, console text and failure with the new command
line; the caller logs its events at the new virtual time, as after any run. Only
EXPORT and IMPORT are replayed (:data:`REPLAYED`): the admin tools take locks and
read the clock.

``CCSIM_EXACT=1`` in the environment turns every fast path off: each run
executes. It is the reference mode the fast one is checked against
(``tests/harness/test_fast_equivalence.py``, ``tests/sim/programs/test_replay.py``).
"""

from __future__ import annotations

import os
import sys
import types
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sim import winpath
from sim.errors import PathError
from sim.programs.cmdline import SwitchError, parse_switches
from sim.programs.paramfile import read_parameter_file, section_for

if TYPE_CHECKING:
    from sim.access import AccessCheck
    from sim.programs.runner import ProgramRun
    from sim.winpath import Location
    from sim.world import World

__all__ = [
    "EXACT_ENV",
    "REPLAYED",
    "TOTALS",
    "Stats",
    "exact_mode",
    "generation",
    "mode",
    "note_skipped",
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

#: a path's stat: mode, size, mtime_ns, ctime_ns, inode; or the error stat raised
Row = tuple[int, int, int, int, int] | str


_generation = [0]
_hooked = [False]
#: while a run is recorded: the paths it opened and the folders it listed
_seen: list[set[str] | None] = [None]


def _audit(event: str, args: tuple[object, ...]) -> None:
    if event == "open":
        flags = args[2] if len(args) > 2 else 0
        if isinstance(flags, int) and flags & _WRITE_FLAGS:
            _generation[0] += 1
    elif event in _WRITE_EVENTS:
        _generation[0] += 1
        return
    elif event not in ("os.scandir", "os.listdir"):
        return
    seen = _seen[0]
    if seen is not None and args:
        path = args[0]
        if isinstance(path, os.PathLike):
            path = os.fspath(path)
        if isinstance(path, str):
            seen.add(path)


def generation() -> int:
    """The write generation: file-system changes this process made since the hook went in."""
    if not _hooked[0]:
        _hooked[0] = True
        sys.addaudithook(_audit)
    return _generation[0]


def exact_mode() -> bool:
    """``CCSIM_EXACT`` set to anything but ``""`` or ``"0"``: no fast path."""
    return os.environ.get(EXACT_ENV, "") not in ("", "0")


@contextmanager
def mode(exact: bool) -> Iterator[None]:
    """Run the block with ``CCSIM_EXACT`` set (``exact``) or the fast path on; then as before."""
    saved = os.environ.get(EXACT_ENV)
    os.environ[EXACT_ENV] = "1" if exact else "0"
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop(EXACT_ENV, None)
        else:
            os.environ[EXACT_ENV] = saved


@dataclass(frozen=True, slots=True)
class _Signature:
    """What a run could see: its folders and files with their stats, and in-memory decisions."""

    #: (role, host path, stat): the /D, /@, search-path and current directories
    folders: tuple[tuple[str, str, Row], ...]
    #: (path, stat) of every file the run opened and folder it listed
    paths: tuple[tuple[str, Row], ...]
    decisions: tuple[object, ...]


@dataclass(frozen=True, slots=True)
class _Entry:
    generation: int
    paths: frozenset[str]
    signature: _Signature
    run: ProgramRun


@dataclass(slots=True)
class Stats:
    """How often the fast path answered (for benchmarks and tests)."""

    replayed: int = 0
    executed: int = 0
    #: connector polls skipped in quiet stretches (``sim.connector.quiet``)
    skipped: int = 0


#: the counts over every world of this process
TOTALS = Stats()
_CACHES: weakref.WeakKeyDictionary[World, dict[tuple[object, ...], _Entry]] = (
    weakref.WeakKeyDictionary()
)
_STATS: weakref.WeakKeyDictionary[World, Stats] = weakref.WeakKeyDictionary()
#: path text -> (write generation, place, jail) last checked, per world
_PLACES: weakref.WeakKeyDictionary[World, dict[str, tuple[int, Location, Path]]] = (
    weakref.WeakKeyDictionary()
)


def stats(world: World) -> Stats:
    """The replay counts of one world."""
    return _STATS.setdefault(world, Stats())


def note_skipped(world: World, polls: int) -> None:
    """Count ``polls`` skipped in a quiet stretch of ``world``'s connector."""
    stats(world).skipped += polls
    TOTALS.skipped += polls


def _row(path: str) -> Row:
    try:
        st = os.stat(path)
    except OSError as exc:
        return f"{type(exc).__name__} {exc.errno}"
    return (st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def _real_os() -> bool:
    """False under pyfakefs, which swaps ``os`` for a fake that fires no audit event."""
    return isinstance(os, types.ModuleType)


def _resolve(world: World, text: str) -> Location:
    """``world.resolve(text)``, with the symlink jail (its costly half) done again only when
    the place or the write generation moved; the place itself (shares, volumes, root) is
    worked out every time."""
    location, base = winpath._place(winpath.normalise(text), root=world.root, access=world.access)
    places = _PLACES.setdefault(world, {})
    if places.get(text) != (_generation[0], location, base):
        winpath.jail(location.host, base)
        places[text] = (_generation[0], location, base)
    return location


def _host(world: World, text: str) -> Path | None:
    try:
        return _resolve(world, text).host
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

    def signature(self, paths: frozenset[str]) -> _Signature:
        """The folders a run can see, ``paths`` it opened or listed, and the decisions."""
        world = self.world
        folders: dict[str, Path | None] = {}
        for directory in (*self.search_path, self.cwd):
            if directory:
                folders[f"dir {directory}"] = _host(world, directory)
        decisions: list[object] = []
        if self.po_path is not None:
            try:
                location = _resolve(world, self.po_path)
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
        rows = [(k, "" if v is None else str(v)) for k, v in sorted(folders.items())]
        places = tuple((k, v, _row(v) if v else "unplaced") for k, v in rows)
        return _Signature(places, tuple((p, _row(p)) for p in sorted(paths)), tuple(decisions))


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
    po_path = switches.path
    if po_path is None:  # the post office directory from the parameter file (Q181186)
        values = read_parameter_file(world, switches.stray, section_for(file_name), dos=False)
        po_path = (values or {}).get("Path") or None
    call = _Call(
        world,
        file_name.upper(),
        tuple(argv),
        account,
        tuple(search_path),
        cwd,
        po_path,
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
    entry = cache.get(key)
    fresh = entry is not None and entry.generation == written and _real_os()
    if entry is not None and fresh and call.signature(entry.paths) == entry.signature:
        counts.replayed += 1
        TOTALS.replayed += 1
        return replace(entry.run, command_line=command_line)
    cache.pop(key, None)
    if not _real_os():
        return execute()
    before = call.signature(frozenset())
    seen: set[str] = set()
    _seen[0] = seen
    try:
        run = execute()
    finally:
        _seen[0] = None
    counts.executed += 1
    TOTALS.executed += 1
    if generation() != written or (name and name in run.output):
        return run
    paths = frozenset(seen)
    after = call.signature(paths)
    if after.folders == before.folders and after.decisions == before.decisions:
        cache[key] = _Entry(written, paths, after, run)
    return run
