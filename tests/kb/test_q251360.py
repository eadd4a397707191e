"""KB Q251360: the connector and cc:Mail 8.5 Import32/Export32; the registry workaround by hand.

Workaround as written: in Regedt32, under ``...\\MSExchangeCCMC\\Parameters`` set
Import to ``Import32.exe``, Export to ``Export32.exe`` and "cc:Mail Admin file
path" to the directory holding Import32.exe, Export32.exe, Impexp.ri and the
DLLs. Nothing is renamed or copied (Q248195's other way).
"""

from __future__ import annotations

from sim.connector.setup import PROGRAM_DIR, send_to_ccmail, send_to_exchange, standard_world
from sim.postoffice.check import quick_check
from sim.postoffice.layout import CCVER
from sim.world import World
from tests.kb.hand import ids_since, mail_flows
from tests.kb.pages import setup_kit

ADTOOLS = "C:\\CCMAIL\\ADTOOLS"


def test_the_three_registry_values_run_the_32bit_tools(real_world: World) -> None:
    site = standard_world(real_world, db=8, dirsync_done=True, start=False)
    (site.postoffice.path / CCVER).write_bytes(b"DB8\r\n8.5\r\n")  # upgraded to 8.5
    setup_kit(real_world, f"IE32 {ADTOOLS}")
    registry = site.exchange.registry
    registry["Import"] = "Import32.exe"  # steps 2-3
    registry["Export"] = "Export32.exe"  # steps 4-5
    registry["cc:Mail Admin file path"] = ADTOOLS  # steps 6-7
    site.service.start()
    mark = len(real_world.eventlog.records)
    inbound = send_to_exchange(real_world, 3)
    outbound = send_to_ccmail(real_world, 2)
    real_world.clock.advance(600)
    assert site.service.dirsync_now()  # "synchronize properly"
    seen = ids_since(real_world, mark)
    assert not seen & {59, 64, 65, 68, 70, 14005}
    assert {67, 58, 14031} <= seen
    assert quick_check(site.postoffice) is None  # the 8.5 post office stays sound
    mail_flows(site, inbound, outbound)
    # no program was renamed or copied: the 16-bit 6.0 EXPORT.EXE is still on the PATH
    assert real_world.path(f"{PROGRAM_DIR}\\EXPORT.EXE").is_file()
    assert not real_world.path(f"{ADTOOLS}\\EXPORT.EXE").exists()
