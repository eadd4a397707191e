"""KB Q190275: event 65 "R0002 Resource file not found ... IE.RI"; the workaround by hand.

Workaround as written: copy IE.RI to the directory where Import.exe and
Export.exe are (preferably Winnt\\System32). IE.RI is not needed for a DB6
post office with Import 5.15 / Export 5.14.
"""

from __future__ import annotations

from sim.connector.setup import PROGRAM_DIR, send_to_ccmail, send_to_exchange, standard_world
from sim.postoffice.layout import CCADMIN, IE_RI
from sim.world import World
from tests.kb.hand import copy, ids_since, mail_flows


def test_copying_ie_ri_beside_the_programs_stops_event_65(real_world: World) -> None:
    site = standard_world(real_world, db=8, dirsync_done=True)
    real_world.path(f"{PROGRAM_DIR}\\{IE_RI}").unlink()
    queued = send_to_exchange(real_world, 2)
    real_world.clock.advance(60)
    failed = real_world.eventlog.events(65)
    assert failed
    assert failed[0].description.startswith("Lotus cc:Mail EXPORT to file msg")
    assert f"R0002 Resource file not found: {PROGRAM_DIR}\\IE.RI." in failed[0].description
    # the copy the post office keeps in Ccdata\Ccadmin, to the programs' directory
    source = f"{site.po_unc}\\{CCADMIN}\\{IE_RI}"
    assert real_world.path(source).is_file()
    copy(real_world, source, f"{PROGRAM_DIR}\\{IE_RI}")
    mark = len(real_world.eventlog.records)
    outbound = send_to_ccmail(real_world, 2)
    real_world.clock.advance(300)  # no restart: the next poll finds it
    seen = ids_since(real_world, mark)
    assert not seen & {64, 65}
    assert 67 in seen
    mail_flows(site, queued, outbound)


def test_a_db6_post_office_needs_no_ie_ri(real_world: World) -> None:
    site = standard_world(real_world, db=6, dirsync_done=True)
    assert not real_world.path(f"{PROGRAM_DIR}\\{IE_RI}").exists()
    inbound = send_to_exchange(real_world, 2)
    outbound = send_to_ccmail(real_world, 2)
    real_world.clock.advance(300)
    assert not ids_since(real_world, 0) & {64, 65}
    mail_flows(site, inbound, outbound)
