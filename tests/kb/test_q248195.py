"""KB Q248195: cc:Mail 8.5 needs the 32-bit Import32/Export32; the article's steps by hand.

Resolution as written: stop the connector; rename Import32.exe/Export32.exe to
Import.exe/Export.exe; copy them with Cdmw800.dll, Cfw803.dll and Ciw803.dll to a
directory on the PATH; copy Impexp.ri to Exchsrvr\\Ccmcdata; restart. "The
connector functions normally, that includes directory synchronization."
"""

from __future__ import annotations

from sim.connector.setup import (
    PROGRAM_DIR,
    Site,
    send_to_ccmail,
    send_to_exchange,
    standard_world,
)
from sim.postoffice.check import quick_check
from sim.postoffice.layout import CCVER
from sim.programs.image import IMPEXP_RI, WIN32_DLLS
from sim.programs.runner import install_program, install_win32_companions
from sim.world import World
from tests.kb.hand import copy, ids_since, mail_flows

#: where the cc:Mail 8.5 upgrade left its administration programs (modelled)
LOTUS = "C:\\CCMAIL"


def _upgraded(world: World) -> Site:
    """A DB8 site whose post office was just upgraded to 8.5; the 16-bit 6.0 tools remain."""
    site = standard_world(world, db=8, dirsync_done=True, start=False)
    (site.postoffice.path / CCVER).write_bytes(b"DB8\r\n8.5\r\n")
    for name in ("EXPORT32.EXE", "IMPORT32.EXE"):
        install_program(world, LOTUS, name, "8.50.00.14")
    install_win32_companions(world, LOTUS)
    return site


def _follow_article(site: Site, directory: str = PROGRAM_DIR, *, impexp: bool = True) -> None:
    world = site.world
    site.service.stop()  # 1
    for old, new in (("IMPORT32.EXE", "IMPORT.EXE"), ("EXPORT32.EXE", "EXPORT.EXE")):
        copy(world, f"{LOTUS}\\{old}", f"{directory}\\{new}")  # 2 + 3
    for dll in WIN32_DLLS:
        copy(world, f"{LOTUS}\\{dll}", f"{directory}\\{dll}")  # 3
    if impexp:
        copy(world, f"{LOTUS}\\{IMPEXP_RI}", f"{site.service.store.windows_path}\\Impexp.ri")  # 4
    site.service.start()  # 5


def test_16bit_tools_corrupt_the_85_post_office(real_world: World) -> None:
    site = _upgraded(real_world)
    assert quick_check(site.postoffice) is None
    site.service.start()
    send_to_exchange(real_world, 2)
    real_world.clock.advance(120)
    assert quick_check(site.postoffice) is not None


def test_the_renamed_32bit_tools_run_mail_and_dirsync_normally(real_world: World) -> None:
    site = _upgraded(real_world)
    _follow_article(site)
    mark = len(real_world.eventlog.records)
    inbound = send_to_exchange(real_world, 3)
    outbound = send_to_ccmail(real_world, 2)
    real_world.clock.advance(600)
    assert site.service.dirsync_now()
    seen = ids_since(real_world, mark)
    assert not seen & {59, 64, 65, 68, 70, 14005}
    assert quick_check(site.postoffice) is None
    mail_flows(site, inbound, outbound)
    # the renamed EXPORT.EXE is still the Win32 image: it left the 8.5 post office sound
    # although the 6.0 IE.RI still sits beside it
    assert real_world.path(f"{PROGRAM_DIR}\\IE.RI").is_file()


def test_without_step_4_the_programs_want_impexp_ri(real_world: World) -> None:
    site = _upgraded(real_world)
    _follow_article(site, impexp=False)
    send_to_exchange(real_world, 1)
    real_world.clock.advance(60)
    failed = real_world.eventlog.events(65)
    assert failed
    assert "R0002 Resource file not found" in failed[0].description
    assert "IMPEXP.RI" in failed[0].description
