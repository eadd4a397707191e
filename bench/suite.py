"""The test suite under ``pytest -n 2`` against a serial run: faster, and the same results.

Runs the project's tests twice in fresh processes from the project root
(``pytest -q``, then ``pytest -q -n 2``), each writing a JUnit XML report, and
compares every test's outcome (passed, failed, error, skipped, xfailed) by
test id. Target: ``-n 2`` at least 1.3x faster in wall time, identical outcomes.

Printed: both wall times and the children's CPU time, the speed-up, the count
of tests and outcomes, and any test whose outcome differs (the benchmark then
exits 1). ``nproc`` matters: with fewer than 2 CPUs free the speed-up cannot show.

Usage: ``python -m bench suite`` or ``python bench/suite.py [pytest args...]``
(e.g. ``tests/sim`` to time a part).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree as ET

ROOT = Path(__file__).resolve().parent.parent
TARGET = 1.3


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_suite(extra: list[str], report: Path, args: list[str]) -> tuple[float, float, int]:
    """(wall, CPU, exit code) of one pytest run writing ``report``."""
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *extra]
    argv += [f"--junitxml={report}", *args]
    start, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1):
        tail = "\n".join(done.stdout.splitlines()[-15:])
        raise SystemExit(f"bench suite: pytest {' '.join(extra)} exited {done.returncode}\n{tail}")
    return wall, _children_cpu() - cpu, done.returncode


def outcomes(report: Path) -> tuple[dict[str, str], Counter[str]]:
    """Test id -> outcome, and seconds per test module (or class), from a JUnit XML report."""
    result: dict[str, str] = {}
    seconds: Counter[str] = Counter()
    for case in ET.parse(report).getroot().iter("testcase"):
        key = f"{case.get('classname')}::{case.get('name')}"
        module = case.get("classname") or ""
        seconds[module] += float(case.get("time") or 0)
        outcome = "passed"
        for child in case:
            if child.tag in ("failure", "error"):
                outcome = child.tag
            elif child.tag == "skipped":
                xfail = (child.get("type") or "") == "pytest.xfail"
                outcome = "xfailed" if xfail else "skipped"
        result[key] = outcome
    return result, seconds


def _slower(serial: Counter[str], parallel: Counter[str], count: int = 6) -> list[str]:
    """The test modules whose summed test time grew most under ``-n 2``."""
    grown = sorted(parallel, key=lambda m: serial[m] - parallel[m])[:count]
    return [f"  {parallel[m] - serial[m]:+7.1f} s  {m} ({serial[m]:.1f} -> {parallel[m]:.1f})"
            for m in grown if parallel[m] > serial[m]]  # fmt: skip


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory(prefix="ccsim-bench-") as tmp:
        serial_xml, parallel_xml = Path(tmp) / "serial.xml", Path(tmp) / "parallel.xml"
        serial = run_suite([], serial_xml, argv)
        parallel = run_suite(["-n", "2"], parallel_xml, argv)
        (one, t_one), (two, t_two) = outcomes(serial_xml), outcomes(parallel_xml)
    speedup = serial[0] / parallel[0]
    counted = dict(sorted(Counter(one.values()).items()))
    print(f"nproc {os.cpu_count()}; {len(one)} tests; outcomes {counted}")
    print(f"serial:   {serial[0]:7.1f} s wall  {serial[1]:7.1f} s CPU  (exit {serial[2]})")
    print(f"-n 2:     {parallel[0]:7.1f} s wall  {parallel[1]:7.1f} s CPU  (exit {parallel[2]})")
    verdict = "ok" if speedup >= TARGET else "MISSED"
    print(f"speed-up: {speedup:7.2f}x  (target >= {TARGET}x) {verdict}")
    print("test modules slower under -n 2 (summed test times, serial -> -n 2):")
    print("\n".join(_slower(t_one, t_two)) or "  none")
    differ = sorted(k for k in one.keys() & two.keys() if one[k] != two[k])
    for key in differ:
        print(f"  differs: {key}: serial {one[key]}, -n 2 {two[key]}")
    alone = sorted(one.keys() ^ two.keys())
    for key in alone:
        print(f"  only in {'serial' if key in one else '-n 2'}: {key}")
    print("results identical" if not differ and not alone else
          f"{len(differ)} test(s) differ, {len(alone)} ran in one run only "
          "(a test added or removed between the runs shows here too)")  # fmt: skip
    return 1 if differ or alone else 0


if __name__ == "__main__":
    status = main(sys.argv[1:] if sys.argv[0].endswith("suite.py") else [])
    if status:
        sys.exit(status)
