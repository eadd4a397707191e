"""The healthy site's evidence, computed once per test run and shared by every cause's tests."""

from __future__ import annotations

import pytest

from harness.evidence import Evidence
from tests.causes.kit import healthy_evidence


@pytest.fixture(scope="session")
def healthy(tmp_path_factory: pytest.TempPathFactory) -> Evidence:
    """Full evidence of a healthy site at Maximum logging (every rule must stay silent)."""
    return healthy_evidence(tmp_path_factory.mktemp("healthy"))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Each of a ``FaultRefusals`` class's ``refusals`` is one test, named by its fault."""
    if "refusal" in metafunc.fixturenames and metafunc.cls is not None:
        refusals = metafunc.cls.refusals
        ids = [f"{r[0]}-{i}" if len(refusals) > 1 else r[0] for i, r in enumerate(refusals)]
        metafunc.parametrize("refusal", refusals, ids=ids)
