"""The connector service's worker threads and their restarts (the event 86/85 storm).

Source: ccmail-reference.md §4.5 (thread restarts: event 86, after 25 event 85 and
shutdown; KB Q176375, Q294947). The threads are ``dwCCExport``, ``dwCCImport`` and
``dwCCDirSync`` (``sim.connector.constants``); each poll is an action on the virtual
clock that returns the delay to its next poll, or None to stop polling.

Modelled, not documented: a thread restarts 1 s after the exception
(``RESTART_DELAY``), the restart counter is one for the whole service and is reset at
each start, and a thread named in ``blocked`` (a hung program, KB Q181186, Q234745)
never polls again until the next start.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sim.connector.constants import MAX_RESTARTS, PROGRAM_TIMEOUT, RESTART_DELAY

if TYPE_CHECKING:
    from sim.clock import Timer
    from sim.connector.service import ConnectorService

__all__ = ["Threads", "WorkerError"]

#: one poll of a thread: the delay to the next poll, or None to stop
Action = Callable[[], float | None]


class WorkerError(Exception):
    """An exception in a worker thread; the service restarts the thread (event 86)."""


class Threads:
    """The polls of one service's threads, restarted after an exception (86) up to 25 times."""

    def __init__(self, service: ConnectorService) -> None:
        self.service = service
        #: restarts since the service started (event 86 names the count)
        self.restarts = 0
        #: threads that hang and poll no more until the next start
        self.blocked: set[str] = set()
        #: blocked threads waiting for a DOS program that never ends: thread -> program
        self.waiting: dict[str, str] = {}
        #: each thread's next poll on the clock
        self.timers: dict[str, Timer] = {}

    def reset(self) -> None:
        """At start: no restarts yet, no thread hung."""
        self.restarts = 0
        self.blocked.clear()
        self.waiting.clear()

    def cancel(self) -> None:
        """At stop: cancel every thread's next poll; the programs waited on end too (modelled)."""
        self.waiting.clear()
        for timer in self.timers.values():
            timer.cancel()
        self.timers.clear()

    def after_failure(self, thread: str, interval: float) -> float | None:
        """The next poll after a run that did not end: none for a hung thread, the
        program timeout for one whose program is waited on (Exchange 5.0), else
        ``interval``."""
        if thread in self.blocked:
            return None
        return PROGRAM_TIMEOUT if thread in self.waiting else interval

    def arm(self, thread: str, delay: float, action: Action, *, at: float | None = None) -> None:
        """Run ``action`` on ``thread`` after ``delay`` (or at the instant ``at``); it returns
        the next delay or None. A quiet stretch of polls may be skipped
        (``sim.connector.quiet``)."""
        service = self.service

        def tick() -> None:
            if not service.running or thread in self.blocked:
                return
            if thread in self.waiting:
                service.timed_out(thread)
            mark = service.quiet.mark()
            try:
                nxt = action()
            except (WorkerError, OSError):
                self._died(thread, action)
                return
            if nxt is not None and service.running:
                self.arm(thread, nxt, action)
                service.quiet.after(thread, mark, nxt)

        clock = service.world.clock
        self.timers[thread] = clock.call_at(clock.now + delay if at is None else at, tick)

    def _died(self, thread: str, action: Action) -> None:
        """Event 86 and a restart; past 25 restarts event 85 and shutdown (Q176375, Q294947)."""
        if self.restarts >= MAX_RESTARTS:
            self.service.log(85)
            self.service.stop()
            return
        self.restarts += 1
        self.service.log(86, str(self.restarts), thread)
        self.arm(thread, RESTART_DELAY, action)
