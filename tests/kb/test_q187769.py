"""KB Q187769: application error in NTVDM when Import/Export synchronize users on a schedule.

As written: "When you schedule the cc:Mail Connector utilities Import.exe and Export.exe
to synchronize users to and from the cc:Mail postoffice in Exchange Server, the NTVDM
those utilities runs in may begin running out of resources and may cause an application
error in Ntvdm.exe." Resolution: the latest NT 4.0 service pack (first corrected in SP4).
"""

from __future__ import annotations

from sim.connector.settings import DirsyncMode, DirsyncSchedule
from sim.connector.setup import send_to_ccmail, send_to_exchange, standard_world
from sim.world import World
from tests.kb.hand import ids_since, mail_flows
from tests.kb.pages import change, setup_kit

MINUTE = 60
HOUR = 60 * MINUTE


def _watson(world: World, mark: int = 0) -> int:
    return sum(1 for r in world.eventlog.records[mark:] if r.source == "DrWatson")


def test_the_schedule_runs_ntvdm_out_and_service_pack_4_stops_it(real_world: World) -> None:
    site = standard_world(real_world, dirsync_done=True, start=False)
    real_world.access.nt_service_pack = 3
    change(site.service, dirsync=DirsyncSchedule(DirsyncMode.NEVER))
    site.service.start()
    real_world.clock.advance(4 * HOUR)
    assert _watson(real_world) == 0  # mail alone, every 15 s: nothing runs out
    # the administrator schedules dirsync; the NTVDM begins running out
    change(site.service, dirsync=DirsyncSchedule(DirsyncMode.ALWAYS))
    site.service.restart()
    real_world.clock.advance(40 * MINUTE)
    assert _watson(real_world) == 0
    real_world.clock.advance(20 * MINUTE)
    assert _watson(real_world) > 0
    # a restart gives the service a new NTVDM: it helps, for a while
    site.service.restart()
    mark = len(real_world.eventlog.records)
    real_world.clock.advance(40 * MINUTE)
    assert _watson(real_world, mark) == 0
    real_world.clock.advance(20 * MINUTE)
    assert _watson(real_world, mark) > 0
    queued = send_to_exchange(real_world, 2)
    stuck = send_to_ccmail(real_world, 2)
    real_world.clock.advance(300)
    # the resolution: NT 4.0 SP4, and the service restarted
    setup_kit(real_world, "SP4I386")
    site.service.restart()
    mark = len(real_world.eventlog.records)
    real_world.clock.advance(8 * HOUR)
    seen = ids_since(real_world, mark)
    assert _watson(real_world, mark) == 0
    assert not seen & {64, 65, 14005}
    assert len([r for r in real_world.eventlog.records[mark:] if r.event_id == 14031]) >= 30
    mail_flows(site, queued, stuck)
