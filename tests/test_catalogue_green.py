"""The built-in catalogue runs green through the pytest plugin (STYLE.md §12, §13)."""

from __future__ import annotations

import pytest

from harness.commands.catalogue import load_selection
from tests.pytester_support import preload, run_inprocess

pytest_plugins = ["pytester"]

preload()


def test_catalogue_passes_through_the_plugin(pytester: pytest.Pytester) -> None:
    """``pytest --ccsim-catalogue``: one passed item per catalogue scenario, nothing else."""
    expected = sorted(s.id for _, s in load_selection([], None, None))
    assert expected
    result = run_inprocess(pytester, "--ccsim-catalogue", "-rA")
    passed = sorted(
        line.split("::")[-1].split()[0]
        for line in result.outlines
        if line.startswith("PASSED ") and ".scenario.yaml::" in line
    )
    assert passed == expected
    result.assert_outcomes(passed=len(expected))
