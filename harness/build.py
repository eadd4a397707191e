"""Building a scenario's world: the standard site (``sim.connector.setup``) shaped by ``world:``.

The harness builds a World from the scenario's ``world`` section through the
sim API only. The result is the sim's :class:`~sim.connector.setup.Site` (exported
here as the harness's name for it): the world, which owns the Exchange server and
the connector, and what the people on site know, the post office's real location
and the name and password the cc:Mail administrator uses. Evidence collection and
the fixes read the Site; the diagnosis never does.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from sim.access import AccessModel, Rights
from sim.connector.events import Category, LoggingLevel
from sim.connector.settings import (
    DiagnosticsLogging,
    DirsyncMode,
    DirsyncSchedule,
    ExportContainers,
    Settings,
)
from sim.connector.setup import Site, standard_world
from sim.exchange import AddressSpace
from sim.message import DateStyle
from sim.programs.runner import install_program, install_win32_companions
from sim.world import World

if TYPE_CHECKING:
    from harness.model import ConnectorSpec, ExchangeSpec, Scenario, WorldSpec

__all__ = ["Site", "build_site", "gsnw_gateway", "parse_address_space"]

_LEVELS = {
    "none": LoggingLevel.NONE,
    "minimum": LoggingLevel.MINIMUM,
    "medium": LoggingLevel.MEDIUM,
    "maximum": LoggingLevel.MAXIMUM,
}
_LOCALES = {"US": DateStyle.US, "EU": DateStyle.EUROPEAN, "JP": DateStyle.JAPANESE}
_DIRSYNC = {"never": DirsyncMode.NEVER, "always": DirsyncMode.ALWAYS}


def parse_address_space(text: str) -> AddressSpace:
    """``CCMAIL *`` or ``CCMAIL * 1`` (type, address, cost) as on the Address Space tab."""
    parts = text.split()
    if not parts:
        raise ValueError("empty address space")
    kind = parts[0]
    address = parts[1] if len(parts) > 1 else "*"
    cost = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else 1
    return AddressSpace(kind, address, cost)


def _logging(spec: ConnectorSpec) -> DiagnosticsLogging:
    levels = {
        Category.GENERAL: _LEVELS[spec.logging.general],
        Category.INBOUND: _LEVELS[spec.logging.inbound],
        Category.OUTBOUND: _LEVELS[spec.logging.outbound],
        Category.DIRSYNC: _LEVELS[spec.logging.dir_synch],
    }
    return DiagnosticsLogging(levels)


def _settings(current: Settings, spec: ConnectorSpec) -> Settings:
    containers = current.export_containers
    if spec.export_containers:
        containers = ExportContainers(tuple(spec.export_containers))
    return dataclasses.replace(
        current,
        dirsync=DirsyncSchedule(_DIRSYNC.get(spec.dirsync, DirsyncMode.ALWAYS), ()),
        export_containers=containers,
        address_spaces=tuple(parse_address_space(a) for a in spec.address_space),
        logging=_logging(spec),
    )


def _registry(site: Site, spec: ConnectorSpec) -> None:
    reg = site.exchange.registry
    reg["Locale Date Format"] = spec.locale_date_format
    reg["Second to wait before EXPORT"] = spec.export_every
    reg["Second to wait before IMPORT"] = spec.import_every
    reg["Maximum number of messages to EXPORT"] = spec.max_export
    reg["Maximum number of messages to IMPORT"] = spec.max_import
    reg["Save a copy of the Exported files"] = int(spec.save_copies)
    reg["Save a copy of the Imported files"] = int(spec.save_copies)


def _programs(site: Site, spec: ExchangeSpec, db: int) -> None:
    """Other program versions, 32-bit tools or another PATH directory than the default."""
    programs = spec.programs
    defaults = {6: ("5.14", "5.15"), 8: ("6.0", "6.0")}[db]
    export_version = programs.export_version or defaults[0]
    import_version = programs.import_version or defaults[1]
    suffix = "32" if programs.bits == 32 else ""
    unchanged = (export_version, import_version) == defaults and not suffix
    if unchanged and programs.directory.upper() == "C:\\WINNT\\SYSTEM32":
        return
    world = site.world
    for name in ("EXPORT.EXE", "IMPORT.EXE"):
        world.path(f"C:\\WINNT\\SYSTEM32\\{name}").unlink(missing_ok=True)
    install_program(world, programs.directory, f"EXPORT{suffix}.EXE", export_version)
    install_program(world, programs.directory, f"IMPORT{suffix}.EXE", import_version)
    if suffix:
        install_win32_companions(world, programs.directory)
    elif float(export_version.split(".")[0]) >= 6:
        ie = world.path(programs.directory) / "IE.RI"
        ie.write_bytes(b"cc:Mail Import/Export resources 6.0\r\n")
    if suffix:
        site.exchange.registry["Export"] = f"EXPORT{suffix}.EXE"
        site.exchange.registry["Import"] = f"IMPORT{suffix}.EXE"
    if programs.directory not in site.exchange.system_path:
        site.exchange.system_path.append(programs.directory)


def _host(site: Site, spec: WorldSpec) -> None:
    """NetWare through a GSNW gateway account instead of a matching NetWare user (§6)."""
    host = spec.postoffice.host
    if host.kind == "netware" and host.access == "gsnw-gateway":
        gsnw_gateway(site.world.access, host.server)


def gsnw_gateway(access: AccessModel, server: str) -> None:
    """The GSNW gateway account ``GATEWAY``, in NTGATEWAY, with every trustee right on
    ``SYS:CCDATA`` of NetWare server ``server`` (§6, KB Q164707); nothing if no such server."""
    nw = access.netware.get(server.casefold(), None)
    if nw is None:
        return
    gateway = "GATEWAY"
    nw.users[gateway.casefold()] = "Gatew4y"
    nw.groups.setdefault("NTGATEWAY", set()).add(gateway.casefold())
    nw.trustees[(gateway.casefold(), "sys", "ccdata")] = Rights.all()
    access.gsnw_gateway_account = gateway


def build_site(scenario: Scenario, *, seed: int, root: Path) -> Site:
    """The scenario's world before any fault, with the service not yet started."""
    spec = scenario.world
    world = World(seed=seed, root=root)
    po, ex, conn = spec.postoffice, spec.exchange, spec.connector
    site = standard_world(
        world,
        po_name=po.name,
        po_password=po.password,
        db=po.db,
        users=po.users,
        messages=po.messages,
        exchange_users=ex.mailboxes,
        server=ex.server,
        site=ex.site,
        install_path=ex.install_path,
        version=ex.version,
        service_pack=ex.service_pack,
        dirsync_done=conn.first_dirsync == "done",
        netware=po.host.kind == "netware",
        start=False,
    )
    world.access.nt_service_pack = ex.nt_service_pack
    site.exchange.disk_free = ex.disk_free
    site.exchange.date_style = _LOCALES[ex.locale]
    _programs(site, ex, po.db)
    _registry(site, conn)
    _host(site, spec)
    site.service.configure(_settings(site.service.settings, conn))
    return site
