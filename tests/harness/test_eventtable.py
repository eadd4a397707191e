"""The columnar event table and its views behave as the lists of records they replace.

Over Hypothesis-generated logs, an :class:`~harness.eventtable.EventTable` is compared
with the plain list of its records, and the evidence built on a table with the evidence
built on a tuple of the same records: every question the rules ask gets the same answer.
"""

from __future__ import annotations

from array import array
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.eventtable import (
    EPOCH,
    EventTable,
    EventView,
    NumberSet,
    Template,
    texts_of,
    where,
)
from harness.evidence import Evidence
from sim.eventlog import EventRecord, EventType

SOURCES = ("MSExchangeCCMC", "Srv", "Print", "MSExchangeMTA")
IDS = (14031, 58, 59, 67, 70, 2013, 10)

_template = st.tuples(
    st.sampled_from(SOURCES),
    st.sampled_from(list(EventType)),
    st.sampled_from(("General", "None", "Outbound")),
    st.sampled_from(IDS),
    st.sampled_from(("N/A", "S-1-5-18")),
    st.sampled_from(("EXSRV1", "EXSRV2", "")),
    st.sampled_from(("msg0001.ccm failed", "disk full", "*.ccm, 3")),
    st.sampled_from(((), ("msg0001.ccm",), ("*.ccm", "3"))),
)


@st.composite
def logs(draw: st.DrawFn) -> list[EventRecord]:
    """Records oldest first, numbered from 1, many of them repeating a text."""
    texts = draw(st.lists(_template, min_size=1, max_size=6))
    rows = draw(st.lists(st.tuples(st.integers(0, len(texts) - 1), st.integers(0, 900)),
                         max_size=40))  # fmt: skip
    when = datetime(1998, 6, 2, 8, 0)
    records = []
    for number, (text, gap) in enumerate(rows, 1):
        when += timedelta(seconds=gap)
        records.append(EventRecord(number, when, *texts[text]))
    return records


def table_of(records: list[EventRecord]) -> EventTable:
    """The records as a table, each distinct text one template."""
    templates: list[Template] = []
    seen: dict[Template, int] = {}
    which, times = array("I"), array("q")
    for r in records:
        text = (r.source, r.type, r.category, r.event_id, r.user, r.computer, r.description,
                r.strings)  # fmt: skip
        if text not in seen:
            seen[text] = len(templates)
            templates.append(text)
        which.append(seen[text])
        times.append((r.when - EPOCH) // timedelta(seconds=1))
    return EventTable(templates, which, times)


def _behaves_as(view: object, expected: list[EventRecord]) -> None:
    """``view`` answers as the list ``expected`` does."""
    assert isinstance(view, EventTable | EventView)
    assert len(view) == len(expected)
    assert bool(view) is bool(expected)
    assert list(view) == expected
    assert view == expected
    assert expected == view
    assert view == tuple(expected)
    for at in range(-len(expected), len(expected)):
        assert view[at] == expected[at]
    for at in (len(expected), -len(expected) - 1):
        with pytest.raises(IndexError):
            view[at]
    for start, stop, step in ((None, None, None), (1, None, None), (None, -1, None),
                              (-3, None, None), (None, None, 2), (None, None, -1)):  # fmt: skip
        part = slice(start, stop, step)
        assert list(view[part]) == expected[part]
        assert view[part] == expected[part]


@settings(max_examples=60, deadline=None)
@given(logs())
def test_table_behaves_as_the_list_of_its_records(records: list[EventRecord]) -> None:
    table = table_of(records)
    _behaves_as(table, records)
    assert table.newest() == max((r.when for r in records), default=None)
    counts: dict[str, int] = {}
    for r in records:
        counts[r.source] = counts.get(r.source, 0) + 1
    assert table.sources() == counts
    assert table != records[:-1] or not records
    assert table != "not records"
    assert table != [object()] * len(records) or not records


@settings(max_examples=60, deadline=None)
@given(logs(), st.lists(st.sampled_from(IDS), max_size=3), st.sampled_from(SOURCES))
def test_evidence_on_a_table_answers_as_on_a_tuple(
    records: list[EventRecord], ids: list[int], source: str
) -> None:
    on_table = Evidence(events=table_of(records))
    on_tuple = Evidence(events=tuple(records))
    wanted = set(ids)
    expected = [r for r in records if r.source == source and (not ids or r.event_id in wanted)]
    for ev in (on_table, on_tuple):
        _behaves_as(ev.from_source(source, *ids), expected)
        _behaves_as(ev.from_source(source, *ids), expected)  # the second ask is cached
        ccmc = [r for r in records if r.source == "MSExchangeCCMC"]
        _behaves_as(ev.ccmc(), ccmc)
        assert ev.newest() == max((r.when for r in records), default=None)
        both = ev.from_source(source, *ids) + ev.ccmc()
        assert isinstance(both, EventView)
        assert list(both) == expected + ccmc
        none: list[EventRecord] = []
        assert none + ev.ccmc() == ccmc
        assert ev.ccmc() + none == ccmc
        assert list(ev.ccmc() + records[:1]) == ccmc + records[:1]
        assert list(records[:1] + ev.ccmc()) == records[:1] + ccmc
        assert ev.ccmc()[:0] == []
        assert not ev.ccmc()[:0]


@settings(max_examples=60, deadline=None)
@given(logs(), st.sampled_from(SOURCES))
def test_number_sets_texts_and_where(records: list[EventRecord], source: str) -> None:
    table = table_of(records)
    chosen = table.numbers_where(lambda src, event_id: src == source or event_id == 70)
    expected = frozenset(r.record_number for r in records
                         if r.source == source or r.event_id == 70)  # fmt: skip
    assert isinstance(chosen, NumberSet)
    assert chosen == expected
    assert expected == chosen
    assert set(chosen) == expected
    assert len(chosen) == len(expected)
    assert all(n in chosen for n in expected)
    assert 0 not in chosen
    assert len(records) + 1 not in chosen
    assert "1" not in chosen
    texts = {(r.source, r.type, r.category, r.event_id, r.user, r.computer, r.description,
              r.strings) for r in records}  # fmt: skip
    assert set(texts_of(table)) == texts == set(texts_of(records))
    assert len(list(texts_of(table))) == len(texts)
    for events in (table, records):
        assert list(where(events, source, 70, 59)) == [
            r for r in records if r.source == source and r.event_id in (70, 59)
        ]


def test_a_table_refuses_columns_of_different_lengths() -> None:
    with pytest.raises(ValueError, match="1 template indexes for 0 times"):
        EventTable([], array("I", [0]), array("q"))
