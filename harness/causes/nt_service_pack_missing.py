"""§8 row 20, nt-service-pack-missing: NT4 NTVDM/LSA2 bugs.

Source: ccmail-reference.md §8 row 20 and Q165404, Q187769, Q195649. This module is the
cause's one home: its §8 row (``CAUSE``), the faults that reproduce it, the rule that
diagnoses it from evidence only, and its fix.
"""

from __future__ import annotations

from harness.build import Site
from harness.causes import Cause
from harness.causes._shared import finding, quotes
from harness.diagnosis import Finding
from harness.evidence import Evidence
from harness.registry import fault, fix, rule

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


# -- diagnosis: from evidence only -----------------------------------------------------------------


@rule("nt-service-pack-missing", article="Q165404, Q187769, Q195649", explains=(70, 61))
def nt_service_pack(ev: Evidence) -> Finding | None:
    """NT4 before SP4 with the LSA2 hotfix: a service cannot log on to NetWare (Q195649)."""
    failures = ev.ccmc(70, 61)
    fix = "install-nt-sp4"
    ex = ev.exchange
    if ex is not None:
        access = ev.access
        netware = access is not None and "netware" in access.text.casefold()
        if ex.nt_service_pack >= 4 or not ex.lsa2_hotfix or not netware or not failures:
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


# -- fix -------------------------------------------------------------------------------------------


@fix(
    "install-nt-sp4",
    cures="nt-service-pack-missing",
    summary="install Windows NT 4.0 Service Pack 4; restart the connector",
    article="Q195649",
)
def install_nt_sp4(site: Site, params: None) -> None:
    site.world.access.nt_service_pack = 4
    site.service.restart()
