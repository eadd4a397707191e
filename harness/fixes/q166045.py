"""Named fixes: each repairs the world through its normal API, as support would.

Source: ccmail-reference.md §8 "Fix" column and the KB article each names.
"""

from __future__ import annotations

import dataclasses
import shutil

from harness.admin import admin_switches, run_as_admin
from harness.build import Site
from harness.registry import fix
from sim.access import Rights, SharePermission
from sim.fsutil import listdir_sorted

__all__: list[str] = []


@fix(
    "correct-po-settings",
    cures="po-settings-invalid",
    summary="type the PO name, password and UNC path cc:Mail ADMIN shows; restart",
    article="Q166045",
)
def correct_po_settings(site: Site, params: None) -> None:
    settings = site.service.settings
    post_office = dataclasses.replace(
        settings.post_office, name=site.po_name, password=site.po_password, path=site.po_unc
    )
    site.service.configure(dataclasses.replace(settings, post_office=post_office))
    site.service.restart()


@fix(
    "grant-access",
    cures="po-access-denied",
    summary="give the service account read and write on the post office (NT share, "
    "or GSNW with a matching NetWare account holding Read, File Scan, Modify, Create); restart",
    article="Q164707",
)
def grant_access(site: Site, params: None) -> None:
    access = site.world.access
    account = site.std.account
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


REPAIR_SEQUENCE = (
    ("ANALYZE", "/BATCH /DIAGNOSTICS"),
    ("CHKSTAT", "NFT/C"),
    ("CHKSTAT", "DIAGNOSTICS/M"),
    ("CHKSTAT", "DIAGNOSTICS/R"),
    ("RECLAIM", "DIRECTORY DIAGNOSTICS/A"),
    ("RECLAIM", ""),
    ("ANALYZE", "/BATCH /DIAGNOSTICS"),
)


@fix(
    "repair-postoffice",
    cures="po-damaged",
    summary="stop the connector; ANALYZE, CHKSTAT (NFT/C, DIAGNOSTICS/M, DIAGNOSTICS/R), "
    "RECLAIM (DIRECTORY DIAGNOSTICS/A, then plain), ANALYZE again; start",
    article="Q166045",
)
def repair_postoffice(site: Site, params: None) -> None:
    site.service.stop()
    for program, options in REPAIR_SEQUENCE:
        run_as_admin(site, program, f"{admin_switches(site)} {options}".strip())
    site.service.start()


@fix(
    "short-store-path",
    cures="install-path-space",
    summary="stop the connector, move Ccmcdata to a short path without spaces, set "
    "'Connector Store Path' to it, start",
    article="Q164695",
)
def short_store_path(site: Site, params: None) -> None:
    service = site.service
    exchange = site.exchange
    service.stop()
    old = service.store.root
    target_win = "C:\\EXCHSRVR\\CCMCDATA"
    target = site.world.path(target_win)
    target.mkdir(parents=True, exist_ok=True)
    if old.exists() and old != target:
        for item in listdir_sorted(old):
            destination = target / item.name
            if item.is_dir():
                destination.mkdir(exist_ok=True)
                for child in listdir_sorted(item):
                    shutil.move(str(child), str(destination / child.name))
                item.rmdir()
            else:
                shutil.move(str(item), str(destination))
    exchange.registry["Connector Store Path"] = target_win
    service.start()


@fix(
    "run-dirsync",
    cures="dirsync-not-completed",
    summary="run directory synchronization now and let it finish (or wait for the schedule)",
    article="Q166045",
)
def run_dirsync(site: Site, params: None) -> None:
    if not site.service.running:
        site.service.start()
    site.service.dirsync_now()
