"""Building a scenario's world: the standard site (``sim.connector.setup``) shaped by ``world:``.

The harness builds a World from the scenario's ``world`` section through the
sim API only, then keeps what the people on site know in a :class:`Site`: the
post office's real location and the name and password the cc:Mail
administrator uses. Evidence collection and the fixes read the Site; the
diagnosis never does.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sim.access import Rights
from sim.connector.events import Category, LoggingLevel
from sim.connector.settings import (
    DiagnosticsLogging,
    DirsyncMode,
    DirsyncSchedule,
    ExportContainers,
    Settings,
)
from sim.connector.setup import StandardWorld, standard_world
from sim.exchange import AddressSpace
from sim.message import DateStyle
from sim.programs.runner import install_program, install_win32_companions
from sim.world import World

if TYPE_CHECKING:
    from harness.model import ConnectorSpec, ExchangeSpec, Scenario, WorldSpec

__all__ = ["Site", "build_site", "parse_address_space"]

_LEVELS = {
    "none": LoggingLevel.NONE,
    "minimum": LoggingLevel.MINIMUM,
    "medium": LoggingLevel.MEDIUM,
    "maximum": LoggingLevel.MAXIMUM,
}
_LOCALES = {"US": DateStyle.US, "EU": DateStyle.EUROPEAN, "JP": DateStyle.JAPANESE}
_DIRSYNC = {"never": DirsyncMode.NEVER, "always": DirsyncMode.ALWAYS}


@dataclass(slots=True)
class Site:
    """A built world and what the people on site know about it."""

    world: World
    std: StandardWorld
    #: the post office's real location, as a UNC path
    po_unc: str
    #: the name and password the cc:Mail administrator uses (ADMIN)
    po_name: str
    po_password: str
    #: the Exchange site (the name of its P entry in cc:Mail)
    site: str

    @property
    def service(self):  # type: ignore[no-untyped-def]  # noqa: ANN201 - ConnectorService
        return self.std.service

    @property
    def exchange(self):  # type: ignore[no-untyped-def]  # noqa: ANN201 - ExchangeServer
        return self.std.exchange

    @property
    def po_path(self) -> Path:
        return self.world.path(self.po_unc)

    def send(self, direction: str, n: int = 1) -> list[str]:
        """Mail written by users: ``to-exchange`` (cc:Mail users) or ``to-ccmail``."""
        from sim.connector.setup import send_to_ccmail, send_to_exchange
        from sim.postoffice.postoffice import Postoffice

        send = send_to_exchange if direction == "to-exchange" else send_to_ccmail
        return send(self.world, n, postoffice=Postoffice(self.po_path))


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


def _registry(std: StandardWorld, spec: ConnectorSpec) -> None:
    reg = std.exchange.registry
    reg["Locale Date Format"] = spec.locale_date_format
    reg["Second to wait before EXPORT"] = spec.export_every
    reg["Second to wait before IMPORT"] = spec.import_every
    reg["Maximum number of messages to EXPORT"] = spec.max_export
    reg["Maximum number of messages to IMPORT"] = spec.max_import
    reg["Save a copy of the Exported files"] = int(spec.save_copies)
    reg["Save a copy of the Imported files"] = int(spec.save_copies)


def _programs(std: StandardWorld, spec: ExchangeSpec, db: int) -> None:
    """Other program versions, 32-bit tools or another PATH directory than the default."""
    programs = spec.programs
    defaults = {6: ("5.14", "5.15"), 8: ("6.0", "6.0")}[db]
    export_version = programs.export_version or defaults[0]
    import_version = programs.import_version or defaults[1]
    suffix = "32" if programs.bits == 32 else ""
    unchanged = (export_version, import_version) == defaults and not suffix
    if unchanged and programs.directory.upper() == "C:\\WINNT\\SYSTEM32":
        return
    world = std.world
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
        std.exchange.registry["Export"] = f"EXPORT{suffix}.EXE"
        std.exchange.registry["Import"] = f"IMPORT{suffix}.EXE"
    if programs.directory not in std.exchange.system_path:
        std.exchange.system_path.append(programs.directory)


def _host(std: StandardWorld, spec: WorldSpec) -> None:
    """NetWare through a GSNW gateway account instead of a matching NetWare user (§6)."""
    host = spec.postoffice.host
    if host.kind != "netware" or host.access != "gsnw-gateway":
        return
    access = std.world.access
    nw = access.netware.get(host.server.casefold(), None)
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
    std = standard_world(
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
    std.exchange.date_style = _LOCALES[ex.locale]
    _programs(std, ex, po.db)
    _registry(std, conn)
    _host(std, spec)
    std.service.configure(_settings(std.service.settings, conn))
    return Site(world, std, std.po_unc, po.name, po.password, ex.site)
