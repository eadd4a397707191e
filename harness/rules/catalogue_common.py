"""What the catalogue rules (reference §8 rows 6-20) share: findings, quotes, time patterns.

Source: ccmail-reference.md §8 (each row's symptoms and confirming check), §4.5
(the 15-second polls), §4.8 (event texts). The score bands are those of
``harness.rules.q166045`` (modelled): 0.9-1.0 confirmed by a check; 0.5-0.8 a
symptom pattern specific to the cause; 0.2-0.5 consistent with the events but not
specific. A confirmed catalogue finding scores 0.97 where a Q166045 rule can
confirm its own cause on the same evidence (an access check that fails because of
the LSA2 bug, ANALYZE errors left by 16-bit tools): the catalogue names the reason
behind that symptom.

This module registers no rule.
"""

from __future__ import annotations

from itertools import pairwise
from statistics import median

from harness.causes import CAUSES
from harness.diagnosis import Finding
from harness.evidence import ExchangeView, ProgramView
from sim.eventlog import EventRecord

__all__ = [
    "CONNECTOR",
    "DB_OF_CHOICE",
    "EVERY_POLL",
    "finding",
    "in_use",
    "is_16bit",
    "major",
    "quote",
    "quotes",
    "repeats_every",
]

#: the service's own name in the lock table and event source (§4.1)
CONNECTOR = "MSExchangeCCMC"
#: the Post Office tab's Import/Export version choice -> DB version (KB Q168465, Q255627)
DB_OF_CHOICE = {"Import 5.15/Export 5.14": 6, "Import 6.0/Export 6.0": 8}
#: a symptom "every 15 s" repeats at most this far apart (15 s polls plus dirsync, §4.5)
EVERY_POLL = 60.0


def finding(cause: str, score: float, said: list[str], *, confirmed: bool, fix: str) -> Finding:
    """A finding for a §8 row: its articles and fix text; the confirm check if unconfirmed."""
    row = CAUSES[cause]
    confirm = "" if confirmed else row.confirm
    return Finding(cause, score, tuple(said), ", ".join(row.articles), row.fix, confirm, fix)


def quote(record: EventRecord) -> str:
    return record.line()


def quotes(records: list[EventRecord]) -> list[str]:
    """The first and the last of a run of events, and how many there were."""
    if not records:
        return []
    picked = records[:1] if len(records) == 1 else [records[0], records[-1]]
    said = [quote(r) for r in picked]
    if len(records) > 2:
        said.append(f"(event {records[0].event_id} logged {len(records)} times)")
    return said


def repeats_every(records: list[EventRecord], seconds: float = EVERY_POLL) -> bool:
    """At least three records, typically no more than ``seconds`` apart."""
    if len(records) < 3:
        return False
    gaps = [(b.when - a.when).total_seconds() for a, b in pairwise(records)]
    return median(gaps) <= seconds


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


def is_16bit(name: str) -> bool:
    """DOS ``EXPORT.EXE``/``IMPORT.EXE``, not the 8.5 ``EXPORT32.EXE`` (§2.1)."""
    return not name.upper().removesuffix(".EXE").endswith("32")
