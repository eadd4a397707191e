"""§8 row 4, install-path-space: Exchange installed in a path with a space.

Source: ccmail-reference.md §8 row 4 and Q164695, Q181186. This module is the cause's
one home: its §8 row (``CAUSE``), the faults that reproduce it, the rule that diagnoses
it from evidence only, and its fix.

The mechanism (``sim.connector.service``): before 5.5 SP1 the connector hands the
DOS programs the path of ``Export.ini`` as configured; a space splits it, a long name
hides it from a 16-bit program, so the program asks for the post office directory
and waits with NTVDM at 95 % CPU or more (KB Q164695). Exchange 5.5 waits with it and
logs nothing (Q181186); Exchange 5.0 ends it and logs error 3 in event 70 (Q164695).
From 5.5 SP1 the connector passes 8.3 short names and the path no longer matters.
"""

from __future__ import annotations

from pydantic import Field

from harness.build import Site
from harness.causes import Cause
from harness.causes._shared import finding, persisting_70, quotes
from harness.diagnosis import Finding
from harness.evidence import Evidence
from harness.model_types import WinPath
from harness.params import Params
from harness.registry import fault, fix, rule
from sim.winpath import is_83_name, short_form

__all__ = ["CAUSE"]

CAUSE = Cause(
    4,
    "install-path-space",
    title="Exchange installed in a path with a space (or >8.3 dir on 5.5 pre-SP1)",
    articles=("Q164695", "Q181186"),
    symptoms=(
        "ntvdm.exe pinned ~95% CPU or hung; Event 70 with code 3; or (long name) no "
        "errors at all, only 11001/14001 logged, no 58/67/14031"
    ),
    confirm=(
        'Check install path / "Connector Store Path" registry value for spaces or '
        "long names; run `ccmc >output.txt` and look at CONFIG_CONNECTOR_STORE"
    ),
    fix=(
        'Set "Connector Store Path" to the 8.3 short name, or reinstall to a short '
        "no-space path; apply 5.5 SP1+"
    ),
    verify="ntvdm no longer spins; 67/58 appear; dirsync logs 14031",
)


# -- faults: the world broken as a person or a crash would -----------------------------------------


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


# -- diagnosis: from evidence only -----------------------------------------------------------------


def _long_names(path: str) -> list[str]:
    parts = [p for p in path.replace("/", "\\").split("\\") if p and not p.endswith(":")]
    return [p for p in parts if not is_83_name(p)]


#: Task Manager's NTVDM total that counts as "locked at 95 percent or more" (Q164695)
SPINNING = 95


def _ntvdm(ev: Evidence) -> list[str]:
    busy = sum(cpu for image, cpu in ev.processes or () if image.casefold() == "ntvdm.exe")
    return [f"Task Manager: ntvdm.exe at {busy}% CPU"] if busy >= SPINNING else []


@rule("install-path-space", article="Q164695, Q181186", explains=70)
def path_with_space(ev: Evidence) -> Finding | None:
    """A space or a long name in the connector store path, passed as it is before 5.5
    SP1: event 70 that persists (5.0), NTVDM spinning, or nothing flowing at all."""
    failures = persisting_70(ev)
    ex = ev.exchange
    if ex is None:
        if failures:
            return finding("install-path-space", 0.3, quotes(failures), confirmed=False)
        return None
    pre_sp1 = ex.version.startswith("5.0") or (ex.version.startswith("5.5") and ex.service_pack < 1)
    store = ex.connector_store_path
    if not pre_sp1 or not (" " in store or _long_names(store)):
        return None
    spinning = _ntvdm(ev)
    quiet = not ev.ccmc(58, 67, 14031) and bool(ev.ccmc(14001) or ev.ccmc(11001))
    if not (failures or spinning or quiet):
        return None
    said = [*spinning, *quotes(failures), f"Connector Store Path: {store}"]
    if quiet and not failures:
        said += quotes(ev.ccmc(14001))
    return finding("install-path-space", 0.95, said, confirmed=True, fix="short-store-path")


# -- fix -------------------------------------------------------------------------------------------


@fix(
    "short-store-path",
    cures="install-path-space",
    summary="stop the connector, set 'Connector Store Path' to the store folder's MS-DOS "
    "(8.3) name, start",
    article="Q164695",
)
def short_store_path(site: Site, params: None) -> None:
    """KB Q164695 workaround 2: the registry value points at the 8.3 name of the same
    folder (its property page shows the MS-DOS name), so nothing moves and the files
    waiting in ``Submit``, ``Import`` and ``Export`` stay where the service finds them."""
    service = site.service
    service.stop()
    store = str(site.exchange.registry["Connector Store Path"])
    site.exchange.registry["Connector Store Path"] = short_form(store, site.world.root)
    service.start()
