"""§8 row 5, dirsync-not-completed: First dirsync not yet completed.

Source: ccmail-reference.md §8 row 5 and Q166045, EX50-RN 2.6.1. This module is the
cause's one home: its §8 row (``CAUSE``), the faults that reproduce it, the rule that
diagnoses it from evidence only, and its fix.

* Event 70 that stops after the first 14031 is a first dirsync (cause 5, KB
  Q166045), not a misconfiguration: a wrong Post Office page never lets dirsync
  finish (§8 row 1). When the log ends at that 14031 nothing shows the 70 has
  stopped, and the finding says to check the next polls.
* Event 59 with Event 67 still logged after the first 59 is outbound-only
  failure: EXPORT works, IMPORT cannot write (§8 row 2, §6, KB Q168670).
* Plain Event 70 names all five Q166045 causes, ranked, each with the check
  that tells it (``Finding.confirm``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from harness.build import Site
from harness.causes import Cause
from harness.causes._shared import (
    MADE_BY_CONNECTOR,
    cleared_by_first_dirsync,
    collected_at,
    connector_entry,
    connector_servers,
    finding,
    quote,
    quotes,
    stopped_by_itself,
)
from harness.diagnosis import Finding
from harness.evidence import Evidence
from harness.registry import fault, fix, rule
from sim.postoffice.layout import Location
from sim.postoffice.postoffice import Postoffice

__all__ = ["CAUSE", "reproduce_with"]

CAUSE = Cause(
    5,
    "dirsync-not-completed",
    title="First dirsync not yet completed (no P entry for the Exchange site)",
    articles=("Q166045", "EX50-RN 2.6.1"),
    symptoms=(
        "Event 70 at every service start and every export poll until dirsync "
        "completes; inbound mail not flowing"
    ),
    confirm=(
        "ADMIN directory has no `P` entry with comment `MSExchangeCCMC <server>` for "
        "the site; Dirsync Schedule = Never or not yet run"
    ),
    fix=(
        "Run dirsync (schedule or manual) and let it finish; don't pre-create the PO "
        "entry by hand if dirsync is used"
    ),
    verify=(
        "14001 followed by 14031; P entry present; Export now returns 0 (67) and no 70 on restart"
    ),
)


# -- faults: the world broken as a person or a crash would -----------------------------------------


@fault(
    "fresh-connector",
    summary="a newly installed connector whose first dirsync has not run yet",
    article="Q166045",
)
def fresh_connector(site: Site, params: None) -> None:
    po = Postoffice(site.po_path)
    site_key = site.site.casefold()
    made = [
        e.name
        for e in po.entries()
        if e.name.casefold() == site_key
        or (e.location is Location.REMOTE and e.post_office.casefold() == site_key)
    ]
    if any(po.refs(e) for e in po.entries() if e.name.casefold() == site_key and e.mailbox):
        raise ValueError("mail is already queued for the site: apply fresh-connector first")
    po.delete_entries(made)
    for alias in sorted(site.exchange.custom_recipients):
        site.exchange.remove_custom_recipient(alias)


# -- diagnosis: from evidence only -----------------------------------------------------------------


#: one export poll (§4.5): a log that runs on this long after the 14031 shows the poll
#: that would have logged Event 70 again
POLL = timedelta(seconds=15)


def _no_connector_entry(ev: Evidence) -> str:
    if ev.site is not None:
        return f"cc:Mail ADMIN: no P entry named {ev.site}"
    wanted = (
        " or ".join(f"'{MADE_BY_CONNECTOR} {s}'" for s in connector_servers(ev))
        or MADE_BY_CONNECTOR
    )
    return f"cc:Mail ADMIN: no P entry with the comment {wanted}"


def _first_dirsync(ev: Evidence) -> Finding:
    """70 until the first 14031; confirmed when the log runs on past a poll after it."""
    finished = ev.ccmc(14031)[0]
    said = [*quotes(ev.ccmc(70)), quote(finished), "no Event 70 after the first 14031"]
    now = collected_at(ev)
    if now is not None and now - finished.when >= POLL:
        return finding("dirsync-not-completed", 0.9, said, confirmed=True, fix="run-dirsync")
    found = finding("dirsync-not-completed", 0.6, said, confirmed=False)
    check = "The log ends at the first 14031: check that no Event 70 follows at the next polls"
    return replace(found, confirm=f"{check}; {found.confirm}")


@rule("dirsync-not-completed", article="Q166045", explains=70)
def dirsync_not_completed(ev: Evidence) -> Finding | None:
    """No P entry for the site yet: 70 until the first dirsync finishes (14031)."""
    if cleared_by_first_dirsync(ev):
        return _first_dirsync(ev)
    failures = ev.ccmc(70)
    if stopped_by_itself(ev):
        entry = connector_entry(ev)
        said = [*quotes(failures), f"cc:Mail ADMIN: P entry {entry[0]} ({entry[2]})"]  # type: ignore[index]
        said.append(f"no Event 70 since {failures[-1].when:%m/%d/%Y %H:%M:%S}")
        return finding("dirsync-not-completed", 0.8, said, confirmed=True, fix="run-dirsync")
    if not failures or ev.ccmc(14031):
        return None
    if ev.po_entries is not None and (ev.site is not None or connector_servers(ev)):
        if connector_entry(ev) is not None:
            return None
        said = [*quotes(failures), _no_connector_entry(ev)]
        return finding("dirsync-not-completed", 0.9, said, confirmed=True, fix="run-dirsync")
    return finding("dirsync-not-completed", 0.45, quotes(failures), confirmed=False)


# -- fix -------------------------------------------------------------------------------------------


@fix(
    "run-dirsync",
    cures="dirsync-not-completed",
    summary="run directory synchronization now and let it finish (or wait for the schedule)",
    article="Q166045",
)
def run_dirsync(site: Site, params: None) -> None:
    if not site.service.running:
        site.service.start()
    site.service.dirsync_now()


# -- reproduce -------------------------------------------------------------------------------------


def reproduce_with(ev: Evidence) -> str:
    """Event 70 that stopped at the first 14031: a first dirsync that clears by itself;
    else a new connector whose first dirsync has not run."""
    return "q166045-first-dirsync-clears" if ev.ccmc(14031) else "q166045-first-dirsync"
