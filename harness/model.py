"""The scenario file format as pydantic v2 models (documented in docs/scenarios.md).

Source: STYLE.md §10 (validate once, at load; ``extra="forbid"``, frozen; no raw
dicts past the loader); ccmail-reference.md §4.3 (PO name ≤256 and password ≤10
characters, Dirsync Schedule, Diagnostics Logging, Address Space), §4.5 (15 s
polling, 16/5 messages), §4.7 (Locale Date Format 0-3), §2.1 (program
versions), §6 (NetWare access), §8 (cause ids, ``harness.causes``). Value types
are in ``harness.model_types``, steps, faults and fixes in ``harness.model_steps``,
the world in ``harness.model_world``; all are re-exported here.

Modelled, not documented: every default of the world (names such as ``PO1``,
``POSRV``, ``EXSRV1``; 20 users; NT4 SP4), which only makes a working baseline.

Fault and fix parameters are checked against ``harness.registry`` by the loader,
which hands these models validated parameter objects (``FaultUse.params``).
``Scenario.model_validate`` refuses raw parameter dicts: load files with
``harness.loader``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from harness.causes import HEALTHY
from harness.model_steps import (
    STEP_KINDS,
    STEPS,
    AdvanceStep,
    DirsyncStep,
    FaultItem,
    FaultUse,
    FixItem,
    FixUse,
    RestartStep,
    RunSpec,
    RunStep,
    SendSpec,
    SendStep,
    StartStep,
    Step,
    StopStep,
    result_codes,
)
from harness.model_types import (
    ARTICLE,
    CauseId,
    Count,
    Duration,
    EventId,
    KebabId,
    ScenarioModel,
    Text,
    WinPath,
    field,
    format_duration,
    parse_duration,
)
from harness.model_world import (
    ConnectorSpec,
    ExchangeSpec,
    Flow,
    LoggingSpec,
    NetwareHost,
    NtHost,
    PostofficeSpec,
    ProgramsSpec,
    Traffic,
    WorldSpec,
)

__all__ = [
    "MAX_STEPS",
    "MAX_TOTAL_COPIES",
    "MAX_TOTAL_MESSAGES",
    "MAX_TOTAL_SECONDS",
    "MAX_TO_EXCHANGE",
    "STEPS",
    "STEP_KINDS",
    "AdvanceStep",
    "Bound",
    "ConnectorSpec",
    "DirsyncStep",
    "EventExpect",
    "ExchangeSpec",
    "Expect",
    "FaultUse",
    "FileExpect",
    "FixUse",
    "Flow",
    "LoggingSpec",
    "NetwareHost",
    "NtHost",
    "PostofficeSpec",
    "ProgramsSpec",
    "Queues",
    "RestartStep",
    "ResultExpect",
    "RunSpec",
    "RunStep",
    "Scenario",
    "SendSpec",
    "SendStep",
    "StartStep",
    "Step",
    "StopStep",
    "Traffic",
    "Verify",
    "WorldSpec",
    "parse_duration",
    "result_codes",
]


# -- expectations ------------------------------------------------------------------------------


class EventExpect(ScenarioModel):
    """How often an event must appear in the Application log (default: at least once)."""

    id: EventId = field("Event ID from the catalogue (§4.8).")
    min: Count | None = field("At least this many.", None)
    max: Count | None = field("At most this many (0: never).", None)

    @model_validator(mode="after")
    def _range(self) -> EventExpect:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is more than max {self.max}")
        return self


class ResultExpect(ScenarioModel):
    """The result code a ``run`` step must return (§2.5)."""

    step: int = field("The step's number in steps, counting from 1.", ge=1, le=10000)
    code: int = field("The program's documented result code.", ge=0, le=255)


class Bound(ScenarioModel):
    """How many messages a queue may hold at the end of the steps."""

    min: Count | None = field("At least this many.", None)
    max: Count | None = field("At most this many.", None)


class Queues(ScenarioModel):
    """Queue sizes after the steps (§4.4, §4.5); every queue optional."""

    to_exchange: Bound | None = field("Queued in the PO for the Exchange site's P entry.", None)
    mts_in: Bound | None = field("Exchange MTS-IN (§4.1).", None)
    mts_out: Bound | None = field("Exchange MTS-OUT (§4.1).", None)
    submit: Bound | None = field("Ccmcdata\\Submit (§4.4).", None)
    import_: Bound | None = field("Ccmcdata\\Import (§4.4).", None, alias="import")
    export: Bound | None = field("Ccmcdata\\Export (§4.4).", None)
    bad: Bound | None = field("Ccmcdata\\Bad (§4.4).", None)


class FileExpect(ScenarioModel):
    """A file that must (or must not) exist after the steps."""

    path: WinPath = field("Drive or UNC path, e.g. \\\\POSRV\\CCDATA\\CCPODOWN.")
    exists: bool = field("Must it exist?", True)


class Expect(ScenarioModel):
    """What support must be able to see once the steps have run (the fault's symptoms)."""

    events: list[EventExpect] = field("Event log expectations.", [])
    results: list[ResultExpect] = field("Result codes of run steps.", [])
    queues: Queues = field("Queue sizes.", Queues())
    files: list[FileExpect] = field("Files present or absent.", [])


class Verify(ScenarioModel):
    """After the fix: run this long and check that the error is gone and mail flows."""

    duration: Duration = field("How long to run after the fix.", "1h", alias="for")
    no_events: list[EventId] = field("Events that must not appear after the fix.", [])
    mail: Literal["both-ways", "to-exchange", "to-ccmail", "none"] = field(
        "Which directions must deliver every message.", "both-ways"
    )


# -- the scenario ------------------------------------------------------------------------------

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


class Scenario(ScenarioModel):
    """One scenario file: a world, the faults that break it, the diagnosis and the fix."""

    id: KebabId = field("Stable kebab-case id, e.g. wrong-po-password.")
    title: Text = field("One line for trainers.", min_length=1, max_length=200)
    articles: list[Annotated[str, Field(pattern=ARTICLE)]] = field("KB articles, e.g. Q166045.", [])
    cause: CauseId = field("The §8 cause id, or 'healthy' for the baseline.")
    tags: list[KebabId] = field("Free kebab-case tags for selecting scenarios.", [])
    seed: int | None = field(
        "Seed of the world (the CLI --seed overrides).", None, ge=0, le=2**32 - 1
    )
    summary: Text | None = field("Prose shown to trainers.", None, max_length=10000)
    world: WorldSpec = field("The world before any fault.", WorldSpec())
    faults: list[FaultItem] = field("Named faults (ccsim list faults), applied in order.", [])
    steps: list[Step] = field("What happens after the faults, in order.", [])
    expect: Expect = field("Symptoms that must be visible after the steps.", Expect())
    diagnose: list[CauseId] = field("Cause ids the diagnosis must name, best first.", [])
    fix: list[FixItem] = field("Named fixes (ccsim list fixes) or steps, in order.", [])
    verify: Verify = field("How the fix is verified.", Verify())

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        problems = self._phase_problems() + self._result_problems() + self._budget_problems()
        if problems:
            details = [
                InitErrorDetails(type=PydanticCustomError("scenario", msg), loc=loc, input=None)
                for loc, msg in problems
            ]
            raise ValidationError.from_exception_data("Scenario", details)
        return self

    def _phase_problems(self) -> list[tuple[tuple[str | int, ...], str]]:
        """A fault scenario names faults, diagnosis and fix; the baseline names none."""
        problems: list[tuple[tuple[str | int, ...], str]] = []
        phases = {"faults": self.faults, "diagnose": self.diagnose, "fix": self.fix}
        for phase, items in phases.items():
            if self.cause == HEALTHY.id and items:
                problems.append(((phase,), f"a 'healthy' scenario has no {phase}: remove it"))
            elif self.cause != HEALTHY.id and not items:
                msg = f"missing {phase!r}: a scenario for cause {self.cause!r} needs {phase}"
                problems.append((("cause",), msg))
        if self.cause != HEALTHY.id and self.diagnose and self.cause not in self.diagnose:
            problems.append((("diagnose",), f"diagnose does not name the cause {self.cause!r}"))
        for i, cause in enumerate(self.diagnose):
            if cause in self.diagnose[:i]:
                problems.append((("diagnose", i), f"cause {cause!r} is named twice"))
        return problems

    def _budget_problems(self) -> list[tuple[tuple[str | int, ...], str]]:
        """The scenario's total budget (``docs/scenarios.md``): each step is capped, and so
        is the sum over ``steps``, the steps in ``fix`` and ``verify.for``; the first
        place that passes a budget is named."""
        problems: list[tuple[tuple[str | int, ...], str]] = []
        seconds = messages = copies = to_exchange = 0
        over: set[str] = set()
        placed: list[tuple[tuple[str | int, ...], object]] = [
            *((("steps", i), step) for i, step in enumerate(self.steps)),
            *(
                (("fix", i), item)
                for i, item in enumerate(self.fix)
                if not isinstance(item, FixUse)
            ),
        ]
        if len(placed) > MAX_STEPS:
            loc = placed[MAX_STEPS][0]
            problems.append((loc, f"more than {MAX_STEPS} steps (steps and fix steps together)"))
        for loc, step in placed:
            if isinstance(step, AdvanceStep):
                seconds += step.advance
                if seconds > MAX_TOTAL_SECONDS and "time" not in over:
                    over.add("time")
                    problems.append(((*loc, "advance"), _over_time(seconds)))
            elif isinstance(step, SendStep):
                messages += step.send.count
                if step.send.direction == "to-exchange":
                    to_exchange += step.send.count
                    if to_exchange > MAX_TO_EXCHANGE and "to-exchange" not in over:
                        over.add("to-exchange")
                        problems.append(((*loc, "send", "count"), _over_exchange(to_exchange)))
                copies += step.send.count * step.send.recipients
                if messages > MAX_TOTAL_MESSAGES and "messages" not in over:
                    over.add("messages")
                    msg = f"{messages} messages sent so far: at most {MAX_TOTAL_MESSAGES} in all"
                    problems.append(((*loc, "send", "count"), msg))
                if copies > MAX_TOTAL_COPIES and "copies" not in over:
                    over.add("copies")
                    msg = (
                        f"{copies} recipients so far (count x recipients): at most "
                        f"{MAX_TOTAL_COPIES} in all"
                    )
                    problems.append(((*loc, "send", "recipients"), msg))
        seconds += self.verify.duration
        if seconds > MAX_TOTAL_SECONDS and "time" not in over:
            problems.append((("verify", "for"), _over_time(seconds)))
        return problems

    def _result_problems(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Each expected result code belongs to a run step and is documented (§2.5)."""
        problems: list[tuple[tuple[str | int, ...], str]] = []
        for i, result in enumerate(self.expect.results):
            loc: tuple[str | int, ...] = ("expect", "results", i, "step")
            if result.step > len(self.steps):
                problems.append(
                    (loc, f"step {result.step} does not exist ({len(self.steps)} steps)")
                )
                continue
            step = self.steps[result.step - 1]
            if not isinstance(step, RunStep):
                problems.append((loc, f"step {result.step} is not a 'run' step"))
                continue
            codes = result_codes(step.run.program)
            if result.code not in codes:
                known = ", ".join(map(str, codes))
                program = step.run.program
                msg = f"{program} has no documented result code {result.code} ({known}; §2.5)"
                problems.append((("expect", "results", i, "code"), msg))
        return problems
