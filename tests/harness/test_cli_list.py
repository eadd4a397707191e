"""``ccsim list events``, the parameters in ``list faults`` / ``list fixes``, ``--seed`` bounds."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import _build_app
from harness.errors import ScenarioErrors
from harness.loader import load_scenario
from sim.connector.events import CATALOGUE

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def ccsim(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(_build_app(), list(args))
    return result.exit_code, result.stdout, result.stderr


def _rows(out: str) -> dict[str, list[str]]:
    lines = out.splitlines()[2:]  # header and rule
    return {line.split()[0]: line.split() for line in lines if line.strip()}


def test_list_events_shows_every_event_with_type_category_and_level() -> None:
    code, out, _ = ccsim("list", "events")
    assert code == 0
    rows = _rows(out)
    assert sorted(int(k) for k in rows) == sorted(CATALOGUE)
    for event_id, spec in CATALOGUE.items():
        assert rows[str(event_id)][1] == spec.type.value.split()[0]
        assert spec.level.name.title() in rows[str(event_id)]


def test_list_faults_shows_parameters_with_types_and_defaults() -> None:
    code, out, _ = ccsim("list", "faults")
    assert code == 0
    line = next(x for x in out.splitlines() if x.startswith("damage-postoffice "))
    assert "kind: header|torn-record|counters|chain|index|nft|all = 'chain'" in line
    line = next(x for x in out.splitlines() if x.startswith("remove-ie-ri "))
    assert "  -  " in line


def test_list_fixes_shows_parameters() -> None:
    code, out, _ = ccsim("list", "fixes")
    assert code == 0
    assert out.splitlines()[0].split() == ["fix", "cures", "parameters", "summary"]


def test_list_of_something_else_is_a_usage_error() -> None:
    code, _, err = ccsim("list", "eventz")
    assert code == 2
    assert "choose scenarios, causes, faults, fixes, rules or events" in err


@pytest.mark.parametrize("seed", ["-1", str(2**32), "99999999999999999999999"])
def test_seed_out_of_range_is_refused_in_one_line(seed: str) -> None:
    path = str(SCENARIOS / "q166045-wrong-password.scenario.yaml")
    code, out, err = ccsim("run", path, "--seed", seed)
    assert (code, out) == (2, "")
    assert err == f"ccsim: --seed {seed}: a seed is a whole number from 0 to 4294967295\n"


def test_a_file_seed_has_the_same_bounds(tmp_path: Path) -> None:
    text = (SCENARIOS / "q166045-wrong-password.scenario.yaml").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("seed:")]
    path = tmp_path / "big.scenario.yaml"
    path.write_text("\n".join([*lines, f"seed: {2**32}"]) + "\n", encoding="utf-8")
    with pytest.raises(ScenarioErrors, match="4294967295"):
        load_scenario(path)
