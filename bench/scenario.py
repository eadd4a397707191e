"""One full scenario in pyfakefs against a bare pytest-style test using the pyfakefs ``fs``.

The scenario (default ``q166045-wrong-password``): load the file, build the world
in a pyfakefs file system, break it, run the connector, diagnose, fix and verify
(``harness.runner.run``), each run under its own ``Patcher`` as the ``fs``
fixture gives each test its own. The baseline is the smallest test that uses
``fs``: a ``Patcher``, one file created and read back. Registries, rules and
the runner are imported first, as a test module imports them at collection.

Printed: the median wall time of each (runs interleaved, the machine may be
shared), their ratio (target <= 60x), the same scenario on real disk, and where
the time goes: program runs (connector polls) and file-system calls per run
(counted on real disk by wrapping ``pathlib.Path`` and ``open``; the same calls
happen in pyfakefs), and the pyfakefs cost per call.

Usage: ``python -m bench scenario`` or ``python bench/scenario.py [scenario-id] [repeats]``;
``--profile`` prints the top functions of one pyfakefs run (cProfile).
"""

from __future__ import annotations

import cProfile
import importlib
import io
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import faker  # noqa: F401 - imported before pyfakefs patches the file system
from faker.providers import person  # noqa: F401
from pyfakefs.fake_filesystem_unittest import Patcher

from bench.connector_day import counting
from harness.loader import import_registries, load_scenario
from harness.runner import RunResult, run
from harness.selection import builtin_dir
from sim.programs import runner as program_runner

#: what a test module has imported by the time its tests run (pyfakefs cannot import later)
PRELOAD = ("harness.collect", "harness.causes", "harness.steps", "harness.verify")
DEFAULT = "q166045-wrong-password"
TARGET = 60.0
BARE_RUNS = 25


def bare_test() -> None:
    """The smallest pytest-style test using pyfakefs: its own file system, one file."""
    with Patcher() as patcher:
        patcher.fs.create_file("/data/report.txt", contents="ok\n")
        assert Path("/data/report.txt").read_text() == "ok\n"


def scenario_in_pyfakefs(path: Path) -> RunResult:
    """Load, build the world in pyfakefs, run, diagnose, fix, verify."""
    with Patcher() as patcher:
        patcher.fs.add_real_file(path)
        scenario = load_scenario(path)
        patcher.fs.create_dir("/ccsim")
        return run(scenario, file=str(path), root=Path("/ccsim"))


def scenario_on_disk(path: Path) -> RunResult:
    with tempfile.TemporaryDirectory(prefix="ccsim-bench-") as tmp:
        return run(load_scenario(path), file=str(path), root=Path(tmp))


def _timed(action: Callable[[], object]) -> tuple[float, float]:
    """(wall, CPU) seconds: on a shared machine the CPU time is the steadier figure."""
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


def _medians(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)


def _program_runs(path: Path) -> tuple[int, dict[str, int]]:
    """Program runs (EXPORT/IMPORT/...) and file-system calls of one real-disk run."""
    calls = 0
    original = program_runner.run_program

    def spy(*args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        return original(*args, **kwargs)  # type: ignore[arg-type]

    program_runner.run_program = spy  # type: ignore[assignment]
    modules = [m for m in sys.modules.values() if getattr(m, "run_program", None) is original]
    for module in modules:
        module.run_program = spy  # type: ignore[attr-defined]
    try:
        with counting() as ops:
            scenario_on_disk(path)
    finally:
        program_runner.run_program = original
        for module in modules:
            module.run_program = original  # type: ignore[attr-defined]
    return calls, dict(ops)


def _profile(path: Path) -> str:
    profile = cProfile.Profile()
    profile.runcall(scenario_in_pyfakefs, path)
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(25)
    return out.getvalue()


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    name = args[0] if args else DEFAULT
    repeats = int(args[1]) if len(args) > 1 else 3
    path = builtin_dir() / f"{name}.scenario.yaml"
    if not path.is_file():
        print(f"bench scenario: no built-in scenario {name!r}")
        return 2
    import_registries()
    for module in PRELOAD:
        importlib.import_module(module)
    result = scenario_in_pyfakefs(path)  # warm-up, and the outcome to show
    bare_test()
    bare: list[tuple[float, float]] = []
    fake: list[tuple[float, float]] = []
    disk: list[tuple[float, float]] = []
    for _ in range(repeats):  # interleaved: other load on the machine hits all alike
        bare += [_timed(bare_test) for _ in range(BARE_RUNS)]
        fake.append(_timed(lambda: scenario_in_pyfakefs(path)))
        disk.append(_timed(lambda: scenario_on_disk(path)))
    programs, ops = _program_runs(path)
    (w_bare, c_bare), (w_fake, c_fake), (w_disk, c_disk) = map(_medians, (bare, fake, disk))
    total_ops = sum(ops.values())
    print(f"scenario {name} [{result.status.value}], {result.virtual_seconds:.0f} virtual s; "
          f"medians of {len(bare)} bare and {len(fake)} scenario runs, wall / CPU")  # fmt: skip
    print(f"bare pyfakefs test:    {w_bare * 1e3:9.2f} ms  {c_bare * 1e3:9.2f} ms")
    print(f"scenario in pyfakefs:  {w_fake * 1e3:9.1f} ms  {c_fake * 1e3:9.1f} ms")
    print(f"ratio:                 {w_fake / w_bare:9.0f}x    {c_fake / c_bare:9.0f}x   "
          f"(target <= {TARGET:.0f}x)")  # fmt: skip
    print(f"scenario on real disk: {w_disk * 1e3:9.1f} ms  {c_disk * 1e3:9.1f} ms  "
          f"(pyfakefs / real disk {c_fake / c_disk:.1f}x CPU)")  # fmt: skip
    detail = ", ".join(f"{k} {v}" for k, v in sorted(ops.items()))
    print(f"program runs: {programs}; pathlib/open calls: {total_ops} ({detail})")
    per_call = (c_fake - c_disk) / max(total_ops, 1) * 1e6
    print(f"per program run: {total_ops / max(programs, 1):.1f} calls; "
          f"pyfakefs CPU per call ~{per_call:.0f} us over real disk")  # fmt: skip
    if "--profile" in argv:
        print(_profile(path))
    return 0


if __name__ == "__main__":
    # run the imported module: pyfakefs patches ``Path`` only in modules of sys.modules,
    # and ``python -m bench`` runs this file under a name that is not there
    from bench import scenario as imported

    status = imported.main(sys.argv[1:] if sys.argv[0].endswith("scenario.py") else [])
    if status:
        sys.exit(status)
