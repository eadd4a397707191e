"""Diagnosis rules: one per cause of reference §8, reading only the evidence.

Each rule looks for its cause's symptoms (§8 "Observable symptoms") and, where
the evidence holds it, the check a support engineer would make to confirm it
(§8 "How a support engineer confirms it"). With the confirming evidence the
score is high and other causes' rules step aside; with events alone the rule
names its cause at a modest score and says which check would tell
(``Finding.confirm``).

Scores (modelled): 0.9-1.0 confirmed by a check; 0.5-0.8 a symptom pattern
specific to the cause; 0.2-0.5 consistent with the events but not specific.

The rules read time patterns, not only event IDs, so that they work on a
customer's log as well as on a simulated one. "Now" is the time the evidence
was collected or, for a customer's log (no ``collected_at``), its newest record:

* Event 70 that stops after the first 14031 is a first dirsync (cause 5, KB
  Q166045), not a misconfiguration: a wrong Post Office page never lets dirsync
  finish (§8 row 1). When the log ends at that 14031 nothing shows the 70 has
  stopped, and the finding says to check the next polls.
* Event 59 with Event 67 still logged after the first 59 is outbound-only
  failure: EXPORT works, IMPORT cannot write (§8 row 2, §6, KB Q168670).
* Plain Event 70 names all five Q166045 causes, ranked, each with the check
  that tells it (``Finding.confirm``).

Without the Exchange site's name the site's P entry is the one whose comment
is ``MSExchangeCCMC <server>`` for the server that logged the events (§1.4,
§4.6, KB Q167830).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from harness.causes import CAUSES
from harness.diagnosis import Finding
from harness.evidence import Evidence
from harness.registry import rule
from sim.eventlog import EventRecord

__all__: list[str] = []

#: the comment of entries the connector's dirsync made (§1.4, KB Q167830)
MADE_BY_CONNECTOR = "MSExchangeCCMC"


def _finding(
    cause: str, score: float, quotes: list[str], *, confirmed: bool, fix_name: str = ""
) -> Finding:
    row = CAUSES[cause]
    article = ", ".join(row.articles)
    confirm = "" if confirmed else row.confirm
    return Finding(cause, score, tuple(quotes), article, row.fix, confirm, fix_name)


def _q(record: EventRecord) -> str:
    return record.line()


def _quotes(records: list[EventRecord], most: int = 2) -> list[str]:
    """The first and the last of a run of events: enough to show it repeats."""
    if not records:
        return []
    picked = [records[0]] if len(records) == 1 else [records[0], records[-1]]
    quotes = [_q(r) for r in picked[:most]]
    if len(records) > 2:
        quotes.append(f"(event {records[0].event_id} logged {len(records)} times)")
    return quotes


def _now(ev: Evidence) -> datetime | None:
    """When the evidence was collected; for a customer's log, its newest record."""
    if ev.collected_at is not None:
        return ev.collected_at
    return max((e.when for e in ev.events), default=None)


def _cleared_by_first_dirsync(ev: Evidence) -> bool:
    """Event 70 before the first 14031 and never after it: a first dirsync (Q166045)."""
    seventies = ev.ccmc(70)
    finished = ev.ccmc(14031)
    if not seventies or not finished:
        return False
    first = finished[0].record_number
    return all(e.record_number < first for e in seventies)


#: Event 70 that has not come back for this long has stopped: longer than the 15-minute
#: dirsync interval, which logs its own 70 when the page is wrong (modelled)
QUIET = timedelta(minutes=30)
#: one export poll (§4.5): a log that runs on this long after the 14031 shows the poll
#: that would have logged Event 70 again
POLL = timedelta(seconds=15)


def _stopped_by_itself(ev: Evidence) -> bool:
    """Event 70 came and went while the P entry dirsync creates is now there."""
    seventies = ev.ccmc(70)
    now = _now(ev)
    entry = _site_entry(ev)
    if not seventies or now is None or entry is None:
        return False
    return now - seventies[-1].when >= QUIET and MADE_BY_CONNECTOR in entry[2]


def _persisting_70(ev: Evidence) -> list[EventRecord]:
    """Event 70s that are not explained away by a first dirsync finishing."""
    if _cleared_by_first_dirsync(ev) or _stopped_by_itself(ev):
        return []
    return ev.ccmc(70)


# -- 1 ---------------------------------------------------------------------------------------


@rule("po-settings-invalid", article="Q166045", explains=(70, 61))
def settings_invalid(ev: Evidence) -> Finding | None:
    """Event 70; EXPORT with the page's values fails where ADMIN's values work."""
    failures = _persisting_70(ev)
    if not failures:
        return None
    configured, admin = ev.export_configured, ev.export_admin
    quotes = _quotes(failures)
    if configured is not None and configured.code == 0:
        return None
    if configured is not None and admin is not None:
        if admin.code != 0:
            return None
        quotes += [configured.quote(), admin.quote()]
        page, admin_name = ev.settings, ev.po_name
        if page and admin_name and page.po_name.casefold() != admin_name.casefold():
            quotes.append(f"Post Office page name {page.po_name!r}, ADMIN shows {admin_name!r}")
        return _finding(
            "po-settings-invalid", 0.95, quotes, confirmed=True, fix_name="correct-po-settings"
        )
    return _finding("po-settings-invalid", 0.5, quotes, confirmed=False)


# -- 2 ---------------------------------------------------------------------------------------


@rule("po-access-denied", article="Q166045, Q164707, Q168670", explains=(70, 68, 59))
def access_denied(ev: Evidence) -> Finding | None:
    """No access for the service account: 70/68 both ways, or 59 outbound only."""
    failures = _persisting_70(ev) + ev.ccmc(68)
    outbound = ev.ccmc(59)
    access = ev.access
    if access is not None:
        if access.can_export and access.can_write:
            return None
        if not access.can_export and failures:
            quotes = [*_quotes(failures), access.text]
            return _finding(
                "po-access-denied", 0.95, quotes, confirmed=True, fix_name="grant-access"
            )
        if access.can_export and not access.can_write and outbound:
            quotes = [*_quotes(outbound), access.text]
            return _finding(
                "po-access-denied", 0.9, quotes, confirmed=True, fix_name="grant-access"
            )
        return None
    inbound = [e for e in ev.ccmc(67) if outbound and e.record_number > outbound[0].record_number]
    if outbound and not failures and inbound:
        quotes = [*_quotes(outbound), _q(inbound[-1]), "EXPORT still succeeds: outbound only"]
        return _finding("po-access-denied", 0.6, quotes, confirmed=False)
    if failures:
        return _finding("po-access-denied", 0.4, _quotes(failures), confirmed=False)
    return None


# -- 3 ---------------------------------------------------------------------------------------


@rule("po-damaged", article="Q166045, Q179072", explains=(70, 68, 59))
def damaged(ev: Evidence) -> Finding | None:
    """ANALYZE reports errors; or NFTERROR.LOG in the post office directory."""
    failures = _persisting_70(ev) + ev.ccmc(68, 59)
    analyze = ev.analyze
    # ANALYZE ends with 1 when it finds errors; 3 (no log-on) and 4 (in use) say nothing
    # about the database, so the rule then reads the other evidence (AdminResult).
    if analyze is not None and analyze.code in (0, 1):
        if analyze.code == 0:
            return None
        quotes = [*_quotes(failures), analyze.quote()]
        quotes += [ln.strip() for ln in analyze.output.splitlines() if "rror" in ln][:4]
        return _finding("po-damaged", 0.95, quotes, confirmed=True, fix_name="repair-postoffice")
    if ev.po_has("NFTERROR.LOG"):
        quotes = [*_quotes(failures), "NFTERROR.LOG present in the post office directory"]
        return _finding("po-damaged", 0.8, quotes, confirmed=False)
    if _persisting_70(ev):
        return _finding("po-damaged", 0.3, _quotes(_persisting_70(ev)), confirmed=False)
    return None


# -- 4 ---------------------------------------------------------------------------------------


def _long_names(path: str) -> list[str]:
    parts = [p for p in path.replace("/", "\\").split("\\") if p and not p.endswith(":")]
    return [p for p in parts if len(p.split(".")[0]) > 8]


@rule("install-path-space", article="Q164695, Q181186", explains=70)
def install_path_space(ev: Evidence) -> Finding | None:
    """A space (or, before 5.5 SP1, a long name) in the Exchange / connector store path."""
    failures = _persisting_70(ev)
    ex = ev.exchange
    if ex is not None:
        paths = [ex.install_path, ex.connector_store_path]
        spaced = [p for p in paths if " " in p]
        if spaced and failures:
            quotes = [*_quotes(failures), f"Connector Store Path: {ex.connector_store_path}"]
            return _finding(
                "install-path-space", 0.95, quotes, confirmed=True, fix_name="short-store-path"
            )
        pre_sp1 = ex.version.startswith("5.0") or (
            ex.version.startswith("5.5") and ex.service_pack < 1
        )
        long_parts = _long_names(ex.connector_store_path)
        quiet = not ev.ccmc(58, 67, 14031) and bool(ev.ccmc(14001) or ev.ccmc(11001))
        if pre_sp1 and long_parts and quiet:
            quotes = [f"Connector Store Path: {ex.connector_store_path}", *_quotes(ev.ccmc(14001))]
            return _finding(
                "install-path-space", 0.9, quotes, confirmed=True, fix_name="short-store-path"
            )
        return None
    if failures:
        return _finding("install-path-space", 0.3, _quotes(failures), confirmed=False)
    return None


# -- 5 ---------------------------------------------------------------------------------------


def _servers(ev: Evidence) -> list[str]:
    """The Exchange server: from the evidence, else the computer that logged CCMC events."""
    if ev.exchange is not None:
        return [ev.exchange.server]
    return sorted({e.computer for e in ev.ccmc() if e.computer})


def _site_entry(ev: Evidence) -> tuple[str, str, str] | None:
    """The site's P entry: by the site's name, else by the connector's comment."""
    if ev.po_entries is None:
        return None
    if ev.site is not None:
        named = [e for e in ev.po_entries if e[0].casefold() == ev.site.casefold()]
    else:
        comments = {f"{MADE_BY_CONNECTOR} {s}".casefold() for s in _servers(ev)}
        named = [e for e in ev.po_entries if e[2].strip().casefold() in comments]
    return next((e for e in named if e[1] == "P"), None)


def _no_site_entry(ev: Evidence) -> str:
    if ev.site is not None:
        return f"cc:Mail ADMIN: no P entry named {ev.site}"
    wanted = " or ".join(f"'{MADE_BY_CONNECTOR} {s}'" for s in _servers(ev)) or MADE_BY_CONNECTOR
    return f"cc:Mail ADMIN: no P entry with the comment {wanted}"


def _first_dirsync(ev: Evidence) -> Finding:
    """70 until the first 14031; confirmed when the log runs on past a poll after it."""
    finished = ev.ccmc(14031)[0]
    quotes = [*_quotes(ev.ccmc(70)), _q(finished), "no Event 70 after the first 14031"]
    now = _now(ev)
    if now is not None and now - finished.when >= POLL:
        return _finding(
            "dirsync-not-completed", 0.9, quotes, confirmed=True, fix_name="run-dirsync"
        )
    found = _finding("dirsync-not-completed", 0.6, quotes, confirmed=False)
    check = "The log ends at the first 14031: check that no Event 70 follows at the next polls"
    return replace(found, confirm=f"{check}; {found.confirm}")


@rule("dirsync-not-completed", article="Q166045", explains=70)
def dirsync_not_completed(ev: Evidence) -> Finding | None:
    """No P entry for the site yet: 70 until the first dirsync finishes (14031)."""
    if _cleared_by_first_dirsync(ev):
        return _first_dirsync(ev)
    failures = ev.ccmc(70)
    if _stopped_by_itself(ev):
        entry = _site_entry(ev)
        quotes = [*_quotes(failures), f"cc:Mail ADMIN: P entry {entry[0]} ({entry[2]})"]  # type: ignore[index]
        quotes.append(f"no Event 70 since {failures[-1].when:%m/%d/%Y %H:%M:%S}")
        return _finding(
            "dirsync-not-completed", 0.8, quotes, confirmed=True, fix_name="run-dirsync"
        )
    if not failures or ev.ccmc(14031):
        return None
    if ev.po_entries is not None and (ev.site is not None or _servers(ev)):
        if _site_entry(ev) is not None:
            return None
        quotes = [*_quotes(failures), _no_site_entry(ev)]
        return _finding(
            "dirsync-not-completed", 0.9, quotes, confirmed=True, fix_name="run-dirsync"
        )
    return _finding("dirsync-not-completed", 0.45, _quotes(failures), confirmed=False)
