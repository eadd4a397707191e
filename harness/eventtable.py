"""An event log held as columns, and read-only views of its records.

A customer's log may hold a million records, most of them repeats of a few texts. An
:class:`EventTable` keeps, per record, only its time (whole seconds, in 4 or 8 bytes)
and the index of its *template* (4 bytes): each distinct (source, type, category,
event ID, user, computer, description, insertion strings) is stored once. Record
numbers are the positions, from 1. A record is made when asked for, so the evidence of a large log
costs 8 to 12 bytes a record instead of a :class:`~sim.eventlog.EventRecord` each.

An :class:`EventView` is some of a sequence's records (positions into it, in order):
what :meth:`harness.evidence.Evidence.ccmc` answers, so a rule asking for 700,000
Event 70s makes only the ones it reads. Both behave as the read-only list of records
they stand for: length, index (negative too), slices, iteration, truth, equality with
any sequence of records, and ``+`` (two views of one sequence give a view).
"""

from __future__ import annotations

import itertools
import operator
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from datetime import datetime, timedelta
from typing import overload

from sim.eventlog import EventRecord, EventType

__all__ = [
    "EPOCH",
    "EventTable",
    "EventView",
    "NumberSet",
    "Positions",
    "Template",
    "merged",
    "newest",
    "texts_of",
    "where",
]

#: (source, type, category, event ID, user, computer, description, strings): a record's
#: fields after its number and time, in :class:`~sim.eventlog.EventRecord`'s order
Template = tuple[str, EventType, str, int, str, str, str, tuple[str, ...]]
#: times are whole seconds from here (negative before it)
EPOCH = datetime(1970, 1, 1)


def _same(mine: Sequence[EventRecord], other: object) -> bool:
    """Equality as a list of records has it, with any sequence of records."""
    if not isinstance(other, Sequence) or isinstance(other, str | bytes):
        return False
    return len(mine) == len(other) and all(map(operator.eq, mine, other))


class EventTable(Sequence[EventRecord]):
    """Records as columns (see the module docstring), numbered from 1 in order."""

    __slots__ = ("_cache", "templates", "times", "which")

    def __init__(self, templates: list[Template], which: array[int], times: array[int]) -> None:
        if len(which) != len(times):
            raise ValueError(f"{len(which)} template indexes for {len(times)} times")
        self.templates = templates
        self.which = which
        self.times = times
        self._cache: _Cache | None = None

    def __len__(self) -> int:
        return len(self.which)

    @overload
    def __getitem__(self, at: int) -> EventRecord: ...

    @overload
    def __getitem__(self, at: slice) -> EventView: ...

    def __getitem__(self, at: int | slice) -> EventRecord | EventView:
        if isinstance(at, slice):
            return EventView(self, array("I", range(len(self.which))[at]))
        size = len(self.which)
        n = at + size if at < 0 else at
        if not 0 <= n < size:
            raise IndexError("event table index out of range")
        when = EPOCH + timedelta(0, self.times[n])
        return EventRecord(n + 1, when, *self.templates[self.which[n]])

    def __iter__(self) -> Iterator[EventRecord]:
        templates = self.templates
        for n, (t, s) in enumerate(zip(self.which, self.times, strict=True), 1):
            yield EventRecord(n, EPOCH + timedelta(0, s), *templates[t])

    def __eq__(self, other: object) -> bool:
        return _same(self, other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"EventTable({len(self)} records, {len(self.templates)} templates)"

    def newest(self) -> datetime | None:
        """The time of the newest record, or None when there is none."""
        return EPOCH + timedelta(0, max(self.times)) if self.times else None

    def sources(self) -> dict[str, int]:
        """Each source and how many records it has, in order of its first template."""
        names = list(dict.fromkeys(tpl[0] for tpl in self.templates))
        number = {name: n for n, name in enumerate(names)}
        source_of = [number[tpl[0]] for tpl in self.templates]
        counts = Counter(map(source_of.__getitem__, self.which))
        return {names[n]: counts[n] for n in range(len(names)) if counts[n]}

    def numbers_where(self, test: Callable[[str, int], bool]) -> NumberSet:
        """The record numbers whose (source, event ID) passes ``test``, as a set."""
        kinds = {(tpl[0], tpl[3]) for tpl in self.templates}
        chosen = {kind for kind in kinds if test(*kind)}
        return NumberSet(self, frozenset(t for t, tpl in enumerate(self.templates)
                                         if (tpl[0], tpl[3]) in chosen))  # fmt: skip

    def positions(self, source: str, event_id: int | None) -> array[int]:
        """The positions of one source's records with this event ID (None: all of them),
        in order; found with C-level passes over the table, once each."""
        cache = self._cache
        if cache is None:
            cache = self._cache = _Cache()
            for t, (src, _, _, number, *_) in enumerate(self.templates):
                cache.groups.setdefault((src, number), set()).add(t)
                cache.groups.setdefault((src, None), set()).add(t)
        key = (source, event_id)
        found = cache.positions.get(key)
        if found is None:
            marked = cache.groups.get(key)
            found = cache.positions[key] = array("I")
            if marked:
                which = self.which
                found.extend(itertools.compress(range(len(which)), map(marked.__contains__, which)))
        return found


class _Cache:
    """What :meth:`EventTable.positions` found: templates by (source, event ID or None),
    and the positions asked for so far."""

    __slots__ = ("groups", "positions")

    def __init__(self) -> None:
        self.groups: dict[tuple[str, int | None], set[int]] = {}
        self.positions: dict[tuple[str, int | None], array[int]] = {}


class NumberSet(AbstractSet[int]):
    """Record numbers of a table whose template is one of ``marked``: a read-only set."""

    __slots__ = ("_len", "marked", "table")

    def __init__(self, table: EventTable, marked: frozenset[int]) -> None:
        self.table = table
        self.marked = marked
        self._len: int | None = None

    def __contains__(self, number: object) -> bool:
        which = self.table.which
        return (
            isinstance(number, int)
            and 0 < number <= len(which)
            and (which[number - 1] in self.marked)
        )

    def __iter__(self) -> Iterator[int]:
        marked = self.marked
        return (n for n, t in enumerate(self.table.which, 1) if t in marked)

    def __len__(self) -> int:
        if self._len is None:
            if not self.marked:
                self._len = 0
            else:
                used = Counter(self.table.which)
                self._len = sum(used[t] for t in self.marked)
        return self._len

    def __repr__(self) -> str:
        return f"NumberSet({len(self)} record numbers)"


class EventView(Sequence[EventRecord]):
    """The records of ``base`` at the positions ``at`` (in that order), made when asked."""

    __slots__ = ("at", "base")

    def __init__(self, base: Sequence[EventRecord], at: array[int]) -> None:
        self.base = base
        self.at = at

    def __len__(self) -> int:
        return len(self.at)

    @overload
    def __getitem__(self, at: int) -> EventRecord: ...

    @overload
    def __getitem__(self, at: slice) -> EventView: ...

    def __getitem__(self, at: int | slice) -> EventRecord | EventView:
        if isinstance(at, slice):
            return EventView(self.base, self.at[at])
        return self.base[self.at[at]]

    def __iter__(self) -> Iterator[EventRecord]:
        return map(self.base.__getitem__, self.at)

    def __eq__(self, other: object) -> bool:
        return _same(self, other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"EventView({list(self[:3])!r}{', ...' * (len(self) > 3)}, {len(self)} records)"

    def __add__(self, other: Sequence[EventRecord]) -> Sequence[EventRecord]:
        """Concatenation, as with lists: a view when ``other`` views the same base."""
        if isinstance(other, EventView) and other.base is self.base:
            return EventView(self.base, self.at + other.at)
        if not other:
            return self
        return [*self, *other]

    def __radd__(self, other: Sequence[EventRecord]) -> Sequence[EventRecord]:
        if not other:
            return self
        return [*other, *self]


class Positions:
    """Where each source's records are, by event ID (None: all of them): for a table, its
    own :meth:`EventTable.positions`; for any other sequence, one pass over it, on first use."""

    __slots__ = ("_events", "_index")

    def __init__(self, events: Sequence[EventRecord]) -> None:
        self._events = events
        self._index: dict[tuple[str, int | None], array[int]] | None = None

    def __call__(self, source: str, event_id: int | None) -> array[int]:
        if isinstance(self._events, EventTable):
            return self._events.positions(source, event_id)
        if self._index is None:
            self._index = {}
            for at, e in enumerate(self._events):
                for key in ((e.source, None), (e.source, e.event_id)):
                    found = self._index.get(key)
                    if found is None:
                        found = self._index[key] = array("I")
                    found.append(at)
        return self._index.get((source, event_id)) or array("I")


def texts_of(events: Sequence[EventRecord]) -> Iterable[Template]:
    """The texts (all but number and time) of the records, each distinct one at least
    once: for a table, its templates in use, in order of first use."""
    if isinstance(events, EventTable):
        templates = events.templates
        return map(templates.__getitem__, dict.fromkeys(events.which))
    return ((e.source, e.type, e.category, e.event_id, e.user, e.computer, e.description,
             e.strings) for e in events)  # fmt: skip


def where(events: Sequence[EventRecord], source: str, *event_ids: int) -> EventView:
    """The records of one source with these event IDs, in order (a view)."""
    at = Positions(events)
    return EventView(events, merged(at(source, n) for n in event_ids))


def newest(events: Sequence[EventRecord]) -> datetime | None:
    """The time of the newest record, or None when there is none."""
    if isinstance(events, EventTable):
        return events.newest()
    return max((e.when for e in events), default=None)


def merged(positions: Iterable[array[int]]) -> array[int]:
    """Several position arrays as one, in order."""
    return array("I", sorted(itertools.chain.from_iterable(positions)))
