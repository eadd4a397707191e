"""KB Q164695: Exchange installed to a path with a space; both workarounds by hand.

Symptoms as written: the connector stops responding; with the store in a path that
makes Import and Export "ignore the Import.ini and Export.ini settings and prompt for
the path", Ntvdm.exe is locked at 95 percent or more CPU, or stops responding with
error 3 in event 70 (Exchange 5.0, the article's version).
Workarounds as written: 1. install Exchange to a path without a space; 2. point the
registry value "Connector Store Path" at the MS-DOS 8.3 name of the directory (shown
on the folder's property page).
"""

from __future__ import annotations

from sim.connector.setup import Site, send_to_ccmail, send_to_exchange, standard_world
from sim.connector.store import Folder
from sim.winpath import short_form
from sim.world import World
from tests.kb.hand import ids_since, mail_flows, move_store

SPACED = "C:\\Program Files\\EXCHSRVR"


def _spaced(world: World) -> tuple[Site, list[str], list[str]]:
    """Exchange 5.0 under C:\\Program Files, run until mail waits on both sides."""
    site = standard_world(world, dirsync_done=True, start=False, version="5.0")
    site.exchange.install_path = SPACED
    site.exchange.registry["Connector Store Path"] = f"{SPACED}\\CCMCDATA"
    site.service.start()
    inbound = send_to_exchange(world, 3)
    outbound = send_to_ccmail(world, 3)
    world.clock.advance(60)
    assert sum(c for n, c in site.service.processes() if n == "ntvdm.exe") >= 95
    world.clock.advance(840)
    assert 70 in ids_since(world, 0)  # error 3
    assert not {58, 67} & ids_since(world, 0)
    store = site.service.store
    waiting = store.names(Folder.SUBMIT) + store.names(Folder.IMPORT)
    assert [n for n in waiting if n.endswith(".ccm")]  # outbound waits in the store
    return site, inbound, outbound


def _after(site: Site, inbound: list[str], outbound: list[str]) -> None:
    world = site.world
    mark = len(world.eventlog.records)
    inbound = inbound + send_to_exchange(world, 2)
    outbound = outbound + send_to_ccmail(world, 2)
    world.clock.advance(900)
    assert 70 not in ids_since(world, mark)
    assert {58, 67} <= ids_since(world, mark)
    assert not [n for n, c in site.service.processes() if n == "ntvdm.exe"]
    store = site.service.store
    waiting = store.names(Folder.SUBMIT) + store.names(Folder.IMPORT)
    assert not [n for n in waiting if n.endswith(".ccm")]
    mail_flows(site, inbound, outbound)


def test_workaround_2_the_8_3_name_in_connector_store_path(real_world: World) -> None:
    site, inbound, outbound = _spaced(real_world)
    store = str(site.exchange.registry["Connector Store Path"])
    dos_name = short_form(store, real_world.root)  # the property page's "MS-DOS name"
    assert dos_name == "C:\\PROGRA~1\\EXCHSRVR\\CCMCDATA"
    site.service.stop()
    site.exchange.registry["Connector Store Path"] = dos_name
    site.service.start()
    _after(site, inbound, outbound)  # the queued Submit files are in the same folder


def test_workaround_1_install_to_a_path_without_a_space(real_world: World) -> None:
    site, inbound, outbound = _spaced(real_world)
    site.service.stop()
    old = site.service.store.root
    site.exchange.install_path = "C:\\EXCHSRVR"  # Setup again, to C:\EXCHSRVR
    site.exchange.registry["Connector Store Path"] = "C:\\EXCHSRVR\\CCMCDATA"
    new = real_world.path("C:\\EXCHSRVR\\CCMCDATA")
    move_store(old, new)  # the connector store moves with the installation
    site.service.start()
    _after(site, inbound, outbound)
