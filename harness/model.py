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

from pydantic import (
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from harness.model_checks import (
    MAX_STEPS,
    MAX_TO_EXCHANGE,
    MAX_TOTAL_COPIES,
    MAX_TOTAL_MESSAGES,
    MAX_TOTAL_SECONDS,
    Parts,
    Result,
    problems,
)
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

    @field_validator("max")
    @classmethod
    def _range(cls, value: int | None, info: ValidationInfo) -> int | None:
        """Checked on ``max`` so that a bad ``id`` does not hide it (one pass, every error)."""
        low = info.data.get("min")
        if low is not None and value is not None and low > value:
            raise ValueError(f"min {low} is more than max {value}")
        return value


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
        found = problems(
            Parts(
                cause=self.cause,
                written={key: len(getattr(self, key)) for key in ("faults", "diagnose", "fix")},
                diagnose=self.diagnose,
                steps=self.steps,
                fix=self.fix,
                results=[Result(i, r.step, r.code) for i, r in enumerate(self.expect.results)],
                verify_seconds=self.verify.duration,
                traffic=[
                    (way, flow.count)
                    for way, flow in (
                        ("to_exchange", self.world.traffic.to_exchange),
                        ("to_ccmail", self.world.traffic.to_ccmail),
                    )
                    if flow is not None
                ],
            )
        )
        if found:
            details = [
                InitErrorDetails(type=PydanticCustomError("scenario", msg), loc=loc, input=None)
                for loc, msg in found
            ]
            raise ValidationError.from_exception_data("Scenario", details)
        return self
