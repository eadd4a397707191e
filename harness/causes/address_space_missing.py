"""§8 row 15, address-space-missing: Address space missing.

Source: ccmail-reference.md §8 row 15 and Q186235, Q170535, Q201058. This module is the
cause's one home: its §8 row (``CAUSE``), the faults that reproduce it, the rule that
diagnoses it from evidence only, and its fix.
"""

from __future__ import annotations

import dataclasses

from harness.build import Site
from harness.causes import Cause
from harness.causes._shared import finding, ndrs_saying, quotes
from harness.diagnosis import Finding
from harness.evidence import Evidence
from harness.registry import fault, fix, rule
from sim.exchange import MTA_SOURCE, AddressSpace

__all__ = ["CAUSE"]

CAUSE = Cause(
    15,
    "address-space-missing",
    title="Address space missing",
    articles=("Q186235", "Q170535", "Q201058"),
    symptoms='Immediate NDR "recipient name is not recognized"; MTA event 142 or 290',
    confirm="Address Space tab empty",
    fix="Add `CCMAIL * cost 1`, recalculate routing",
    verify="Test message reaches cc:Mail (11001/58)",
)


# -- faults: the world broken as a person or a crash would -----------------------------------------


@fault(
    "remove-address-space",
    summary="the connector's Address Space tab is empty (as the product installs it)",
    article="Q186235",
)
def remove_address_space(site: Site, params: None) -> None:
    site.service.configure(dataclasses.replace(site.service.settings, address_spaces=()))


# -- diagnosis: from evidence only -----------------------------------------------------------------


@rule("address-space-missing", article="Q186235, Q170535, Q201058", explains=(142, 290))
def address_space_missing(ev: Evidence) -> Finding | None:
    """MSExchangeMTA 142/290 and immediate NDRs; no CCMAIL entry on the Address Space tab."""
    fix = "add-address-space"
    unroutable = ev.from_source(MTA_SOURCE, 142, 290)
    if ev.settings is not None:
        if any(a.split()[0].casefold() == "ccmail" for a in ev.settings.address_space if a):
            return None
        shown = "; ".join(ev.settings.address_space) or "empty"
        said = [*quotes(unroutable), f"Address Space tab: {shown}"]
        said += ndrs_saying(ev, "not recognized")
        score = 0.95 if unroutable else 0.85
        return finding("address-space-missing", score, said, confirmed=True, fix=fix)
    if unroutable:
        return finding("address-space-missing", 0.6, quotes(unroutable), confirmed=False, fix=fix)
    return None


# -- fix -------------------------------------------------------------------------------------------


@fix(
    "add-address-space",
    cures="address-space-missing",
    summary="add CCMAIL * cost 1 on the Address Space tab (routing is recalculated)",
    article="Q186235",
)
def add_address_space(site: Site, params: None) -> None:
    settings = site.service.settings
    spaces = (*settings.address_spaces, AddressSpace("CCMAIL", "*", 1))
    site.service.configure(dataclasses.replace(settings, address_spaces=spaces))
