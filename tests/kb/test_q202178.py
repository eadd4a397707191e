"""KB Q202178: outbound messages queue in ``Ccmcdata\\Submit``; the article's steps by hand.

Resolution as written: stop the service; move everything in ``Ccmcdata`` to
another folder; start the service, which recreates the folders; stop it; copy
the saved ``Submit`` files back into the new ``Submit``; start the service.
"""

from __future__ import annotations

from sim.world import World
from tests.kb.store_rebuild import check_rebuilding_ccmcdata_drains_submit


def test_rebuilding_ccmcdata_drains_submit(real_world: World) -> None:
    check_rebuilding_ccmcdata_drains_submit(real_world)
