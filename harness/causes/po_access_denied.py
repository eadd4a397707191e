"""§8 row 2, po-access-denied: Service account cannot access the PO (NT rights, or NetWare/GSNW).

Source: ccmail-reference.md §8 row 2 and Q166045, Q164707, Q168670. This module is the
cause's one home: its §8 row (``CAUSE``), the faults that reproduce it, the rule that
diagnoses it from evidence only, and its fix.

* Event 70 that stops after the first 14031 is a first dirsync (cause 5, KB
  Q166045), not a misconfiguration: a wrong Post Office page never lets dirsync
  finish (§8 row 1). When the log ends at that 14031 nothing shows the 70 has
  stopped, and the finding says to check the next polls.
* Event 59 with Event 67 still logged after the first 59 is outbound-only
  failure: EXPORT works, IMPORT cannot write (§8 row 2, §6, KB Q168670).
* Plain Event 70 names all five Q166045 causes, ranked, each with the check
  that tells it (``Finding.confirm``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from harness.build import Site
from harness.causes import Cause
from harness.causes._shared import finding, persisting_70, quote, quotes
from harness.diagnosis import Finding
from harness.evidence import Evidence
from harness.params import Params
from harness.registry import fault, fix, rule
from sim.access import Rights, SharePermission

__all__ = ["CAUSE", "reproduce_with"]

CAUSE = Cause(
    2,
    "po-access-denied",
    title="Service account cannot access the PO (NT rights, or NetWare/GSNW)",
    articles=("Q166045", "Q164707", "Q168670"),
    symptoms=(
        "Event 70 (Export code 3) or 68 (code 1); outbound only failing → event 59, "
        "files accumulate in `Ccmcdata\\Submit`, MTS-OUT grows, inbound OK"
    ),
    confirm=(
        "Log on as service account, open the share, run ADMIN (create entry) or "
        "`ccmc ccdir`; check NetWare trustee rights (Read, File Scan, Modify, "
        "Create) / GSNW gateway share and NTGATEWAY group; NT4 SP3+LSA2 check "
        "(Q195649)"
    ),
    fix=(
        "Grant rights / set up GSNW gateway share or matching NetWare account; NT4 "
        "SP4 for LSA2 case"
    ),
    verify="Manual Export/Import as service account return 0; Submit drains; 58/67 logged",
)


# -- faults: the world broken as a person or a crash would -----------------------------------------


class ShareParams(Params):
    permission: Literal["No Access", "Read"] = Field(
        "No Access", description="The share permission left to the service account."
    )


@fault(
    "revoke-share-rights",
    summary="the service account loses its rights on the post office share (NT)",
    article="Q166045",
    params=ShareParams,
)
def revoke_share_rights(site: Site, params: ShareParams | None) -> None:
    chosen = (params or ShareParams()).permission
    server, share_name = site.po_unc.strip("\\").split("\\")[:2]
    share = site.world.access.share(server, share_name)
    if share is None:
        raise ValueError(f"{site.po_unc} is not an NT share (use a NetWare fault)")
    site.world.access.grant(site.account.name, share, SharePermission(chosen))


@fault(
    "netware-without-gsnw",
    summary="the post office is on NetWare and the Exchange server has no GSNW",
    article="Q164707",
)
def netware_without_gsnw(site: Site, params: None) -> None:
    if not site.world.access.netware:
        raise ValueError("the post office is not on NetWare (world.postoffice.host.kind)")
    site.world.access.gsnw_installed = False


class TrusteeParams(Params):
    missing: list[Literal["Read", "File Scan", "Modify", "Create"]] = Field(
        ["Create"], min_length=1, description="Trustee rights taken away."
    )


@fault(
    "netware-missing-rights",
    summary="the NetWare account used for the post office lacks trustee rights",
    article="Q168670",
    params=TrusteeParams,
)
def netware_missing_rights(site: Site, params: TrusteeParams | None) -> None:
    taken = Rights.parse(", ".join((params or TrusteeParams()).missing))
    servers = list(site.world.access.netware.values())
    if not servers:
        raise ValueError("the post office is not on NetWare (world.postoffice.host.kind)")
    for key, rights in list(servers[0].trustees.items()):
        servers[0].trustees[key] = rights & ~taken


# -- diagnosis: from evidence only -----------------------------------------------------------------


@rule("po-access-denied", article="Q166045, Q164707, Q168670", explains=(70, 68, 59))
def access_denied(ev: Evidence) -> Finding | None:
    """No access for the service account: 70/68 both ways, or 59 outbound only."""
    failures = persisting_70(ev) + ev.ccmc(68)
    outbound = ev.ccmc(59)
    access = ev.access
    if access is not None:
        if access.can_export and access.can_write:
            return None
        if not access.can_export and failures:
            said = [*quotes(failures), access.text]
            return finding("po-access-denied", 0.95, said, confirmed=True, fix="grant-access")
        if access.can_export and not access.can_write and outbound:
            said = [*quotes(outbound), access.text]
            return finding("po-access-denied", 0.9, said, confirmed=True, fix="grant-access")
        return None
    inbound = [e for e in ev.ccmc(67) if outbound and e.record_number > outbound[0].record_number]
    if outbound and not failures and inbound:
        said = [*quotes(outbound), quote(inbound[-1]), "EXPORT still succeeds: outbound only"]
        return finding("po-access-denied", 0.6, said, confirmed=False)
    if failures:
        return finding("po-access-denied", 0.4, quotes(failures), confirmed=False)
    return None


# -- fix -------------------------------------------------------------------------------------------


@fix(
    "grant-access",
    cures="po-access-denied",
    summary="give the service account read and write on the post office (NT share, "
    "or GSNW with a matching NetWare account holding Read, File Scan, Modify, Create); restart",
    article="Q164707",
)
def grant_access(site: Site, params: None) -> None:
    access = site.world.access
    account = site.account
    server, share_name = site.po_unc.strip("\\").split("\\")[:2]
    share = access.share(server, share_name)
    if share is not None:
        access.grant(account.name, share, SharePermission.CHANGE)
    for nw in access.netware.values():
        access.gsnw_installed = True
        nw.users[account.name.casefold()] = account.password
        for key in list(nw.trustees):
            nw.trustees[key] = Rights.all()
        nw.trustees[(account.name.casefold(), "sys", "ccdata")] = Rights.all()
    site.service.restart()


# -- reproduce -------------------------------------------------------------------------------------


def reproduce_with(ev: Evidence) -> str:
    """Outbound only (59 while EXPORT still works, KB Q168670): a NetWare account without
    Create; else no access both ways: No Access on the post office share."""
    if ev.ccmc(59) and not ev.ccmc(70, 68):
        return "q168670-netware-no-create"
    return "q166045-nt-rights"
