"""Named fixes for §8 rows 13-20: dates, the header limit, routing, dirsync, 8.5 tools, NT.

Source: ccmail-reference.md §8 "Fix" column, rows 13-20, and the KB article each
fix names: Q180641 ("Locale Date Format" 1 US / 2 EU / 3 JP), Q266711 (I/E 8.2x and
"Max Address Buffer Size" 0x28000, Exchange 5.5 SP4), Q186235 (``CCMAIL * cost 1``),
Q167830 (restore ``MSExchangeCCMC <server>``), Q212773 (remove the stale container),
Q197258 (rename the post office), Q251360 (Import32/Export32 with their DLLs and
``Impexp.ri`` through the registry "Import", "Export" and "cc:Mail Admin file path"),
Q195649 (NT4 SP4).

Row 19's post office was already damaged by the 16-bit tools (KB Q248195), so that
fix also runs the repair sequence of Q166045 (ANALYZE, CHKSTAT, RECLAIM, ANALYZE)
with the connector stopped before the 32-bit tools take over.
"""

from __future__ import annotations

import dataclasses
import unicodedata

from pydantic import Field

from harness.admin import admin_switches, run_as_admin
from harness.build import Site
from harness.fixes.catalogue import ie_ri_bytes
from harness.fixes.q166045 import REPAIR_SEQUENCE
from harness.params import Params
from harness.registry import fix
from sim.connector.dirsync import site_comment
from sim.exchange import AddressSpace
from sim.message import DateStyle
from sim.postoffice.layout import IE_RI, Location
from sim.postoffice.postoffice import Postoffice
from sim.programs.runner import find_program, install_program, install_win32_companions

__all__: list[str] = []

#: "Locale Date Format" for each NT date order (§4.7, KB Q180641)
_SETTING_FOR = {DateStyle.US: 1, DateStyle.EUROPEAN: 2, DateStyle.JAPANESE: 3}
#: the 160 KB address block of Import/Export 8.2x (KB Q266711)
MAX_ADDRESS_BUFFER = 0x28000
#: where the cc:Mail 8.5 administration programs live (modelled, KB Q251360)
ADTOOLS = "C:\\CCMAIL\\ADTOOLS"
#: the cc:Mail 8.5 release of Import32/Export32 (KB Q282172 banner)
RELEASE_85 = "8.50.00.14"


# -- 13 --------------------------------------------------------------------------------------


@fix(
    "match-locale-date-format",
    cures="date-format-mismatch",
    summary="set 'Locale Date Format' to the NT locale's date order (1 US, 2 EU, 3 JP); restart",
    article="Q180641",
)
def match_locale_date_format(site: Site, params: None) -> None:
    site.exchange.registry["Locale Date Format"] = _SETTING_FOR[site.exchange.date_style]
    site.service.restart()


# -- 14 --------------------------------------------------------------------------------------


@fix(
    "raise-header-limit",
    cures="header-too-large",
    summary="install Import/Export 8.2 and set 'Max Address Buffer Size' to 0x28000 "
    "(Exchange 5.5 SP4); restart",
    article="Q266711",
)
def raise_header_limit(site: Site, params: None) -> None:
    if not site.exchange.at_least("5.5", 4):
        raise ValueError("'Max Address Buffer Size' needs Exchange 5.5 SP4 (KB Q266711)")
    if Postoffice(site.po_path).identity().db_version != 8:
        raise ValueError("Import/Export 8.2 open DB8 post offices only: send to fewer recipients")
    service = site.service
    service.stop()
    for key, default in (("Export", "EXPORT.EXE"), ("Import", "IMPORT.EXE")):
        name = str(site.exchange.registry.get(key, default) or default).upper()
        hit = find_program(site.world, name, service.search_path())
        if hit is not None:
            install_program(site.world, hit[0], name, "8.2")
            (hit[1].parent / IE_RI).write_bytes(ie_ri_bytes(site))
    site.exchange.registry["Max Address Buffer Size"] = MAX_ADDRESS_BUFFER
    service.start()


# -- 15 --------------------------------------------------------------------------------------


@fix(
    "add-address-space",
    cures="address-space-missing",
    summary="add CCMAIL * cost 1 on the Address Space tab (routing is recalculated)",
    article="Q186235",
)
def add_address_space(site: Site, params: None) -> None:
    settings = site.service.settings
    spaces = (*settings.address_spaces, AddressSpace("CCMAIL", "*", 1))
    site.service.configure(dataclasses.replace(settings, address_spaces=spaces))


# -- 16 --------------------------------------------------------------------------------------


@fix(
    "restore-site-comment",
    cures="dirsync-comment-missing",
    summary="give the site's P entry its comment MSExchangeCCMC <server> back in cc:Mail ADMIN",
    article="Q167830",
)
def restore_site_comment(site: Site, params: None) -> None:
    po = Postoffice(site.po_path)
    entry = po.find(site.site)
    if entry is None or entry.location is not Location.POST_OFFICE:
        raise ValueError(f"{site.site} is not a P entry: delete it and let dirsync recreate it")
    po.update_entry(site.site, comments=site_comment(site.exchange.name))


# -- 17 --------------------------------------------------------------------------------------


@fix(
    "remove-stale-container",
    cures="export-container-deleted",
    summary="remove the deleted container from the Export Containers tab; restart",
    article="Q212773",
)
def remove_stale_container(site: Site, params: None) -> None:
    settings = site.service.settings
    existing = {c.casefold() for c in site.exchange.containers}
    kept = tuple(c for c in settings.export_containers.containers if c.casefold() in existing)
    containers = dataclasses.replace(settings.export_containers, containers=kept)
    site.service.configure(dataclasses.replace(settings, export_containers=containers))
    site.service.restart()


# -- 18 --------------------------------------------------------------------------------------


class RenameParams(Params):
    name: str | None = Field(
        None, min_length=1, max_length=256, description="New name (default: without accents)."
    )


def _plain(name: str) -> str:
    """``ZÜRICH`` -> ``ZURICH``: the letters without their accents."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in decomposed if ch.isascii() and not unicodedata.combining(ch))
    return plain or "PO1"


@fix(
    "rename-postoffice",
    cures="po-name-extended-chars",
    summary="rename the post office without extended characters (ADMIN and the Post Office "
    "page); restart",
    article="Q197258",
    params=RenameParams,
)
def rename_postoffice(site: Site, params: RenameParams | None) -> None:
    name = (params.name if params is not None else None) or _plain(site.po_name)
    if not name.isascii():
        raise ValueError(f"{name!r} still has extended characters")
    service = site.service
    service.stop()
    Postoffice(site.po_path).rename(name)
    post_office = dataclasses.replace(service.settings.post_office, name=name)
    service.configure(dataclasses.replace(service.settings, post_office=post_office))
    site.po_name = name
    service.start()


# -- 19 --------------------------------------------------------------------------------------


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


# -- 20 --------------------------------------------------------------------------------------


@fix(
    "install-nt-sp4",
    cures="nt-service-pack-missing",
    summary="install Windows NT 4.0 Service Pack 4; restart the connector",
    article="Q195649",
)
def install_nt_sp4(site: Site, params: None) -> None:
    site.world.access.nt_service_pack = 4
    site.service.restart()
