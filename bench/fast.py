"""The fast path for repeated program runs against ``CCSIM_EXACT=1``, in one run (issue 16).

Three figures, each as a ratio of two measurements taken in the same run,
interleaved (the machine may be shared; CPU time is the steadier figure):

1. ``ccsim run`` of the whole catalogue (seed 0) in a subprocess, fast and with
   ``CCSIM_EXACT=1``: children's CPU time (``getrusage``), and whether the two
   JSON reports are the same bytes (they must be). Target: fast <= 1/8 of exact.
2. One scenario (``q166045-wrong-password``) in pyfakefs, fast and exact, against
   the bare pyfakefs test of ``bench/scenario.py``. Target: <= 60x the bare test.
3. A virtual day of the connector on real disk at one message a minute each way
   (``bench/connector_day.py``), fast and exact: virtual seconds per wall second.
   Target: >= 200,000x real time and >= 10x faster than exact.
4. ``ccsim connector run`` (in process) against a real post office of five
   mailboxes and five messages, ``--logging none``: a day exact and fast, then a
   day, a week and a month fast (CPU per virtual day, polls skipped, dirsync
   cycles). Target: a month linear in the number of messages, not of polls.

Each part prints how many program runs the fast path answered (and the last two
how many polls were skipped in quiet stretches, ``sim.connector.quiet``).

Usage: ``python -m bench fast`` or ``python bench/fast.py [repeats] [--no-catalogue]``
(default 1 repeat; ``--no-catalogue`` leaves out the slow first part).
"""

from __future__ import annotations

import importlib
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import scenario as scenario_bench
from bench.connector_day import DAY, service_day
from harness.loader import import_registries
from harness.selection import builtin_dir
from sim.programs import replay

ROOT = Path(__file__).resolve().parent.parent
#: (wall, CPU) of one call, and the medians of such pairs, as bench/scenario.py takes them
_timed = scenario_bench._timed
_median = scenario_bench._medians


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def catalogue_run(exact: bool, out: Path) -> tuple[float, float]:
    """``ccsim run -q --seed 0 --json out``: (wall, children's CPU) seconds."""
    env = {**os.environ, replay.EXACT_ENV: "1" if exact else "0"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cpu, wall = _children_cpu(), time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "harness.cli", "run", "-q", "--seed", "0", "--json", str(out)],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - wall, _children_cpu() - cpu


def _line(label: str, fast: tuple[float, float], exact: tuple[float, float]) -> str:
    return (
        f"{label}: fast {fast[0]:.3f} s wall {fast[1]:.3f} s CPU; exact {exact[0]:.3f} s wall "
        f"{exact[1]:.3f} s CPU; fast/exact CPU {fast[1] / exact[1]:.3f} "
        f"(1/{exact[1] / fast[1]:.1f})"
    )


def part_catalogue(repeats: int, tmp: Path) -> bool:
    fast: list[tuple[float, float]] = []
    exact: list[tuple[float, float]] = []
    for n in range(repeats):
        fast.append(catalogue_run(False, tmp / f"fast{n}.json"))
        exact.append(catalogue_run(True, tmp / f"exact{n}.json"))
    same = all(
        (tmp / f"fast{n}.json").read_bytes() == (tmp / f"exact{n}.json").read_bytes()
        for n in range(repeats)
    )
    print(
        _line(
            "ccsim run (catalogue, seed 0)",
            _median(fast),
            _median(exact),
        )
    )
    print(f"  JSON reports fast and exact: {'identical' if same else 'DIFFERENT'}; target <= 1/8")
    return same


def part_scenario(repeats: int) -> None:
    path = builtin_dir() / f"{scenario_bench.DEFAULT}.scenario.yaml"
    import_registries()
    for module in scenario_bench.PRELOAD:
        importlib.import_module(module)
    scenario_bench.scenario_in_pyfakefs(path)  # warm the imports
    bare = [_timed(scenario_bench.bare_test) for _ in range(scenario_bench.BARE_RUNS)]
    fast: list[tuple[float, float]] = []
    exact: list[tuple[float, float]] = []
    before = replay.TOTALS.replayed
    for _ in range(repeats):
        with replay.mode(False):
            fast.append(_timed(lambda: scenario_bench.scenario_in_pyfakefs(path)))
        with replay.mode(True):
            exact.append(_timed(lambda: scenario_bench.scenario_in_pyfakefs(path)))
    answered = (replay.TOTALS.replayed - before) // repeats
    b, f, e = (
        _median(bare),
        _median(fast),
        _median(exact),
    )
    print(_line(f"{scenario_bench.DEFAULT} in pyfakefs", f, e))
    print(
        f"  bare pyfakefs test {b[1] * 1e3:.2f} ms CPU; scenario / bare CPU: "
        f"fast {f[1] / b[1]:.0f}x, exact {e[1] / b[1]:.0f}x (target <= 60x); "
        f"runs replayed per scenario {answered}"
    )


def _day(root: Path) -> tuple[float, float, list[object], tuple[int, int]]:
    """A service day: (wall, CPU) seconds, its event log, (runs replayed, polls skipped)."""
    before, skipped = replay.TOTALS.replayed, replay.TOTALS.skipped
    cpu = time.process_time()
    wall, site = service_day(root)
    cpu = time.process_time() - cpu
    answered = (replay.TOTALS.replayed - before, replay.TOTALS.skipped - skipped)
    return wall, cpu, list(site.world.eventlog.records), answered


def part_day(repeats: int, tmp: Path) -> bool:
    fast: list[tuple[float, float]] = []
    exact: list[tuple[float, float]] = []
    ok = True
    answered = (0, 0)
    for n in range(repeats):
        with replay.mode(False):
            wall, cpu, fast_events, answered = _day(tmp / f"fast{n}")
            fast.append((wall, cpu))
        with replay.mode(True):
            wall, cpu, exact_events, _ = _day(tmp / f"exact{n}")
            exact.append((wall, cpu))
        ok = ok and fast_events == exact_events
    f, e = _median(fast), _median(exact)
    print(_line("connector day (1 message a minute each way, real disk)", f, e))
    print(
        f"  virtual/CPU: fast x{DAY / f[1]:,.0f}, exact x{DAY / e[1]:,.0f}; exact/fast CPU "
        f"{e[1] / f[1]:.2f}x (targets >= x200,000 and >= 10x); runs replayed {answered[0]}, "
        f"polls skipped {answered[1]}; "
        f"event logs {'identical' if ok else 'DIFFERENT'}"
    )
    return ok


def _postoffice(path: Path) -> Path:
    import random

    from faker import Faker

    from sim.postoffice import Postoffice
    from sim.postoffice.populate import populate

    faker = Faker("en_US")
    faker.seed_instance(5)
    populate(Postoffice.create(path, name="PO1", password="SECRET"), faker, random.Random(5),
             users=5, messages=5)  # fmt: skip
    return path


def _connector_run(root: Path, duration: str, exact: bool) -> tuple[float, int, bytes]:
    """``ccsim connector run --for duration --logging none``: (CPU s, polls skipped, log)."""
    from harness.commands.connector import RunOptions, run_connector

    po = _postoffice(root / "ccdata")
    log = root / "app.txt"
    options = RunOptions(po, "PO1", "SECRET", duration=duration, logging="none", eventlog=log)
    with replay.mode(exact):
        skipped, cpu = replay.TOTALS.skipped, time.process_time()
        run_connector(options)
        cpu = time.process_time() - cpu
    return cpu, replay.TOTALS.skipped - skipped, log.read_bytes()


def part_month(tmp: Path) -> bool:
    exact = _connector_run(tmp / "exact-1d", "1d", True)
    fast = _connector_run(tmp / "fast-1d", "1d", False)
    same = exact[2] == fast[2]
    print(
        f"ccsim connector run --for 1d --logging none: exact {exact[0]:.2f} s CPU, fast "
        f"{fast[0]:.2f} s CPU (exact/fast {exact[0] / fast[0]:.1f}x); event logs "
        f"{'identical' if same else 'DIFFERENT'}"
    )
    for duration, days in (("1d", 1), ("7d", 7), ("30d", 30)):
        cpu, skipped, _ = _connector_run(tmp / f"month-{duration}", duration, False)
        polls = days * 24 * 3600 // 15 * 2
        print(
            f"  fast --for {duration}: {cpu:.2f} s CPU, {cpu / days:.2f} s per virtual day; "
            f"{skipped:,} of about {polls:,} polls skipped; {days * 96:,} dirsync cycles"
        )
    return same


def main(argv: list[str]) -> int:
    repeats = int(argv[0]) if argv and argv[0].isdigit() else 1
    with tempfile.TemporaryDirectory(prefix="ccsim-bench-") as tmp:
        base = Path(tmp)
        (base / "cat").mkdir()
        (base / "day").mkdir()
        same = "--no-catalogue" in argv or part_catalogue(repeats, base / "cat")
        part_scenario(max(repeats, 3))
        day_ok = part_day(repeats, base / "day")
        (base / "month").mkdir()
        month_ok = part_month(base / "month")
    return 0 if same and day_ok and month_ok else 1


if __name__ == "__main__":
    # the imported module, as bench/scenario.py does: pyfakefs patches modules in sys.modules
    from bench import fast as imported

    status = imported.main(sys.argv[1:] if sys.argv[0].endswith("fast.py") else [])
    if status:
        sys.exit(status)
