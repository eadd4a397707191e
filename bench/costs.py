"""Measure each built-in scenario and write ``scenarios/costs.json`` (``harness.costs``).

Every scenario of the catalogue runs a few times on real disk (interleaved);
the median CPU time (``time.process_time``: steadier than wall time on a shared
machine, and what the shards share out) is recorded per scenario id, with the
catalogue's median CPU seconds per virtual second for scenarios not recorded.
The shard split then uses these figures (``ccsim run --shard``, the pytest
plugin's ``--ccsim-shard``); commit the file so that every job splits alike.

Printed: each scenario's figure and virtual time, and for 2-5 shards the
largest shard's share of the total under the recorded costs and under virtual
time alone (the estimate used before), both measured with the recorded costs.

Usage: ``python -m bench costs`` or ``python bench/costs.py [repeats] [--dry-run]``.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness.costs import COSTS_FILE, render_costs, virtual_seconds
from harness.runner import run
from harness.selection import builtin_dir, display_name, load_selection, shard

REPEATS = 3


def measure(repeats: int) -> tuple[dict[str, float], dict[str, float]]:
    """(median CPU seconds, virtual seconds) per built-in scenario id."""
    selection = load_selection([], None, None)
    samples: dict[str, list[float]] = {s.id: [] for _, s in selection}
    virtual = {s.id: virtual_seconds(s) for _, s in selection}
    for _ in range(repeats):
        for path, scenario in selection:
            start = time.process_time()
            run(scenario, file=display_name(path))  # in a temporary directory of its own
            samples[scenario.id].append(time.process_time() - start)
    return {k: statistics.median(v) for k, v in samples.items()}, virtual


def largest_share(costs: dict[str, float], by: dict[str, float], n: int) -> float:
    """The largest shard's share of the total cost when shards are split by ``by``."""
    loads = [sum(costs[i] for i in shard(sorted(by.items()), k, n)) for k in range(1, n + 1)]
    return max(loads) / sum(costs.values())


def main(argv: list[str]) -> int:
    repeats = next((int(a) for a in argv if a.isdigit()), REPEATS)
    seconds, virtual = measure(repeats)
    for ident in sorted(seconds, key=lambda i: -seconds[i]):
        print(f"{seconds[ident]:7.2f} s CPU  {virtual[ident]:6.0f} virtual s  {ident}")
    for n in range(2, 6):
        measured = largest_share(seconds, seconds, n)
        estimated = largest_share(seconds, virtual, n)
        print(f"{n} shards: largest shard {measured:6.1%} of the CPU by recorded cost, "
              f"{estimated:6.1%} by virtual time (ideal {1 / n:6.1%})")  # fmt: skip
    target = builtin_dir() / COSTS_FILE
    if "--dry-run" in argv:
        return 0
    target.write_text(render_costs(seconds, virtual), encoding="utf-8")
    print(f"wrote {target} (median of {repeats} runs each)")
    return 0


if __name__ == "__main__":
    status = main(sys.argv[1:] if sys.argv[0].endswith("costs.py") else [])
    if status:
        sys.exit(status)
