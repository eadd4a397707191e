"""Scenario costs for the shard split: recorded CPU seconds, else an estimate from virtual time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.costs import (
    DEFAULT_RATE,
    Costs,
    _read,
    load_costs,
    render_costs,
    scenario_cost,
    virtual_seconds,
)
from harness.costs import scenario_cost as _cost
from harness.loader import load_text
from harness.selection import load_selection

SMALL = """\
id: my-own-case
title: A scenario the costs file does not know
cause: healthy
steps:
  - start: connector
  - advance: 30m
verify: {for: 1h}
"""


@pytest.fixture
def mine():
    return load_text(SMALL, name="my-own-case.scenario.yaml")


def test_virtual_seconds_add_the_advances_and_the_verification(mine) -> None:
    assert virtual_seconds(mine) == 1800 + 3600


def test_recorded_cost_wins_and_others_are_estimated_at_the_rate(mine) -> None:
    costs = Costs({"my-own-case": 0.75}, rate=0.001)
    assert scenario_cost(mine, costs) == 0.75
    assert scenario_cost(mine, Costs({}, rate=0.001)) == pytest.approx(5.4)


def test_costs_file_round_trips_with_the_median_rate(tmp_path: Path) -> None:
    seconds = {"b": 0.5, "a": 1.234, "c": 3.0}
    virtual = {"a": 3600.0, "b": 3600.0, "c": 1000.0}
    path = tmp_path / "costs.json"
    path.write_text(render_costs(seconds, virtual), encoding="utf-8")
    read = _read(path)
    assert read.seconds == {"a": 1.23, "b": 0.5, "c": 3.0}
    assert read.rate == round(1.234 / 3600, 8)  # the median of 0.5/3600, 1.234/3600, 3/1000
    assert list(json.loads(path.read_text())["seconds"]) == ["a", "b", "c"]


@pytest.mark.parametrize(
    "text",
    ["", "[]", "{", '{"seconds": {"a": "x"}, "rate": 1}', '{"seconds": {}}', '{"rate": 1}'],
)
def test_unusable_costs_file_means_estimates_only(tmp_path: Path, text: str) -> None:
    path = tmp_path / "costs.json"
    path.write_text(text, encoding="utf-8")
    assert _read(path) == Costs({}, DEFAULT_RATE)
    assert _read(tmp_path / "missing.json") == Costs({}, DEFAULT_RATE)


def test_negative_rate_falls_back_to_the_default(tmp_path: Path) -> None:
    path = tmp_path / "costs.json"
    path.write_text('{"seconds": {"a": 1}, "rate": -2}', encoding="utf-8")
    assert _read(path) == Costs({"a": 1.0}, DEFAULT_RATE)


def test_the_catalogue_split_uses_the_committed_costs() -> None:
    recorded = load_costs()
    assert recorded.seconds, "scenarios/costs.json is committed"
    assert recorded.rate > 0
    for _, scenario in load_selection([], None, None):
        expected = recorded.seconds.get(scenario.id)
        if expected is None:
            expected = round(virtual_seconds(scenario) * recorded.rate, 3)
        assert _cost(scenario) == expected, scenario.id
        assert _cost(scenario) > 0
