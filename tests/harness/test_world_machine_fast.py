"""The world machine's random sequences, run exact and fast side by side (issue 16).

Every step of a Hypothesis sequence (``tests/harness/test_world_machine.py``: mail,
time, restarts, faults, fixes, a killed EXPORT) is applied to two sites built
alike: one with ``CCSIM_EXACT=1`` (every program run executes), one with the fast
path (``sim.programs.replay``). After each step both must have logged the same
events, as the same NT text export, the same counters, and give the same
conservation verdict. The fast site's quiet polls are answered from its last run
and its quiet stretches skipped (``sim.connector.quiet``), so the sequences
exercise replays, skips and their invalidation by faults, fixes and mail.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from harness.registry import FIXES
from sim.conservation import check
from sim.evtformat import render_nt_text
from sim.programs import replay
from tests.harness.test_world_machine import (
    FAULT_USES,
    HOSTS,
    PROFILE,
    PROFILES,
    RELEASES,
    WorldMachine,
)

#: runs the fast sites answered from the fast path, over the whole test
REPLAYED: list[int] = []
#: connector polls the fast sites skipped in quiet stretches (``sim.connector.quiet``)
SKIPPED: list[int] = []


class _Chosen:
    """Stands in for ``st.data()``: gives the value the outer machine drew."""

    def __init__(self, value: object) -> None:
        self.value = value

    def draw(self, strategy: object, label: str | None = None) -> object:
        return self.value


class TwoWayMachine(RuleBasedStateMachine):
    """Two world machines, exact and fast, driven by one sequence."""

    def __init__(self) -> None:
        super().__init__()
        self.exact = WorldMachine()
        self.fast = WorldMachine()

    def _both(self, step: Callable[[WorldMachine], None]) -> None:
        with replay.mode(True):
            step(self.exact)
        with replay.mode(False):
            step(self.fast)

    @initialize(
        host=st.sampled_from(sorted(HOSTS)),
        dirsync=st.sampled_from(["done", "pending"]),
        release=st.sampled_from(sorted(RELEASES)),
        db=st.sampled_from([6, 8]),
    )
    def build(self, host: str, dirsync: str, release: str, db: int) -> None:
        self._both(lambda m: m.build(host=host, dirsync=dirsync, release=release, db=db))

    def teardown(self) -> None:
        if self.fast.site is not None:
            counts = replay.stats(self.fast.s.world)
            REPLAYED.append(counts.replayed)
            SKIPPED.append(counts.skipped)
        self.exact.teardown()
        self.fast.teardown()

    @rule(direction=st.sampled_from(["to-exchange", "to-ccmail"]), n=st.integers(1, 20))
    def send(self, direction: str, n: int) -> None:
        self._both(lambda m: m.send(direction, n))

    @rule(seconds=st.sampled_from([1, 15, 16, 60, 300, 901, 3600]))
    def time_passes(self, seconds: int) -> None:
        self._both(lambda m: m.time_passes(seconds))

    @rule()
    def restart(self) -> None:
        self._both(lambda m: m.restart())

    @precondition(lambda self: self.fast.site is not None and self.fast.s.service.running)
    @rule()
    def stop(self) -> None:
        self._both(lambda m: m.stop())

    @precondition(lambda self: self.fast.site is not None and not self.fast.s.service.running)
    @rule()
    def start(self) -> None:
        self._both(lambda m: m.start())

    @rule(use=FAULT_USES)
    def fault(self, use: tuple[str, Any]) -> None:
        self._both(lambda m: m.fault(use))

    @precondition(lambda self: bool(self.fast.broken))
    @rule(data=st.data())
    def fix(self, data: st.DataObject) -> None:
        cures = [s for s in FIXES.specs() if self.fast.broken & set(s.cures)]
        spec = data.draw(st.sampled_from(sorted(cures, key=lambda s: s.name)), label="fix")
        self._both(lambda m: m.fix(_Chosen(spec)))  # type: ignore[arg-type]

    @precondition(lambda self: self.fast.site is not None and self.fast.s.service.running)
    @rule(queued=st.integers(1, 20), at=st.integers(0, 6000))
    def export_killed(self, queued: int, at: int) -> None:
        self._both(lambda m: m.export_killed(queued, at))

    @invariant()
    def same_events_and_verdict(self) -> None:
        if self.fast.site is None or self.exact.site is None:
            return
        fast, exact = self.fast.s, self.exact.s
        assert render_nt_text(fast.world.eventlog.records) == render_nt_text(
            exact.world.eventlog.records
        )
        verdicts = [check(s.world, postoffice=s.po_path).ok for s in (fast, exact)]
        assert verdicts[0] == verdicts[1]
        assert self.fast.broken == self.exact.broken
        # quiet stretches skipped (sim.connector.quiet) leave the counters as if every poll ran
        assert fast.service.counters == exact.service.counters
        assert fast.service.store._counter == exact.service.store._counter


def test_exact_and_fast_agree_on_every_sequence() -> None:
    REPLAYED.clear()
    SKIPPED.clear()
    run_state_machine_as_test(TwoWayMachine, settings=PROFILES[PROFILE])
    assert sum(REPLAYED) > 0, "no sequence replayed a run: the fast path was not exercised"
    assert sum(SKIPPED) > 0, "no sequence skipped a quiet stretch of polls"
