"""What the cause modules share: the helpers two or more causes use.

Source: ccmail-reference.md §8 (each row's symptoms and confirming check), §4.5
(the 15-second polls), §4.8 (event texts). The score bands (modelled): 0.9-1.0
confirmed by a check; 0.5-0.8 a symptom pattern specific to the cause; 0.2-0.5
consistent with the events but not specific.

This module registers no fault, rule or fix.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from harness.build import Site
from harness.causes import get_cause
from harness.diagnosis import Finding
from harness.eventtable import EventView
from harness.evidence import Evidence, ExchangeView, ProgramView
from sim.connector.store import Store
from sim.eventlog import EventRecord
from sim.exchange import LATEST_50_SERVICE_PACK
from sim.postoffice.layout import CCADMIN, IE_RI
from sim.programs.runner import find_program, program_version

__all__ = [
    "IE_RI_TEXT",
    "MADE_BY_CONNECTOR",
    "PARKED",
    "QUIET",
    "REPAIR_SEQUENCE",
    "STORE",
    "apply_exchange_50_sp",
    "batch_of",
    "cleared_by_first_dirsync",
    "collected_at",
    "connector_entry",
    "connector_servers",
    "finding",
    "ie_ri_bytes",
    "importer_of",
    "in_use",
    "in_use_programs",
    "major",
    "ndrs_saying",
    "persisting_70",
    "quote",
    "quotes",
    "stopped_by_itself",
    "store_of",
]


# -- faults and fixes ------------------------------------------------------------------------------


#: IE.RI as cc:Mail ships it beside Import/Export 6.0 (content modelled)
IE_RI_TEXT = b"cc:Mail Import/Export resources 6.0\r\n"


def in_use_programs(site: Site) -> list[tuple[str, str, str]]:
    """(file name, Windows directory, version) of the programs the connector runs."""
    registry = site.exchange.registry
    found = []
    for key, default in (("Export", "EXPORT.EXE"), ("Import", "IMPORT.EXE")):
        name = str(registry.get(key, default) or default).upper()
        hit = find_program(site.world, name, site.service.search_path())
        if hit is not None:
            found.append((name, hit[0], program_version(hit[1])))
    return found


def store_of(site: Site) -> Store:
    """The connector store, created as a start would create it when it is not there yet."""
    if not site.service.store.root.is_dir():
        site.service.prepare()
    store: Store = site.service.store
    return store


# -- rules: findings, quotes and time patterns -----------------------------------------------------


#: the comment of entries the connector's dirsync made (§1.4, KB Q167830)
MADE_BY_CONNECTOR = "MSExchangeCCMC"


def collected_at(ev: Evidence) -> datetime | None:
    """When the evidence was collected; for a customer's log, its newest record."""
    if ev.collected_at is not None:
        return ev.collected_at
    return ev.newest()


def cleared_by_first_dirsync(ev: Evidence) -> bool:
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


def stopped_by_itself(ev: Evidence) -> bool:
    """Event 70 came and went while the P entry dirsync creates is now there."""
    seventies = ev.ccmc(70)
    now = collected_at(ev)
    entry = connector_entry(ev)
    if not seventies or now is None or entry is None:
        return False
    return now - seventies[-1].when >= QUIET and MADE_BY_CONNECTOR in entry[2]


def persisting_70(ev: Evidence) -> EventView:
    """Event 70s that are not explained away by a first dirsync finishing."""
    if cleared_by_first_dirsync(ev) or stopped_by_itself(ev):
        return ev.ccmc(70)[:0]  # none of them
    return ev.ccmc(70)


def connector_servers(ev: Evidence) -> list[str]:
    """The Exchange server: from the evidence, else the computer that logged CCMC events."""
    if ev.exchange is not None:
        return [ev.exchange.server]
    return sorted({e.computer for e in ev.ccmc() if e.computer})


def connector_entry(ev: Evidence) -> tuple[str, str, str] | None:
    """The site's P entry: by the site's name, else by the connector's comment."""
    if ev.po_entries is None:
        return None
    if ev.site is not None:
        named = [e for e in ev.po_entries if e[0].casefold() == ev.site.casefold()]
    else:
        comments = {f"{MADE_BY_CONNECTOR} {s}".casefold() for s in connector_servers(ev)}
        named = [e for e in ev.po_entries if e[2].strip().casefold() in comments]
    return next((e for e in named if e[1] == "P"), None)


def finding(
    cause: str, score: float, said: list[str], *, confirmed: bool, fix: str = ""
) -> Finding:
    """A finding for a §8 row: its articles and fix text; the confirm check if unconfirmed."""
    row = get_cause(cause)
    confirm = "" if confirmed else row.confirm
    return Finding(cause, score, tuple(said), ", ".join(row.articles), row.fix, confirm, fix)


def quote(record: EventRecord) -> str:
    return record.line()


def quotes(records: Sequence[EventRecord]) -> list[str]:
    """The first and the last of a run of events, and how many there were."""
    if not records:
        return []
    picked = records[:1] if len(records) == 1 else [records[0], records[-1]]
    said = [quote(r) for r in picked]
    if len(records) > 2:
        said.append(f"(event {records[0].event_id} logged {len(records)} times)")
    return said


def major(version: str) -> int:
    """``"5.15"`` -> 5, ``"8.50.00.14"`` -> 8; 0 for a version that cannot be read."""
    head = version.split(".", 1)[0]
    return int(head) if head.isdigit() else 0


def in_use(ex: ExchangeView) -> tuple[list[str], list[ProgramView]]:
    """The program names the connector runs (registry "Export"/"Import", KB Q251360)
    and those of them found on its search path."""
    names = [
        (ex.registry_value("Export") or "EXPORT.EXE").upper(),
        (ex.registry_value("Import") or "IMPORT.EXE").upper(),
    ]
    found = [p for p in ex.programs if p.name.upper() in names]
    return names, found


def ndrs_saying(ev: Evidence, text: str) -> list[str]:
    return [f"NDR: {r} ({n} received)" for r, n in ev.ndr_reasons or () if text in r]


def importer_of(ev: Evidence) -> tuple[str, str] | None:
    """(name, version) of the IMPORT the connector runs, if found."""
    if ev.exchange is None:
        return None
    _, found = in_use(ev.exchange)
    return next(((p.name, p.version) for p in found if "IMPORT" in p.name.upper()), None)


STORE = "Ccmcdata"


def batch_of(records: Sequence[EventRecord]) -> list[EventRecord]:
    """Events about the ``*.ccm`` message batches (not the dirsync ``.IMP`` files)."""
    return [r for r in records if "*.ccm" in r.description]


# -- fixes -----------------------------------------------------------------------------------------


REPAIR_SEQUENCE = (
    ("ANALYZE", "/BATCH /DIAGNOSTICS"),
    ("CHKSTAT", "NFT/C"),
    ("CHKSTAT", "DIAGNOSTICS/M"),
    ("CHKSTAT", "DIAGNOSTICS/R"),
    ("RECLAIM", "DIRECTORY DIAGNOSTICS/A"),
    ("RECLAIM", ""),
    ("ANALYZE", "/BATCH /DIAGNOSTICS"),
)


#: where support parks what it moves out of the connector store (modelled)
PARKED = "C:\\CCMCOLD"


def ie_ri_bytes(site: Site) -> bytes:
    """``Ccdata\\Ccadmin\\Ie.ri`` of the post office (EX55-DOC xog08007), or the shipped file."""
    source = site.po_path / CCADMIN / IE_RI
    return source.read_bytes() if source.is_file() else IE_RI_TEXT


def apply_exchange_50_sp(site: Site) -> None:
    """Stop the service, install the last Exchange 5.0 service pack, start it again.

    The fix of KB Q176375 and Q178758 ("corrected in the latest U.S. Service Pack for
    Microsoft Exchange Server version 5.0"), run as ``SETUP EX50SP2`` would.
    """
    site.service.stop()
    site.exchange.service_pack = max(site.exchange.service_pack, LATEST_50_SERVICE_PACK)
    site.service.start()
