"""The virtual clock: a time-ordered queue of actions; no wall clock anywhere.

After SimPy's ``Environment``: a read-only ``now``, a heap with a sequence number
breaking ties so same-time actions run in scheduling order, and ``run_until``
that refuses to go back.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from datetime import datetime, timedelta

from sim.errors import ClockError

__all__ = ["DEFAULT_EPOCH", "Clock", "Timer"]

#: Virtual time 0. A Tuesday in June 1998, as in the Import sample of KB Q184052.
DEFAULT_EPOCH = datetime(1998, 6, 2, 8, 0, 0)


class Timer:
    """A scheduled action that can be cancelled before it runs."""

    __slots__ = ("action", "cancelled", "when")

    def __init__(self, when: float, action: Callable[[], None]) -> None:
        self.when = when
        self.action = action
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class Clock:
    """Virtual seconds since ``epoch``; actions run in time order, ties in scheduling order."""

    def __init__(self, epoch: datetime = DEFAULT_EPOCH) -> None:
        self.epoch = epoch
        self._now = 0.0
        self._queue: list[tuple[float, int, Timer]] = []
        self._seq = itertools.count()

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
        timer = Timer(self._now + delay, action)
        heapq.heappush(self._queue, (timer.when, next(self._seq), timer))
        return timer

    def run_until(self, when: float) -> None:
        """Run every action due up to and including ``when``, then stand at ``when``."""
        if when < self._now:
            raise ClockError(f"cannot run back to {when!r}; now is {self._now!r}")
        while self._queue and self._queue[0][0] <= when:
            self._now, _, timer = heapq.heappop(self._queue)
            if not timer.cancelled:
                timer.action()
        self._now = when

    def advance(self, seconds: float) -> None:
        """Run the clock forward by ``seconds``."""
        if seconds < 0:
            raise ClockError(f"cannot advance by {seconds!r} seconds")
        self.run_until(self._now + seconds)

    def pending(self) -> int:
        """How many live actions are scheduled."""
        return sum(1 for _, _, t in self._queue if not t.cancelled)
