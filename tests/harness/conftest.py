"""Fixtures for the harness tests: one run of the built-in catalogue shared by all workers.

Running the catalogue costs seconds, so the tests of shards, merging and
determinism share one run (session scope). Under pytest-xdist each worker is a
process of its own: the first worker to need the run computes it and leaves it
(pickled) beside the workers' temporary folders, under a lock the others wait
on, so ``pytest -n 2`` runs the catalogue once, not once per worker
(docs/benchmarks.md). Without xdist, or without ``fcntl`` (Windows), each
process computes it itself.
"""

from __future__ import annotations

import os
import pickle
from collections import Counter
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, TypeVar

import pytest

from harness.runner import RunResult, run
from harness.selection import display_name, load_selection

if TYPE_CHECKING:
    from tests.harness.test_world_machine import WorldMachine

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

#: the test property that carries a world machine run's coverage counts (test_world_machine)
COVERAGE_PROPERTY = "world-machine-coverage"
_COVERED: Counter[str] = Counter()

#: the seed the shared catalogue run uses (``ccsim run --seed 7``)
CATALOGUE_SEED = 7
T = TypeVar("T")


def run_catalogue(seed: int) -> list[RunResult]:
    """Every built-in scenario with one seed, as ``ccsim run --seed`` runs them."""
    return [
        run(s, file=display_name(p), seed=seed, source=p) for p, s in load_selection([], None, None)
    ]


def shared(factory: pytest.TempPathFactory, name: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per test run, whichever xdist worker asks first."""
    if "PYTEST_XDIST_WORKER" not in os.environ or fcntl is None:
        return compute()
    folder = factory.getbasetemp().parent  # the run's folder, above every worker's own
    data = folder / f"{name}.pickle"
    with (folder / f"{name}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if data.exists():
                value: T = pickle.loads(data.read_bytes())
                return value
            value = compute()
            data.write_bytes(pickle.dumps(value))
            return value
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def catalogue_results(tmp_path_factory: pytest.TempPathFactory) -> list[RunResult]:
    """The built-in catalogue run once with :data:`CATALOGUE_SEED`."""
    return shared(
        tmp_path_factory, f"catalogue-{CATALOGUE_SEED}", lambda: run_catalogue(CATALOGUE_SEED)
    )


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Sum the world machine's coverage records, from this process or xdist's workers."""
    if report.when == "teardown":  # the fixture records it after the run
        for name, value in report.user_properties:
            if name == COVERAGE_PROPERTY and isinstance(value, dict):
                _COVERED.update(value)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """In a soak, print what the world machine covered: the soak's record."""
    if os.environ.get("HYPOTHESIS_PROFILE") != "soak" or not _COVERED:
        return
    c = _COVERED
    terminalreporter.write_line("")
    terminalreporter.write_line(
        f"world machine (soak): {c['sequences']} sequences, {c['steps']} steps, "
        f"{c['faults']} faults, {c['fixes']} fixes, {c['kills']} kills, {c['messages']} messages"
    )
    for key in sorted(k for k in c if " " in k):
        terminalreporter.write_line(f"  {c[key]:>7}  {key}")


@pytest.fixture
def machine() -> Iterator[WorldMachine]:
    """The soak's world machine, built (NT host, first dirsync done), for one sequence run
    by hand step by step; torn down after the test."""
    from tests.harness.test_world_machine import WorldMachine

    m = WorldMachine()
    m.build(host="nt", dirsync="done")
    yield m
    m.teardown()
