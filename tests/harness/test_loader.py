"""The scenario loader: valid files become typed Scenarios; every problem is reported at once."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel, ConfigDict, Field

import harness
from harness import yamlsafe
from harness.errors import (
    ScenarioError,
    ScenarioErrors,
    ScenarioSyntaxError,
    UnknownCauseError,
    UnknownFaultError,
    UnknownFixError,
)
from harness.loader import import_registries, load_scenario, load_text
from harness.model import AdvanceStep, FixUse, NetwareHost, RestartStep, RunStep, Scenario
from harness.registry import FAULTS, FIXES, FaultSpec, FixSpec, Registry, fault, fix

DATA = Path(__file__).parent.parent / "data"
GOOD = DATA / "good_scenarios"


class PasswordParams(BaseModel):
    """Parameters of the test fault and fix."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    password: str = Field(max_length=10)


class OptionalPasswordParams(BaseModel):
    """Parameters of the test fix: the password to set, if not the world's own."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    password: str | None = Field(None, max_length=10)


def register_test_entries(
    faults: Registry[FaultSpec] | None = None, fixes: Registry[FixSpec] | None = None
) -> None:
    """Faults and fixes the test data names (``test-`` names never clash with real ones)."""
    fault(
        "test-wrong-po-password",
        summary="t",
        article="Q166045",
        params=PasswordParams,
        registry=faults,
    )(lambda site, params: None)
    fault("test-po-shut-down", summary="t", article="Q282172", registry=faults)(
        lambda site, params: None
    )
    fix(
        "test-correct-po-settings",
        cures="po-settings-invalid",
        summary="t",
        article="Q166045",
        params=OptionalPasswordParams,
        registry=fixes,
    )(lambda site, params: None)
    fix(
        "test-restart-connector",
        cures=["po-settings-invalid"],
        summary="t",
        article="Q166045",
        registry=fixes,
    )(lambda site, params: None)


@pytest.fixture
def registries() -> Iterator[None]:
    """The global registries with the test entries; restored afterwards."""
    import_registries()  # real faults/fixes first: the scope must not drop them
    with FAULTS.scoped(), FIXES.scoped():
        register_test_entries()
        yield


@pytest.mark.usefixtures("registries")
def test_every_good_scenario_loads() -> None:
    """The good examples load; the directory holds at least three."""
    paths = sorted(GOOD.glob("*.scenario.yaml"))
    assert len(paths) >= 3
    assert [load_scenario(p).id for p in paths] == [
        p.name.removesuffix(".scenario.yaml") for p in paths
    ]


@pytest.mark.usefixtures("registries")
def test_full_example_becomes_typed_values() -> None:
    """Durations are seconds, counters numbers, versions text; params are model instances."""
    s = load_scenario(GOOD / "wrong-po-password.scenario.yaml")
    assert s.world.exchange.version == "5.5"  # written unquoted: YAML read a float
    assert s.world.exchange.programs.export_version == "5.14"
    assert s.world.connector.counter == 0x4A01
    assert s.world.traffic.to_exchange is not None
    assert s.world.traffic.to_exchange.every == 60
    assert isinstance(s.steps[1], AdvanceStep)
    assert s.steps[1].advance == 600
    assert isinstance(s.steps[3], RunStep)
    assert s.steps[3].run.program == "EXPORT.EXE"
    assert s.steps[3].run.args.startswith("/NEX1 /PSECRET /D\\\\POSRV\\CCDATA")
    assert isinstance(s.faults[0].params, PasswordParams)
    assert s.faults[0].params.password == "WRONG"
    assert isinstance(s.fix[0], FixUse)
    assert s.fix[0].params == OptionalPasswordParams(password="SECRET")
    assert isinstance(s.fix[1], RestartStep)
    assert s.verify.duration == 3600
    assert s.verify.no_events == [70]
    assert s.expect.results[0].step == 4
    assert s.expect.results[0].code == 3


@pytest.mark.usefixtures("registries")
def test_netware_example_uses_the_netware_host() -> None:
    s = load_scenario(GOOD / "netware-first-dirsync.scenario.yaml")
    assert isinstance(s.world.postoffice.host, NetwareHost)
    assert s.world.postoffice.host.access == "gsnw-gateway"
    assert s.faults[0].name == "test-po-shut-down"
    assert s.faults[0].params is None
    assert s.diagnose == ["dirsync-not-completed", "po-settings-invalid"]


MANY_ERRORS = """\
id: many-errors
title: Several mistakes at once
cause: po-setings-invalid
world:
  postoffice: {pasword: SECRET}
  connector: {counter: 12345}
faults:
  - test-wrong-po-pasword
steps:
  - advance: -5m
diagnose: [po-settings-invalid]
fix: [test-corect-po-settings]
"""


@pytest.mark.usefixtures("registries")
def test_every_error_is_reported_at_once_in_file_order() -> None:
    with pytest.raises(ScenarioErrors) as info:
        load_text(MANY_ERRORS, name="many.scenario.yaml")
    lines = info.value.lines()
    assert [line.split(":")[1] for line in lines] == ["3", "5", "6", "8", "10", "12"]
    assert all(line.startswith("many.scenario.yaml:") and "\n" not in line for line in lines)
    assert "did you mean 'po-settings-invalid'?" in lines[0]
    assert "did you mean 'password'?" in lines[1]
    assert "did you mean 'test-wrong-po-password'?" in lines[3]
    assert "did you mean 'test-correct-po-settings'?" in lines[5]
    kinds = [type(e) for e in info.value.errors]
    assert kinds[0] is UnknownCauseError
    assert kinds[3] is UnknownFaultError
    assert kinds[5] is UnknownFixError
    assert str(info.value) == "\n".join(lines)


def test_scenario_error_carries_path_line_and_column() -> None:
    with pytest.raises(ScenarioError) as info:
        load_text("id: x\ntitle: t\ncause: healthy\nid: y\n", name="dup.scenario.yaml")
    err = info.value
    assert (err.path, err.line, err.col) == ("dup.scenario.yaml", 4, 1)
    assert str(err) == "dup.scenario.yaml:4:1: duplicate key 'id' (first given at line 1)"
    assert isinstance(err, ValueError)


def test_instance_registries_are_accepted_without_touching_the_global_ones() -> None:
    faults: Registry[FaultSpec] = Registry("fault", listing="ccsim list faults")
    fixes: Registry[FixSpec] = Registry("fix", listing="ccsim list fixes")
    register_test_entries(faults, fixes)
    text = (GOOD / "wrong-po-password.scenario.yaml").read_text()
    assert (
        load_text(text, name="w", faults=faults, fixes=fixes).faults[0].name
        == "test-wrong-po-password"
    )
    assert "test-wrong-po-password" not in FAULTS


def test_loads_from_pyfakefs(fs) -> None:
    """The loader reads through pathlib only, so it works on the fake filesystem."""
    path = Path("/scenarios/healthy.scenario.yaml")
    fs.create_file(path, contents="id: healthy\ntitle: Baseline\ncause: healthy\n")
    assert load_scenario(path).cause == "healthy"


def test_missing_file_and_directory_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ScenarioSyntaxError, match=r"nothing\.yaml:1:1: no such file"):
        load_scenario(tmp_path / "nothing.yaml")
    with pytest.raises(ScenarioSyntaxError, match="is a directory"):
        load_scenario(tmp_path)


def test_oversized_file_is_refused_before_it_is_parsed(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "big.scenario.yaml"
    path.write_bytes(b"#" * (yamlsafe.MAX_BYTES + 1))
    monkeypatch.setattr(yaml, "compose", lambda *a, **k: pytest.fail("parsed an oversized file"))
    monkeypatch.setattr(yaml, "parse", lambda *a, **k: pytest.fail("parsed an oversized file"))
    with pytest.raises(
        ScenarioSyntaxError, match=r"1:1: file is 1048577 bytes; .* at most 1048576"
    ):
        load_scenario(path)


def test_a_bom_is_accepted_and_str_input_is_checked_like_bytes() -> None:
    assert load_text(b"\xef\xbb\xbfid: a\ntitle: t\ncause: healthy\n", name="bom").id == "a"
    with pytest.raises(ScenarioSyntaxError, match="NUL byte"):
        load_text("id: a\x00\n", name="nul")


# -- a scenario can never run code or import a module --------------------------------------------

CANARY = "ccsim_canary_module"


@pytest.fixture
def canary(tmp_path: Path, monkeypatch) -> Path:
    """A module that would write a marker file if anything imported it."""
    marker = tmp_path / "imported.txt"
    (tmp_path / f"{CANARY}.py").write_text(f"open({str(marker)!r}, 'w').write('x')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    return marker


@pytest.mark.parametrize(
    "text",
    [
        f"id: a\ntitle: t\ncause: healthy\nsummary: !!python/object/apply:{CANARY}.run []\n",
        f"id: a\ntitle: t\ncause: healthy\nsummary: !!python/module:{CANARY}\n",
        f"id: a\ntitle: t\ncause: healthy\nsummary: !!python/name:{CANARY}.x\n",
        f"id: a\ntitle: t\ncause: {CANARY}\n",
        f"id: a\ntitle: t\ncause: po-damaged\nfaults: [{CANARY}]\n"
        f"diagnose: [po-damaged]\nfix: [{CANARY}]\n",
        f"id: a\ntitle: t\ncause: healthy\nsteps:\n  - run: {{program: {CANARY}}}\n",
    ],
    ids=["object-apply", "module", "name", "cause", "fault-and-fix", "program"],
)
def test_names_in_a_file_are_never_imported(canary: Path, text: str) -> None:
    with pytest.raises(ScenarioError):
        load_text(text, name="evil.scenario.yaml")
    assert CANARY not in sys.modules
    assert not canary.exists()


def test_python_tags_are_refused_with_one_line(tmp_path: Path) -> None:
    target = tmp_path / "pwned"
    text = (
        "id: a\ntitle: t\ncause: healthy\n"
        f'summary: !!python/object/apply:os.system ["touch {target}"]\n'
    )
    with pytest.raises(ScenarioError) as info:
        load_text(text, name="evil.scenario.yaml")
    assert str(info.value) == (
        "evil.scenario.yaml:4:10: tag !!python/object/apply:os.system is not allowed: "
        "a scenario holds plain data only"
    )
    assert not target.exists()


@pytest.mark.parametrize(
    "module",
    ["loader.py", "yamlsafe.py", "model.py", "model_types.py", "model_steps.py", "model_world.py"],
)
def test_scenario_modules_hold_no_eval_and_no_unsafe_yaml(module: str) -> None:
    """No eval/exec/compile/__import__, no unsafe YAML loaders; imports only constant names."""
    tree = ast.parse((Path(harness.__file__).parent / module).read_text())
    banned = {
        "eval",
        "exec",
        "compile",
        "__import__",
        "unsafe_load",
        "full_load",
        "load",
        "load_all",
    }
    banned_attrs = {
        "Loader",
        "UnsafeLoader",
        "FullLoader",
        "CLoader",
        "CUnsafeLoader",
        "CFullLoader",
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in banned, f"{module}:{node.lineno}: {node.func.id}()"
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "yaml"
        ):
            assert node.attr not in banned | banned_attrs, f"{module}:{node.lineno}"
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "import_module":
            assert module == "loader.py", f"{module}:{node.lineno}: import_module"


# -- the pure-Python YAML fallback behaves the same ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("id: a\ntitle: &t x\n", "2:8: anchor &t is not allowed"),
        (
            "id: a\ntitle: !!python/name:os.system\n",
            "2:8: tag !!python/name:os.system is not allowed",
        ),
        ("id: a\nworld:\n\tpostoffice: {}\n", "3:1: tab character in indentation"),
        ("id: a\ntitle: t\ncause: healthy\nid: b\n", "4:1: duplicate key 'id'"),
        ("id: a\n---\nid: b\n", "2:1: a second YAML document"),
    ],
)
def test_pure_python_loader_gives_the_same_messages(monkeypatch, text: str, expected: str) -> None:
    monkeypatch.setattr(yamlsafe, "_Loader", yaml.SafeLoader)
    with pytest.raises(ScenarioError) as info:
        load_text(text, name="f")
    # the refusal, among the file's other errors (its missing keys), found in the same pass
    assert any(line.startswith(f"f:{expected}") for line in str(info.value).splitlines())


def test_scenario_type_is_what_load_returns(tmp_path: Path) -> None:
    path = tmp_path / "h.scenario.yaml"
    path.write_text("id: h\ntitle: Baseline\ncause: healthy\n")
    assert type(load_scenario(path)) is Scenario


def test_worked_example_of_the_docs_loads() -> None:
    """docs/scenarios.md's first example is a valid file (with its stand-in fault and fix)."""
    docs = Path(__file__).resolve().parents[2] / "docs" / "scenarios.md"
    text = docs.read_text().split("```yaml\n", 1)[1].split("```", 1)[0]
    faults: Registry[FaultSpec] = Registry("fault", listing="ccsim list faults")
    fixes: Registry[FixSpec] = Registry("fix", listing="ccsim list fixes")
    fault(
        "wrong-po-password", summary="t", article="Q166045", params=PasswordParams, registry=faults
    )(lambda site, params: None)
    fix(
        "correct-po-settings",
        cures="po-settings-invalid",
        summary="t",
        article="Q166045",
        registry=fixes,
    )(lambda site, params: None)
    s = load_text(text, name="docs/scenarios.md", faults=faults, fixes=fixes)
    assert s.id == "wrong-po-password"
    assert s.expect.results[0].code == 3
