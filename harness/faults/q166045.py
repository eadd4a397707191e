"""Named faults: each breaks the world through its normal API, as a person or a crash would.

Source: ccmail-reference.md §8 (the causes) and the KB article each fault names.
A fault changes world state only — settings, rights, files, the install path —
and the symptoms follow from what the programs then find (STYLE.md §8). The
diagnosis never sees which fault was applied.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Literal

from pydantic import Field

from harness import damage
from harness.build import Site
from harness.model_types import WinPath
from harness.params import Params
from harness.registry import fault
from sim.access import Rights, SharePermission
from sim.message import Message
from sim.postoffice.layout import CLANDATA, MLANDATA, Location
from sim.postoffice.postoffice import Postoffice

__all__: list[str] = []


def _configure_post_office(site: Site, **changes: str) -> None:
    settings = site.service.settings
    post_office = dataclasses.replace(settings.post_office, **changes)
    site.service.configure(dataclasses.replace(settings, post_office=post_office))


# -- Q166045 cause 1: the Post Office page ----------------------------------------------------


class PasswordParams(Params):
    password: str = Field("WRONG", min_length=1, max_length=10, description="The wrong password.")


@fault(
    "wrong-po-password",
    summary="the Post Office page carries a password cc:Mail no longer accepts",
    article="Q166045",
    params=PasswordParams,
)
def wrong_po_password(site: Site, params: PasswordParams | None) -> None:
    _configure_post_office(site, password=(params or PasswordParams()).password)


class NameParams(Params):
    name: str = Field("PO2", min_length=1, max_length=256, description="The wrong PO name.")


@fault(
    "wrong-po-name",
    summary="the Post Office page names another post office",
    article="Q166045",
    params=NameParams,
)
def wrong_po_name(site: Site, params: NameParams | None) -> None:
    _configure_post_office(site, name=(params or NameParams()).name)


class PathParams(Params):
    path: WinPath = Field(
        "\\\\POSRV\\CCDATA\\OLD", min_length=3, max_length=260, description="The wrong UNC path."
    )


@fault(
    "wrong-po-path",
    summary="the Post Office page points at a directory that is not the post office",
    article="Q166045",
    params=PathParams,
)
def wrong_po_path(site: Site, params: PathParams | None) -> None:
    _configure_post_office(site, path=(params or PathParams()).path)


# -- Q166045 cause 2: access --------------------------------------------------------------------


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
    site.world.access.grant(site.std.account.name, share, SharePermission(chosen))


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


# -- Q166045 cause 3: damage and fragmentation --------------------------------------------------


class DamageParams(Params):
    kind: Literal["header", "torn-record", "counters", "chain", "index", "nft", "all"] = Field(
        "chain", description="Which damage a crash or a bad write leaves."
    )


def _damage(po: Postoffice, kind: str) -> None:
    if kind in ("header", "all"):
        damage.flip_header_crc(po.path / CLANDATA)
    if kind in ("torn-record", "all"):
        damage.tear_tail(po.path / MLANDATA)
    if kind in ("counters", "all"):
        live = damage.header_field(po.path / MLANDATA, "live_count")
        damage.set_header_field(po.path / MLANDATA, "live_count", live + 3, fix_crc=True)
    if kind == "chain":
        damage.break_chain(po)
    if kind in ("index", "all"):
        boxes = [e for e in po.entries() if e.mailbox and po.refs(e)]
        if boxes:
            damage.break_index(po, boxes[0].mailbox_file)
    if kind in ("nft", "all"):
        damage.add_nft_row(po)


@fault(
    "damage-postoffice",
    summary="a crash or a bad write leaves the post office database damaged",
    article="Q166045",
    params=DamageParams,
)
def damage_postoffice(site: Site, params: DamageParams | None) -> None:
    _damage(Postoffice(site.po_path), (params or DamageParams()).kind)


class FragmentParams(Params):
    megabytes: float = Field(1.5, gt=1.0, le=64, description="Space freed inside MLANDATA.")


@fault(
    "fragment-postoffice",
    summary="months of mail delivered and deleted without RECLAIM leave MLANDATA fragmented",
    article="Q166045",
    params=FragmentParams,
)
def fragment_postoffice(site: Site, params: FragmentParams | None) -> None:
    size = int((params or FragmentParams()).megabytes * (1 << 20))
    po = Postoffice(site.po_path)
    user = next(e for e in po.entries() if e.location is Location.LOCAL)
    body = "x" * 4000
    count = size // 4000 + 1
    when = datetime(1998, 1, 5, 9, 0)
    old = [Message(f"{user.name} at {site.po_name}", when, (user.name,), "old", body)] * count
    numbers = po.deliver(user, old, folder="Trash")
    po.remove_messages(user, numbers)


# -- Q166045 cause 4: a space in the install path ------------------------------------------------


class InstallParams(Params):
    path: WinPath = Field(
        "C:\\Program Files\\EXCHSRVR", min_length=3, max_length=200, description="Install path."
    )


@fault(
    "install-path-space",
    summary="Exchange was installed under a path with a space",
    article="Q164695",
    params=InstallParams,
)
def install_path_space(site: Site, params: InstallParams | None) -> None:
    path = (params or InstallParams()).path.rstrip("\\")
    exchange = site.exchange
    exchange.install_path = path
    exchange.registry["Connector Store Path"] = f"{path}\\CCMCDATA"


# -- Q166045 cause 5: no dirsync yet ---------------------------------------------------------------


@fault(
    "fresh-connector",
    summary="a newly installed connector whose first dirsync has not run yet",
    article="Q166045",
)
def fresh_connector(site: Site, params: None) -> None:
    po = Postoffice(site.po_path)
    site_key = site.site.casefold()
    made = [
        e.name
        for e in po.entries()
        if e.name.casefold() == site_key
        or (e.location is Location.REMOTE and e.post_office.casefold() == site_key)
    ]
    if any(po.refs(e) for e in po.entries() if e.name.casefold() == site_key and e.mailbox):
        raise ValueError("mail is already queued for the site: apply fresh-connector first")
    po.delete_entries(made)
    for alias in sorted(site.exchange.custom_recipients):
        site.exchange.remove_custom_recipient(alias)
