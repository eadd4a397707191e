"""KB Q195649: NetWare connections from a service fail after NT 4.0 SP3 with the LSA2 hotfix.

As written: with the LSA2 hotfix on SP3, a service running under a user account
cannot connect to NetWare (Import/Export return 3: events 61 or 70).
Resolution: install Windows NT 4.0 Service Pack 4.
"""

from __future__ import annotations

from sim.connector.setup import send_to_ccmail, send_to_exchange, standard_world
from sim.world import World
from tests.kb.hand import ids_since, mail_flows
from tests.kb.pages import setup_kit


def test_service_pack_4_restores_the_netware_connection(real_world: World) -> None:
    site = standard_world(real_world, netware=True, dirsync_done=True, start=False)
    real_world.access.nt_service_pack = 3
    real_world.access.lsa2_hotfix = True
    site.service.start()
    queued = send_to_exchange(real_world, 2)
    stuck = send_to_ccmail(real_world, 2)
    real_world.clock.advance(300)
    assert {70, 61} & ids_since(real_world, 0)
    assert site.service.ccdir().code == 3
    setup_kit(real_world, "SP4I386")
    site.service.stop()  # SP4 asks for the services it affects to be restarted
    site.service.start()
    mark = len(real_world.eventlog.records)
    real_world.clock.advance(600)
    seen = ids_since(real_world, mark)
    assert not seen & {61, 70}
    assert site.service.ccdir().code == 0  # "manual Export works"
    mail_flows(site, queued, stuck)
