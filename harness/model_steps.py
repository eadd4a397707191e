"""List items of scenario files: steps, and the faults and fixes they name.

Part of the scenario format (``harness.model`` re-exports everything here; import
from there). Built on the value types of ``harness.model_types``. Source:
ccmail-reference.md §2.2 (command-line switches), §2.5 (result codes,
``sim.programs.results``).

Modelled, not documented: result codes of ANALYZE/CHKSTAT/RECLAIM (§3 [U]).
"""

from __future__ import annotations

import difflib
import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Discriminator,
    Field,
    InstanceOf,
    Tag,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from harness.model_types import KEBAB, Duration, KebabId, Name, ScenarioModel, Text, field

__all__ = [
    "STEPS",
    "STEP_KINDS",
    "AdvanceStep",
    "DirsyncStep",
    "FaultItem",
    "FaultUse",
    "FixItem",
    "FixUse",
    "RestartStep",
    "RunSpec",
    "RunStep",
    "SendSpec",
    "SendStep",
    "StartStep",
    "Step",
    "StopStep",
    "result_codes",
]

#: program name -> the result-code enum it returns (§2.5; modelled for ANALYZE/CHKSTAT/RECLAIM)
_PROGRAM_RESULTS = {
    "EXPORT": "ExportResult",
    "EXPORT32": "ExportResult",
    "IMPORT": "ImportResult",
    "IMPORT32": "ImportResult",
    "ANALYZE": "AdminResult",
    "CHKSTAT": "AdminResult",
    "RECLAIM": "AdminResult",
}


def result_codes(program: str) -> tuple[int, ...]:
    """The documented result codes of ``program`` (``sim.programs.results``, §2.5)."""
    from sim.programs import results

    enum = getattr(results, _PROGRAM_RESULTS[program.upper().removesuffix(".EXE")])
    return tuple(int(member) for member in enum)


def _program(value: str) -> str:
    name = value.upper().removesuffix(".EXE")
    if name not in _PROGRAM_RESULTS:
        close = difflib.get_close_matches(name, list(_PROGRAM_RESULTS), n=1)
        hint = f"did you mean {close[0]!r}?" if close else "one of " + ", ".join(_PROGRAM_RESULTS)
        raise ValueError(f"unknown program {value!r} ({hint})")
    return name + ".EXE"


def _command_line(value: str) -> str:
    """Switch values (``/D``, ``/@``) must stay inside the world, as other paths must.

    The values are read as the programs read them (``sim.winpath.check``): a tab or
    no-break space inside quotes does not hide a host path.
    """
    from sim.errors import PathError
    from sim.programs.cmdline import split_command_line
    from sim.winpath import check

    for arg in split_command_line(value):
        if ".." in re.split(r"[\\/]+", arg):
            raise ValueError(f"argument '{arg}' uses '..': paths may not leave the world")
        if arg[:2].upper() in ("/D", "/@") and len(arg) > 2:
            try:
                check(arg[2:])
            except PathError as exc:
                raise ValueError(f"argument {arg!r}: {exc}") from None
    return value


Service = Literal["connector"]


class StartStep(ScenarioModel):
    """Start the MSExchangeCCMC service."""

    start: Service = field("The service to start.")


class StopStep(ScenarioModel):
    """Stop the MSExchangeCCMC service."""

    stop: Service = field("The service to stop.")


class RestartStep(ScenarioModel):
    """Stop and start the MSExchangeCCMC service."""

    restart: Service = field("The service to restart.")


class AdvanceStep(ScenarioModel):
    """Let virtual time pass (the connector polls meanwhile)."""

    advance: Duration = field("How long, e.g. 10m.")


class DirsyncStep(ScenarioModel):
    """Run a directory synchronization cycle now (§4.6)."""

    dirsync: Literal["now"] = field("Always 'now'.")


class SendSpec(ScenarioModel):
    """Messages sent at once."""

    direction: Literal["to-exchange", "to-ccmail"] = field("Which way the mail goes.")
    count: int = field("How many messages.", 1, ge=1, le=10000)
    recipients: int = field("Recipients per message (header size: §8 cause 14).", 1, ge=1, le=10000)


class SendStep(ScenarioModel):
    """Send messages now."""

    send: SendSpec = field("What to send.")


class RunSpec(ScenarioModel):
    """A cc:Mail program run by hand, as support does (§2.2)."""

    program: Annotated[str, AfterValidator(_program)] = field("EXPORT, IMPORT, ANALYZE, CHKSTAT...")
    args: Annotated[Text, Field(max_length=1000), AfterValidator(_command_line)] = field(
        "The command line, e.g. '/NEX1 /PSECRET /D\\\\POSRV\\CCDATA /MSG#'.", ""
    )
    account: Name = field(
        "'service-account', 'console' or an account name.", "service-account", alias="as"
    )


class RunStep(ScenarioModel):
    """Run a cc:Mail program; its result code can be checked under expect.results."""

    run: RunSpec = field("The program run.")


STEPS: dict[str, type[ScenarioModel]] = {
    "start": StartStep,
    "stop": StopStep,
    "restart": RestartStep,
    "advance": AdvanceStep,
    "dirsync": DirsyncStep,
    "send": SendStep,
    "run": RunStep,
}
#: the keys that make a list item a step
STEP_KINDS = tuple(STEPS)


def _single_key(value: object) -> str | None:
    return next(iter(value)) if isinstance(value, dict) and len(value) == 1 else None


def _step_tag(value: object) -> str | None:
    """The step kind: the single key of the YAML mapping, or of the model (when dumping)."""
    if isinstance(value, BaseModel):
        return next(iter(type(value).model_fields))
    return _single_key(value)


def _check_step(value: object) -> object:
    kind = _single_key(value)
    if kind is None:
        raise PydanticCustomError(
            "step_shape", "a step is one 'kind: value' pair, e.g. 'advance: 10m'"
        )
    if kind not in STEPS:
        close = difflib.get_close_matches(str(kind), STEP_KINDS, n=1)
        hint = f"did you mean {close[0]!r}?" if close else "one of " + ", ".join(STEP_KINDS)
        text = f"unknown step {kind!r} ({hint})"
        raise PydanticCustomError("step_kind", "{text}", {"text": text})
    return value


Step = Annotated[
    Annotated[StartStep, Tag("start")]
    | Annotated[StopStep, Tag("stop")]
    | Annotated[RestartStep, Tag("restart")]
    | Annotated[AdvanceStep, Tag("advance")]
    | Annotated[DirsyncStep, Tag("dirsync")]
    | Annotated[SendStep, Tag("send")]
    | Annotated[RunStep, Tag("run")],
    Discriminator(_step_tag),
    BeforeValidator(_check_step),
]

_USE_SCHEMA = {
    "anyOf": [
        {"type": "string", "pattern": KEBAB},
        {"type": "object", "minProperties": 1, "maxProperties": 1},
    ],
    "description": "A registered name, or {name: {parameter: value}}.",
}


class _Use(ScenarioModel):
    """A registered fault or fix, with its validated parameters."""

    name: KebabId = field("The registered name.")
    params: InstanceOf[BaseModel] | None = field("Parameters, validated by the registry.", None)

    @model_validator(mode="before")
    @classmethod
    def _shape(cls, value: object) -> object:
        """``name`` or ``{name: params}`` (the YAML forms) -> fields."""
        if isinstance(value, str):
            return {"name": value}
        if isinstance(value, dict) and len(value) == 1 and "name" not in value:
            ((name, params),) = value.items()
            if params is not None and not isinstance(params, BaseModel):
                raise ValueError("parameters must be checked by the loader (harness.loader)")
            return {"name": name, "params": params}
        return value


class FaultUse(_Use):
    """A fault from the fault registry (``ccsim list faults``)."""


class FixUse(_Use):
    """A fix from the fix registry (``ccsim list fixes``)."""


def _fix_item_kind(value: object) -> str:
    if isinstance(
        value, StartStep | StopStep | RestartStep | AdvanceStep | DirsyncStep | SendStep | RunStep
    ):
        return "step"
    return "step" if _single_key(value) in STEPS else "fix"


FixItem = Annotated[
    Annotated[Annotated[FixUse, WithJsonSchema(_USE_SCHEMA)], Tag("fix")]
    | Annotated[Step, Tag("step")],
    Discriminator(_fix_item_kind),
]


FaultItem = Annotated[FaultUse, WithJsonSchema(_USE_SCHEMA)]
