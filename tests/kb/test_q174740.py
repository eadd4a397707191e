"""KB Q174740: "Incorrect version of Export/Import.exe" migrating a DB8 post office.

As written: the Migration Wizard, migrating a version 6 (DB8) post office, needs
Export.exe, Import.exe and IE.RI 8.00 to 8.x; it "will check the current directory
\\exchsrvr\\bin before going to the search path"; the connector itself supports
Import/Export and IE.RI 6 for DB8 (its version list shows only 5.15/5.14 and 6.0).
Resolution as written: copy the 8.x Import.exe/Export.exe and IE.RI into
``Exchsrvr\\Bin``, and make sure they are not in the ``Winnt`` directory.

The sim has no Migration Wizard and so none of its dialog (``harness.kb``). The test
follows what the sim models of the article: the Wizard's search order (Exchsrvr\\Bin,
then the system PATH) finds the 8.x programs after the copy, and their user export
of a DB8 mailbox works, while the connector, whose programs are found on the PATH
alone, keeps the 6.0 programs of its version list and mail still flows.
"""

from __future__ import annotations

from sim.connector.setup import Site, send_to_ccmail, send_to_exchange, standard_world
from sim.postoffice.layout import CCADMIN, IE_RI, Location
from sim.programs.runner import find_program, install_program, program_version, run_program
from sim.world import World
from tests.kb.hand import copy, host, mail_flows
from tests.kb.test_q186740 import admin

BIN = "C:\\EXCHSRVR\\BIN"
SD_FILE = "C:\\TEMP\\sd1.2"


def _wizard_export(site: Site, user: str) -> tuple[str, int | None]:
    """The Wizard's Export of one mailbox, found in Exchsrvr\\Bin before the PATH."""
    search = [BIN, *site.exchange.system_path]
    found = find_program(site.world, "EXPORT.EXE", search)
    assert found is not None
    assert admin(site, f'PASSWORD "{user}" Migr8') == 0
    line = f'/PMigr8 /BATCH /N"{user}" /D{site.po_unc}\\ /ITEMSIZE /MSGS/ALL /@{SD_FILE}'
    host(site.world, SD_FILE).parent.mkdir(parents=True, exist_ok=True)
    run = run_program(site.world, "EXPORT.EXE", line, account=None, search_path=search)
    return program_version(found[1]), run.code


def test_the_8x_programs_in_exchsrvr_bin_serve_the_wizard_not_the_connector(
    real_world: World,
) -> None:
    site = standard_world(real_world, db=8, dirsync_done=True)
    user = next(e.name for e in site.postoffice.entries() if e.location is Location.LOCAL)
    version, _ = _wizard_export(site, user)
    assert version == "6.0"  # before: the Wizard finds the connector's 6.0 on the PATH
    # resolution: 8.x Import.exe, Export.exe and IE.RI copied into Exchsrvr\Bin
    install_program(real_world, BIN, "EXPORT.EXE", "8.0")
    install_program(real_world, BIN, "IMPORT.EXE", "8.0")
    copy(real_world, f"{site.po_unc}\\{CCADMIN}\\{IE_RI}", f"{BIN}\\{IE_RI}")
    version, code = _wizard_export(site, user)
    assert version == "8.0"
    assert code == 0  # the migration export of a DB8 mailbox
    assert host(real_world, SD_FILE).is_file()
    # not in Winnt: the connector still runs the 6.0 programs of its version list
    inbound = send_to_exchange(real_world, 2)
    outbound = send_to_ccmail(real_world, 2)
    real_world.clock.advance(300)
    assert not {65, 68, 59, 70, 43} & {r.event_id for r in real_world.eventlog.records}
    mail_flows(site, inbound, outbound)
