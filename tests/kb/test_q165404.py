"""KB Q165404: NTVDM access violation (DpmiFreeXmem) on a server with the cc:Mail connector.

As written: on Windows NT 4.0 with the connector, "NTVDM.EXE APPLICATION.... The memory
can not be read"; ``Drwtsn32.log`` shows ``App: exe\\ntvdm.dbg``, "Exception number:
c0000005 (access violation)", ``ccmc.exe`` and ``ntvdm.exe`` in the Task List and
"function: DpmiFreeXmem". Cause: NTVDM passes an invalid handle to DpmiFreeXmem.
Resolution: install the latest NT 4.0 service pack (first corrected in SP4).
§8 row 20 verifies: no AV; the manual Export works.
"""

from __future__ import annotations

from sim.connector.setup import Site, send_to_ccmail, send_to_exchange, standard_world
from sim.world import World
from tests.kb.hand import ids_since, mail_flows, prompt
from tests.kb.pages import setup_kit

DRWTSN32 = "C:\\WINNT\\Drwtsn32.log"


def _export_by_hand(site: Site) -> int | None:
    """``export /N.. /P.. /D.. /DIRECTORY`` at a prompt as the service account (KB Q282172)."""
    line = f"/N{site.po_name} /P{site.po_password} /D{site.po_unc} /DIRECTORY /@C:\\CCDIR.TXT"
    return prompt(site, "EXPORT.EXE", f"{line} /BATCH").code


def test_service_pack_4_ends_the_ntvdm_access_violation(real_world: World) -> None:
    site = standard_world(real_world, dirsync_done=True, start=False)
    real_world.access.nt_service_pack = 3  # the server was never brought to SP4
    site.service.start()
    real_world.clock.advance(2 * 3600)  # dirsync "Always": a cycle every 15 minutes
    watson = [r for r in real_world.eventlog.records if r.source == "DrWatson"]
    assert watson
    assert {r.event_id for r in watson} == {4097}
    assert "The application, ntvdm.dbg," in watson[0].description
    assert "c0000005" in watson[0].description
    log = real_world.path(DRWTSN32).read_text(encoding="cp1252")
    for line in (
        "App: exe\\ntvdm.dbg",
        "Exception number: c0000005 (access violation)",
        "function: DpmiFreeXmem",
    ):
        assert line in log
    assert "ccmc.exe" in log
    assert "ntvdm.exe" in log
    # the connector's runs die with it; mail waits where it is
    assert 65 in ids_since(real_world, 0)
    queued = send_to_exchange(real_world, 2)
    stuck = send_to_ccmail(real_world, 2)
    real_world.clock.advance(600)
    assert {65, 64} <= ids_since(real_world, 0)
    assert _export_by_hand(site) == 0  # a prompt's EXPORT has an NTVDM of its own
    # the resolution: NT 4.0 SP4, then restart the service it affects
    setup_kit(real_world, "SP4I386")
    site.service.stop()
    site.service.start()
    mark = len(real_world.eventlog.records)
    real_world.clock.advance(6 * 3600)  # well past the 46 minutes the handles last on SP3
    assert not ids_since(real_world, mark) & {4097, 65, 64, 14005}
    assert 14031 in ids_since(real_world, mark)
    assert site.service.ccdir().code == 0  # "manual Export works"
    assert _export_by_hand(site) == 0
    mail_flows(site, queued, stuck)
