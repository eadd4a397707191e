"""Cause ccmail85-16bit-tools: the checks every cause passes, and what is particular to it."""

from __future__ import annotations

from pathlib import Path

from harness.build import Site
from harness.registry import RULES
from tests.causes.kit import (
    CauseCase,
    CauseChecks,
    FaultRefusals,
    broken,
    fix_and_watch,
    log,
)


def _release_85(site: Site) -> None:
    (site.po_path / "CCVER.TB").write_bytes(b"DB8\r\n8.5\r\n")


CASE = CauseCase(
    cause="ccmail85-16bit-tools",
    fault="upgrade-to-ccmail85",
    by_hand=_release_85,
    events_alone=log(67, 67, 70, 70, 70),
    world="world:\n  postoffice: {db: 8}\n",
    symptoms=(70,),
)


class TestTheChecksEveryCausePasses(CauseChecks):
    case = CASE


class TestTheFaultRefuses(FaultRefusals):
    refusals = (("upgrade-to-ccmail85", "", {}, "uses DB8"),)


def test_32bit_tools_repair_the_85_post_office_and_leave_it_sound(tmp_path: Path) -> None:
    site = broken(tmp_path, "upgrade-to-ccmail85", "world:\n  postoffice: {db: 8}\n")
    assert site.world.eventlog.events(70)
    after = fix_and_watch(site, "use-32bit-tools")
    assert not after & {70, 59, 68}
    assert site.exchange.registry["Export"] == "EXPORT32.EXE"
    tools = site.world.path("C:\\CCMAIL\\ADTOOLS")
    names = {p.name for p in tools.iterdir()}
    # the Win32 tools need their DLLs and Impexp.ri, not IE.RI (KB Q248195)
    assert {"CDMW800.DLL", "CFW803.DLL", "CIW803.DLL", "IMPEXP.RI"} <= names
    assert "IE.RI" not in names
    from harness.admin import admin_switches, run_as_admin

    assert run_as_admin(site, "ANALYZE", f"{admin_switches(site)} /BATCH").code == 0


def test_67_then_70_is_not_read_as_a_first_dirsync_by_the_8_5_rule() -> None:
    """70 before the first 14031 then 67 is row 5's pattern, not row 19's."""
    rule = RULES.lookup("ccmail85-16bit-tools").function
    assert rule(log(70, 70, 14031, 67)) is None
    assert rule(log(70, 70, 70)) is None
