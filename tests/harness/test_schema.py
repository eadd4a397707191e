"""``ccsim schema``: every fault's and fix's parameters, as a union discriminated by name.

The schema is checked with a real JSON Schema validator (``jsonschema``, draft
2020-12): every scenario the loader accepts is valid under it, and wrong
parameters that the loader refuses are refused by the schema too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pydantic import BaseModel, ConfigDict

from harness.errors import ScenarioError
from harness.loader import load_scenario, load_text
from harness.registry import FAULTS, FIXES, fault
from harness.schema import scenario_schema
from harness.yamlsafe import parse
from tests.support.cli import ccsim_exit

ROOT = Path(__file__).parent.parent.parent
CATALOGUE = sorted((ROOT / "scenarios").glob("*.scenario.yaml"))
HEAD = "id: x\ntitle: t\ncause: po-settings-invalid\ndiagnose: [po-settings-invalid]\n"


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return scenario_schema()


@pytest.fixture(scope="module")
def validator(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def schema_errors(validator: jsonschema.Draft202012Validator, text: str) -> list[str]:
    data = parse(text, name="f.scenario.yaml").data
    return [error.message for error in validator.iter_errors(data)]


def loader_accepts(text: str) -> bool:
    try:
        load_text(text, name="f.scenario.yaml")
    except ScenarioError:
        return False
    return True


def test_the_command_prints_what_scenario_schema_builds(
    schema: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = ccsim_exit(capsys, "schema")
    assert code == 0
    assert json.loads(out) == schema
    assert out == ccsim_exit(capsys, "schema")[1]  # deterministic


@pytest.mark.parametrize("path", CATALOGUE, ids=lambda p: p.name)
def test_every_catalogue_scenario_is_valid_under_the_schema(
    path: Path, validator: jsonschema.Draft202012Validator
) -> None:
    load_scenario(path)  # the loader accepts it ...
    assert schema_errors(validator, path.read_text(encoding="utf-8")) == []  # ... and the schema


def test_there_is_one_branch_per_fault_and_per_fix(schema: dict[str, Any]) -> None:
    for kind, registry in (("FaultItem", FAULTS), ("FixItem", FIXES)):
        branches = schema["$defs"][kind]["oneOf"]
        keyed = [b["required"] for b in branches if b.get("type") == "object"]
        assert keyed == [[name] for name in registry.names()]
        bare = next(b for b in branches if b.get("type") == "string")
        assert bare["enum"] == registry.names()  # every one of them has defaults for all


def test_an_editor_finds_the_locale_choices_under_nt_locale_mismatch(
    schema: dict[str, Any],
) -> None:
    branch = next(
        b
        for b in schema["$defs"]["FaultItem"]["oneOf"]
        if b.get("required") == ["nt-locale-mismatch"]
    )
    value = branch["properties"]["nt-locale-mismatch"]
    ref = value["anyOf"][0]["$ref"].rsplit("/", 1)[-1]
    locale = schema["$defs"][ref]["properties"]["locale"]
    assert locale["enum"] == ["US", "EU", "JP"]
    assert locale["default"] == "JP"
    assert schema["$defs"][ref]["additionalProperties"] is False
    assert "Q180641" in branch["description"]


@pytest.mark.parametrize(
    ("item", "why"),
    [
        ("nt-locale-mismatch: {locale: XX}", "not one of the choices"),
        ("nt-locale-mismatch: {lokale: JP}", "a misspelt parameter"),
        ("nt-locale-mismatch: {locale: JP, extra: 1}", "an unknown second parameter"),
        ("nt-locale-mismatch: JP", "parameters that are not a mapping"),
        ("fragment-postoffice: {megabytes: 0.5}", "below the minimum"),
        ("fragment-postoffice: {megabytes: lots}", "not a number"),
        ("netware-missing-rights: {missing: [Delete]}", "not a trustee right"),
        ("netware-missing-rights: {missing: []}", "fewer items than the minimum"),
        ("remove-address-space: {what: all}", "a fault that takes no parameters"),
        ("no-such-fault", "an unknown name"),
        ("no-such-fault: {locale: JP}", "an unknown name with parameters"),
        ("{nt-locale-mismatch: {}, remove-ie-ri: {}}", "two faults in one item"),
    ],
)
def test_a_wrong_fault_is_refused_by_the_schema_and_the_loader(
    item: str, why: str, validator: jsonschema.Draft202012Validator
) -> None:
    text = HEAD + f"faults:\n  - {item}\nfix: [correct-po-settings]\n"
    assert not loader_accepts(text), why
    assert schema_errors(validator, text), why


@pytest.mark.parametrize(
    "item",
    [
        "nt-locale-mismatch",
        "nt-locale-mismatch: {locale: EU}",
        "nt-locale-mismatch: {}",
        "nt-locale-mismatch:",
        "remove-address-space: {}",
        "fragment-postoffice: {megabytes: 2}",
        "netware-missing-rights: {missing: [Read, File Scan]}",
    ],
)
def test_a_good_fault_is_accepted_by_both(
    item: str, validator: jsonschema.Draft202012Validator
) -> None:
    text = HEAD + f"faults:\n  - {item}\nfix: [correct-po-settings]\n"
    assert loader_accepts(text)
    assert schema_errors(validator, text) == []


@pytest.mark.parametrize(
    ("items", "good"),
    [
        ("[correct-po-settings, {advance: 10m}, {restart: connector}]", True),
        ("[{rename-postoffice: {name: ZURICH}}]", True),
        ("[{rename-postoffice: {nam: ZURICH}}]", False),
        ("[{correct-po-settings: {now: true}}]", False),
        ("[{advance: soon}]", False),
    ],
)
def test_fix_items_fixes_and_steps(
    items: str, good: bool, validator: jsonschema.Draft202012Validator
) -> None:
    text = HEAD + f"faults: [wrong-po-password]\nfix: {items}\n"
    assert loader_accepts(text) is good
    assert (schema_errors(validator, text) == []) is good


@pytest.mark.parametrize(
    "world",
    [
        "{exchange: {version: 5.5}}",
        "{exchange: {programs: {export_version: 6.0}}}",
        "{postoffice: {password: 12345}}",
        "{connector: {counter: 1234}}",
        "{connector: {counter: 4A01}}",
    ],
)
def test_numbers_yaml_reads_in_text_fields_are_valid_for_both(
    world: str, validator: jsonschema.Draft202012Validator
) -> None:
    """The loader keeps ``5.5`` as written; the schema must not flag what validate accepts."""
    text = f"id: x\ntitle: t\ncause: healthy\nworld: {world}\n"
    assert loader_accepts(text)
    assert schema_errors(validator, text) == []


def test_exchange_version_7_is_refused_by_both(validator: jsonschema.Draft202012Validator) -> None:
    text = "id: x\ntitle: t\ncause: healthy\nworld: {exchange: {version: 7.0}}\n"
    assert not loader_accepts(text)
    assert schema_errors(validator, text)


class _Required(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    target: str


def test_a_fault_with_a_required_parameter_cannot_be_named_bare() -> None:
    with FAULTS.scoped():

        @fault("needs-target", summary="a test fault", article="Q166045", params=_Required)
        def _needs_target(site: object, params: _Required) -> None:
            """Registered only: the schema is built from the registration; never applied."""

        validator = jsonschema.Draft202012Validator(scenario_schema())
        bare = next(b for b in validator.schema["$defs"]["FaultItem"]["oneOf"] if "enum" in b)
        assert "needs-target" not in bare["enum"]
        for item, good in (("needs-target", False), ("needs-target: {target: a}", True)):
            text = HEAD + f"faults:\n  - {item}\nfix: [correct-po-settings]\n"
            assert loader_accepts(text) is good
            assert (schema_errors(validator, text) == []) is good
    assert "needs-target" not in scenario_schema()["$defs"]["FaultItem"]["oneOf"][0]["enum"]
