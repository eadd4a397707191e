"""KB Q295812: Exchange to cc:Mail mail stays in ``Ccmcdata\\Submit``; the workaround by hand.

Workaround as written (Exchange 5.5): under Services in Control Panel stop the
service and move all subfolders and files of ``Ccmcdata`` to a temporary
folder; restart it to recreate the subfolders and ``.ini`` files; stop it,
move the saved files back into ``Submit``; restart to send them.
"""

from __future__ import annotations

from sim.world import World
from tests.kb.store_rebuild import check_rebuilding_ccmcdata_drains_submit


def test_recreating_the_ccmcdata_folders_sends_the_queued_files(real_world: World) -> None:
    check_rebuilding_ccmcdata_drains_submit(real_world)
