"""KB Q233164 (with Q190275): IE.RI missing beside Import/Export 6.0; the article's steps by hand.

Resolution as written: as the service account, in ``Exchsrvr\\Connect\\Ccmail\\Bin``,
run ``ccmc ccdir``. Result code 1 with a message that Ie.ri cannot be found: copy
Ie.ri to the folder the message names, stop and restart the connector, run
``ccmc ccdir`` again. Q190275: the same file missing shows as event 65 "failed to
run ... R0002 Resource file not found".
"""

from __future__ import annotations

import re

from sim.connector.setup import PROGRAM_DIR, send_to_ccmail, send_to_exchange, standard_world
from sim.postoffice.layout import CCADMIN, IE_RI
from sim.world import World
from tests.kb.hand import ids_since, mail_flows


def test_ccmc_ccdir_names_ie_ri_and_copying_it_cures(real_world: World) -> None:
    site = standard_world(real_world, db=8, dirsync_done=True)
    real_world.path(f"{PROGRAM_DIR}\\{IE_RI}").unlink()
    send_to_exchange(real_world, 1)
    real_world.clock.advance(60)
    failed = real_world.eventlog.events(65)
    assert failed
    assert "R0002 Resource file not found" in failed[0].description  # Q190275
    real_world.clock.advance(60)  # the first dirsync: "Event ID 14005 and Event ID 59"
    cycle = real_world.eventlog.events(14005)
    assert len(cycle) == 1
    assert "R0002 Resource file not found" in cycle[0].description
    imports = real_world.eventlog.events(59)
    assert len(imports) == 1
    assert "IMPORT from file CCMDEL.IMP returned result code 1" in imports[0].description
    assert not [e for e in real_world.eventlog.events(65) if "CCMDIR" in e.description]
    run = site.service.ccdir()
    assert run.code == 1  # Q233164: result code 1 and the Ie.ri message
    named = re.search(r"Resource file not found: (.+)\\IE\.RI\.", run.output)
    assert named is not None
    folder = named.group(1)
    # copy the file from where it is (the post office's CCADMIN) to the folder named
    source = site.postoffice.path / CCADMIN / IE_RI
    real_world.path(f"{folder}\\{IE_RI}").write_bytes(source.read_bytes())
    site.service.stop()
    site.service.start()
    assert site.service.ccdir().code == 0
    mark = len(real_world.eventlog.records)
    inbound = send_to_exchange(real_world, 2)
    outbound = send_to_ccmail(real_world, 2)
    real_world.clock.advance(1200)  # a dirsync cycle (15 min) with the file back
    assert not ids_since(real_world, mark) & {59, 64, 65, 14005}
    assert 14031 in ids_since(real_world, mark)
    mail_flows(site, inbound, outbound)
