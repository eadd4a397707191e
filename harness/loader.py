"""Scenario files -> ``Scenario``; every problem reported at once as ``file:line:col: message``.

Source: STYLE.md §10 (validate once, at load; map each pydantic error's ``loc`` to
its line; did-you-mean for misspelt names). The YAML layer (size, encoding,
tabs, aliases, tags, depth, duplicate keys) is ``harness.yamlsafe``.

Faults and fixes are checked against the registries (``harness.registry``),
their parameters included: the loader imports the cause modules of
``harness.causes`` (built-in, and those of installed ``ccsim.causes`` packages) and
never imports anything a file names.
Nothing is written anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from types import UnionType
from typing import TYPE_CHECKING, Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, TypeAdapter, ValidationError

from harness.errors import (
    ScenarioError,
    ScenarioErrors,
    ScenarioSchemaError,
    ScenarioSyntaxError,
    UnknownCauseError,
    UnknownFaultError,
    UnknownFixError,
)
from harness.model_checks import Broken, Parts, Result, problems
from harness.model_steps import STEPS
from harness.model_types import ARTICLE, KEBAB
from harness.registry import FAULTS, FIXES, FaultSpec, FixSpec, Registry, did_you_mean
from harness.yamlsafe import Document, Loc, decode, parse, read_limited

if TYPE_CHECKING:
    from harness.model import Scenario

__all__ = ["import_registries", "load_scenario", "load_text"]

#: modules whose import fills the registries (written by other parts of the harness)
_PLACEHOLDER = {"name": "invalid", "params": None}
#: the parts a fault scenario needs and the baseline must not have
_PHASES = ("faults", "diagnose", "fix")


def import_registries() -> None:
    """Import the cause modules (their faults, rules and fixes register on import)."""
    from harness import causes

    causes.load()


def load_scenario(
    path: Path | str,
    *,
    faults: Registry[FaultSpec] | None = None,
    fixes: Registry[FixSpec] | None = None,
) -> Scenario:
    """Read and validate one scenario file; ScenarioError (or ScenarioErrors) if unusable."""
    path = Path(path)
    name = str(path)
    try:
        if path.is_dir():
            raise ScenarioSyntaxError(name, 1, 1, "is a directory: expected a .scenario.yaml file")
        data = read_limited(path, name=name)
    except FileNotFoundError:
        raise ScenarioSyntaxError(name, 1, 1, "no such file") from None
    except OSError as exc:
        raise ScenarioSyntaxError(name, 1, 1, f"cannot read: {exc.strerror or exc}") from None
    return load_text(data, name=name, faults=faults, fixes=fixes)


def load_text(
    text: str | bytes,
    *,
    name: str,
    faults: Registry[FaultSpec] | None = None,
    fixes: Registry[FixSpec] | None = None,
) -> Scenario:
    """Validate scenario text; ``name`` is the file name used in messages."""
    from harness.model import Scenario

    if isinstance(text, bytes):
        text = decode(text, name=name)
    else:
        text = decode(text.encode("utf-8", "surrogatepass"), name=name)
    doc = parse(text, name=name)
    if not isinstance(doc.data, dict):
        kind = "a list" if isinstance(doc.data, list) else f"{type(doc.data).__name__} value"
        msg = f"expected a scenario mapping (id, title, cause, ...), found {kind}"
        raise ScenarioSchemaError(name, 1, 1, msg)
    if (faults is None or fixes is None) and (doc.data.get("faults") or doc.data.get("fix")):
        import_registries()  # only a file naming faults or fixes pays for their import
    checker = _Checker(name, doc)
    data = dict(doc.data)
    checker.uses(data, "faults", FAULTS if faults is None else faults, UnknownFaultError)
    checker.uses(data, "fix", FIXES if fixes is None else fixes, UnknownFixError)
    scenario: Scenario | None = None
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        checker.pydantic(exc, Scenario, ())
        if not any(error["type"] == "scenario" for error in exc.errors()):
            # fields failed, so the cross-part checks did not run: run them on what did validate
            for loc, message in problems(_salvage(data)):
                checker.add(ScenarioSchemaError, loc, message)
    if checker.errors or scenario is None:
        raise ScenarioErrors(checker.errors)
    return scenario


class _Invalid:
    """What ``_valid`` returns for a value that does not validate."""


_INVALID = _Invalid()


@cache
def _adapter(kind: str) -> TypeAdapter[Any]:
    """A validator for one part of a scenario, by name (built once, on a failing file)."""
    from harness import model, model_steps, model_types, model_world

    fields: dict[str, tuple[type[BaseModel], str]] = {
        "step": (model.ResultExpect, "step"),
        "code": (model.ResultExpect, "code"),
        "for": (model.Verify, "duration"),
    }
    if kind in fields:  # one field of a model, with its constraints
        owner, name = fields[kind]
        info = owner.model_fields[name]
        form: Any = Annotated[(info.annotation, *info.metadata)]
        return TypeAdapter(form)
    kinds: dict[str, Any] = {
        "cause": model_types.CauseId,
        "Step": model_steps.Step,
        "FixItem": model_steps.FixItem,
        "Flow": model_world.Flow,
    }
    return TypeAdapter(kinds[kind])


def _valid(kind: str, value: object) -> Any:  # noqa: ANN401 - the validated value
    try:
        return _adapter(kind).validate_python(value)
    except ValidationError:
        return _INVALID


def _item(kind: str, value: object) -> object:
    """A validated list item, or ``Broken`` with the step kind the item names."""
    checked = _valid(kind, value)
    if checked is not _INVALID:
        return checked
    single = next(iter(value)) if isinstance(value, dict) and len(value) == 1 else None
    return Broken(single if single in STEPS else None)


def _salvage(data: dict[str, Any]) -> Parts:
    """The parts of a file that validate on their own, for the cross-part checks."""

    def known(kind: str, value: object) -> Any:  # noqa: ANN401 - the validated value
        checked = _valid(kind, value)
        return None if checked is _INVALID else checked

    def listed(key: str) -> list[object] | None:
        value = data.get(key, [])
        return value if isinstance(value, list) else None

    written = {key: None if (v := listed(key)) is None else len(v) for key in _PHASES}
    steps = listed("steps")
    expect = data.get("expect")
    raw_results = expect.get("results", []) if isinstance(expect, dict) else []
    results = [
        Result(i, known("step", r.get("step")), known("code", r.get("code")))
        for i, r in enumerate(raw_results if isinstance(raw_results, list) else [])
        if isinstance(r, dict)
    ]
    world = data.get("world")
    flows = world.get("traffic") if isinstance(world, dict) else None
    traffic = [
        (way, flow.count)
        for way in ("to_exchange", "to_ccmail")
        if isinstance(flows, dict) and (flow := known("Flow", flows.get(way))) is not None
    ]
    verify = data.get("verify", {})
    duration = verify.get("for", "1h") if isinstance(verify, dict) else None
    return Parts(
        cause=known("cause", data.get("cause")),
        written=written,
        diagnose=[known("cause", c) for c in listed("diagnose") or []],
        steps=None if steps is None else [_item("Step", step) for step in steps],
        fix=[_item("FixItem", item) for item in listed("fix") or []],
        results=results,
        verify_seconds=None if duration is None else known("for", duration),
        traffic=traffic,
    )


class _Checker:
    """Collects errors for one file, placing each at its line and column."""

    def __init__(self, name: str, doc: Document) -> None:
        self.name = name
        self.doc = doc
        self.errors: list[ScenarioError] = list(doc.problems)

    def add(self, cls: type[ScenarioError], loc: Loc, message: str, *, key: bool = False) -> None:
        if self.doc.under_refused(loc):
            return  # the value there was refused already (an alias): its error says enough
        line, col = self.doc.where(loc, key=key)
        self.errors.append(cls(self.name, line, col, message))

    # -- faults and fixes against the registries ----------------------------------------------

    def uses(
        self,
        data: dict[str, Any],
        key: str,
        registry: Registry[Any],
        unknown: type[ScenarioError],
    ) -> None:
        """Replace each ``name`` / ``{name: params}`` item by checked name and params."""
        from harness.model import STEP_KINDS

        items = data.get(key)
        if not isinstance(items, list):
            return
        checked: list[object] = []
        for i, item in enumerate(items):
            single = next(iter(item)) if isinstance(item, dict) and len(item) == 1 else None
            if key == "fix" and single in STEP_KINDS:
                checked.append(item)
                continue
            checked.append(self._use(item, (key, i), registry, unknown))
        data[key] = checked

    def _use(
        self, item: object, loc: Loc, registry: Registry[Any], unknown: type[ScenarioError]
    ) -> object:
        kind = registry.kind
        if isinstance(item, str):
            name, raw, where = item, None, loc
        elif isinstance(item, dict) and len(item) == 1:
            ((name, raw),) = item.items()
            where = (*loc, name)
        else:
            self.add(
                ScenarioSchemaError, loc, f"a {kind} is a name or {{name: {{parameter: value}}}}"
            )
            return _PLACEHOLDER
        spec = registry.get(name)
        if spec is None:
            self.add(unknown, where, f"unknown {kind} {name!r} ({registry.hint(name)})", key=True)
            return _PLACEHOLDER
        return {"name": name, "params": self._params(spec, raw, where)}

    def _params(self, spec: FaultSpec | FixSpec, raw: object, loc: Loc) -> object:
        kind = "fault" if isinstance(spec, FaultSpec) else "fix"
        if spec.params is None:
            if raw not in (None, {}):
                self.add(ScenarioSchemaError, loc, f"{kind} {spec.name!r} takes no parameters")
            return None
        if raw is not None and not isinstance(raw, dict):
            msg = f"parameters of {kind} {spec.name!r} are a mapping {{parameter: value}}"
            self.add(ScenarioSchemaError, loc, msg)
            return None
        try:
            return spec.params.model_validate(raw or {})
        except ValidationError as exc:
            self.pydantic(exc, spec.params, loc, prefix=f"{kind} {spec.name!r}: ")
            return None

    # -- pydantic errors -----------------------------------------------------------------------

    def pydantic(
        self, exc: ValidationError, root: type[BaseModel], base: Loc, *, prefix: str = ""
    ) -> None:
        """One error per pydantic error, at the line of its value (or key)."""
        for error in exc.errors(include_url=False):
            loc: Loc = (*base, *error["loc"])
            kind = error["type"]
            if kind == "extra_forbidden":
                self.add(
                    ScenarioSchemaError, loc, prefix + _unknown_key(root, error["loc"]), key=True
                )
                continue
            cls: type[ScenarioError] = ScenarioSchemaError
            message = _message(error)
            if "unknown cause" in message:
                cls = UnknownCauseError
            self.add(cls, loc, prefix + message)


def _where(loc: tuple[Any, ...]) -> str:
    """A readable place: ``world.postoffice.password`` (indices and union tags left out)."""
    parts: list[str] = []
    for part in loc:
        if isinstance(part, str) and not (parts and parts[-1] == part):
            parts.append(part)
    return ".".join(parts)


#: what a pattern means, for people (pydantic quotes the regular expression)
_PATTERNS = {
    KEBAB: "must be kebab-case: lower-case words joined by '-', e.g. wrong-po-password",
    ARTICLE: "must be a KB article number such as Q166045",
}

_RENDER: dict[str, Callable[[dict[str, Any]], str]] = {
    "missing": lambda e: f"missing required key {e['loc'][-1]!r}",
    "string_pattern_mismatch": lambda e: _PATTERNS.get(
        e["ctx"]["pattern"], f"does not match {e['ctx']['pattern']}"
    ),
    "union_tag_not_found": lambda e: "needs 'kind' (nt or netware)",
    "union_tag_invalid": lambda e: (
        f"unknown kind {e['ctx']['tag']!r} (expected {e['ctx']['expected_tags']})"
    ),
}


def _message(error: Any) -> str:  # noqa: ANN401 - a pydantic ErrorDetails
    """The one-line text of a pydantic error, naming where and what was expected."""
    kind = error["type"]
    where = _where(error["loc"][:-1] if kind == "missing" else error["loc"])
    render = _RENDER.get(kind)
    if render is not None:
        text = render(error)
    else:
        text = str(error["msg"]).removeprefix("Value error, ")
        value = error.get("input")
        if kind in ("string_type", "literal_error", "enum") and isinstance(value, bool):
            text += " (quote it: YAML reads yes/no/on/off/true/false as a boolean)"
        elif kind == "string_type" and value is None:
            text += " (the value is empty)"
        elif kind == "literal_error":
            text += f", not {value!r}" + _literal_hint(error)
    if kind == "scenario" or not where:
        return text
    return f"{where}: {text}"


def _literal_hint(error: Any) -> str:  # noqa: ANN401 - a pydantic ErrorDetails
    """`` (did you mean 'always'?)`` for a misspelt choice."""
    choices = re.findall(r"'([^']*)'", str(error.get("ctx", {}).get("expected", "")))
    close = did_you_mean(str(error.get("input")), choices)
    return f" (did you mean {close!r}?)" if close else ""


def _models_in(annotation: object) -> list[type[BaseModel]]:
    """The pydantic models an annotation can hold (through list, Optional, Annotated, unions)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    origin = get_origin(annotation)
    if origin is None and not isinstance(annotation, UnionType):
        return []
    args = get_args(annotation)
    if origin is not None and origin not in (list, Union, UnionType) and args:
        args = args[:1]  # Annotated[X, ...]: X
    return [m for arg in args for m in _models_in(arg)]


def _fields(model: type[BaseModel]) -> dict[str, Any]:
    return {(f.alias or n): f for n, f in model.model_fields.items()}


def _unknown_key(root: type[BaseModel], loc: tuple[Any, ...]) -> str:
    """``unknown key 'pasword' in world.postoffice (did you mean 'password'?)``."""
    models = [root]
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        nxt = [
            m
            for model in models
            if part in _fields(model)
            for m in _models_in(_fields(model)[part].annotation)
        ]
        if any(part in _fields(model) for model in models):
            models = nxt
    key = str(loc[-1])
    allowed = sorted({k for model in models for k in _fields(model)})
    where = _where(loc[:-1])
    place = f" in {where}" if where else ""
    close = did_you_mean(key, allowed)
    if close:
        hint = f"did you mean {close!r}?"
    else:
        hint = "expected one of " + ", ".join(allowed) if allowed else "no keys allowed here"
    return f"unknown key {key!r}{place} ({hint})"
