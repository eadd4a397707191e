"""The virtual clock: a time-ordered queue of actions; no wall clock anywhere.

After SimPy's ``Environment``: a read-only ``now``, a heap with a sequence number
breaking ties so same-time actions run in scheduling order, and ``run_until``
that refuses to go back.

For skipping quiet stretches (``sim.connector.quiet``) it also tells an action
what may run before the next other action (:meth:`Clock.horizon`), counts the
actions run (:attr:`Clock.steps`), schedules at an absolute time
(:meth:`Clock.call_at`) and lets an action stand at a later instant of such a
stretch (:meth:`Clock.stand_at`).
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Collection
from datetime import datetime, timedelta

from sim.errors import ClockError

__all__ = ["DEFAULT_EPOCH", "Clock", "Timer"]

#: Virtual time 0. A Tuesday in June 1998, as in the Import sample of KB Q184052.
DEFAULT_EPOCH = datetime(1998, 6, 2, 8, 0, 0)


class Timer:
    """A scheduled action that can be cancelled before it runs."""

    __slots__ = ("action", "cancelled", "seq", "when")

    def __init__(self, when: float, action: Callable[[], None], seq: int = 0) -> None:
        self.when = when
        self.action = action
        self.cancelled = False
        #: the scheduling order: at the same instant the lower one runs first
        self.seq = seq

    def cancel(self) -> None:
        self.cancelled = True


class Clock:
    """Virtual seconds since ``epoch``; actions run in time order, ties in scheduling order."""

    def __init__(self, epoch: datetime = DEFAULT_EPOCH) -> None:
        self.epoch = epoch
        self._now = 0.0
        self._queue: list[tuple[float, int, Timer]] = []
        self._seq = itertools.count()
        #: where the ``run_until`` in progress stops (None outside one)
        self._until: float | None = None
        #: actions run plus ``run_until`` calls: unchanged but for one between two
        #: actions means nothing else ran (or was done by a caller) in between
        self.steps = 0

    @property
    def now(self) -> float:
        """Seconds since the epoch."""
        return self._now

    @property
    def datetime(self) -> datetime:
        """The virtual wall time (what the event log stamps)."""
        return self.epoch + timedelta(seconds=self._now)

    def call_later(self, delay: float, action: Callable[[], None]) -> Timer:
        """Run ``action`` ``delay`` seconds from now (0 = after the actions already due)."""
        if delay < 0:
            raise ClockError(f"cannot schedule {delay!r} seconds in the past")
        return self.call_at(self._now + delay, action)

    def call_at(self, when: float, action: Callable[[], None]) -> Timer:
        """Run ``action`` at the virtual instant ``when`` (not before now)."""
        if when < self._now:
            raise ClockError(f"cannot schedule at {when!r}; now is {self._now!r}")
        timer = Timer(when, action, next(self._seq))
        heapq.heappush(self._queue, (when, timer.seq, timer))
        return timer

    def run_until(self, when: float) -> None:
        """Run every action due up to and including ``when``, then stand at ``when``."""
        if when < self._now:
            raise ClockError(f"cannot run back to {when!r}; now is {self._now!r}")
        outer, self._until = self._until, when
        self.steps += 1
        try:
            while self._queue and self._queue[0][0] <= when:
                self._now, _, timer = heapq.heappop(self._queue)
                if not timer.cancelled:
                    self.steps += 1
                    timer.action()
        finally:
            self._until = outer
        self._now = when

    def horizon(self, own: Collection[Timer]) -> tuple[float, bool] | None:
        """How far actions scheduled later than ``own`` cannot run: (instant, included).

        The next live timer not in ``own`` (not included: a timer scheduled now runs
        after it at that instant), or the end of the ``run_until`` in progress
        (included), whichever comes first. None outside ``run_until``.
        """
        if self._until is None:
            return None
        mine = {id(t) for t in own}
        others = [w for w, _, t in self._queue if not t.cancelled and id(t) not in mine]
        first = min(others, default=None)
        if first is not None and first <= self._until:
            return first, False
        return self._until, True

    def stand_at(self, when: float) -> None:
        """Move now to ``when`` within a running action, running nothing.

        For an action that stands for actions of its own that would have run until
        then (``sim.connector.quiet``): it must have checked :meth:`horizon` first.
        """
        if when < self._now or self._until is None or when > self._until:
            raise ClockError(f"cannot stand at {when!r}; now is {self._now!r}")
        self._now = when

    def advance(self, seconds: float) -> None:
        """Run the clock forward by ``seconds``."""
        if seconds < 0:
            raise ClockError(f"cannot advance by {seconds!r} seconds")
        self.run_until(self._now + seconds)

    def pending(self) -> int:
        """How many live actions are scheduled."""
        return sum(1 for _, _, t in self._queue if not t.cancelled)
