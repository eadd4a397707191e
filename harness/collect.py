"""Collecting evidence from a running world, as support would on site.

Each item is something a support engineer can look at or run (ccmail-reference.md
§8 "How a support engineer confirms it"): the Application log; the connector's
property pages; ``dir`` of the post office and of ``Ccmcdata``; ANALYZE run by
the cc:Mail administrator; ``export ... /directory`` run as the service account
with the page's values and with the administrator's (KB Q282172, Q233164); an
access check of the service account (§6); cc:Mail ADMIN's list of post office
entries; the Exchange server's install path, registry and system PATH; who has the
post office's files open and its release (``CCVER.TB``, KB Q248195); the Exchange
queues and the NDRs users received (§4.5); ``dir`` of ``Ccmcdata`` itself (KB
Q202178); ``EXPORT /MSG#`` of the queue for Exchange (KB Q212759); and the end of
Dr. Watson's ``Drwtsn32.log`` in the system root (KB Q165404).

The programs run here write only into a scratch folder on the Exchange server's
C: drive, removed afterwards: collecting evidence changes no mail.
"""

from __future__ import annotations

import contextlib
import shutil

from harness.admin import admin_switches, run_as_admin, run_as_service
from harness.build import Site
from harness.evidence import (
    AccessView,
    Evidence,
    ExchangeView,
    ProgramOutput,
    ProgramView,
    SettingsView,
    drwatson_tail,
    und_reports,
    with_pcx_item,
    without_contents,
)
from sim import drwatson
from sim.connector import diskspace
from sim.connector.store import Folder
from sim.errors import PathError, PostofficeError
from sim.fsutil import listdir_sorted
from sim.postoffice.layout import CCVER, Location
from sim.postoffice.postoffice import Postoffice
from sim.programs.runner import find_program, program_version
from sim.winpath import split_unc

__all__ = ["collect"]

SCRATCH = "C:\\CCSIMCHK"
_PO_LOCATIONS = (Location.POST_OFFICE, Location.INDIRECT_PO)


def _settings(site: Site) -> SettingsView:
    s = site.service.settings
    po = s.post_office
    return SettingsView(
        po_name=po.name,
        po_password=po.password,
        po_path=po.path,
        version_choice=po.version.value,
        language=po.language,
        address_space=tuple(f"{a.type} {a.address} {a.cost}" for a in s.address_spaces),
        export_containers=tuple(s.export_containers.containers),
        dirsync_schedule=s.dirsync.mode.value,
    )


def _programs(site: Site) -> tuple[ProgramView, ...]:
    found = []
    search = site.service.search_path()
    names = ("EXPORT.EXE", "IMPORT.EXE", "EXPORT32.EXE", "IMPORT32.EXE")
    for name in names:
        hit = find_program(site.world, name, search)
        if hit is not None:
            directory, host = hit
            ie = (host.parent / "IE.RI").is_file()
            found.append(ProgramView(name, directory, program_version(host), ie))
    return tuple(found)


def _exchange(site: Site) -> ExchangeView:
    ex = site.exchange
    registry = tuple(sorted((k, str(v)) for k, v in ex.registry.items()))
    return ExchangeView(
        server=ex.name,
        version=ex.version,
        service_pack=ex.service_pack,
        install_path=ex.install_path,
        connector_store_path=str(ex.registry.get("Connector Store Path", "")),
        system_path=tuple(ex.system_path),
        programs=_programs(site),
        registry=registry,
        nt_date_order=ex.date_style.value,
        nt_service_pack=site.world.access.nt_service_pack,
        lsa2_hotfix=site.world.access.lsa2_hotfix,
        service_running=site.service.running,
        existing_containers=tuple(sorted(ex.containers)),
        disk_free=diskspace.free_bytes(site.service),
    )


def _listing(site: Site) -> tuple[tuple[str, int], ...] | None:
    try:
        return tuple(Postoffice(site.po_path).listing())
    except OSError:
        return None


def _ccmcdata(site: Site) -> tuple[tuple[str, tuple[str, ...]], ...] | None:
    root = site.service.store.root
    if not root.is_dir():
        return None
    folders = []
    for item in listdir_sorted(root):
        if item.is_dir():
            folders.append((item.name, tuple(p.name for p in listdir_sorted(item))))
    return tuple(folders)


def _output(run_name: str, account: str, result: object) -> ProgramOutput:
    code = getattr(result, "code", None)
    return ProgramOutput(
        run_name, account, code, getattr(result, "output", ""), getattr(result, "failure", "")
    )


def _manual_export(site: Site, switches: str) -> ProgramOutput:
    """``export /N.. /P.. /D.. /directory`` as the service account (KB Q282172)."""
    scratch = site.world.path(SCRATCH)
    scratch.mkdir(parents=True, exist_ok=True)
    command = f"{switches} /DIRECTORY /@{SCRATCH}\\CCDIR.TXT /BATCH"
    try:
        result = run_as_service(site, _export_name(site), command)
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(scratch)
    account = site.exchange.service_account
    return _output(f"EXPORT {command}", account.name if account else "?", result)


def _export_name(site: Site) -> str:
    return str(site.exchange.registry.get("Export", "EXPORT.EXE") or "EXPORT.EXE")


def _access(site: Site) -> AccessView | None:
    path = site.service.settings.post_office.path
    unc = split_unc(path)
    account = site.exchange.service_account
    if unc is None or account is None:
        return None
    check = site.world.access.check_unc(account.name, *unc)
    return AccessView(
        account.name,
        path,
        check.reachable,
        check.can_read,
        check.can_export,
        check.can_write,
        str(check),
    )


def _po_entries(site: Site) -> tuple[tuple[tuple[str, str, str], ...] | None, str | None]:
    try:
        po = Postoffice(site.po_path)
        entries = po.entries()
        name = po.identity().name
    except (OSError, PostofficeError, ValueError, PathError):
        return None, None
    rows = tuple(
        (e.name, e.location.value, e.comments) for e in entries if e.location in _PO_LOCATIONS
    )
    return rows, name


def _analyze(site: Site) -> ProgramOutput:
    args = f"{admin_switches(site)} /BATCH /DIAGNOSTICS"
    return _output(f"ANALYZE {args}", "cc:Mail administrator", run_as_admin(site, "ANALYZE", args))


def _po_state(site: Site) -> tuple[int | None, str | None, tuple[tuple[str, bool], ...]]:
    """DB version and release as cc:Mail ADMIN shows them; who has the files open."""
    holders = tuple(sorted(site.world.locks.holders(site.po_path).items()))
    try:
        po = Postoffice(site.po_path)
        db = po.identity().db_version
        lines = (po.path / CCVER).read_bytes().decode("cp850", "replace").splitlines()
    except (OSError, PostofficeError, ValueError, PathError):
        return None, None, holders
    release = lines[1].strip() if len(lines) > 1 else ""
    return db, release, holders


def _queues(site: Site) -> tuple[tuple[str, int], ...]:
    """MTS-IN and MTS-OUT (Exchange Administrator, §4.1) and the site's P-entry queue."""
    exchange = site.exchange
    rows = [("MTS-IN", len(exchange.mts_in)), ("MTS-OUT", len(exchange.mts_out))]
    try:
        po = Postoffice(site.po_path)
        entry = po.find(site.site)
        if entry is not None and entry.mailbox:
            rows.append(("to-exchange", len(po.refs(entry))))
    except (OSError, PostofficeError, ValueError, PathError):
        pass
    return tuple(rows)


def _ndr_reason(body: str) -> str:
    """The reason line of an NDR body (``sim.exchange.ExchangeServer.return_ndr``)."""
    lines = body.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("The following recipient(s) could not be reached:"):
            for later in lines[i + 1 :]:
                if later.startswith("    "):
                    return later.strip()
    return "(no reason given)"


def _ndr_reasons(site: Site) -> tuple[tuple[str, int], ...]:
    """What the non-delivery reports users forwarded to support say (§4.5)."""
    counts: dict[str, int] = {}
    for key in sorted(site.exchange.mailboxes):
        for item in site.exchange.mailboxes[key].items:
            if item.subject.startswith("Undeliverable:"):
                reason = _ndr_reason(item.body)
                counts[reason] = counts.get(reason, 0) + 1
    return tuple(sorted(counts.items()))


def _store_root(site: Site) -> tuple[str, ...] | None:
    root = site.service.store.root
    if not root.is_dir():
        return None
    return tuple(p.name + ("\\" if p.is_dir() else "") for p in listdir_sorted(root))


def _msg_list(site: Site) -> ProgramOutput:
    """``EXPORT /N<site> /P.. /D.. /MSG# /@file`` as the service account (KB Q212759)."""
    scratch = site.world.path(SCRATCH)
    scratch.mkdir(parents=True, exist_ok=True)
    target = f"{SCRATCH}\\MSGLIST.TXT"
    command = f"/N{site.site} /P{site.po_password} /D{site.po_unc} /MSG# /@{target} /BATCH"
    try:
        result = run_as_service(site, _export_name(site), command)
        listing = scratch / "MSGLIST.TXT"
        text = listing.read_bytes().decode("cp850", "replace") if listing.is_file() else ""
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(scratch)
    account = site.exchange.service_account
    name = account.name if account else "?"
    return ProgramOutput(
        f"EXPORT {command}", name, result.code, result.output + text, result.failure
    )


def collect(site: Site) -> Evidence:
    """Everything support can see in this world now."""
    settings = site.service.settings.post_office
    entries, po_name = _po_entries(site)
    configured = f"/N{settings.name} /P{settings.password} /D{settings.path}"
    db, release, holders = _po_state(site)
    return Evidence(
        events=tuple(site.world.eventlog.records),
        settings=_settings(site),
        exchange=_exchange(site),
        po_listing=_listing(site),
        ccmcdata=_ccmcdata(site),
        analyze=_analyze(site),
        export_configured=_manual_export(site, configured),
        export_admin=_manual_export(site, admin_switches(site)),
        access=_access(site),
        po_entries=entries,
        po_name=po_name,
        site=site.site,
        collected_at=site.world.clock.datetime,
        po_holders=holders,
        po_db=db,
        po_release=release,
        queues=_queues(site),
        ndr_reasons=_ndr_reasons(site),
        store_root=_store_root(site),
        msg_list=_msg_list(site),
        processes=tuple(site.service.processes()),
        export_no_contents=without_contents(site.service.store.path(Folder.EXPORT)),
        bad_pcx=with_pcx_item(site.service.store.path(Folder.BAD)),
        import_und_reports=und_reports(site.service.store.path(Folder.IMPORT)),
        drwatson_log=drwatson_tail(site.world.path(drwatson.LOG_FILE)),
    )
