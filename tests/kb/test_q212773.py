"""KB Q212773: dirsync event 14015 ds_name_error for a deleted container; the steps by hand.

Resolution as written: remove the deleted container from the connector's
Export Containers list; the next directory synchronization completes.
"""

from __future__ import annotations

from sim.connector.settings import ExportContainers
from sim.connector.setup import send_to_ccmail, send_to_exchange, standard_world
from sim.world import World
from tests.kb.hand import ids_since, mail_flows
from tests.kb.pages import change


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
    mark = len(real_world.eventlog.records)
    assert site.service.dirsync_now()
    seen = ids_since(real_world, mark)
    assert 14031 in seen
    assert 14015 not in seen
    inbound = send_to_exchange(real_world, 2)
    outbound = send_to_ccmail(real_world, 2)
    real_world.clock.advance(300)
    mail_flows(site, inbound, outbound)
