"""§8 row 10, und-files-left: `.und` files left in Import/Export / Import code 1 leaving `.ccm`.

Source: ccmail-reference.md §8 row 10 and Q212788, Q223772. This module is the cause's
one home: its §8 row (``CAUSE``), the faults that reproduce it, the rule that diagnoses
it from evidence only, and its fix.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from pydantic import Field

from harness.build import Site
from harness.causes import Cause
from harness.causes._shared import PARKED, STORE, batch_of, finding, quotes, store_of
from harness.diagnosis import Finding
from harness.evidence import Evidence
from harness.params import Params
from harness.registry import fault, fix, rule
from sim.connector.store import Folder
from sim.fsutil import atomic_write_text
from sim.message import CODEPAGE, Message, render_message

__all__ = ["CAUSE"]

CAUSE = Cause(
    10,
    "und-files-left",
    title="`.und` files left in Import/Export / Import code 1 leaving `.ccm`",
    articles=("Q212788", "Q223772"),
    symptoms=(
        "Connector stops delivering with no events; or same message re-imported, "
        "`.und` growing, repeated 59"
    ),
    confirm="List Ccmcdata\\Import and \\Export for `.und` and stale `.ccm`",
    fix="Stop service, move `.und` out, restart; apply 5.5 SP3",
    verify="Delivery resumes; `.und` not recreated",
)


# -- faults: the world broken as a person or a crash would -----------------------------------------


class UndParams(Params):
    folder: Literal["Import", "Export"] = Field("Import", description="Where the .und is left.")


@fault(
    "leave-und-file",
    summary="a .und file from an earlier failure is left in Ccmcdata\\Import (or Export)",
    article="Q212788",
    params=UndParams,
)
def leave_und_file(site: Site, params: UndParams | None) -> None:
    """The ``.und`` holds a message refused long before the scenario (no tracking identity)."""
    store = store_of(site)
    folder = Folder((params or UndParams()).folder)
    if not store.path(folder).is_dir():
        raise ValueError(f"Ccmcdata\\{folder} is not a folder: no .und can be left in it")
    when = site.world.clock.datetime - timedelta(days=30)
    old = Message("Admin at " + site.site, when, (f"Gone, Old at {site.po_name}",), "old", "old")
    text = "Reason: Address(es) were unknown: Gone, Old\r\n" + render_message(old, itemsize=True)
    atomic_write_text(store.path(folder, "msg0A11.und"), text, encoding=CODEPAGE)


# -- diagnosis: from evidence only -----------------------------------------------------------------


@rule("und-files-left", article="Q212788, Q223772", explains=59)
def und_files(ev: Evidence) -> Finding | None:
    """``.und`` files left in ``Import``/``Export`` stop delivery without an event (Q212788)."""
    fix = "move-und-files"
    if ev.ccmcdata is not None:
        left = [
            f"{STORE}\\{folder}\\{name}"
            for folder in ("Import", "Export")
            for name in ev.folder(folder) or ()
            if name.casefold().endswith(".und")
        ]
        if not left:
            return None
        said = [f"{name} is present" for name in left]
        for queue in ("MTS-OUT", "to-exchange"):
            waiting = ev.queue(queue)
            if waiting:
                said.append(f"{waiting} message(s) waiting in {queue}")
        return finding("und-files-left", 0.93, said, confirmed=True, fix=fix)
    failing = batch_of(ev.ccmc(59))
    if len(failing) >= 3:
        first = failing[0].record_number
        if not [r for r in batch_of(ev.ccmc(58)) if r.record_number > first]:
            return finding("und-files-left", 0.3, quotes(failing), confirmed=False, fix=fix)
    return None


# -- fix -------------------------------------------------------------------------------------------


@fix(
    "move-und-files",
    cures="und-files-left",
    summary="stop the service, move the .und files out of Ccmcdata\\Import and \\Export, start",
    article="Q212788",
)
def move_und_files(site: Site, params: None) -> None:
    service = site.service
    service.stop()
    store = store_of(site)
    parked = site.world.path(PARKED)
    parked.mkdir(parents=True, exist_ok=True)
    for folder in (Folder.IMPORT, Folder.EXPORT):
        for name in store.names(folder):
            if name.casefold().endswith(".und"):
                store.path(folder, name).replace(parked / f"{folder}-{name}")
    service.start()
