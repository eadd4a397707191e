"""A built site's in-memory state as plain JSON data, and a site rebuilt from it.

What is a file stays a file (the post office, ``Ccmcdata``, the programs);
this module turns the rest into a dict: the clock and the service threads'
next polls, the seeded random streams, the access model, the event log, the
lock table, the message ledger, the Exchange server's identity and the
connector's property pages and service state. The Exchange private store goes
to its own file through :meth:`sim.exchange.ExchangeServer.save`.

Every host path is kept relative to the world root, so a world reads the same
in any folder. Dicts are sorted, so the same state gives the same bytes.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.build import Site
from sim.access import Account, NetWareServer, Rights, Share, SharePermission
from sim.connector.constants import DIRSYNC_THREAD, EXPORT_THREAD, IMPORT_THREAD
from sim.connector.events import Category, LoggingLevel
from sim.connector.service import ConnectorService, Counters, ServiceState
from sim.connector.settings import (
    DiagnosticsLogging,
    DirsyncMode,
    DirsyncSchedule,
    ExportContainers,
    IEVersion,
    ImportContainer,
    PostOfficeSettings,
    Restrictions,
    Settings,
)
from sim.eventlog import EventLog, EventRecord, EventType
from sim.exchange import DEFAULT_DISK_FREE, AddressSpace
from sim.exchange_file import load_exchange, save_exchange
from sim.postoffice.postoffice import Postoffice
from sim.world import Origin, World

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["StateError", "dump", "restore"]

EXCHANGE_FILE = "exchange.json"


class StateError(ValueError):
    """The saved state cannot be read back (a missing or mistyped value)."""


def _encode(value: Any) -> Any:  # noqa: ANN401 - any settings value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(_encode(k)): _encode(v) for k, v in sorted(value.items())}
    return value


def settings_data(settings: Settings) -> dict[str, Any]:
    data: dict[str, Any] = _encode(settings)
    return data


def settings_from(data: dict[str, Any]) -> Settings:
    po = dict(data["post_office"])
    po["version"] = IEVersion(po["version"])
    levels = {Category(k): LoggingLevel(v) for k, v in data["logging"]["levels"].items()}
    dirsync = data["dirsync"]
    containers = data["export_containers"]
    imp = data["import_container"]
    return Settings(
        PostOfficeSettings(**po),
        message_size_kb=data["message_size_kb"],
        dirsync=DirsyncSchedule(DirsyncMode(dirsync["mode"]), tuple(dirsync["times"])),
        export_containers=ExportContainers(
            tuple(containers["containers"]),
            containers["trust_level"],
            containers["export_custom_recipients"],
        ),
        import_container=ImportContainer(imp["container"], tuple(imp["formats"])),
        address_spaces=tuple(AddressSpace(**a) for a in data["address_spaces"]),
        restrictions=Restrictions(
            tuple(data["restrictions"]["accept"]), tuple(data["restrictions"]["reject"])
        ),
        logging=DiagnosticsLogging(levels),
    )


def _rel(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        raise StateError(f"{path} is outside the world") from None


def _rng_state(state: tuple[Any, ...]) -> list[Any]:
    return [state[0], list(state[1]), state[2]]


def _rng_from(data: list[Any]) -> tuple[Any, ...]:
    return (data[0], tuple(data[1]), data[2])


def _access(world: World) -> dict[str, Any]:
    a, root = world.access, world.root
    shares = [
        {
            "server": s.server,
            "name": s.name,
            "path": _rel(root, s.path),
            "permissions": {k: v.value for k, v in sorted(s.permissions.items())},
            "everyone": s.everyone.value,
            "gateway_to": list(s.gateway_to) if s.gateway_to else None,
        }
        for _, s in sorted(a.shares.items())
    ]
    netware = [
        {
            "name": n.name,
            "volumes": {k: _rel(root, v) for k, v in sorted(n.volumes.items())},
            "users": dict(sorted(n.users.items())),
            "groups": {k: sorted(v) for k, v in sorted(n.groups.items())},
            "trustees": [[*k, v.value] for k, v in sorted(n.trustees.items())],
        }
        for _, n in sorted(a.netware.items())
    ]
    return {
        "accounts": [dataclasses.asdict(x) for _, x in sorted(a.accounts.items())],
        "shares": shares,
        "netware": netware,
        "gsnw_installed": a.gsnw_installed,
        "gsnw_gateway_account": a.gsnw_gateway_account,
        "nt_service_pack": a.nt_service_pack,
        "lsa2_hotfix": a.lsa2_hotfix,
    }


def _inside(root: Path, text: str) -> Path:
    """A folder of the world named in the state (a share's, a volume's): it must stay
    under the world's root, as every path the simulation reaches does (the path jail)."""
    path = root / text
    if not os.path.realpath(path).startswith(os.path.join(os.path.realpath(root), "")):
        raise StateError(f"{text!r} leaves the world")
    return path


def _access_from(world: World, data: dict[str, Any]) -> None:
    a, root = world.access, world.root
    for x in data["accounts"]:
        a.add_account(x["name"], x["password"], x["domain"])
    for s in data["shares"]:
        share = Share(s["server"], s["name"], _inside(root, s["path"]))
        share.permissions = {k: SharePermission(v) for k, v in s["permissions"].items()}
        share.everyone = SharePermission(s["everyone"])
        gateway = s["gateway_to"]
        share.gateway_to = (gateway[0], gateway[1], gateway[2]) if gateway else None
        a.add_share(share)
    for n in data["netware"]:
        server = NetWareServer(n["name"], {k: _inside(root, v) for k, v in n["volumes"].items()})
        server.users = dict(n["users"])
        server.groups = {k: set(v) for k, v in n["groups"].items()}
        server.trustees = {(t[0], t[1], t[2]): Rights(t[3]) for t in n["trustees"]}
        a.add_netware(server)
    a.gsnw_installed = data["gsnw_installed"]
    a.gsnw_gateway_account = data["gsnw_gateway_account"]
    a.nt_service_pack = data["nt_service_pack"]
    a.lsa2_hotfix = data["lsa2_hotfix"]


def _event(r: EventRecord) -> dict[str, Any]:
    data = dataclasses.asdict(r)
    data["when"] = r.when.isoformat()
    data["type"] = r.type.value
    data["strings"] = list(r.strings)
    return data


def _event_from(d: dict[str, Any]) -> EventRecord:
    fields = {**d, "when": datetime.fromisoformat(d["when"]), "type": EventType(d["type"])}
    return EventRecord(**{**fields, "strings": tuple(d["strings"])})


def _timers(service: ConnectorService) -> list[list[Any]]:
    """The service threads' next polls, in the clock's order (ties keep their order)."""
    owner = {id(t): name for name, t in service.threads.timers.items()}
    live = sorted((w, seq, t) for w, seq, t in service.world.clock._queue if not t.cancelled)
    out = []
    for when, _, timer in live:
        name = owner.get(id(timer))
        if name is None:
            raise StateError("the clock holds an action that is not a connector thread")
        out.append([name, when])
    return out


def _service(service: ConnectorService) -> dict[str, Any]:
    store = service.store
    return {
        "settings": settings_data(service.settings),
        "active": settings_data(service.active),
        "state": service.state.value,
        "store": {"path": store.windows_path, "counter": store._counter},
        "counters": dataclasses.asdict(service.counters),
        "restarts": service.threads.restarts,
        "startup_reads": [list(r) for r in service.startup_reads],
        "blocked": sorted(service.threads.blocked),
        "waiting": dict(sorted(service.threads.waiting.items())),
        "ntvdm": {"service_pack": service.ntvdm.service_pack, "leaked": service.ntvdm.leaked},
        "timers": _timers(service),
    }


def _service_from(service: ConnectorService, d: dict[str, Any]) -> None:
    from sim.connector.store import Store

    service.settings = settings_from(d["settings"])
    service.active = settings_from(d["active"])
    service.exchange.ccmail_routes = service.settings.address_spaces
    service.state = ServiceState(d["state"])
    service.store = Store(service.world, d["store"]["path"])
    service.store._counter = d["store"]["counter"]
    service.counters = Counters(**d["counters"])
    service.threads.restarts = d["restarts"]
    service.startup_reads = [(str(n), bool(ok)) for n, ok in d["startup_reads"]]
    service.threads.blocked = set(d["blocked"])
    service.threads.waiting = {str(k): str(v) for k, v in d.get("waiting", {}).items()}
    ntvdm = d.get("ntvdm", {})
    service.ntvdm.service_pack = int(ntvdm.get("service_pack", service.ntvdm.service_pack))
    service.ntvdm.leaked = int(ntvdm.get("leaked", 0))
    actions: dict[str, Callable[[], float | None]] = {
        EXPORT_THREAD: service.flow.export_once,
        IMPORT_THREAD: service.flow.import_once,
        DIRSYNC_THREAD: service.dirsync.run_scheduled,
    }
    now = service.world.clock.now
    for name, when in d["timers"]:
        service.threads.arm(name, float(when) - now, actions[name])


def _locks(world: World) -> dict[str, dict[str, bool]]:
    prefix = str(world.root).casefold()
    held = world.locks._holders
    return {k[len(prefix) :]: dict(sorted(v.items())) for k, v in sorted(held.items()) if v}


def dump(site: Site, directory: Path) -> dict[str, Any]:
    """The site's state; the Exchange private store is written to ``directory``."""
    world, ex, service = site.world, site.exchange, site.service
    save_exchange(ex, directory / EXCHANGE_FILE)
    issued = next(world._ids)
    world._ids = itertools.count(issued)
    account = ex.service_account
    return {
        "seed": world.seed,
        "epoch": world.clock.epoch.isoformat(),
        "now": world.clock.now,
        "rng": _rng_state(world.rng.getstate()),
        "faker": _rng_state(world.faker.random.getstate()),
        "next_ident": issued,
        "ledger": [dataclasses.asdict(o) for _, o in sorted(world.ledger.items())],
        "access": _access(world),
        "locks": _locks(world),
        "events": [_event(r) for r in world.eventlog.records],
        "site": {
            "po_unc": site.po_unc,
            "po_name": site.po_name,
            "po_password": site.po_password,
            "site": site.site,
            "std_po": _rel(world.root, site.postoffice.path),
        },
        "exchange": {
            "name": ex.name,
            "org": ex.org,
            "site": ex.site,
            "site_address": ex.site_address,
            "install_path": ex.install_path,
            "version": ex.version,
            "service_pack": ex.service_pack,
            "disk_free": ex.disk_free,
            "service_account": account.name if account is not None else None,
            "administrator": ex.administrator,
        },
        "service": _service(service),
    }


def restore(data: dict[str, Any], directory: Path, root: Path) -> Site:
    """A site rebuilt from :func:`dump` data, its world rooted at ``root``."""
    try:
        return _restore(data, directory, root)
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise StateError(f"{type(exc).__name__}: {exc}") from None


def _restore(data: dict[str, Any], directory: Path, root: Path) -> Site:
    world = World(seed=int(data["seed"]), root=root, epoch=datetime.fromisoformat(data["epoch"]))
    world.clock.run_until(float(data["now"]))
    world.rng.setstate(_rng_from(data["rng"]))
    world.faker.random.setstate(_rng_from(data["faker"]))
    world._ids = itertools.count(int(data["next_ident"]))
    world.ledger = {o["ident"]: Origin(**o) for o in data["ledger"]}
    _access_from(world, data["access"])
    prefix = str(root).casefold()
    for key, holders in data["locks"].items():
        world.locks._holders[prefix + key] = dict(holders)
    world.eventlog.records = [_event_from(r) for r in data["events"]]
    e = data["exchange"]
    account: Account | None = None
    if e["service_account"] is not None:
        account = world.access.accounts[e["service_account"].casefold()]
    ex = world.exchange
    ex.install(
        name=e["name"], org=e["org"], site=e["site"], install_path=e["install_path"],
        version=e["version"], service_pack=e["service_pack"], service_account=account,
    )  # fmt: skip
    ex.site_address = e["site_address"]
    ex.disk_free = int(e.get("disk_free", DEFAULT_DISK_FREE))  # saved before it was kept
    ex.administrator = e["administrator"]
    load_exchange(ex, directory / EXCHANGE_FILE)
    s = data["service"]
    service = world.connector
    service.install(settings_from(s["settings"]))
    _service_from(service, s)
    site = data["site"]
    return Site(
        world, Postoffice(_inside(root, site["std_po"])), site["po_unc"],
        account if account is not None else Account("EXSVC", ""), EventLog(world.clock),
        site["po_name"], site["po_password"], site["site"],
    )  # fmt: skip
