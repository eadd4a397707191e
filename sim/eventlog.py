"""The NT Application event log: records on the virtual clock.

Source: ccmail-reference.md §4.8 (what the connector logs). The event catalogue
(texts, types, categories, logging levels) is in ``sim/connector/events.py``;
the file formats (Event Viewer text export, ``.evt``) are in ``sim/evtformat.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sim.clock import Clock

__all__ = ["EventLog", "EventRecord", "EventType"]


class EventType(StrEnum):
    """Event types as Event Viewer names them."""

    ERROR = "Error"
    WARNING = "Warning"
    INFORMATION = "Information"
    SUCCESS_AUDIT = "Success Audit"
    FAILURE_AUDIT = "Failure Audit"


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One Application log record, with its description already filled in."""

    record_number: int
    when: datetime
    source: str
    type: EventType
    category: str
    event_id: int
    user: str
    computer: str
    description: str
    #: the insertion strings (%1, %2, ...) the description was built from
    strings: tuple[str, ...] = ()

    def line(self) -> str:
        """One readable line, as support quotes an event."""
        stamp = self.when.strftime("%m/%d/%Y %H:%M:%S")
        return f"{stamp} {self.source} {self.type.value} {self.event_id}: {self.description}"


class EventLog:
    """Records in the order written (oldest first), stamped from the virtual clock."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self.records: list[EventRecord] = []

    def write(
        self,
        *,
        source: str,
        event_id: int,
        type: EventType,
        category: str,
        description: str,
        computer: str,
        strings: Iterable[str] = (),
        user: str = "N/A",
    ) -> EventRecord:
        record = EventRecord(
            record_number=len(self.records) + 1,
            when=self._clock.datetime,
            source=source,
            type=type,
            category=category,
            event_id=event_id,
            user=user,
            computer=computer,
            description=description,
            strings=tuple(strings),
        )
        self.records.append(record)
        return record

    def events(self, event_id: int | None = None, source: str | None = None) -> list[EventRecord]:
        return [
            r
            for r in self.records
            if (event_id is None or r.event_id == event_id)
            and (source is None or r.source == source)
        ]

    def since(self, record_number: int) -> list[EventRecord]:
        """Records written after ``record_number`` (0 = all)."""
        return self.records[record_number:]

    def __len__(self) -> int:
        return len(self.records)
