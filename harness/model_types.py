"""Value types of scenario files: durations, paths, ids, counts, and the base model.

Part of the scenario format (``harness.model`` re-exports everything here; import
from there). The list items built on these (steps, faults, fixes) are in
``harness.model_steps``. Source: ccmail-reference.md §4.4 (``msgXXXX.ccm``:
16-bit hex counter), §4.8 (event IDs, ``sim.connector.events``), §8 (cause ids).

Paths in a scenario are Windows paths of the simulated machines: a drive path
(``C:\\EXCHSRVR``) or a UNC path (``\\\\POSRV\\CCDATA``). ``..`` components, host
paths (``/etc/passwd``) and relative paths are refused, so a scenario cannot
name a file outside the world root (``sim.winpath`` places host-absolute paths
as they are).

Modelled, not documented: the 30-day cap on durations and 10,000 on counts, which
only keep a scenario finite.
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
    Field,
    GetJsonSchemaHandler,
    PlainSerializer,
    WithJsonSchema,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from harness.causes import SCENARIO_CAUSES, cause_hint

__all__ = [
    "ARTICLE",
    "AS_TEXT",
    "KEBAB",
    "MAX_DURATION",
    "CauseId",
    "Count",
    "Duration",
    "EventId",
    "HexCounter",
    "KebabId",
    "Level",
    "Name",
    "ScenarioModel",
    "Text",
    "WinPath",
    "field",
    "format_duration",
    "parse_duration",
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
