"""docs/api.md: each of its Python test blocks is copied into a test file and run by pytest.

The blocks use the plugin's fixtures (``ccmail_site``, ``ccmail_programs``) as a
user's tests would; each block must collect at least one test and pass.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.pytester_support import preload, run_inprocess

preload()

pytest_plugins = ["pytester"]

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
TESTS = [block for block in BLOCKS if "def test_" in block]


def test_the_page_has_the_three_worked_tests() -> None:
    assert len(TESTS) == 3
    assert "ccmail_programs" in TESTS[0]
    assert "apply_fault" in TESTS[1]
    assert "diagnose()" in TESTS[1]
    assert "hypothesis" in TESTS[2]


@pytest.mark.parametrize("index", range(len(TESTS)), ids=["connector", "diagnosis", "property"])
def test_a_worked_test_of_the_page_passes(pytester: pytest.Pytester, index: int) -> None:
    pytester.makepyfile(**{f"test_doc_{index}": TESTS[index]})
    result = run_inprocess(pytester, "-q", "-p", "no:cacheprovider")
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) >= 1, result.stdout.str()
    assert "failed" not in outcomes
    assert "error" not in outcomes
    assert "errors" not in outcomes
