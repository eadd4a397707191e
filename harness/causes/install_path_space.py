"""§8 row 4, install-path-space: Exchange installed in a path with a space.

Source: ccmail-reference.md §8 row 4 and Q164695, Q181186. This module is the cause's
one home: its §8 row (``CAUSE``), the faults that reproduce it, the rule that diagnoses
it from evidence only, and its fix.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from pydantic import Field

from harness.build import Site
from harness.causes import Cause
from harness.causes._shared import finding, persisting_70, quotes
from harness.diagnosis import Finding
from harness.evidence import Evidence
from harness.model_types import WinPath
from harness.params import Params
from harness.registry import fault, fix, rule
from sim.fsutil import listdir_sorted

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
    return [p for p in parts if len(p.split(".")[0]) > 8]


@rule("install-path-space", article="Q164695, Q181186", explains=70)
def path_with_space(ev: Evidence) -> Finding | None:
    """A space (or, before 5.5 SP1, a long name) in the Exchange / connector store path."""
    failures = persisting_70(ev)
    ex = ev.exchange
    if ex is not None:
        paths = [ex.install_path, ex.connector_store_path]
        spaced = [p for p in paths if " " in p]
        if spaced and failures:
            said = [*quotes(failures), f"Connector Store Path: {ex.connector_store_path}"]
            return finding("install-path-space", 0.95, said, confirmed=True, fix="short-store-path")
        pre_sp1 = ex.version.startswith("5.0") or (
            ex.version.startswith("5.5") and ex.service_pack < 1
        )
        long_parts = _long_names(ex.connector_store_path)
        quiet = not ev.ccmc(58, 67, 14031) and bool(ev.ccmc(14001) or ev.ccmc(11001))
        if pre_sp1 and long_parts and quiet:
            said = [f"Connector Store Path: {ex.connector_store_path}", *quotes(ev.ccmc(14001))]
            return finding("install-path-space", 0.9, said, confirmed=True, fix="short-store-path")
        return None
    if failures:
        return finding("install-path-space", 0.3, quotes(failures), confirmed=False)
    return None


# -- fix -------------------------------------------------------------------------------------------


def _refuse_conflicts(old: Path, target: Path) -> None:
    """ValueError, before anything moves, when the short path holds what is in the way:
    a file where a folder goes, or a message file of the same name (moving over it
    would lose a message; the ``.ini`` files the service writes may be replaced). The
    administrator has to clear the short path by hand first."""
    for item in listdir_sorted(old):
        destination = target / item.name
        if item.is_dir() and destination.exists() and not destination.is_dir():
            raise ValueError(f"{destination} is a file where the {item.name} folder goes")
        children = listdir_sorted(item) if item.is_dir() else [item]
        base = destination if item.is_dir() else target
        taken = [c.name for c in children if _is_message(c) and (base / c.name).exists()]
        if taken:
            raise ValueError(f"{base}: the message file {taken[0]} is there already")


def _is_message(path: Path) -> bool:
    return path.name.casefold().endswith((".ccm", ".und"))


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
    if old.exists() and old != target:
        _refuse_conflicts(old, target)
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
