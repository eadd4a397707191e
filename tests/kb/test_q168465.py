"""KB Q168465: event 68 "EXPORT to file CCMDIR.EXP returned result code 1" on dirsync.

Two causes, two resolutions as written: the wrong versions of Import.exe and
Export.exe (DB6 needs Import 5.15 / Export 5.14, DB8 6.0 or later), or the
right programs with the wrong version selected on the Post Office tab
("Import 5.15/Export 5.14" for DB6, "Import 6.0/Export 6.0" for DB8).
"""

from __future__ import annotations

from sim.connector.service import ConnectorService
from sim.connector.settings import IEVersion
from sim.connector.setup import PROGRAM_DIR, standard_world
from sim.world import World
from tests.kb.hand import copy
from tests.kb.pages import dirsync_and_mail_flow, post_office_page, setup_kit

CCMDIR_68 = "EXPORT to file CCMDIR.EXP returned result code 1"


def _dirsync_fails_with_68(world: World, service: ConnectorService) -> None:
    assert not service.dirsync_now()
    failed = world.eventlog.events(68)
    assert failed
    assert CCMDIR_68 in failed[-1].description


def test_db6_with_the_60_programs_needs_import_515_export_514(real_world: World) -> None:
    site = standard_world(real_world, db=6)
    setup_kit(real_world, "IE60 C:\\LOTUS\\IE60")  # the wrong programs, copied in earlier
    for name in ("EXPORT.EXE", "IMPORT.EXE", "IE.RI"):
        copy(real_world, f"C:\\LOTUS\\IE60\\{name}", f"{PROGRAM_DIR}\\{name}")
    _dirsync_fails_with_68(real_world, site.service)
    # resolution: Import 5.15 / Export 5.14 from Lotus, into System32
    setup_kit(real_world, "IE515 C:\\LOTUS\\IE515")
    site.service.stop()
    for name in ("EXPORT.EXE", "IMPORT.EXE"):
        copy(real_world, f"C:\\LOTUS\\IE515\\{name}", f"{PROGRAM_DIR}\\{name}")
    site.service.start()
    dirsync_and_mail_flow(site, none_of={68}, all_of=frozenset({67, 58}))


def test_db8_with_db6_selected_needs_import_60_export_60(real_world: World) -> None:
    site = standard_world(real_world, db=8, start=False)
    post_office_page(site.service, version=IEVersion.DB6)  # the right programs, wrong choice
    site.service.start()
    _dirsync_fails_with_68(real_world, site.service)
    # Post Office tab, Import/Export version: Import 6.0/Export 6.0; restart to apply
    post_office_page(site.service, version=IEVersion.DB8)
    site.service.stop()
    site.service.start()
    dirsync_and_mail_flow(site, none_of={68})
