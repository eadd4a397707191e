"""Cause 21, disk-space-miscalculated: event 98 on Exchange 5.0 with more than 4 GB free.

Source: KB Q178758 ("XCON: CCMC Stops Randomly with Out of Disk Space Error") and
ccmail-reference.md's event table (98, "Insufficient Disk Space (false alarm bug in
5.0 with >4 GB free)") and problem index. It is not a row of §8: the reference's
catalogue has 20 rows and none covers event 98, so the catalogue gives it the number
21, after them. This module is the cause's one home: its row (``CAUSE``), the fault
that reproduces it, the rule that diagnoses it from evidence only, and its fix.

The mechanism is the simulator's (``sim.connector.diskspace``): Exchange 5.0 before
its last service pack counts the drive's free bytes in 32 bits, so a drive with a
little more than 4 GB free reads as nearly full. The article states the symptom,
that a restart does not help, that deleting ``Ccmcdata\\Export``'s contents
sometimes does, and the service pack; the 32-bit count and the 10 MB the
connector wants are modelled (see that module).
"""

from __future__ import annotations

from pydantic import Field

from harness.build import Site
from harness.causes import Cause
from harness.causes._shared import apply_exchange_50_sp, finding, quotes
from harness.diagnosis import Finding
from harness.evidence import Evidence
from harness.params import Params
from harness.registry import fault, fix, rule
from sim.connector import diskspace
from sim.exchange import LATEST_50_SERVICE_PACK

__all__ = ["CAUSE"]

CAUSE = Cause(
    21,
    "disk-space-miscalculated",
    title="Exchange 5.0 connector miscounts free disk space (not a §8 row)",
    articles=("Q178758",),
    symptoms=(
        'Event 98 "Insufficient Disk Space" although more than 4 GB is free; the service '
        "stops, and a restart stops again at once"
    ),
    confirm="Exchange 5.0 before its last service pack; `dir` on the Exchsrvr drive shows > 4 GB",
    fix="Install the latest Exchange 5.0 service pack; start the service",
    verify="The service keeps running; no new 98; mail flows",
)

#: 4 GB: where the faulty build's count starts again from 0
FOUR_GB = diskspace.DWORD


# -- fault: the world as the customer's server had it ------------------------------------------


class NearFourGB(Params):
    margin_kb: int = Field(
        1,
        ge=0,
        le=1024 * 1024,
        description="KB that mail may still take before the count reads under 10 MB.",
    )


@fault(
    "disk-free-just-over-4gb",
    summary="the Exchsrvr drive has a little more than 4 GB free, on Exchange 5.0 before SP2",
    article="Q178758",
    params=NearFourGB,
)
def disk_free_just_over_4gb(site: Site, params: NearFourGB | None) -> None:
    exchange = site.exchange
    if not diskspace.miscounts(site.service):
        raise ValueError(
            "the free-space bug is Exchange 5.0's before its last service pack: "
            f"world.exchange {{version: '5.0', service_pack: {LATEST_50_SERVICE_PACK - 1}}}"
        )
    margin = (params or NearFourGB()).margin_kb * 1024
    used = exchange.disk_free - diskspace.free_bytes(site.service)
    exchange.disk_free = FOUR_GB + diskspace.RESERVE + margin + used


# -- diagnosis: from evidence only -------------------------------------------------------------


@rule("disk-space-miscalculated", article="Q178758", explains=(98,))
def miscounted_free_space(ev: Evidence) -> Finding | None:
    """Event 98; with the server in view, Exchange 5.0 before SP2 and more than 4 GB free."""
    alarms = ev.ccmc(98)
    if not alarms:
        return None
    said = quotes(alarms)
    ex = ev.exchange
    if ex is None:
        return finding("disk-space-miscalculated", 0.8, said, confirmed=False, fix=FIX)
    if ex.version != "5.0" or ex.service_pack >= LATEST_50_SERVICE_PACK:
        return None  # a build that counts right: the disk really is short (not modelled)
    said.append(f"Exchange {ex.version} SP{ex.service_pack}: before the fix of Q178758")
    if ex.disk_free is not None:
        said.append(f"the Exchsrvr drive has {ex.disk_free:,} bytes free")
        if ex.disk_free < FOUR_GB:
            return finding("disk-space-miscalculated", 0.5, said, confirmed=False, fix=FIX)
    return finding("disk-space-miscalculated", 0.95, said, confirmed=True, fix=FIX)


# -- fix ---------------------------------------------------------------------------------------

FIX = "update-exchange-50"


@fix(
    FIX,
    cures="disk-space-miscalculated",
    summary="install the latest Exchange 5.0 service pack (SP2); start the service",
    article="Q178758",
)
def update_exchange_50(site: Site, params: None) -> None:
    """KB Q178758 STATUS: corrected in the latest U.S. service pack for Exchange 5.0."""
    apply_exchange_50_sp(site)
