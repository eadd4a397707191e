"""The healthy site's evidence, computed once per test run and shared by every cause's tests."""

from __future__ import annotations

import pytest

from harness.evidence import Evidence
from tests.causes.kit import healthy_evidence


@pytest.fixture(scope="session")
def healthy(tmp_path_factory: pytest.TempPathFactory) -> Evidence:
    """Full evidence of a healthy site at Maximum logging (every rule must stay silent)."""
    return healthy_evidence(tmp_path_factory.mktemp("healthy"))
