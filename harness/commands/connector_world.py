"""The world options of ``ccsim connector run``: the scenario ``world`` fields on the command line.

Each option takes a scenario field's name and value syntax (``harness.model_world``):

* ``--site HQ``: ``world.exchange.site``, the Exchange site (the name of its P entry);
* ``--traffic to_exchange=10/1m``: ``world.traffic.to_exchange: {count: 10, every: 1m}``
  (``/EVERY`` may be left out: one a minute, the field's default), once per direction;
* ``--host netware`` with ``--netware-access gsnw-gateway|netware-account``:
  ``world.postoffice.host`` (server ``NW1``, volume ``SYS``, directory ``CCDATA``);
* ``--share-permission``: the service account's NT share permission on the post office,
  named as the NT 4.0 share dialog and the ``revoke-share-rights`` fault name it;
* ``--no-gsnw`` and ``--trustees``: the Exchange server without Gateway Services for
  NetWare (the ``netware-without-gsnw`` fault), and the trustee rights on
  ``SYS:CCDATA`` (``Read, File Scan, Modify, Create`` or ``RFMC``; the
  ``netware-missing-rights`` fault takes some away), §6, KB Q164707, Q168670.

They are checked before anything is copied; a bad value is a :class:`UsageError`
(one line, exit 2). The world is then laid out as ``harness.build`` lays out a
scenario's: ``sim.connector.setup.place_postoffice`` for the share or volume and
the service account's rights, ``harness.build.gsnw_gateway`` for the gateway, and
``harness.steps.schedule_flow`` sends the traffic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError

    from harness.model import Flow
    from sim.world import World

__all__ = ["HOSTS", "NETWARE_ACCESS", "WorldOptions", "WorldPlan", "apply_world", "plan_world"]

HOSTS = ("nt", "netware")
NETWARE_ACCESS = ("gsnw-gateway", "netware-account")
NETWARE_SERVER = "NW1"
_TRAFFIC = re.compile(r"(?P<way>to[_-](?:exchange|ccmail))=(?P<count>[^/]*)(?:/(?P<every>.*))?")


class UsageError(ValueError):
    """A bad argument: printed as one line, exit code 2."""


@dataclass(frozen=True, slots=True)
class WorldOptions:
    """The options as given (None: not given)."""

    site: str = "EX1"
    traffic: tuple[str, ...] = ()
    host: str = "nt"
    netware_access: str | None = None
    share_permission: str | None = None
    gsnw: bool | None = None
    trustees: str | None = None


@dataclass(frozen=True, slots=True)
class WorldPlan:
    """The options checked: what the run lays out."""

    site: str
    #: (``to-exchange`` or ``to-ccmail``, the flow)
    flows: tuple[tuple[str, Flow], ...]
    netware: bool
    gateway: bool
    permission: str
    gsnw: bool
    trustees: str | None


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(p) for p in error["loc"])
    return f"{where}: {error['msg']}" if where else str(error["msg"])


def _flows(values: tuple[str, ...]) -> tuple[tuple[str, Flow], ...]:
    from pydantic import ValidationError

    from harness.model import Flow
    from harness.model_checks import MAX_TO_EXCHANGE, MAX_TOTAL_MESSAGES

    flows: dict[str, Flow] = {}
    for value in values:
        match = _TRAFFIC.fullmatch(value.strip())
        if match is None:
            raise UsageError(
                f"--traffic {value!r}: give DIRECTION=COUNT[/EVERY], DIRECTION to_exchange or "
                "to_ccmail, as world.traffic (to_exchange=10/1m)"
            )
        way = match["way"].replace("_", "-")
        if way in flows:
            raise UsageError(f"--traffic: {match['way']} is given twice")
        fields: dict[str, object] = {"count": match["count"].strip()}
        if match["every"] is not None:
            fields["every"] = match["every"].strip()
        try:
            flows[way] = Flow.model_validate(fields)
        except ValidationError as exc:
            raise UsageError(f"--traffic {value!r}: {_first_error(exc)}") from None
    to_exchange = flows["to-exchange"].count if "to-exchange" in flows else 0
    if to_exchange > MAX_TO_EXCHANGE:
        raise UsageError(f"--traffic: more than {MAX_TO_EXCHANGE} messages to Exchange in a run")
    if sum(f.count for f in flows.values()) > MAX_TOTAL_MESSAGES:
        raise UsageError(f"--traffic: more than {MAX_TOTAL_MESSAGES} messages in a run")
    return tuple(sorted(flows.items()))


def _choice(option: str, value: str, choices: tuple[str, ...]) -> str:
    """``value`` as spelled in ``choices`` (case-insensitive), else a UsageError."""
    found = next((c for c in choices if c.casefold() == value.strip().casefold()), None)
    if found is None:
        listed = ", ".join(f"'{c}'" if " " in c else c for c in choices)
        raise UsageError(f"{option} must be one of {listed}, not {value!r}")
    return found


def plan_world(options: WorldOptions) -> WorldPlan:
    """Check the options; a :class:`UsageError` names the first bad one."""
    from pydantic import TypeAdapter, ValidationError

    from harness.model_types import Name
    from sim.access import Rights, SharePermission

    try:
        site = TypeAdapter(Name).validate_python(options.site)
    except ValidationError as exc:
        raise UsageError(f"--site {options.site!r}: {_first_error(exc)}") from None
    flows = _flows(options.traffic)
    host = _choice("--host", options.host, HOSTS)
    netware = host == "netware"
    given = {
        "--netware-access": options.netware_access,
        "--gsnw" if options.gsnw else "--no-gsnw": options.gsnw,
        "--trustees": options.trustees,
    }
    for option, value in given.items():
        if value is not None and not netware:
            raise UsageError(f"{option} is a NetWare setting: give --host netware too")
    if options.share_permission is not None and netware:
        raise UsageError("--share-permission is an NT share setting: not with --host netware")
    access = _choice("--netware-access", options.netware_access or NETWARE_ACCESS[0],
                     NETWARE_ACCESS)  # fmt: skip
    permissions = tuple(p.value for p in SharePermission)
    permission = _choice("--share-permission", options.share_permission or "Change", permissions)
    trustees = options.trustees
    if trustees is not None:
        try:
            Rights.parse(trustees)
        except ValueError as exc:
            raise UsageError(f"--trustees: {exc}") from None
    gsnw = True if options.gsnw is None else options.gsnw
    gateway = netware and access == "gsnw-gateway"
    return WorldPlan(site, flows, netware, gateway, permission, gsnw, trustees)


def apply_world(world: World, plan: WorldPlan, account: str, unc: str) -> None:
    """The rights of ``plan`` on the post office ``place_postoffice`` laid out at ``unc``."""
    from harness.build import gsnw_gateway
    from sim.access import Rights, SharePermission

    access = world.access
    if not plan.netware:
        server, share = unc.strip("\\").split("\\")[:2]
        found = access.share(server, share)
        if found is not None:
            access.grant(account, found, SharePermission(plan.permission))
        return
    if plan.gateway:
        gsnw_gateway(access, NETWARE_SERVER)
    access.gsnw_installed = plan.gsnw
    nw = access.netware[NETWARE_SERVER.casefold()]
    if plan.trustees is not None:
        rights = Rights.parse(plan.trustees)
        for key in list(nw.trustees):
            nw.trustees[key] = rights
