"""What was read: the summary every ``ccsim diagnose`` answer starts with.

One :class:`InputSummary` per file read. The text output prints :meth:`lines`, the
JSON output carries :meth:`as_json` under ``"inputs"`` next to ``"findings"``, and an
HTML report can render the same fields. A log that is not the Application log, or
that holds no MSExchangeCCMC event, carries ``advice``: what to ask the customer for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from harness.customerlog import CustomerLog, LogKind

__all__ = ["ASK_FOR", "InputSummary", "summarise_log"]

#: what support asks for when the file sent cannot show a connector failure
ASK_FOR = "the Application log of the Exchange server (AppEvent.Evt, or a text export of it)"
#: how many skipped lines are named
_NAMED = 5


@dataclass(frozen=True, slots=True)
class InputSummary:
    """How one file was read: form, encoding, counts, span, sources, what kind of log."""

    file: str
    format: str
    encoding: str
    log: str
    records: int
    ccmc: int
    recovered: int
    skipped: int
    #: the first skipped lines, with why
    skipped_lines: tuple[tuple[int, str], ...]
    #: records the .evt header's record numbers call for but that were not found
    missing: int
    first: datetime | None
    last: datetime | None
    #: (source, records), most first
    sources: tuple[tuple[str, int], ...]
    dates: str
    rebuilt: int
    notes: tuple[str, ...]
    advice: str | None

    def lines(self) -> list[str]:
        """Plain-text lines: the headline, then one line each for what needs saying."""
        span = ""
        if self.first and self.last:
            span = f", {self.first:%m/%d/%Y %H:%M:%S} to {self.last:%m/%d/%Y %H:%M:%S}"
        rebuilt = f"; {self.rebuilt} description(s) rebuilt from the catalogue" * bool(self.rebuilt)
        out = [
            f"{self.file}: {self.format} ({self.encoding}), {self.log} log, "
            f"{self.records} record(s), {self.ccmc} from MSExchangeCCMC{span}; "
            f"dates {self.dates}{rebuilt}"
        ]
        if self.recovered or self.missing:
            out.append(
                f"{self.file}: {self.recovered} record(s) recovered, {self.missing} missing "
                "by the header's record numbers"
            )
        if self.skipped:
            named = ", ".join(f"line {n} ({why})" for n, why in self.skipped_lines)
            more = f" and {self.skipped - len(self.skipped_lines)} more" * (
                self.skipped > len(self.skipped_lines)
            )
            out.append(f"{self.file}: skipped {self.skipped} unreadable row(s): {named}{more}")
        if len(self.sources) > 1 or (self.sources and not self.ccmc):
            seen = ", ".join(f"{name} ({count})" for name, count in self.sources[:8])
            out.append(f"{self.file}: sources {seen}")
        out += [f"{self.file}: {note}" for note in self.notes]
        if self.advice:
            out.append(f"{self.file}: {self.advice}")
        return out

    def as_json(self) -> dict[str, Any]:
        """The summary as JSON values (times ISO 8601)."""
        return {
            "file": self.file,
            "format": self.format,
            "encoding": self.encoding,
            "log": self.log,
            "records": self.records,
            "ccmc": self.ccmc,
            "recovered": self.recovered,
            "skipped": self.skipped,
            "skipped_lines": [{"line": n, "why": why} for n, why in self.skipped_lines],
            "missing": self.missing,
            "first": self.first.isoformat() if self.first else None,
            "last": self.last.isoformat() if self.last else None,
            "sources": [{"source": name, "records": count} for name, count in self.sources],
            "dates": self.dates,
            "rebuilt": self.rebuilt,
            "notes": list(self.notes),
            "advice": self.advice,
        }


def summarise_log(log: CustomerLog) -> InputSummary:
    """The summary of a log read by :func:`harness.customerlog.read_eventlog`."""
    records = log.records
    ccmc = len(log.ccmc())
    kind = log.kind
    advice = None
    if kind is not LogKind.APPLICATION:
        advice = f"this is a {kind.value} log, which the connector does not write to: "
        advice += f"ask the customer for {ASK_FOR}"
    elif not ccmc:
        advice = f"no MSExchangeCCMC event in this log: ask the customer for {ASK_FOR}"
    return InputSummary(
        file=log.path.name,
        format=log.format.value,
        encoding=log.encoding,
        log=kind.value,
        records=len(records),
        ccmc=ccmc,
        recovered=len(log.recovered),
        skipped=len(log.skipped),
        skipped_lines=tuple((s.line, s.why) for s in log.skipped[:_NAMED]),
        missing=log.missing,
        first=records[0].when if records else None,
        last=records[-1].when if records else None,
        sources=tuple(log.sources()),
        dates=log.date_order_note,
        rebuilt=len(log.rebuilt),
        notes=log.notes,
        advice=advice,
    )
