"""The checks of a scenario that span several of its parts: phases, result codes, budget.

Part of the scenario format (``harness.model``). Source: ccmail-reference.md §2.5
(documented result codes), §8 (a fault scenario names faults, diagnosis and fix);
docs/scenarios.md (the budget of one scenario).

The checks read a ``Parts`` view, not the ``Scenario`` itself, so that the loader
can run them on a file whose other parts have errors: ``ccsim validate`` then
reports every error in one pass, and fixing them surfaces no new one. A part that
did not validate is ``Broken`` (its step kind kept when the file names one), and a
check that depends on a broken part is skipped rather than guessed; a check whose
inputs are known runs, whatever else in the file is wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from harness.causes import HEALTHY
from harness.model_steps import STEPS, AdvanceStep, FixUse, RunStep, SendStep, result_codes
from harness.model_types import format_duration

__all__ = [
    "MAX_STEPS",
    "MAX_TOTAL_COPIES",
    "MAX_TOTAL_MESSAGES",
    "MAX_TOTAL_SECONDS",
    "MAX_TO_EXCHANGE",
    "Broken",
    "Parts",
    "Problem",
    "Result",
    "problems",
]

#: the budget of one scenario, summed over its steps, the steps in its fix and
#: ``verify.for`` (each step alone is capped too: 30d, 10,000 messages). A virtual day
#: costs about 7 CPU seconds, so the time budget is at most a few CPU minutes.
MAX_TOTAL_SECONDS = 31 * 86400
MAX_TOTAL_MESSAGES = 10_000
#: of which to Exchange: EXPORT frees a record of MLANDATA for each message it takes, and
#: more than about 4,000 of them in a post office that holds little else pass the modelled
#: fragmentation limit (sim.postoffice.filecheck: over 1 MiB and 75% free), so that even a
#: healthy world's EXPORT refuses with 3 (Event 70) until RECLAIM runs; the nightly RECLAIM
#: real sites ran is not modelled
MAX_TO_EXCHANGE = 3_000
#: messages times their recipients: what the post office and the store hold
MAX_TOTAL_COPIES = 100_000
MAX_STEPS = 1000

Loc = tuple[str | int, ...]
#: where (a pydantic-style ``loc``) and what
Problem = tuple[Loc, str]


@dataclass(frozen=True, slots=True)
class Broken:
    """A list item that did not validate; ``kind`` is its step kind if it names one."""

    kind: str | None = None

    @property
    def is_step(self) -> bool:
        return self.kind in STEPS


@dataclass(frozen=True, slots=True)
class Result:
    """One ``expect.results`` item: what of it validated (None: that field did not)."""

    index: int
    step: int | None
    code: int | None


@dataclass(frozen=True, slots=True)
class Parts:
    """What the cross-part checks read; None wherever the file's value did not validate."""

    cause: str | None
    #: how many items the file writes under faults, diagnose and fix (None: not a list)
    written: dict[str, int | None]
    diagnose: Sequence[str | None]
    steps: Sequence[object] | None
    fix: Sequence[object]
    results: Sequence[Result]
    #: ``verify.for`` in seconds
    verify_seconds: int | None
    #: the background ``world.traffic`` that validated: (``to_exchange``/``to_ccmail``, count)
    traffic: Sequence[tuple[str, int]] = ()


def problems(parts: Parts) -> list[Problem]:
    """Every cross-part problem the known parts show, in check order."""
    return _phase(parts) + _results(parts) + _budget(parts)


def _phase(parts: Parts) -> list[Problem]:
    """A fault scenario names faults, diagnosis and fix; the baseline names none."""
    found: list[Problem] = []
    cause = parts.cause
    if cause is not None:
        for phase, count in parts.written.items():
            if count is None:
                continue
            if cause == HEALTHY.id and count:
                found.append(((phase,), f"a 'healthy' scenario has no {phase}: remove it"))
            elif cause != HEALTHY.id and not count:
                msg = f"missing {phase!r}: a scenario for cause {cause!r} needs {phase}"
                found.append((("cause",), msg))
        named = parts.diagnose
        if cause != HEALTHY.id and named and None not in named and cause not in named:
            found.append((("diagnose",), f"diagnose does not name the cause {cause!r}"))
    for i, named_cause in enumerate(parts.diagnose):
        if named_cause is not None and named_cause in parts.diagnose[:i]:
            found.append((("diagnose", i), f"cause {named_cause!r} is named twice"))
    return found


def _results(parts: Parts) -> list[Problem]:
    """Each expected result code belongs to a run step and is documented (§2.5)."""
    found: list[Problem] = []
    steps = parts.steps
    if steps is None:
        return found
    for result in parts.results:
        loc: Loc = ("expect", "results", result.index, "step")
        if result.step is None:
            continue
        if result.step > len(steps):
            found.append((loc, f"step {result.step} does not exist ({len(steps)} steps)"))
            continue
        step = steps[result.step - 1]
        kind = step.kind if isinstance(step, Broken) else _kind(step)
        if kind is not None and kind != "run":
            found.append((loc, f"step {result.step} is not a 'run' step"))
            continue
        if not isinstance(step, RunStep) or result.code is None:
            continue
        codes = result_codes(step.run.program)
        if result.code not in codes:
            known = ", ".join(map(str, codes))
            program = step.run.program
            msg = f"{program} has no documented result code {result.code} ({known}; §2.5)"
            found.append((("expect", "results", result.index, "code"), msg))
    return found


def _kind(step: object) -> str | None:
    """The kind of a validated step: its one field (``run``, ``advance`` ...)."""
    fields = getattr(type(step), "model_fields", {})
    return next(iter(fields), None)


def _over_exchange(count: int) -> str:
    return (
        f"{count} messages to Exchange so far: at most {MAX_TO_EXCHANGE} in all (more leave "
        "MLANDATA fragmented before any RECLAIM; see docs/scenarios.md)"
    )


def _over_time(seconds: int) -> str:
    return (
        f"{format_duration(seconds)} of virtual time so far: at most "
        f"{format_duration(MAX_TOTAL_SECONDS)} in all (steps, fix steps and verify.for)"
    )


def _is_step(item: object) -> bool:
    return item.is_step if isinstance(item, Broken) else not isinstance(item, FixUse)


def _budget(parts: Parts) -> list[Problem]:
    """The scenario's total budget (``docs/scenarios.md``): each step is capped, and so
    is the sum over the background ``world.traffic`` (all of it is sent during the run,
    so it counts first), ``steps``, the steps in ``fix`` and ``verify.for``; the first
    place that passes a budget is named. Broken steps count as steps and add nothing."""
    found: list[Problem] = []
    totals = {"messages": 0, "copies": 0, "to-exchange": 0}
    over: set[str] = set()

    def mail(loc: Loc, count: int, recipients: int, *, to_exchange: bool) -> None:
        totals["messages"] += count
        totals["copies"] += count * recipients
        totals["to-exchange"] += count if to_exchange else 0
        if totals["to-exchange"] > MAX_TO_EXCHANGE and "to-exchange" not in over:
            over.add("to-exchange")
            found.append(((*loc, "count"), _over_exchange(totals["to-exchange"])))
        if totals["messages"] > MAX_TOTAL_MESSAGES and "messages" not in over:
            over.add("messages")
            msg = f"{totals['messages']} messages sent so far: at most {MAX_TOTAL_MESSAGES} in all"
            found.append(((*loc, "count"), msg))
        if totals["copies"] > MAX_TOTAL_COPIES and "copies" not in over:
            over.add("copies")
            msg = (
                f"{totals['copies']} recipients so far (count x recipients): at most "
                f"{MAX_TOTAL_COPIES} in all"
            )
            found.append(((*loc, "recipients"), msg))

    for way, count in parts.traffic:
        mail(("world", "traffic", way), count, 1, to_exchange=way == "to_exchange")
    seconds = 0
    placed: list[tuple[Loc, object]] = [
        *((("steps", i), step) for i, step in enumerate(parts.steps or ())),
        *((("fix", i), item) for i, item in enumerate(parts.fix) if _is_step(item)),
    ]
    if len(placed) > MAX_STEPS:
        loc = placed[MAX_STEPS][0]
        found.append((loc, f"more than {MAX_STEPS} steps (steps and fix steps together)"))
    for loc, step in placed:
        if isinstance(step, AdvanceStep):
            seconds += step.advance
            if seconds > MAX_TOTAL_SECONDS and "time" not in over:
                over.add("time")
                found.append(((*loc, "advance"), _over_time(seconds)))
        elif isinstance(step, SendStep):
            send = step.send
            mail(
                (*loc, "send"),
                send.count,
                send.recipients,
                to_exchange=send.direction == "to-exchange",
            )
    if parts.verify_seconds is not None:
        seconds += parts.verify_seconds
        if seconds > MAX_TOTAL_SECONDS and "time" not in over:
            found.append((("verify", "for"), _over_time(seconds)))
    return found
