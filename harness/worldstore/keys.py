"""``ccsim world get/set`` keys: the connector's property pages and what sits around them.

Names follow the property pages of ccmail-reference.md §4.3 (Post Office,
General, Dirsync Schedule, Export Containers, Address Space, Diagnostics
Logging), the Parameters values of §4.7 (``registry.<value name>``), the
service account's rights of §6 (``share.\\\\SERVER\\SHARE``,
``trustee.\\\\SERVER\\VOLUME\\DIR``), the system PATH and the install path
(§4.2), and what ``winver`` and the Network control panel show: the NT
service pack and Gateway Services for NetWare (read only: they change by
installing, ``SETUP``). As on the real pages, saving a page takes effect at the next service
start, except the address space, which routing uses at once.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable
from typing import Any

from harness.build import Site, parse_address_space
from sim.access import Rights, SharePermission
from sim.connector import diskspace
from sim.connector.events import Category, LoggingLevel
from sim.connector.settings import DirsyncMode, DirsyncSchedule, IEVersion, Settings
from sim.errors import PathError

__all__ = ["WorldKeyError", "get_all", "get_value", "set_value"]

_LEVELS = {lv.name.lower(): lv for lv in LoggingLevel}
_CATEGORIES = {
    "general": Category.GENERAL,
    "inbound": Category.INBOUND,
    "outbound": Category.OUTBOUND,
    "dirsync": Category.DIRSYNC,
}


class WorldKeyError(ValueError):
    """An unknown key or a value the page refuses: one line, exit code 2."""


def _page(site: Site, **changes: Any) -> None:  # noqa: ANN401 - fields of the page, checked by it
    s = site.service.settings
    site.service.configure(dataclasses.replace(s, **changes))


def _po(site: Site, **changes: Any) -> None:  # noqa: ANN401 - fields of the tab, checked by it
    po = dataclasses.replace(site.service.settings.post_office, **changes)
    _page(site, post_office=po)


def _choice(value: str, options: dict[str, object], key: str) -> object:
    hit = {k.casefold(): v for k, v in options.items()}.get(value.casefold())
    if hit is None:
        raise WorldKeyError(f"{key}: {value!r} is not one of {', '.join(options)}")
    return hit


def _size(value: str) -> int | None:
    return None if value.casefold() in ("none", "no limit", "") else int(value)


_Getter = Callable[[Site], str]
_Setter = Callable[[Site, str], None]


def _settings(site: Site) -> Settings:
    return site.service.settings


_FIXED: dict[str, tuple[_Getter, _Setter]] = {
    "postoffice.name": (
        lambda s: _settings(s).post_office.name,
        lambda s, v: _po(s, name=v),
    ),
    "postoffice.password": (
        lambda s: _settings(s).post_office.password,
        lambda s, v: _po(s, password=v),
    ),
    "postoffice.path": (
        lambda s: _settings(s).post_office.path,
        lambda s, v: _po(s, path=v),
    ),
    "postoffice.version": (
        lambda s: _settings(s).post_office.version.value,
        lambda s, v: _po(s, version=_choice(v, {e.value: e for e in IEVersion}, "version")),
    ),
    "postoffice.language": (
        lambda s: _settings(s).post_office.language,
        lambda s, v: _po(s, language=v),
    ),
    "postoffice.administrator": (
        lambda s: _settings(s).post_office.administrator,
        lambda s, v: _po(s, administrator=v),
    ),
    "general.maximum_size": (
        lambda s: str(_settings(s).message_size_kb or "No limit"),
        lambda s, v: _page(s, message_size_kb=_size(v)),
    ),
    "dirsync.schedule": (
        lambda s: _settings(s).dirsync.mode.value,
        lambda s, v: _page(
            s,
            dirsync=DirsyncSchedule(_choice(v, {m.value: m for m in DirsyncMode}, "schedule")),  # type: ignore[arg-type]
        ),
    ),
    "addressspace": (
        lambda s: "; ".join(f"{a.type} {a.address} {a.cost}" for a in _settings(s).address_spaces),
        lambda s, v: _page(
            s, address_spaces=tuple(parse_address_space(p) for p in v.split(";") if p.strip())
        ),
    ),
    "exportcontainers": (
        lambda s: "; ".join(_settings(s).export_containers.containers),
        lambda s, v: _page(
            s,
            export_containers=dataclasses.replace(
                _settings(s).export_containers,
                containers=tuple(p.strip() for p in v.split(";") if p.strip()),
            ),
        ),
    ),
    "system.path": (
        lambda s: ";".join(s.exchange.system_path),
        lambda s, v: setattr(s.exchange, "system_path", [p for p in v.split(";") if p]),
    ),
    "exchange.install_path": (
        lambda s: s.exchange.install_path,
        lambda s, v: setattr(s.exchange, "install_path", v),
    ),
    "exchange.servicepack": (
        lambda s: f"Microsoft Exchange Server {s.exchange.version} SP{s.exchange.service_pack}",
        lambda s, v: _installed_only("exchange.servicepack", "EX50SP2"),
    ),
    "exchange.disk_free": (
        lambda s: f"{diskspace.free_bytes(s.service)} bytes free",
        lambda s, v: _not_a_setting("exchange.disk_free"),
    ),
    "system.servicepack": (
        lambda s: _service_pack(s),
        lambda s, v: _installed_only("system.servicepack", "SP4I386"),
    ),
    "network.gsnw": (
        lambda s: "Installed" if s.world.access.gsnw_installed else "Not installed",
        lambda s, v: _installed_only("network.gsnw", "GSNW"),
    ),
}


def _service_pack(site: Site) -> str:
    """What ``winver`` says of the Exchange server, and the LSA2 hotfix (KB Q195649)."""
    access = site.world.access
    text = f"Windows NT 4.0 Service Pack {access.nt_service_pack}"
    return text + (" with the LSA2 hotfix" if access.lsa2_hotfix else "")


def _installed_only(key: str, kit: str) -> None:
    """A service pack or GSNW is installed, not typed into a page (:mod:`sim.programs.setup`)."""
    raise WorldKeyError(
        f"{key} is installed, not set: ccsim world exec DIR --as admin -- SETUP {kit}"
    )


def _not_a_setting(key: str) -> None:
    """The drive's free space changes as files come and go, not by a setting (KB Q178758)."""
    raise WorldKeyError(
        f"{key} is what the drive has free, not a setting: delete files to free space"
    )


def _logging_key(category: Category) -> tuple[_Getter, _Setter]:
    def get(site: Site) -> str:
        return _settings(site).logging.levels[category].name.lower()

    def put(site: Site, value: str) -> None:
        level = _LEVELS.get(value.casefold())
        if level is None:
            raise WorldKeyError(
                f"logging.{category.value.lower()}: {value!r} is not one of {', '.join(_LEVELS)}"
            )
        levels = {**_settings(site).logging.levels, category: level}
        _page(site, logging=dataclasses.replace(_settings(site).logging, levels=levels))

    return get, put


def _keys(site: Site) -> dict[str, tuple[_Getter, _Setter]]:
    keys = dict(_FIXED)
    for name, category in _CATEGORIES.items():
        keys[f"logging.{name}"] = _logging_key(category)
    for name in sorted(site.exchange.registry):
        keys[f"registry.{name}"] = _registry_key(name)
    account = site.exchange.service_account
    if account is not None:
        for _, share in sorted(site.world.access.shares.items()):
            keys[f"share.{share.unc}"] = _share_key(share.server, share.name, account.name)
        for _, nw in sorted(site.world.access.netware.items()):
            for who, vol, directory in sorted(nw.trustees):
                if who == account.name.casefold():
                    unc = f"\\\\{nw.name}\\{vol.upper()}\\{directory.upper()}"
                    keys[f"trustee.{unc}"] = _trustee_key(nw.name, (who, vol, directory))
    return keys


def _registry_key(name: str) -> tuple[_Getter, _Setter]:
    def get(site: Site) -> str:
        return str(site.exchange.registry[name])

    def put(site: Site, value: str) -> None:
        old = site.exchange.registry[name]
        if isinstance(old, int):
            try:
                site.exchange.registry[name] = int(value, 0)  # REG_DWORD: 163840 or 0x28000
            except ValueError:
                raise WorldKeyError(f"registry.{name}: {value!r} is not a number") from None
        else:
            site.exchange.registry[name] = value

    return get, put


def _share_key(server: str, share_name: str, account: str) -> tuple[_Getter, _Setter]:
    def get(site: Site) -> str:
        share = site.world.access.share(server, share_name)
        return share.permission_for(account).value if share is not None else ""

    def put(site: Site, value: str) -> None:
        share = site.world.access.share(server, share_name)
        options = {p.value: p for p in SharePermission}
        if share is not None:
            chosen = _choice(value, dict(options), "share")
            site.world.access.grant(account, share, chosen)  # type: ignore[arg-type]

    return get, put


def _trustee_key(server: str, key: tuple[str, str, str]) -> tuple[_Getter, _Setter]:
    def get(site: Site) -> str:
        return site.world.access.netware[server.casefold()].trustees[key].describe()

    def put(site: Site, value: str) -> None:
        rights = Rights.NONE if value.casefold() in ("", "none") else Rights.parse(value)
        site.world.access.netware[server.casefold()].trustees[key] = rights

    return get, put


def _lookup(site: Site, key: str) -> tuple[_Getter, _Setter]:
    keys = _keys(site)
    folded = {k.casefold(): v for k, v in keys.items()}
    hit = folded.get(key.casefold())
    if hit is None:
        near = difflib.get_close_matches(key, list(keys), n=1)
        hint = f" (did you mean {near[0]}?)" if near else " ('ccsim world get DIR' lists them)"
        raise WorldKeyError(f"unknown key {key!r}{hint}")
    return hit


def get_value(site: Site, key: str) -> str:
    return _lookup(site, key)[0](site)


def get_all(site: Site) -> list[tuple[str, str]]:
    return [(k, get(site)) for k, (get, _) in _keys(site).items()]


#: the keys whose value is a Windows path of the world, or a ``;``-separated list of them
_PATH_KEYS = {
    "exchange.install_path": False,
    "registry.Connector Store Path": False,
    "registry.cc:Mail Admin file path": False,
    "system.path": True,
}


def _placeable(site: Site, key: str, value: str) -> None:
    """A path value must name a place in the world (the path jail, ``sim.winpath``): one
    that leaves its volume or the world root is refused before it is stored, so that no
    later command meets it."""
    listed = _PATH_KEYS.get(key)
    if listed is None:
        return
    for part in value.split(";") if listed else [value]:
        if not part.strip():
            continue
        try:
            site.world.resolve(part)
        except PathError as exc:
            raise WorldKeyError(f"{key}: {exc}") from None


def set_value(site: Site, key: str, value: str) -> None:
    """Set one key; a value the page refuses raises :class:`WorldKeyError`."""
    putter = _lookup(site, key)[1]
    _placeable(site, key, value)
    try:
        putter(site, value)
    except WorldKeyError:
        raise
    except ValueError as exc:
        raise WorldKeyError(f"{key}: {exc}") from None
