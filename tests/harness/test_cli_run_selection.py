"""``ccsim run``: ``--lf``, an invalid file among valid ones, ``@catalogue``, the table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from harness.cli import _build_app
from harness.commands.run import _table, suite_title
from harness.lastfailed import CACHE_DIR, CACHE_FILE
from harness.runner import run_file
from harness.selection import load_selection

SOURCE = Path(__file__).resolve().parents[2] / "scenarios" / "q166045-wrong-password.scenario.yaml"
BROKEN = "id: broken-one\ntitle: [unclosed\n"


def ccsim(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(_build_app(), list(args))
    return result.exit_code, result.stdout, result.stderr


def _write(folder: Path, scenario_id: str, *, failing: bool) -> Path:
    text = SOURCE.read_text(encoding="utf-8").replace(
        "id: q166045-wrong-password", f"id: {scenario_id}"
    )
    text = text.replace("advance: 30m", "advance: 3m")
    if failing:
        text = text.replace("{id: 70, min: 10}", "{id: 70, min: 10000}")
    path = folder / f"{scenario_id}.scenario.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def suite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with one failing and one passing scenario; the current directory is tmp_path."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "suite"
    folder.mkdir()
    _write(folder, "a-fails", failing=True)
    _write(folder, "b-passes", failing=False)
    return folder


def _cache(base: Path) -> list[str]:
    data = json.loads((base / CACHE_DIR / CACHE_FILE).read_text(encoding="utf-8"))
    return list(data["lastfailed"])


def test_last_failed_runs_only_what_did_not_pass(suite: Path) -> None:
    code, out, _ = ccsim("run", str(suite))
    assert code == 1
    assert _cache(suite.parent) == ["a-fails"]
    assert (suite.parent / CACHE_DIR / ".gitignore").read_text(encoding="utf-8").endswith("*\n")
    code, out, err = ccsim("run", str(suite), "--lf")
    assert code == 1
    assert "a-fails" in out
    assert "b-passes" not in out
    assert "ccsim: --lf: run 1 of 2 scenarios (failed last time)" in err
    _write(suite, "a-fails", failing=False)  # fixed
    code, out, _ = ccsim("run", str(suite), "--lf", "-q")
    assert (code, out) == (0, "1 passed, 0 failed, 0 error\n")
    assert _cache(suite.parent) == []
    code, out, err = ccsim("run", str(suite), "--lf")
    assert code == 0
    assert "ccsim: --lf: no previously failed scenarios; running all 2" in err
    assert "a-fails" in out
    assert "b-passes" in out


def test_a_damaged_cache_is_ignored_with_a_warning(suite: Path) -> None:
    (suite.parent / CACHE_DIR).mkdir()
    (suite.parent / CACHE_DIR / CACHE_FILE).write_bytes(b'{"lastfailed": 7}')
    code, out, err = ccsim("run", str(suite), "--lf", "-q")
    assert (code, out) == (1, "1 passed, 1 failed, 0 error\n")
    assert "not a ccsim cache file; ignored" in err
    assert _cache(suite.parent) == ["a-fails"]


def test_an_invalid_file_does_not_block_the_others(suite: Path) -> None:
    broken = suite / "c-broken.scenario.yaml"
    broken.write_text(BROKEN, encoding="utf-8")
    report = suite.parent / "r.json"
    code, out, err = ccsim("run", str(suite), "--json", str(report))
    assert code == 2
    assert f"ccsim: {broken}:3:1: YAML syntax" in err
    assert "a-fails" in out
    assert "b-passes" in out
    assert "1 passed, 1 failed, 1 error (1 invalid file)" in out
    data = json.loads(report.read_text(encoding="utf-8"))
    statuses = {s["id"]: s["status"] for s in data["scenarios"]}
    assert statuses == {"a-fails": "failed", "b-passes": "passed", str(broken): "error"}
    assert str(broken) in _cache(suite.parent)


def test_an_invalid_file_alone_is_exit_2(
    suite: Path,
) -> None:
    broken = suite.parent / "only.scenario.yaml"
    broken.write_text(BROKEN, encoding="utf-8")
    code, out, err = ccsim("run", str(broken), "-q")
    assert (code, out) == (2, "0 passed, 0 failed, 1 error (1 invalid file)\n")
    assert err.startswith(f"ccsim: {broken}:3:1: YAML syntax")


def test_each_shard_of_a_split_reports_an_invalid_file_once(suite: Path) -> None:
    (suite / "c-broken.scenario.yaml").write_text(BROKEN, encoding="utf-8")
    found = []
    for k in (1, 2, 3):
        invalid: list[tuple[Path, object]] = []
        load_selection([suite], None, f"{k}/3", invalid=invalid)  # type: ignore[arg-type]
        found += [path.name for path, _ in invalid]
    assert found == ["c-broken.scenario.yaml"]


def test_catalogue_alias_runs_the_builtin_catalogue_beside_a_folder(suite: Path) -> None:
    code, out, _ = ccsim("run", "@catalogue", str(suite), "-k", "healthy or passes")
    assert code == 0
    assert "healthy" in out
    assert "b-passes" in out
    assert suite_title([Path("@catalogue"), suite]) == f"ccsim: the built-in catalogue, {suite}"
    assert suite_title([]) == "ccsim: the built-in catalogue"


def test_the_table_keeps_ids_whole_and_drops_minor_columns_at_100(suite: Path) -> None:
    long_id = "a-scenario-with-a-long-id-of-fifty-characters-xyz"
    results = [
        run_file(_write(suite, long_id, failing=True)),
        run_file(suite / "b-passes.scenario.yaml"),
    ]
    console = Console(width=100, record=True, force_terminal=True, color_system=None)
    console.print(_table(results, "ccsim: suite", 100))
    text = console.export_text()
    assert long_id in text
    assert "b-passes" in text
    head = text.splitlines()[2]
    assert head.index("scenario") < head.index("status")
    assert "virtual time" not in text
    assert max(len(line) for line in text.splitlines()) <= 100
    wide = Console(width=200, record=True, force_terminal=True, color_system=None)
    wide.print(_table(results, "ccsim: suite", 200))
    assert "virtual time" in wide.export_text()
