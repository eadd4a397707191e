"""KB Q181186: Exchange 5.5 installed to a directory name longer than 8 characters.

Symptoms as written: nothing crosses the connector and there may be no errors; at
Maximum logging only 11001 (outbound) and 14001 (dirsync) are logged, never 58, 67
or 14031. Cause: Exchange provides the path of ``Export.ini`` (e.g.
``C:\\ExchSrvr55\\CCMCData\\Export.ini``) and the MS-DOS programs cannot locate it.
Workaround: install Exchange to a directory of at most eight characters. Status:
fixed in the 5.5 service pack; with the fix the connector passes short path names.
"""

from __future__ import annotations

from sim.connector.setup import Site, send_to_ccmail, send_to_exchange, standard_world
from sim.world import World
from tests.kb.hand import ids_since, mail_flows, move_store

LONG = "C:\\ExchSrvr55"


def _long(world: World) -> tuple[Site, list[str], list[str]]:
    site = standard_world(world, start=False, version="5.5", service_pack=0)
    site.exchange.install_path = LONG
    site.exchange.registry["Connector Store Path"] = f"{LONG}\\CCMCData"
    site.service.start()
    outbound = send_to_ccmail(world, 2)
    world.clock.advance(1200)
    seen = ids_since(world, 0)
    assert {11001, 14001} <= seen
    assert not {58, 67, 14031} & seen
    assert not {r.event_id for r in world.eventlog.records if r.type.name == "ERROR"}
    assert "Export.ini" in site.service.command_line("EXPORT", "")
    return site, [], outbound


def _flows(site: Site, outbound: list[str]) -> None:
    world = site.world
    mark = len(world.eventlog.records)
    world.clock.advance(1200)  # a dirsync cycle: the P entry for mail to Exchange
    inbound = send_to_exchange(world, 2)
    outbound = outbound + send_to_ccmail(world, 2)
    world.clock.advance(900)
    assert {58, 67, 14031} <= ids_since(world, mark)
    mail_flows(site, inbound, outbound)


def test_workaround_install_to_a_short_directory(real_world: World) -> None:
    site, _, outbound = _long(real_world)
    site.service.stop()
    old = site.service.store.root
    site.exchange.install_path = "C:\\EXCHSRVR"
    site.exchange.registry["Connector Store Path"] = "C:\\EXCHSRVR\\CCMCDATA"
    new = real_world.path("C:\\EXCHSRVR\\CCMCDATA")
    move_store(old, new)
    site.service.start()
    _flows(site, outbound)


def test_the_service_pack_passes_short_names(real_world: World) -> None:
    site, _, outbound = _long(real_world)
    site.service.stop()
    site.exchange.service_pack = 1  # "corrected in the latest U.S. Service Pack"
    site.service.start()
    assert "C:\\EXCHSR~1\\CCMCData\\Export.ini" in site.service.command_line("EXPORT", "")
    _flows(site, outbound)
