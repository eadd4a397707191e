"""KB Q255627: no Import/Export 8.x entry in the version list; the resolution by hand.

Resolution as written: click Import 6.0/Export 6.0 (the post office must be
DB8). The list picks the database version, not the programs' version: DB8
uses "Import 6.0/Export 6.0" also with Import/Export 8.x.
"""

from __future__ import annotations

from sim.connector.settings import IEVersion
from sim.connector.setup import PROGRAM_DIR, standard_world
from sim.world import World
from tests.kb.hand import copy
from tests.kb.pages import dirsync_and_mail_flow, post_office_page, setup_kit


def test_import_export_82_run_with_the_60_entry(real_world: World) -> None:
    site = standard_world(real_world, db=8, start=False)
    setup_kit(real_world, "IE82 C:\\LOTUS\\IE82")
    for name in ("EXPORT.EXE", "IMPORT.EXE", "IE.RI"):
        copy(real_world, f"C:\\LOTUS\\IE82\\{name}", f"{PROGRAM_DIR}\\{name}")
    # no 8.x entry to pick: the administrator picks the other one first
    post_office_page(site.service, version=IEVersion.DB6)
    site.service.start()
    assert not site.service.dirsync_now()
    # resolution: click Import 6.0/Export 6.0; restart to apply the page
    post_office_page(site.service, version=IEVersion.DB8)
    site.service.stop()
    site.service.start()
    dirsync_and_mail_flow(site, none_of={59, 64, 65, 68, 70}, all_of=frozenset({67, 58}))
    assert [v.value for v in IEVersion] == ["Import 5.15/Export 5.14", "Import 6.0/Export 6.0"]
