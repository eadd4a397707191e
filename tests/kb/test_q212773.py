"""KB Q212773: dirsync event 14015 ds_name_error for a deleted container; the steps by hand.

Resolution as written: remove the deleted container from the connector's
Export Containers list; the next directory synchronization completes.
"""

from __future__ import annotations

from sim.connector.settings import ExportContainers
from sim.connector.setup import standard_world
from sim.world import World
from tests.kb.pages import change, dirsync_and_mail_flow


def test_removing_the_deleted_container_lets_dirsync_finish(real_world: World) -> None:
    site = standard_world(real_world, dirsync_done=True)
    change(site.service, export_containers=ExportContainers(("Recipients", "Old Sales")))
    site.service.stop()
    site.service.start()
    assert not site.service.dirsync_now()
    failed = real_world.eventlog.events(14015)
    assert failed
    assert "ds_name_error, error 4693728" in failed[0].description
    # Export Containers tab: select "Old Sales", Remove, OK
    change(site.service, export_containers=ExportContainers(("Recipients",)))
    site.service.stop()
    site.service.start()
    dirsync_and_mail_flow(site, none_of={14015})
