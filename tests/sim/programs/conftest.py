"""Fixtures of the program tests."""

from __future__ import annotations

import pytest

from sim.postoffice import Postoffice
from sim.world import World
from tests.sim.programs.helpers import make_po


@pytest.fixture
def po(world: World) -> Postoffice:
    """PO1 at C:\\CCDATA, on real disk and on pyfakefs (the ``world`` fixture)."""
    return make_po(world)
