"""KB Q294947: events 43, 86 and 85 when the connector starts; the resolution by hand.

Symptoms as written: the service may stop at once; event 43 "The Lotus cc:Mail
IMPORT/EXPORT.EXE programs could not be executed ... The system error code is 2",
event 86 (thread function dwCCExport, counted up to 25), then event 85. Cause:
Import.exe and Export.exe are not in a folder on the system path. Resolution as
written: copy Import.exe, Export.exe and Ie.ri from the cc:Mail Administrator folder
to a folder in the system path. More information: ``ccmc >output.txt`` in
``Exchsrvr\\Connect\\Ccmail\\Bin`` shows the debug lines and the same texts.
"""

from __future__ import annotations

from sim.connector.console import console_run
from sim.connector.setup import (
    PROGRAM_DIR,
    Site,
    send_to_ccmail,
    send_to_exchange,
    standard_world,
)
from sim.postoffice.layout import IE_RI
from sim.world import World
from tests.kb.hand import copy, ids_since, mail_flows, restarted_25_times_then_85

#: the cc:Mail Administrator folder, not on the system PATH
ADMIN_DIR = "C:\\CCMAIL\\ADMIN"
FILES = ("IMPORT.EXE", "EXPORT.EXE", IE_RI)


def _off_path(world: World) -> Site:
    """Import/Export 6.0 and Ie.ri only in the cc:Mail Administrator folder."""
    site = standard_world(world, db=8, dirsync_done=True, start=False)
    assert ADMIN_DIR not in site.exchange.system_path
    for name in FILES:
        copy(world, f"{PROGRAM_DIR}\\{name}", f"{ADMIN_DIR}\\{name}")
        world.path(f"{PROGRAM_DIR}\\{name}").unlink()
    return site


def test_43_then_86_up_to_25_then_85_and_the_service_stops(real_world: World) -> None:
    site = _off_path(real_world)
    site.service.start()
    real_world.clock.advance(300)
    log = real_world.eventlog
    assert "The system error code is 2" in log.events(43)[0].description
    restarted_25_times_then_85(site)


def test_ccmc_output_txt_shows_the_debug_lines_and_the_texts(real_world: World) -> None:
    site = _off_path(real_world)
    code, text = console_run(site.service)
    assert code == 0
    lines = text.splitlines()
    assert lines[:2] == ["Service Start Pending", "Service Running"]
    assert any(
        "CONFIG_EXPORT_CMD_LINE = /ITEMSIZE /FORMAT/FAN /BATCH /FILES/MACBIN2." in ln
        for ln in lines
    )
    assert any("programs could not be executed" in ln for ln in lines)
    assert "SECRET" not in text  # the password is not printed


def test_copying_the_three_files_to_the_system_path_cures_it(real_world: World) -> None:
    site = _off_path(real_world)
    site.service.start()
    real_world.clock.advance(300)
    assert not site.service.running
    for name in FILES:  # from the Administrator folder to a folder in the system path
        copy(real_world, f"{ADMIN_DIR}\\{name}", f"{PROGRAM_DIR}\\{name}")
    site.service.start()
    mark = len(real_world.eventlog.records)
    inbound = send_to_exchange(real_world, 2)
    outbound = send_to_ccmail(real_world, 2)
    real_world.clock.advance(900)
    assert not ids_since(real_world, mark) & {43, 64, 65, 85, 86}
    assert site.service.running
    mail_flows(site, inbound, outbound)
