"""Start-up time: ``ccsim --version`` and ``ccsim validate FILE`` against ``python -c pass``.

Each command runs as a fresh process of this interpreter's environment (the
``ccsim`` console script beside ``sys.executable``), with
``PYTHONDONTWRITEBYTECODE`` removed so that the bytecode caches are written
once (a warm-up run) and then used, as on a user's machine. Every command runs
several times, interleaved; the median wall time counts. Targets: ``--version``
within 8x and ``validate`` within 20x of ``python -c pass``.

Printed: the medians, the ratios against the targets, and the ten slowest
imports of ``validate`` (``python -X importtime``, cumulative microseconds).

Usage: ``python -m bench startup`` or ``python bench/startup.py [runs]``.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness.selection import builtin_dir

RUNS = 9
TARGETS = {"version": 8.0, "validate": 20.0}


def _ccsim() -> list[str]:
    script = Path(sys.executable).parent / "ccsim"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "harness.cli"]


def commands() -> dict[str, list[str]]:
    scenario = builtin_dir() / "healthy.scenario.yaml"
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "version": [*_ccsim(), "--version"],
        "validate": [*_ccsim(), "validate", str(scenario)],
    }


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one run; CPU is the steadier figure on a shared machine."""
    start, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run(argv, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"bench startup: {' '.join(argv)} exited {done.returncode}")
    return elapsed, _children_cpu() - cpu


def measure(runs: int) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) seconds per command (a warm-up run each, then interleaved runs)."""
    env = _env()
    table = commands()
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in table}
    for argv in table.values():
        _once(argv, env)
    for _ in range(runs):
        for name, argv in table.items():
            times[name].append(_once(argv, env))
    return {
        name: (statistics.median(t[0] for t in got), statistics.median(t[1] for t in got))
        for name, got in times.items()
    }


def slowest_imports(count: int = 10) -> list[tuple[int, str]]:
    """(cumulative us, module) of the slowest imports of ``ccsim validate``."""
    argv = [sys.executable, "-X", "importtime", "-m", "harness.cli", *commands()["validate"][-2:]]
    done = subprocess.run(argv, env=_env(), capture_output=True, text=True, check=False)
    rows: list[tuple[int, str]] = []
    for line in done.stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].rstrip()))
    return sorted(rows, reverse=True)[:count]


def main(argv: list[str]) -> int:
    runs = int(argv[0]) if argv and argv[0].isdigit() else RUNS
    medians = measure(runs)
    wall, cpu = medians["python -c pass"]
    print(f"medians of {runs} runs each, PYTHONDONTWRITEBYTECODE unset:    wall        CPU")
    print(f"{'python -c pass':<24} {wall * 1e3:9.1f} ms {cpu * 1e3:9.1f} ms")
    missed = False
    for name, target in TARGETS.items():
        w, c = medians[name]
        ratio = w / wall
        verdict = "ok" if ratio <= target else "MISSED"
        missed |= ratio > target
        label = "ccsim --version" if name == "version" else "ccsim validate FILE"
        print(f"{label:<24} {w * 1e3:9.1f} ms {c * 1e3:9.1f} ms   wall {ratio:5.1f}x, "
              f"CPU {c / cpu:5.1f}x  (target <= {target:.0f}x) {verdict}")  # fmt: skip
    print("slowest imports of ccsim validate (cumulative us):")
    for micros, module in slowest_imports():
        print(f"  {micros:>8}  {module}")
    return 1 if missed else 0


if __name__ == "__main__":
    status = main(sys.argv[1:] if sys.argv[0].endswith("startup.py") else [])
    if status:
        sys.exit(status)
