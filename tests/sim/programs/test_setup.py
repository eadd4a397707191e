"""SETUP: the installation kits of the Exchange server's administrator."""

from __future__ import annotations

import io

import pytest

from sim.programs import setup
from sim.programs.cmdline import split_command_line
from sim.programs.image import IE_RI, IMPEXP_RI, WIN32_DLLS
from sim.programs.runner import ProgramContext, find_program, program_version
from sim.world import World


def _run(world: World, line: str) -> tuple[int, str]:
    out = io.StringIO()
    code = setup.main(split_command_line(line), ProgramContext(world, None, "SETUP", "", out))
    return int(code), out.getvalue()


@pytest.mark.parametrize(
    ("kit", "export", "import_", "ie_ri"),
    [("IE515", "5.14", "5.15", False), ("IE60", "6.0", "6.0", True), ("IE82", "8.2", "8.2", True)],
)
def test_an_import_export_kit_puts_its_programs_where_it_is_told(
    world: World, kit: str, export: str, import_: str, ie_ri: bool
) -> None:
    """KB Q168465 (the programs per DB version), Q190275 (IE.RI beside 6.0 and later)."""
    code, text = _run(world, f"{kit.lower()} C:\\CCMAIL\\IE")
    assert code == setup.SetupResult.OK
    assert text.endswith("SETUP completed successfully.\n")
    found = {n: find_program(world, n, ["C:\\CCMAIL\\IE"]) for n in ("EXPORT.EXE", "IMPORT.EXE")}
    versions = {n: program_version(hit[1]) for n, hit in found.items() if hit is not None}
    assert versions == {"EXPORT.EXE": export, "IMPORT.EXE": import_}
    assert (world.path("C:\\CCMAIL\\IE") / IE_RI).is_file() is ie_ri


def test_the_32_bit_kit_brings_its_dlls_and_impexp_ri(world: World) -> None:
    """KB Q248195: Import32/Export32 need Cdmw800.dll, Cfw803.dll, Ciw803.dll, Impexp.ri."""
    code, _ = _run(world, "IE32 C:\\CCMAIL\\ADTOOLS")
    assert code == 0
    folder = world.path("C:\\CCMAIL\\ADTOOLS")
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["EXPORT32.EXE", "IMPORT32.EXE", *WIN32_DLLS, IMPEXP_RI]
    )


def test_service_pack_4_and_gsnw_change_the_server(world: World) -> None:
    """KB Q195649 (SP4 after SP3 with LSA2), Q164707 (GSNW for a NetWare post office)."""
    access = world.access
    access.nt_service_pack, access.lsa2_hotfix, access.gsnw_installed = 3, True, False
    assert _run(world, "SP4I386")[0] == 0
    assert access.nt_service_pack == 4
    assert not access.gsnw_installed
    code, text = _run(world, "GSNW")
    assert code == 0
    assert "Gateway Service for NetWare is installed." in text
    assert access.gsnw_installed


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("", "No kit given."),
        ("IE99 C:\\X", "No kit named IE99."),
        ("IE82", "IE82 takes a directory to install into."),
        ("GSNW C:\\X", "GSNW takes no directory."),
        ("IE82 ..\\..\\..\\OUTSIDE", "Cannot install into"),
    ],
)
def test_a_command_line_setup_cannot_read_installs_nothing(
    world: World, line: str, said: str
) -> None:
    gsnw = world.access.gsnw_installed
    code, text = _run(world, line)
    assert code == setup.SetupResult.USAGE
    assert said in text
    assert text.endswith("SETUP ended with error: 1.\n")
    assert world.access.gsnw_installed is gsnw


def test_the_exchange_55_service_pack_3_raises_the_level_and_leaves_50_alone(world: World) -> None:
    """KB Q223772: first corrected in Exchange 5.5 SP3 (Ccmc.exe 5.5.2571.0)."""
    exchange = world.exchange
    exchange.service_pack = 2
    code, text = _run(world, "EX55SP3")
    assert code == 0
    assert "Service Pack 3 is installed" in text
    assert exchange.service_pack == 3
    exchange.service_pack = 4
    assert _run(world, "EX55SP3")[0] == 0
    assert exchange.service_pack == 4  # never lowered
    exchange.version, exchange.service_pack = "5.0", 2
    code, text = _run(world, "EX55SP3")
    assert code == setup.SetupResult.NOT_FOR_THIS_SYSTEM
    assert "this service pack is for 5.5. Nothing was installed." in text
    assert text.endswith("SETUP ended with error: 2.\n")
    assert (exchange.version, exchange.service_pack) == ("5.0", 2)


def test_a_path_entry_that_names_no_place_is_skipped_as_nt_does(world: World) -> None:
    """A PATH entry that leaves its volume or the world is passed over, not an error: the
    program is found in the next entry."""
    assert _run(world, "IE60 C:\\CCMAIL\\IE")[0] == 0
    search = ["C:\\..\\..\\..\\usr\\bin", "/bin", "C:\\CCMAIL\\IE"]
    hit = find_program(world, "EXPORT.EXE", search)
    assert hit is not None
    assert hit[0] == "C:\\CCMAIL\\IE"
    assert find_program(world, "EXPORT.EXE", search[:2]) is None
