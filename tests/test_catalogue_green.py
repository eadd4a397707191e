"""The built-in catalogue runs green through the pytest plugin (STYLE.md §12, §13)."""

from __future__ import annotations

import threading

import pytest

from harness.selection import load_selection
from tests.pytester_support import preload, run_inprocess

pytest_plugins = ["pytester"]

preload()


def test_catalogue_passes_through_the_plugin(pytester: pytest.Pytester) -> None:
    """``pytest --ccsim-catalogue``: one passed item per catalogue scenario, nothing else."""
    expected = sorted(s.id for _, s in load_selection([], None, None))
    assert expected
    # A fresh thread starts with an empty frame stack: run inside an xdist worker's deep
    # stack, CPython 3.11 maps and unmaps a frame chunk on every call (docs/benchmarks.md).
    box: dict[str, pytest.RunResult] = {}
    thread = threading.Thread(
        target=lambda: box.update(result=run_inprocess(pytester, "--ccsim-catalogue", "-rA"))
    )
    thread.start()
    thread.join()
    result = box["result"]
    passed = sorted(
        line.split("::")[-1].split()[0]
        for line in result.outlines
        if line.startswith("PASSED ") and ".scenario.yaml::" in line
    )
    assert passed == expected
    result.assert_outcomes(passed=len(expected))
