"""§8 row 6, po-shut-down: PO shut down for maintenance.

Source: ccmail-reference.md §8 row 6 and Q282172, Q179072. This module is the cause's
one home: its §8 row (``CAUSE``), the faults that reproduce it, the rule that diagnoses
it from evidence only, and its fix.

What is inferred: KB Q282172 is about the Migration Wizard's dialog "cc:Mail
Export program failure" and EXPORT's console ("Post office is temporarily shut
down.", "EXPORT process ended with error: 4."). That the connector, meeting the
same ``CCPODOWN``, logs event 71 (EXPORT code 4) and 62 (IMPORT code 4) is an
inference from the result-code table (§2.5, §4.8: 71 and 62 are the code-4
events of KB Q179072); no article shows 71 or 62 with ``CCPODOWN``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from harness.build import Site
from harness.causes import Cause
from harness.causes._shared import finding, quotes
from harness.diagnosis import Finding
from harness.evidence import Evidence
from harness.params import Params
from harness.registry import fault, fix, rule
from sim.connector.service import SERVICE_NAME
from sim.postoffice.layout import CCPODOWN
from sim.postoffice.postoffice import Postoffice

__all__ = ["CAUSE"]

CAUSE = Cause(
    6,
    "po-shut-down",
    title="PO shut down for maintenance (`CCPODOWN` present) or locked by another process",
    articles=("Q282172", "Q179072"),
    symptoms=(
        'Export "Post office is temporarily shut down." / code 4 → event 71; Import '
        "code 4 → event 62"
    ),
    confirm=(
        "Look for `CCPODOWN` in the PO directory; check who holds the PO (admin tool, router)"
    ),
    fix="Finish maintenance / rename `CCPODOWN`; stop competing process",
    verify="Export returns 0; 71/62 stop",
)


# -- faults: the world broken as a person or a crash would -----------------------------------------


class ShutDownParams(Params):
    how: Literal["ccpodown", "locked"] = Field(
        "ccpodown", description="CCPODOWN in the PO directory, or another process holding it."
    )
    holder: str = Field(
        "cc:Mail Router", min_length=1, max_length=64, description="Who holds it (locked)."
    )


@fault(
    "shut-down-postoffice",
    summary="the post office is shut down for maintenance (CCPODOWN) or held by another process",
    article="Q282172",
    params=ShutDownParams,
)
def shut_down_postoffice(site: Site, params: ShutDownParams | None) -> None:
    chosen = params or ShutDownParams()
    po = Postoffice(site.po_path)
    if chosen.how == "ccpodown":
        po.shut_down()
    else:
        site.world.locks.acquire(po.path, chosen.holder, exclusive=True)


# -- diagnosis: from evidence only -----------------------------------------------------------------


@rule("po-shut-down", article="Q282172, Q179072", explains=(71, 62))
def shut_down(ev: Evidence) -> Finding | None:
    """Code 4 (71/62); ``CCPODOWN`` in the post office or another process holding it.

    71/62 with ``CCPODOWN`` is an inference (module docstring): KB Q282172 shows
    error 4 on EXPORT's console, KB Q179072 the events for a locked post office.
    """
    locked = ev.ccmc(71, 62)
    if not locked:
        return None
    down = ev.po_has("CCPODOWN")
    holders = [h for h, exclusive in ev.po_holders or () if exclusive and h != CONNECTOR]
    if down or holders:
        said = quotes(locked)
        if down:
            said.append("CCPODOWN is present in the post office directory")
        said += [f"{holder} holds the post office exclusively" for holder in holders]
        return finding("po-shut-down", 0.97, said, confirmed=True, fix="reopen-postoffice")
    if down is not None or ev.po_holders is not None:
        return None
    return finding("po-shut-down", 0.6, quotes(locked), confirmed=False, fix="reopen-postoffice")


#: the service's own name in the lock table and event source (§4.1)
CONNECTOR = "MSExchangeCCMC"


# -- fix -------------------------------------------------------------------------------------------


@fix(
    "reopen-postoffice",
    cures="po-shut-down",
    summary="finish maintenance: rename CCPODOWN; stop the process holding the post office",
    article="Q282172",
)
def reopen_postoffice(site: Site, params: None) -> None:
    po = Postoffice(site.po_path)
    down = po.names().get(CCPODOWN.casefold())
    if down is not None:
        (po.path / down).replace(po.path / "CCPODOWN.OLD")
    for holder, exclusive in sorted(site.world.locks.holders(po.path).items()):
        if exclusive and holder != SERVICE_NAME:
            site.world.locks.release(po.path, holder)
