"""Shared fixtures: a World on real disk (``tmp_path``) and one on pyfakefs (``fs``)."""

from __future__ import annotations

import os
from pathlib import Path

import faker  # noqa: F401 - import before pyfakefs patches the filesystem
import pytest
from faker.providers import person  # noqa: F401

from sim.world import World

#: tests/browser drives headless Chromium: only ``tox -e browser`` (CCSIM_BROWSER=1) collects it
collect_ignore = [] if os.environ.get("CCSIM_BROWSER") else ["browser"]

SEED = 1998


@pytest.fixture
def real_world(tmp_path: Path) -> World:
    """A World rooted in a real temporary directory."""
    return World(seed=SEED, root=tmp_path / "world")


@pytest.fixture
def fake_world(fs) -> World:
    """A World rooted in a pyfakefs filesystem."""
    root = Path("/world")
    root.mkdir()
    return World(seed=SEED, root=root)


@pytest.fixture(params=["real", "fake"])
def world(request: pytest.FixtureRequest) -> World:
    """The same test on real disk and on pyfakefs."""
    name = "real_world" if request.param == "real" else "fake_world"
    return request.getfixturevalue(name)
