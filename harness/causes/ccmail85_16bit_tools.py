"""§8 row 19, ccmail85-16bit-tools: cc:Mail 8.5 with 16-bit tools.

Source: ccmail-reference.md §8 row 19 and Q248195, Q251360. This module is the cause's
one home: its §8 row (``CAUSE``), the faults that reproduce it, the rule that diagnoses
it from evidence only, and its fix.

Row 19's post office was already damaged by the 16-bit tools (KB Q248195), so that
fix also runs the repair sequence of Q166045 (ANALYZE, CHKSTAT, RECLAIM, ANALYZE)
with the connector stopped before the 32-bit tools take over.
"""

from __future__ import annotations

from harness.admin import admin_switches, run_as_admin
from harness.build import Site
from harness.causes import Cause
from harness.causes._shared import REPAIR_SEQUENCE, finding, in_use, quotes
from harness.diagnosis import Finding
from harness.evidence import Evidence
from harness.registry import fault, fix, rule
from sim.postoffice.layout import CCVER
from sim.postoffice.postoffice import Postoffice
from sim.programs.runner import install_program, install_win32_companions

__all__ = ["CAUSE"]

CAUSE = Cause(
    19,
    "ccmail85-16bit-tools",
    title="cc:Mail 8.5 with 16-bit tools",
    articles=("Q248195", "Q251360"),
    symptoms="PO corruption; dirsync problems",
    confirm="`export /?` shows 8.5 PO but 16-bit tools in use",
    fix="Use Import32/Export32 (+DLLs, Impexp.ri) via rename or registry",
    verify="Dirsync + mail flow OK",
)


# -- faults: the world broken as a person or a crash would -----------------------------------------


@fault(
    "upgrade-to-ccmail85",
    summary="the post office was upgraded to cc:Mail 8.5; the connector keeps the 16-bit tools",
    article="Q248195",
)
def upgrade_to_ccmail85(site: Site, params: None) -> None:
    po = Postoffice(site.po_path)
    if po.identity().db_version != 8:
        raise ValueError("cc:Mail 8.5 uses DB8 (world.postoffice.db: 8)")
    (po.path / CCVER).write_bytes(b"DB8\r\n8.5\r\n")


# -- diagnosis: from evidence only -----------------------------------------------------------------


def _worked_then_failed(ev: Evidence) -> bool:
    """EXPORT succeeded (67) and then failed at every poll (70): damage that came later."""
    worked, failed = ev.ccmc(67), ev.ccmc(70)
    if not worked or len(failed) < 3:
        return False
    first_failure = failed[0].record_number
    return worked[0].record_number < first_failure and worked[-1].record_number < first_failure


@rule("ccmail85-16bit-tools", article="Q248195, Q251360", explains=(70, 59, 68))
def tools_16bit(ev: Evidence) -> Finding | None:
    """A cc:Mail 8.5 post office run with the 16-bit Import/Export (KB Q248195)."""
    failures = ev.ccmc(70, 59, 68)
    fix = "use-32bit-tools"
    if ev.po_release is not None and ev.exchange is not None:
        names, _ = in_use(ev.exchange)
        old = [n for n in names if is_16bit(n)]
        if not ev.po_release.startswith("8.5") or not old:
            return None
        said = [
            *quotes(failures),
            f"cc:Mail ADMIN: post office release {ev.po_release} (DB{ev.po_db})",
            f"the connector runs {', '.join(old)}: 16-bit tools",
        ]
        return finding("ccmail85-16bit-tools", 0.97, said, confirmed=True, fix=fix)
    if _worked_then_failed(ev):
        said = quotes(ev.ccmc(67))[:1] + quotes(ev.ccmc(70))
        return finding("ccmail85-16bit-tools", 0.25, said, confirmed=False, fix=fix)
    return None


def is_16bit(name: str) -> bool:
    """DOS ``EXPORT.EXE``/``IMPORT.EXE``, not the 8.5 ``EXPORT32.EXE`` (§2.1)."""
    return not name.upper().removesuffix(".EXE").endswith("32")


# -- fix -------------------------------------------------------------------------------------------


#: where the cc:Mail 8.5 administration programs live (modelled, KB Q251360)
ADTOOLS = "C:\\CCMAIL\\ADTOOLS"


#: the cc:Mail 8.5 release of Import32/Export32 (KB Q282172 banner)
RELEASE_85 = "8.50.00.14"


@fix(
    "use-32bit-tools",
    cures="ccmail85-16bit-tools",
    summary="stop; install Import32/Export32 with their DLLs and Impexp.ri, name them in the "
    "registry with 'cc:Mail Admin file path'; repair the post office; start",
    article="Q251360",
)
def use_32bit_tools(site: Site, params: None) -> None:
    service = site.service
    service.stop()
    world = site.world
    for name in ("EXPORT32.EXE", "IMPORT32.EXE"):
        install_program(world, ADTOOLS, name, RELEASE_85)
    install_win32_companions(world, ADTOOLS)
    registry = site.exchange.registry
    registry["Export"], registry["Import"] = "EXPORT32.EXE", "IMPORT32.EXE"
    registry["cc:Mail Admin file path"] = ADTOOLS
    for program, options in REPAIR_SEQUENCE:
        run_as_admin(site, program, f"{admin_switches(site)} {options}".strip())
    service.start()
