"""What a scenario costs to run, for balancing shards (``ccsim run --shard``, ``--ccsim-shard``).

The catalogue's scenarios simulate nearly the same virtual time (most 75
minutes), yet one takes four times the CPU of another (a 4 KB header of
recipients, a corrupt message exported every 15 s). So the split uses measured
costs: ``scenarios/costs.json``, CPU seconds per scenario id, written by
``python -m bench costs`` and committed, so every machine and every CI job
computes the same split. A scenario the file does not know (a new one, or the
user's own) is estimated from its virtual time at the catalogue's median rate
of CPU seconds per virtual second (1 s per hour when the file is missing).

Only ``json`` and ``pathlib`` are imported: ``ccsim run`` loads this before
running anything.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness.model import Scenario

__all__ = [
    "COSTS_FILE",
    "DEFAULT_RATE",
    "Costs",
    "load_costs",
    "render_costs",
    "scenario_cost",
    "virtual_seconds",
]

#: the file name inside the built-in catalogue folder
COSTS_FILE = "costs.json"
#: CPU seconds per virtual second when nothing is recorded (1 s per virtual hour)
DEFAULT_RATE = 1 / 3600


@dataclass(frozen=True, slots=True)
class Costs:
    """Recorded CPU seconds per scenario id, and the rate for scenarios not recorded."""

    seconds: Mapping[str, float]
    rate: float = DEFAULT_RATE


def virtual_seconds(scenario: Scenario) -> float:
    """Virtual seconds the scenario simulates: its ``advance`` steps and ``verify.for``."""
    total = float(scenario.verify.duration)
    for step in scenario.steps:
        total += float(getattr(step, "advance", 0) or 0)
    return total


def _rate(seconds: Mapping[str, float], virtual: Mapping[str, float]) -> float:
    rates = [seconds[k] / virtual[k] for k in sorted(seconds) if virtual.get(k, 0) > 0]
    return statistics.median(rates) if rates else DEFAULT_RATE


def _read(path: Path) -> Costs:
    """The costs file; an unreadable or malformed file counts as none (estimates only)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        seconds = {str(k): float(v) for k, v in data["seconds"].items()}
        rate = float(data["rate"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return Costs({})
    return Costs(seconds, rate if rate > 0 else DEFAULT_RATE)


@cache
def load_costs(path: Path | None = None) -> Costs:
    """``scenarios/costs.json`` (or ``path``), read once per process."""
    if path is None:
        from harness.selection import builtin_dir

        path = builtin_dir() / COSTS_FILE
    return _read(path)


def scenario_cost(scenario: Scenario, costs: Costs | None = None) -> float:
    """Recorded CPU seconds, else virtual seconds times the catalogue's rate."""
    known = costs if costs is not None else load_costs()
    recorded = known.seconds.get(scenario.id)
    if recorded is not None:
        return recorded
    return round(virtual_seconds(scenario) * known.rate, 3)


def render_costs(seconds: Mapping[str, float], virtual: Mapping[str, float]) -> str:
    """The costs file: CPU seconds (2 decimals) per id, the rate, keys sorted."""
    data = {
        "about": "CPU seconds per built-in scenario, for balancing shards; "
        "refresh with `python -m bench costs`",
        "rate": round(_rate(seconds, virtual), 8),
        "seconds": {k: round(seconds[k], 2) for k in sorted(seconds)},
    }
    return json.dumps(data, indent=2, sort_keys=True) + "\n"
