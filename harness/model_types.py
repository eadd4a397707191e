"""Value types and list items of scenario files: durations, paths, ids, steps, faults, fixes.

Part of the scenario format (``harness.model`` re-exports everything here; import
from there). Source: ccmail-reference.md §4.4 (``msgXXXX.ccm``: 16-bit hex
counter), §4.8 (event IDs, ``sim.connector.events``), §2.2 (command-line
switches), §2.5 (result codes, ``sim.programs.results``), §8 (cause ids).

Paths in a scenario are Windows paths of the simulated machines: a drive path
(``C:\\EXCHSRVR``) or a UNC path (``\\\\POSRV\\CCDATA``). ``..`` components, host
paths (``/etc/passwd``) and relative paths are refused, so a scenario cannot
name a file outside the world root (``sim.winpath`` places host-absolute paths
as they are).

Modelled, not documented: the 30-day cap on durations and 10,000 on counts, which
only keep a scenario finite; result codes of ANALYZE/CHKSTAT/RECLAIM (§3 [U]).
"""

from __future__ import annotations

import difflib
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    GetJsonSchemaHandler,
    InstanceOf,
    PlainSerializer,
    Tag,
    WithJsonSchema,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError

from harness.causes import SCENARIO_CAUSES, cause_hint

__all__ = [
    "ARTICLE",
    "AS_TEXT",
    "KEBAB",
    "MAX_DURATION",
    "STEPS",
    "STEP_KINDS",
    "AdvanceStep",
    "CauseId",
    "Count",
    "DirsyncStep",
    "Duration",
    "EventId",
    "FaultItem",
    "FaultUse",
    "FixItem",
    "FixUse",
    "HexCounter",
    "KebabId",
    "Level",
    "Name",
    "RestartStep",
    "RunSpec",
    "RunStep",
    "ScenarioModel",
    "SendSpec",
    "SendStep",
    "StartStep",
    "Step",
    "StopStep",
    "Text",
    "WinPath",
    "field",
    "format_duration",
    "parse_duration",
    "result_codes",
]


class ScenarioModel(BaseModel):
    """Base of every scenario model: unknown keys refused, instances immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


def field(description: str, default: Any = ..., **kw: Any) -> Any:  # noqa: ANN401 - Field() is Any
    """A field with a description (editors show it from the JSON Schema)."""
    return Field(default, description=description, **kw)


# -- scalar types -----------------------------------------------------------------------------

#: kebab-case ids and names
KEBAB = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
#: a Microsoft KB article number
ARTICLE = r"^Q\d{6}$"
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_DURATION = re.compile(r"^(?:\d+[smhd])+$")
MAX_DURATION = 30 * 86400


def _as_text(value: object) -> object:
    """Numbers as written (``5.10`` stays ``"5.10"``): YAML reads ``5.5`` as a float."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return getattr(value, "source", str(value))
    return value


#: put in ``Annotated[Literal[...], AS_TEXT]`` so ``version: 5.5`` means ``"5.5"``
AS_TEXT = BeforeValidator(_as_text)


def parse_duration(value: object) -> int:
    """``30s``, ``15m``, ``2h``, ``1d`` or ``1h30m`` -> seconds; positive, at most 30 days."""
    text = getattr(value, "source", value)
    if isinstance(text, bool) or not isinstance(text, str | int):
        raise ValueError("a duration is text such as 30s, 15m, 2h or 1d")
    text = str(text).strip()
    if text.startswith("-"):
        raise ValueError(f"duration {text!r} is negative: durations are positive (30s, 15m)")
    if not _DURATION.match(text):
        raise ValueError(f"duration {text!r} needs a unit: 30s, 15m, 2h or 1d")
    seconds = sum(int(n) * _UNIT[u] for n, u in re.findall(r"(\d+)([smhd])", text))
    if seconds <= 0:
        raise ValueError(f"duration {text!r} is zero: durations are positive")
    if seconds > MAX_DURATION:
        raise ValueError(f"duration {text!r} is longer than 30d")
    return seconds


def format_duration(seconds: int) -> str:
    """Seconds as the shortest duration text: 3600 -> ``1h``, 90 -> ``1m30s``."""
    parts = []
    for unit in "dhms":
        count, seconds = divmod(seconds, _UNIT[unit])
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"


def _hex_counter(value: object) -> int:
    """1-4 hex digits, as in ``msg4A01.ccm`` (§4.4: a 16-bit hex counter)."""
    text = str(getattr(value, "source", value)).strip()
    digits = text[2:] if text.lower().startswith("0x") else text
    if isinstance(value, bool) or not re.fullmatch(r"[0-9A-Fa-f]+", digits):
        raise ValueError(f"counter {text!r} is not hexadecimal (e.g. 4A01)")
    if len(digits) > 4:
        raise ValueError(f"counter {text!r} has {len(digits)} hex digits: at most 4 (msgXXXX.ccm)")
    return int(digits, 16)


_BAD_PATH_CHARS = re.compile(r'[<>"|?*\x00-\x1f]')


def _win_path(text: str) -> str:
    r"""A drive path (``C:\EXCHSRVR``) or UNC path (``\\POSRV\CCDATA``) inside the world.

    The jailed path type of every world field and fault or fix parameter that is a
    path: first read as the programs read it (``sim.winpath.check``), so a tab or
    no-break space cannot hide a host path or ``..``.
    """
    from sim.errors import PathError
    from sim.winpath import check

    try:
        check(text)
    except PathError as exc:
        raise ValueError(str(exc)) from None
    if _BAD_PATH_CHARS.search(text):
        raise ValueError(f"path '{text}' holds a character Windows forbids (<>\"|?* or control)")
    parts = re.split(r"[\\/]+", text)
    if ".." in parts:
        raise ValueError(f"path '{text}' uses '..': paths may not leave the world")
    if re.match(r"^[A-Za-z]:[\\/]", text) or text == f"{text[:1]}:":
        return text
    if re.match(r"^(\\\\|//)[^\\/]+[\\/]+[^\\/]+", text):
        return text
    if text.startswith(("/", "\\")):
        raise ValueError(
            f"path '{text}' is a host path: use a drive (C:\\...) or UNC (\\\\server\\share)"
        )
    raise ValueError(f"path '{text}' is relative: use a drive (C:\\...) or UNC (\\\\server\\share)")


def _cause_id(value: str) -> str:
    if value not in SCENARIO_CAUSES:
        raise ValueError(f"unknown cause {value!r} ({cause_hint(value)})")
    return value


def _event_id(value: int) -> int:
    from sim.connector.events import CATALOGUE  # §4.8; imported only when an ID is checked

    if value not in CATALOGUE:
        close = difflib.get_close_matches(str(value), [str(i) for i in CATALOGUE], n=1)
        hint = f"did you mean {close[0]}?" if close else "see reference §4.8"
        raise ValueError(f"event {value} is not in the MSExchangeCCMC catalogue ({hint})")
    return value


Text = Annotated[str, BeforeValidator(_as_text)]
Name = Annotated[Text, Field(min_length=1, max_length=64, pattern=r"^[^\\/:*?\"<>|\x00-\x1f]+$")]
KebabId = Annotated[str, Field(pattern=KEBAB, max_length=64)]
Duration = Annotated[
    int,
    BeforeValidator(parse_duration),
    PlainSerializer(format_duration, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^(\d+[smhd])+$", "examples": ["30s", "15m"]}),
]
HexCounter = Annotated[
    int,
    BeforeValidator(_hex_counter),
    PlainSerializer(lambda n: f"{n:04X}", return_type=str),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": "^(0x)?[0-9A-Fa-f]{1,4}$"},
                {"type": "integer", "minimum": 0, "maximum": 9999},  # 1234 unquoted: hex 1234
            ],
            "examples": ["4A01"],
        }
    ),
]
WinPath = Annotated[str, Field(min_length=1, max_length=260), AfterValidator(_win_path)]


class _CauseIdSchema:
    """The JSON schema of a cause id: the ids known when the schema is asked for."""

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"enum": list(SCENARIO_CAUSES)}


CauseId = Annotated[str, AfterValidator(_cause_id), _CauseIdSchema()]
EventId = Annotated[int, Field(ge=0, le=65535), AfterValidator(_event_id)]
Count = Annotated[int, Field(ge=0, le=10000)]
Level = Literal["none", "minimum", "medium", "maximum"]


# -- steps, faults, fixes ---------------------------------------------------------------------

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
