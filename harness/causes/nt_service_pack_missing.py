"""§8 row 20, nt-service-pack-missing: NT4 NTVDM/LSA2 bugs.

Source: ccmail-reference.md §8 row 20 and Q165404, Q187769, Q195649. This module is the
cause's one home: its §8 row (``CAUSE``), the faults that reproduce it, the rule that
diagnoses it from evidence only, and its fix.

Two variants, one fix (NT 4.0 Service Pack 4):

* KB Q195649: SP3 with the LSA2 hotfix; a service cannot log on to NetWare, so EXPORT
  and IMPORT return 3 (events 70, 61);
* KB Q165404, Q187769: before SP4 the NTVDM the 16-bit Import/Export run in loses DPMI
  extended-memory handles on each scheduled directory synchronization until
  ``DpmiFreeXmem`` takes an access violation: Dr. Watson's event 4097 and
  ``Drwtsn32.log`` name ``exe\\ntvdm.dbg``, c0000005 and ``DpmiFreeXmem``. The mechanism,
  and what the connector logs for such a run (65/64, then 14005 for a directory run),
  are modelled (``sim.connector.ntvdm``); the articles give no connector event.
"""

from __future__ import annotations

from harness.build import Site
from harness.causes import Cause
from harness.causes._shared import finding, in_use_programs, quotes
from harness.diagnosis import Finding
from harness.evidence import Evidence
from harness.registry import fault, fix, rule
from sim import drwatson
from sim.connector.ntvdm import EXCEPTION, FAULT_FUNCTION, FIXED_IN
from sim.connector.settings import DirsyncMode
from sim.eventlog import EventRecord
from sim.programs.image import read_image
from sim.programs.runner import find_program

__all__ = ["CAUSE"]

CAUSE = Cause(
    20,
    "nt-service-pack-missing",
    title="NT4 NTVDM/LSA2 bugs",
    articles=("Q165404", "Q187769", "Q195649"),
    symptoms="ntvdm.exe access violation; or code 3 (61/70) to NetWare",
    confirm="NT service pack level; Dr. Watson log shows ntvdm DpmiFreeXmem",
    fix="Install NT4 SP4",
    verify="No AV; manual Export works",
)


# -- faults: the world broken as a person or a crash would -----------------------------------------


@fault(
    "nt4-sp3-lsa2",
    summary="the Exchange server runs NT 4.0 SP3 with the LSA2 hotfix; the PO is on NetWare",
    article="Q195649",
)
def nt4_sp3_lsa2(site: Site, params: None) -> None:
    access = site.world.access
    if not access.netware:
        raise ValueError("the LSA2 bug breaks NetWare logons: world.postoffice.host.kind netware")
    access.nt_service_pack = 3
    access.lsa2_hotfix = True


@fault(
    "ntvdm-dpmi-leak",
    summary="the Exchange server runs NT 4.0 SP3; the connector's 16-bit Import/Export "
    "synchronize the directory every 15 minutes (dirsync 'Always')",
    article="Q187769",
)
def ntvdm_dpmi_leak(site: Site, params: None) -> None:
    search = site.service.search_path()
    for name, _directory, _version in in_use_programs(site):
        found = find_program(site.world, name, search)
        if found is not None and read_image(found[1]).win32:
            raise ValueError(
                f"{name} is a 32-bit program and runs outside NTVDM: "
                "world.exchange.programs.bits 16"
            )
    if site.service.settings.dirsync.mode is not DirsyncMode.ALWAYS:
        raise ValueError(
            "the NTVDM runs out on scheduled directory synchronization (KB Q187769): "
            "world.connector.dirsync always"
        )
    site.world.access.nt_service_pack = 3


# -- diagnosis: from evidence only -----------------------------------------------------------------


def _lsa2(ev: Evidence) -> Finding | None:
    """NT4 before SP4 with the LSA2 hotfix: a service cannot log on to NetWare (Q195649)."""
    failures = ev.ccmc(70, 61)
    fix = "install-nt-sp4"
    ex = ev.exchange
    if ex is not None:
        access = ev.access
        netware = access is not None and "netware" in access.text.casefold()
        if ex.nt_service_pack >= FIXED_IN or not ex.lsa2_hotfix or not netware or not failures:
            return None
        said = [
            *quotes(failures),
            f"Windows NT 4.0 SP{ex.nt_service_pack} with the LSA2 hotfix",
            access.text if access is not None else "",
        ]
        return finding("nt-service-pack-missing", 0.97, said, confirmed=True, fix=fix)
    if ev.ccmc(61) and ev.ccmc(70):
        said = quotes(ev.ccmc(70))[:1] + quotes(ev.ccmc(61))[:1]
        return finding("nt-service-pack-missing", 0.2, said, confirmed=False, fix=fix)
    return None


def _ntvdm_events(ev: Evidence) -> list[EventRecord]:
    """Dr. Watson's 4097 for ``ntvdm.dbg`` (KB Q165404, Q187769)."""
    found = ev.from_source(drwatson.SOURCE, drwatson.EVENT_ID)
    return [e for e in found if drwatson.event_name("ntvdm.exe") in e.description.casefold()]


def _log_lines(text: str) -> list[str]:
    """The last ``Drwtsn32.log`` entry's lines that tell: the app, the exception, the function."""
    at = text.rfind("Application exception occurred:")
    entry = text[at:] if at >= 0 else ""
    wanted = ("App:", "Exception number:", "function:")
    lines = [ln.strip() for ln in entry.splitlines() if ln.strip().startswith(wanted)]
    return [f"Drwtsn32.log: {ln}" for ln in lines]


def _ntvdm(ev: Evidence) -> Finding | None:
    """An NTVDM access violation in DpmiFreeXmem before NT 4.0 SP4 (KB Q165404, Q187769)."""
    watson = _ntvdm_events(ev)
    log = _log_lines(ev.drwatson_log or "")
    in_log = any(FAULT_FUNCTION in ln for ln in log) and any("ntvdm" in ln for ln in log)
    crashed = [
        *quotes([e for e in ev.ccmc(65) if EXCEPTION in e.description]),
        *quotes([e for e in ev.ccmc(64) if EXCEPTION in e.description]),
    ]
    fix = "install-nt-sp4"
    ex = ev.exchange
    if ex is not None:
        if ex.nt_service_pack >= FIXED_IN or not (in_log or watson):
            return None
        said = [
            *quotes(watson),
            *log,
            *crashed,
            f"Windows NT 4.0 SP{ex.nt_service_pack} (the DPMI handle check is in SP4)",
        ]
        score = 0.97 if in_log else 0.92
        return finding("nt-service-pack-missing", score, said, confirmed=True, fix=fix)
    named = [e for e in watson if FAULT_FUNCTION.casefold() in e.description.casefold()]
    if named:
        said = quotes(named) + crashed[:1]
        return finding("nt-service-pack-missing", 0.6, said, confirmed=False, fix=fix)
    return None


@rule("nt-service-pack-missing", article="Q165404, Q187769, Q195649", explains=(70, 61, 65, 64))
def nt_service_pack(ev: Evidence) -> Finding | None:
    """NT4 before SP4: the LSA2 NetWare logon (Q195649) or NTVDM's DPMI access violation (Q165404).

    Whichever of the two the evidence shows more surely; the access violation's DPMI
    handles run out on scheduled directory synchronization (Q187769)."""
    found = [f for f in (_lsa2(ev), _ntvdm(ev)) if f is not None]
    return max(found, key=lambda f: f.score, default=None)


# -- fix -------------------------------------------------------------------------------------------


@fix(
    "install-nt-sp4",
    cures="nt-service-pack-missing",
    summary="install Windows NT 4.0 Service Pack 4; restart the connector",
    article="Q195649",
)
def install_nt_sp4(site: Site, params: None) -> None:
    """SP4 cures both variants (KB Q195649; Q165404 and Q187769: "first corrected in
    Windows NT 4.0 Service Pack 4"). Its ``article`` stays Q195649: the fix's article is
    part of every report that applies it, and the Q195649 scenario's report is kept as
    it was; the rule and the cause name all three articles."""
    site.world.access.nt_service_pack = 4
    site.service.restart()
