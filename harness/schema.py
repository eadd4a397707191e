"""The JSON Schema of scenario files, with every fault's and fix's parameters.

Source: STYLE.md §10 (the models are the format's source of truth; editors get
their completions from this schema); docs/scenarios.md (the YAML forms of a
fault or fix: a bare name, or ``{name: {parameter: value}}``).

The scenario models give the frame (``harness.model.Scenario``). A fault or fix
item is then a union discriminated by its one key, the registered name: one
branch per fault (and per fix) whose only allowed property is that name, whose
value is the parameter model's own schema (types, choices, defaults, as
``ccsim list faults`` shows them). A name whose parameters all have defaults may
also be written bare; those names are one ``enum`` branch. An editor therefore
completes ``nt-locale-mismatch: {locale: ...}`` with ``US``, ``EU`` or ``JP``.

The schema is built from the registries as loaded (``harness.causes.load``), so
causes from installed ``ccsim.causes`` packages are in it too. The output is
deterministic: names sorted, keys sorted by the caller's ``json.dumps``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue

if TYPE_CHECKING:
    from pydantic import BaseModel
    from pydantic_core import core_schema

    from harness.registry import FaultSpec, FixSpec

__all__ = ["DIALECT", "scenario_schema"]

DIALECT = "https://json-schema.org/draft/2020-12/schema"
_NO_PARAMS: dict[str, Any] = {
    "anyOf": [{"type": "null"}, {"type": "object", "maxProperties": 0}],
    "description": "Takes no parameters.",
}


class _YamlSchema(GenerateJsonSchema):
    """Text fields accept what YAML reads as a number, as the loader does (``AS_TEXT``).

    ``version: 5.5`` and ``password: 12345`` are numbers to YAML and text to the
    models (``harness.model_types.AS_TEXT`` keeps the number as written), so the
    schema allows a number there too: an editor does not flag a file ``ccsim
    validate`` accepts. A choice of texts (``"5.0"``, ``"5.5"``) allows those numbers.
    """

    def function_before_schema(
        self, schema: core_schema.BeforeValidatorFunctionSchema
    ) -> JsonSchemaValue:
        from harness.model_types import AS_TEXT

        inner = super().function_before_schema(schema)
        function = schema["function"].get("function")
        if function is not AS_TEXT.func or inner.get("type") != "string":
            return inner
        choices = inner.get("enum")
        if choices is None:
            return {"anyOf": [inner, {"type": "number"}]}
        numbers = [float(c) for c in choices if re.fullmatch(r"[0-9]+(\.[0-9]+)?", c)]
        return {"anyOf": [inner, {"enum": numbers}]} if numbers else inner


def _bare_allowed(spec: FaultSpec | FixSpec) -> bool:
    """A name may stand alone when it takes no parameters or all have defaults."""
    return spec.params is None or not any(
        f.is_required() for f in spec.params.model_fields.values()
    )


def _branch(kind: str, spec: FaultSpec | FixSpec, params: dict[str, Any] | None) -> dict[str, Any]:
    """``{name: params}``: an object whose one required key is the registered name."""
    if params is None:
        value: dict[str, Any] = dict(_NO_PARAMS)
    elif _bare_allowed(spec):
        value = {"anyOf": [params, {"type": "null"}]}
    else:
        value = params
    return {
        "title": f"{kind} {spec.name}",
        "description": f"{spec.summary} ({spec.article})",
        "type": "object",
        "properties": {spec.name: value},
        "required": [spec.name],
        "additionalProperties": False,
    }


def _union(
    kind: str,
    specs: Sequence[FaultSpec | FixSpec],
    refs: dict[type[BaseModel], dict[str, Any]],
    listing: str,
) -> dict[str, Any]:
    """The discriminated union of one registry's items."""
    ordered: list[FaultSpec | FixSpec] = sorted(specs, key=lambda s: s.name)
    branches: list[dict[str, Any]] = []
    bare = [s.name for s in ordered if _bare_allowed(s)]
    if bare:
        branches.append(
            {
                "title": f"{kind} name",
                "description": f"A {kind} used with its default parameters ({listing}).",
                "type": "string",
                "enum": bare,
            }
        )
    for spec in ordered:
        params = None if spec.params is None else refs[spec.params]
        branches.append(_branch(kind, spec, params))
    return {
        "description": f"A registered {kind} ({listing}): its name, or "
        "{name: {parameter: value}}; the one key names the branch.",
        "oneOf": branches,
    }


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``*.scenario.yaml`` files, as a dict."""
    from pydantic.json_schema import models_json_schema

    from harness import causes
    from harness.model import Scenario
    from harness.registry import FAULTS, FIXES

    causes.load()
    faults: list[FaultSpec | FixSpec] = list(FAULTS.specs())
    fixes: list[FaultSpec | FixSpec] = list(FIXES.specs())
    models: list[type[BaseModel]] = [Scenario]
    for spec in [*faults, *fixes]:
        if spec.params is not None and spec.params not in models:
            models.append(spec.params)
    keyed, schema = models_json_schema(
        [(model, "validation") for model in models],
        ref_template="#/$defs/{model}",
        schema_generator=_YamlSchema,
    )
    refs = {model: keyed[(model, "validation")] for model in models}
    defs: dict[str, Any] = schema["$defs"]
    root_name = refs[Scenario]["$ref"].rsplit("/", 1)[-1]
    root: dict[str, Any] = defs.pop(root_name)
    defs["FaultItem"] = _union("fault", faults, refs, FAULTS.listing)
    defs["FixItem"] = _union("fix", fixes, refs, FIXES.listing)
    properties = root["properties"]
    properties["faults"]["items"] = {"$ref": "#/$defs/FaultItem"}
    fix_items = properties["fix"]["items"]
    steps = [branch for branch in fix_items["oneOf"] if "oneOf" in branch]
    if len(steps) != 1:  # pragma: no cover - the shape of harness.model_steps.FixItem
        raise AssertionError("FixItem is a union of fixes and steps")
    properties["fix"]["items"] = {
        "description": "A registered fix, or a step (start, stop, advance, run ...).",
        "anyOf": [{"$ref": "#/$defs/FixItem"}, *steps],
    }
    return {
        **root,
        "$schema": DIALECT,
        "title": "ccmail-sim scenario (*.scenario.yaml)",
        "$defs": _reachable(root, defs),
    }


def _refs(node: object) -> list[str]:
    """The ``$defs`` names a schema fragment refers to."""
    if isinstance(node, dict):
        found = [v.rsplit("/", 1)[-1] for k, v in node.items() if k == "$ref"]
        return found + [name for v in node.values() for name in _refs(v)]
    if isinstance(node, list):
        return [name for v in node for name in _refs(v)]
    return []


def _reachable(root: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """Only the definitions the schema uses (the placeholder models of the loader go)."""
    keep: set[str] = set()
    todo = _refs(root)
    while todo:
        name = todo.pop()
        if name not in keep:
            keep.add(name)
            todo.extend(_refs(defs[name]))
    return {name: defs[name] for name in sorted(keep)}
