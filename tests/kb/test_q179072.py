"""KB Q179072: an NFT error on CLANDATA stops the connector; the repair by hand.

As written: output written into a message header damages CLANDATA; the post
office is repaired (or the hub restored from backup) with the connector
stopped (reference §3, §8 row 3: ANALYZE, then CHKSTAT NFT/C, DIAGNOSTICS/M,
DIAGNOSTICS/R and RECLAIM DIRECTORY DIAGNOSTICS/A, then RECLAIM). Both ways
are followed: the repair programs, and the copy of the post office from backup.
"""

from __future__ import annotations

import shutil

from sim.connector.setup import Site, send_to_ccmail, send_to_exchange, standard_world
from sim.postoffice.layout import CLANDATA
from sim.world import World
from tests.kb.hand import ids_since, mail_flows
from tests.kb.pages import console

REPAIR = (
    ("CHKSTAT", "NFT/C"),
    ("CHKSTAT", "DIAGNOSTICS/M"),
    ("CHKSTAT", "DIAGNOSTICS/R"),
    ("RECLAIM", "DIRECTORY DIAGNOSTICS/A"),
    ("RECLAIM", ""),
)


def _damaged(world: World) -> tuple[Site, list[str]]:
    site = standard_world(world, dirsync_done=True)
    queued = send_to_exchange(world, 3)
    path = site.postoffice.path / CLANDATA
    data = bytearray(path.read_bytes())
    data[29] ^= 0x55  # the header checksum no longer matches
    path.write_bytes(bytes(data))
    world.clock.advance(300)
    assert 70 in ids_since(world, 0)
    return site, queued


def _restarted_flows(site: Site, queued: list[str]) -> None:
    world = site.world
    site.service.start()
    mark = len(world.eventlog.records)
    outbound = send_to_ccmail(world, 2)
    world.clock.advance(600)
    seen = ids_since(world, mark)
    assert not seen & {59, 62, 68, 70, 71}
    assert 67 in seen
    mail_flows(site, queued, outbound)


def test_analyze_chkstat_reclaim_with_the_connector_stopped(real_world: World) -> None:
    site, queued = _damaged(real_world)
    switches = f"/NPO1 /PSECRET /D{site.po_unc}"
    site.service.stop()
    code, text = console(real_world, site.postoffice, "ANALYZE", f"{switches} /BATCH /DIAGNOSTICS")
    assert code != 0, text
    for program, action in REPAIR:
        code, text = console(real_world, site.postoffice, program, f"{switches} {action}".strip())
        assert code == 0, text
    code, text = console(real_world, site.postoffice, "ANALYZE", f"{switches} /BATCH /DIAGNOSTICS")
    assert code == 0, text
    _restarted_flows(site, queued)


def test_restoring_the_post_office_from_backup(real_world: World) -> None:
    site = standard_world(real_world, dirsync_done=True)
    site.service.stop()
    backup = real_world.path("D:\\BACKUP\\CCDATA")
    shutil.copytree(site.postoffice.path, backup)  # last night's backup
    site.service.start()
    path = site.postoffice.path / CLANDATA
    data = bytearray(path.read_bytes())
    data[29] ^= 0x55
    path.write_bytes(bytes(data))
    real_world.clock.advance(300)
    assert 70 in ids_since(real_world, 0)
    site.service.stop()
    shutil.rmtree(site.postoffice.path)
    shutil.copytree(backup, site.postoffice.path)
    _restarted_flows(site, [])
