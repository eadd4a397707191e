"""24 virtual hours of a healthy connector against the bare EXPORT/IMPORT calls it makes.

On real disk (temporary directories), the standard site (``sim.connector.setup``)
with dirsync done, one message a minute each way (1,440 each way), 5,760
EXPORT polls, dirsync every 15 minutes. Three runs of the same seed:

1. the service, timed (wall clock) over the whole virtual day;
2. the same day again, untimed, recording every program call the service
   makes (instant, program, command line, and the input files an IMPORT reads);
3. the bare calls: the same calls at the same instants from a plain loop, no
   service (the files IMPORT reads put in place from the recording, EXPORT's
   output deleted), timed.

Printed: both wall times, their ratio (targets: within 2x; a day in under
about 4 s), the virtual-to-wall speed-up, the file-system operations of an idle
poll (``pathlib.Path`` methods and ``open`` counted by wrapping them, bench
only), and the conservation check at the end of the service run.

The machine may be shared: the service and bare days are interleaved and the
best of each is kept (``python bench/connector_day.py 3`` for three of each).

Usage: ``python -m bench connector_day`` or ``python bench/connector_day.py [repeats]``.
"""

from __future__ import annotations

import builtins
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.connector import service as service_module
from sim.connector.setup import Site, send_to_ccmail, send_to_exchange, standard_world
from sim.conservation import check
from sim.message import DateStyle
from sim.programs import replay
from sim.programs.runner import run_program
from sim.world import World

DAY = 24 * 3600
SEED = 1998
_PATH_METHODS = (
    "open", "read_bytes", "read_text", "write_bytes", "write_text", "iterdir", "exists",
    "is_file", "is_dir", "stat", "unlink", "replace", "rename", "mkdir", "touch", "rmdir",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Call:
    when: float
    program: str
    command_line: str
    account: str | None
    search_path: tuple[str, ...]
    options: tuple[tuple[str, str], ...]
    date_style: DateStyle
    #: the current directory the service starts the program in
    cwd: str
    #: files an IMPORT reads: (host path, bytes)
    inputs: tuple[tuple[Path, bytes], ...]


def _site(root: Path, *, start: bool) -> Site:
    world = World(seed=SEED, root=root)
    return standard_world(world, dirsync_done=True, start=start, users=20, messages=40)


def _traffic(world: World) -> None:
    """One message each way, then again a minute later."""
    send_to_exchange(world, 1)
    send_to_ccmail(world, 1)
    world.clock.call_later(60, lambda: _traffic(world))


def service_day(root: Path) -> tuple[float, Site]:
    site = _site(root, start=True)
    world = site.world
    world.clock.call_later(60, lambda: _traffic(world))
    began = time.perf_counter()
    world.clock.run_until(DAY)
    return time.perf_counter() - began, site


@contextmanager
def recording(world: World) -> Iterator[list[Call]]:
    """Wrap the service's ``run_program`` to record each call and IMPORT's input files."""
    calls: list[Call] = []
    real = service_module.run_program

    def spy(w, program, line, *, account, search_path, date_style, options, cwd=""):
        inputs: tuple[tuple[Path, bytes], ...] = ()
        if program.upper().startswith("IMPORT"):
            pattern = world.path(line.split("/@", 1)[1].split(" ", 1)[0])
            found = sorted(pattern.parent.glob(pattern.name))
            inputs = tuple((p, p.read_bytes()) for p in found)
        calls.append(
            Call(world.clock.now, program, line, account, tuple(search_path),
                 tuple(sorted(options.items())), date_style, cwd, inputs)
        )  # fmt: skip
        return real(
            w, program, line, account=account, search_path=search_path,
            date_style=date_style, options=options, cwd=cwd,
        )  # fmt: skip

    service_module.run_program = spy
    try:
        yield calls
    finally:
        service_module.run_program = real


def record_day(root: Path) -> list[Call]:
    """Every call of the day: with ``CCSIM_EXACT=1``, so that no quiet poll is skipped."""
    site = _site(root, start=True)
    world = site.world
    world.clock.call_later(60, lambda: _traffic(world))
    with recording(world) as calls, replay.mode(exact=True):
        world.clock.run_until(DAY)
    return calls


def bare_day(root: Path, calls: list[Call]) -> float:
    """The recorded calls at their instants from a plain loop; traffic as in the service run."""
    site = _site(root, start=False)
    world = site.world
    site.service.prepare()
    remap = (str(root.parent / "record"), str(root))
    began = time.perf_counter()
    next_mail = 60.0
    for call in calls:
        while next_mail <= call.when:
            world.clock.run_until(next_mail)
            send_to_exchange(world, 1)
            send_to_ccmail(world, 1)
            next_mail += 60
        world.clock.run_until(call.when)
        for path, data in call.inputs:
            Path(str(path).replace(*remap)).write_bytes(data)
        run = run_program(
            world, call.program, call.command_line, account=call.account,
            search_path=call.search_path, date_style=call.date_style,
            options=dict(call.options), cwd=call.cwd,
        )  # fmt: skip
        if call.program.upper().startswith("EXPORT") and run.code == 0:
            target = world.path(call.command_line.split("/@", 1)[1].split(" ", 1)[0])
            target.unlink(missing_ok=True)
    return time.perf_counter() - began


@contextmanager
def counting() -> Iterator[Counter[str]]:
    """Count pathlib.Path file-system calls and builtins.open while the block runs."""
    counts: Counter[str] = Counter()
    saved: dict[str, Callable[..., object]] = {}

    def wrap(name: str, fn: Callable[..., object]) -> Callable[..., object]:
        def counted(*args: object, **kwargs: object) -> object:
            counts[name] += 1
            return fn(*args, **kwargs)

        return counted

    for name in _PATH_METHODS:
        saved[name] = getattr(Path, name)
        setattr(Path, name, wrap(name, saved[name]))
    real_open = builtins.open
    builtins.open = wrap("builtins.open", real_open)
    try:
        yield counts
    finally:
        for name, fn in saved.items():
            setattr(Path, name, fn)
        builtins.open = real_open


def idle_poll_ops(root: Path) -> tuple[Counter[str], Counter[str], Counter[str]]:
    """File operations of one idle export poll and one idle import poll; and of a bare EXPORT."""
    site = _site(root, start=True)
    world = site.world
    world.clock.run_until(30)  # first polls done, nothing queued
    flow = site.service.flow
    with counting() as export_ops:
        flow.export_once()
    with counting() as import_ops:
        flow.import_once()
    svc = site.service
    line = f"{svc.po_switches('EX1')} /@{svc.store.win('Export', 'msg0000.ccm')} /ITEMSIZE"
    with counting() as bare_ops:
        run_program(world, "EXPORT.EXE", line, account="EXSVC", search_path=svc.search_path())
    return export_ops, import_ops, bare_ops


def _ops(counts: Counter[str]) -> str:
    detail = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    return f"{sum(counts.values())} ({detail})"


def main(argv: list[str]) -> int:
    repeats = int(argv[0]) if argv and argv[0].isdigit() else 2
    services: list[float] = []
    bares: list[float] = []
    with tempfile.TemporaryDirectory(prefix="ccsim-bench-") as tmp:
        base = Path(tmp)
        calls = record_day(base / "record")
        for n in range(repeats):  # interleaved; the best of each (other load only slows)
            wall, site = service_day(base / f"service{n}")
            services.append(wall)
            bares.append(bare_day(base / f"bare{n}", calls))
        report = check(site.world)
        counters = site.service.counters
        export_ops, import_ops, bare_ops = idle_poll_ops(base / "idle")
    wall_service, wall_bare = min(services), min(bares)
    programs = Counter(c.program for c in calls)
    print(f"virtual day: {DAY} s; program calls: {dict(sorted(programs.items()))}")
    print(
        f"messages: {counters.messages_in} cc:Mail->Exchange, {counters.messages_out} "
        f"Exchange->cc:Mail; export runs {counters.export_runs}, dirsyncs "
        f"{counters.dirsync_completed}"
    )
    print(f"best of {repeats} interleaved runs each:")
    print(f"service day:    {wall_service:7.3f} s wall  (x{DAY / wall_service:,.0f} virtual/wall)")
    print(f"bare calls day: {wall_bare:7.3f} s wall")
    print(f"overhead ratio: {wall_service / wall_bare:7.2f}  (target <= 2.0)")
    print(f"idle export poll file operations: {_ops(export_ops)}")
    print(f"idle import poll file operations: {_ops(import_ops)}")
    print(f"bare EXPORT call file operations: {_ops(bare_ops)}")
    print(f"conservation: {'ok' if report.ok else 'FAILED'}; {report.summary().splitlines()[0]}")
    return 0 if report.ok else 1


if __name__ == "__main__":
    status = main(sys.argv[1:] if sys.argv[0].endswith("connector_day.py") else [])
    if status:
        sys.exit(status)
