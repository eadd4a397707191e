"""The virtual clock's support for skipping quiet stretches (``sim.connector.quiet``)."""

from __future__ import annotations

import pytest

from sim.clock import Clock
from sim.errors import ClockError


def test_call_at_keeps_the_scheduling_order_at_one_instant() -> None:
    clock = Clock()
    ran: list[str] = []
    clock.call_at(5.0, lambda: ran.append("a"))
    clock.call_later(5.0, lambda: ran.append("b"))
    clock.call_at(5.0, lambda: ran.append("c"))
    clock.run_until(5.0)
    assert ran == ["a", "b", "c"]
    with pytest.raises(ClockError):
        clock.call_at(4.0, lambda: None)


def test_horizon_is_the_next_other_timer_or_the_end_of_the_run() -> None:
    clock = Clock()
    seen: list[tuple[float, bool] | None] = []
    mine = clock.call_at(1.0, lambda: seen.append(clock.horizon([mine])))
    clock.call_at(30.0, lambda: None).cancel()  # a cancelled timer does not count
    assert clock.horizon([mine]) is None  # outside run_until
    clock.run_until(10.0)
    assert seen == [(10.0, True)]
    other = clock.call_at(20.0, lambda: None)
    mine = clock.call_at(12.0, lambda: seen.append(clock.horizon([mine])))
    clock.run_until(25.0)
    assert seen[-1] == (20.0, False)
    assert other.when == 20.0


def test_stand_at_moves_now_within_the_run_only() -> None:
    clock = Clock()
    stood: list[float] = []

    def action() -> None:
        clock.stand_at(7.5)
        stood.append(clock.now)
        with pytest.raises(ClockError):
            clock.stand_at(7.0)  # never back
        with pytest.raises(ClockError):
            clock.stand_at(11.0)  # never past the end of the run

    clock.call_at(2.0, action)
    clock.run_until(10.0)
    assert stood == [7.5]
    assert clock.now == 10.0
    with pytest.raises(ClockError):
        clock.stand_at(12.0)  # outside run_until


def test_steps_count_actions_and_runs() -> None:
    clock = Clock()
    clock.call_at(1.0, lambda: None)
    clock.call_at(2.0, lambda: None).cancel()
    before = clock.steps
    clock.run_until(3.0)
    assert clock.steps == before + 2  # one run, one action (the cancelled one does not run)
