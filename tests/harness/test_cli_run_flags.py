"""``ccsim run`` with pytest's habits: -x, -q, -v; duplicate ids refused with both places."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import _build_app

SOURCE = Path(__file__).resolve().parents[2] / "scenarios" / "q166045-wrong-password.scenario.yaml"


def ccsim(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(_build_app(), list(args))
    return result.exit_code, result.stdout, result.stderr


def _write(folder: Path, name: str, scenario_id: str, *, failing: bool) -> Path:
    text = SOURCE.read_text(encoding="utf-8").replace(
        "id: q166045-wrong-password", f"id: {scenario_id}"
    )
    text = text.replace("advance: 30m", "advance: 3m")
    if failing:  # an expectation the world cannot meet
        text = text.replace("{id: 70, min: 10}", "{id: 70, min: 10000}")
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def two_failing(tmp_path: Path) -> Path:
    _write(tmp_path, "a.scenario.yaml", "a-first", failing=True)
    _write(tmp_path, "b.scenario.yaml", "b-second", failing=True)
    return tmp_path


def test_exitfirst_stops_after_the_first_failure(two_failing: Path) -> None:
    code, out, err = ccsim("run", str(two_failing), "-x")
    assert code == 1
    assert "a-first" in out
    assert "b-second" not in out + err
    code, out, _ = ccsim("run", str(two_failing))
    assert code == 1
    assert "b-second" in out


def test_quiet_prints_the_summary_line_only(two_failing: Path) -> None:
    code, out, err = ccsim("run", str(two_failing), "-q")
    assert code == 1
    assert out == "0 passed, 2 failed, 0 error\n"
    assert err == ""


def test_verbose_says_what_failed(two_failing: Path) -> None:
    code, _, err = ccsim("run", str(two_failing), "-v")
    assert code == 1
    detail = [line for line in err.splitlines() if line.startswith("  a-first: ")]
    assert detail
    assert any("70" in line for line in detail)


def test_duplicate_ids_are_refused_with_both_places(tmp_path: Path) -> None:
    one = _write(tmp_path, "one.scenario.yaml", "same-id", failing=False)
    two = _write(tmp_path, "two.scenario.yaml", "same-id", failing=False)
    code, out, err = ccsim("run", str(tmp_path))
    assert (code, out) == (2, "")
    assert err == f"ccsim: duplicate scenario id 'same-id': {one}:1 and {two}:1\n"


def test_the_same_file_twice_runs_once(tmp_path: Path) -> None:
    one = _write(tmp_path, "one.scenario.yaml", "only-once", failing=True)
    code, out, _ = ccsim("run", str(one), str(one), "-q")
    assert (code, out) == (1, "0 passed, 1 failed, 0 error\n")


def test_a_missing_event_below_the_logging_level_says_so(tmp_path: Path) -> None:
    path = _write(tmp_path, "quiet.scenario.yaml", "quiet-logging", failing=False)
    text = path.read_text(encoding="utf-8")
    text = text.replace("logging: {general: medium, dir_synch: medium}", "logging: {}")
    text = text.replace("{id: 67, max: 0}", "{id: 14001, min: 1}")
    path.write_text(text, encoding="utf-8")
    code, _, err = ccsim("run", str(path), "-v")
    assert code == 1
    assert (
        "event 14001 logged 0 time(s) (want >= 1); event 14001 is logged only at "
        "Dir-Synch logging level Minimum or above, and this world's is None"
    ) in err
