"""Fixtures for the harness tests: one run of the built-in catalogue shared per worker.

Running the catalogue costs seconds, so the tests of shards, merging and
determinism share one run per pytest-xdist worker (session scope). The
Hypothesis profiles of the world state machine are registered here too
(``tests/harness/test_world_machine.py``): ``ci`` for the normal test run and
``soak`` for ``tox -e soak``, chosen by ``HYPOTHESIS_PROFILE``.
"""

from __future__ import annotations

import pytest

from harness.commands.catalogue import load_selection
from harness.runner import RunResult, run
from harness.selection import display_name

#: the seed the shared catalogue run uses (``ccsim run --seed 7``)
CATALOGUE_SEED = 7


def run_catalogue(seed: int) -> list[RunResult]:
    """Every built-in scenario with one seed, as ``ccsim run --seed`` runs them."""
    return [run(s, file=display_name(p), seed=seed) for p, s in load_selection([], None, None)]


@pytest.fixture(scope="session")
def catalogue_results() -> list[RunResult]:
    """The built-in catalogue run once with :data:`CATALOGUE_SEED`."""
    return run_catalogue(CATALOGUE_SEED)
