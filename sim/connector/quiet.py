"""Skipping quiet stretches of the transfer polls: the clock jumps from event to event.

The connector polls EXPORT and the outbound folders every 15 virtual seconds. When
nothing happens, each poll finds what the last one found: the EXPORT run is
answered from the last identical one (``sim.programs.replay``), the outbound poll
finds nothing to convert, move or IMPORT. Such a poll is **quiet**. Its effect is
known without running it: the ``msgXXXX.ccm`` counter moves on, the export-run
counter grows by one, and the run's result event (67 at Maximum logging, 70 for a
wrong password, ...) is logged again, for the new file name, at the new time.

A stretch is skipped when an unbroken series of actions of the clock were quiet
polls of both threads (so nothing else ran in between, and no caller changed the
world between two ``run_until`` calls: :attr:`sim.clock.Clock.steps`). Nothing
but these two threads can then change what they read until the next other action
of the clock: a message arriving, a dirsync cycle, a fault or a fix a scenario
schedules, the end of the ``run_until`` in progress (:meth:`sim.clock.Clock.horizon`).
Up to that instant the two threads' polls are laid out in the order the clock
would run them (time, then scheduling order); for each EXPORT poll the clock
stands at its instant and its effect is applied (:meth:`ConnectorService.outcome`
logs the event as after any run); then both threads are scheduled again where
they would stand. The event log, the counters and the store's name counter come
out as if every poll had run: ``tests/harness/test_fast_equivalence.py`` and the
connector tests compare both ways byte for byte.

A poll is judged quiet from what it did, not from what it meant to do: no file
written (the write generation of ``sim.programs.replay``), the counters as before
(the export-run counter one up), for EXPORT a run that was replayed and nothing
executed, for the outbound poll no program run and no event logged, and the
Exchange queues as long as before.

A person who edits a real post office by hand between two actions of the clock is
seen by the next poll that runs, as before; during a skipped stretch no poll
runs, the way a fast machine would have finished the stretch before the edit.
Under ``CCSIM_EXACT=1`` nothing is skipped (every poll runs); under pyfakefs no
run is replayed, so no poll is quiet.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from sim.connector.constants import EXPORT_THREAD, IMPORT_THREAD
from sim.connector.store import Folder
from sim.programs import replay

if TYPE_CHECKING:
    from sim.connector.service import ConnectorService, Counters
    from sim.programs.runner import ProgramRun

__all__ = ["Mark", "QuietPolls"]


@dataclass(frozen=True, slots=True)
class Mark:
    """What a poll is judged against: the state before it ran."""

    generation: int
    replayed: int
    executed: int
    events: int
    counters: Counters
    queues: tuple[int, int]


class QuietPolls:
    """The quiet-poll bookkeeping of one connector service."""

    def __init__(self, service: ConnectorService) -> None:
        self.service = service
        #: the clock's step of the last quiet poll judged
        self._step = -1
        #: thread -> its delay, for the threads in the current unbroken series of quiet polls
        self._streak: dict[str, float] = {}
        #: the EXPORT run of the last quiet export poll
        self._run: ProgramRun | None = None

    def _queues(self) -> tuple[int, int]:
        exchange = self.service.exchange
        return len(exchange.mts_in), len(exchange.mts_out)

    def mark(self) -> Mark | None:
        """The state before a poll (None when nothing is skipped: ``CCSIM_EXACT=1``)."""
        if replay.exact_mode():
            return None
        svc = self.service
        counts = replay.stats(svc.world)
        return Mark(
            replay.generation(),
            counts.replayed,
            counts.executed,
            len(svc.eventlog),
            replace(svc.counters),
            self._queues(),
        )

    def _quiet(self, thread: str, mark: Mark) -> bool:
        svc = self.service
        counts = replay.stats(svc.world)
        same = (
            replay.generation() == mark.generation
            and counts.executed == mark.executed
            and self._queues() == mark.queues
        )
        if not same:
            return False
        if thread == EXPORT_THREAD:
            run = svc.last_run
            expected = replace(mark.counters, export_runs=mark.counters.export_runs + 1)
            if counts.replayed != mark.replayed + 1 or run is None or svc.counters != expected:
                return False
            self._run = run
            return True
        return (
            thread == IMPORT_THREAD
            and counts.replayed == mark.replayed
            and svc.counters == mark.counters
            and len(svc.eventlog) == mark.events
        )

    def after(self, thread: str, mark: Mark | None, delay: float) -> None:
        """Judge the poll ``thread`` just ran; skip the stretch ahead if it is quiet."""
        clock = self.service.world.clock
        step = clock.steps
        quiet = mark is not None and delay > 0 and self._quiet(thread, mark)
        if not quiet or step != self._step + 1:
            self._streak = {}
        if quiet:
            self._streak[thread] = delay
        self._step = step
        if EXPORT_THREAD in self._streak and IMPORT_THREAD in self._streak:
            self._skip()

    def _skip(self) -> None:
        """Apply the polls both threads would run before anything else, then re-arm them."""
        svc = self.service
        clock = svc.world.clock
        run = self._run
        timers = [svc.threads.timers.get(EXPORT_THREAD), svc.threads.timers.get(IMPORT_THREAD)]
        if run is None or any(t is None or t.cancelled for t in timers):
            return
        export, outbound = (t for t in timers if t is not None)
        horizon = clock.horizon((export, outbound))
        if horizon is None:
            return
        limit, included = horizon
        polls = [
            _Poll(export.when, export.seq, EXPORT_THREAD, self._streak[EXPORT_THREAD]),
            _Poll(outbound.when, outbound.seq, IMPORT_THREAD, self._streak[IMPORT_THREAD]),
        ]
        order = max(export.seq, outbound.seq)
        names = svc.store.names(Folder.EXPORT)
        skipped = 0
        while True:
            poll = min(polls, key=_Poll.key)
            when = poll.when
            if when > limit or (when == limit and not included):
                break
            if poll.thread == EXPORT_THREAD:
                clock.stand_at(when)
                label = svc.store.next_name(names)
                svc.counters.export_runs += 1
                svc.outcome("EXPORT", label, run)
            skipped += 1
            order += 1
            poll.when, poll.order = when + poll.delay, order
        if not skipped:
            return
        replay.note_skipped(svc.world, skipped)
        export.cancel()
        outbound.cancel()
        actions = {EXPORT_THREAD: svc.flow.export_once, IMPORT_THREAD: svc.flow.import_once}
        for poll in sorted(polls, key=lambda p: p.order):
            svc.threads.arm(poll.thread, 0.0, actions[poll.thread], at=poll.when)


@dataclass(slots=True)
class _Poll:
    """A thread's next poll while a stretch is laid out."""

    when: float
    #: the scheduling order (at the same instant the lower runs first)
    order: int
    thread: str
    delay: float

    def key(self) -> tuple[float, int]:
        return self.when, self.order
