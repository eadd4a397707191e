"""Shards of the catalogue and ``ccsim report merge`` (docs/ci.md).

Every shard split ``1/N .. N/N`` (N = 1..5) takes each built-in scenario exactly
once, and the shards' JSON reports merge into the report of one run of all of
them, byte for byte. Malformed or overlapping reports are refused with exit 2
and one line naming the file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import _build_app
from harness.commands.reports import MergeError, merge_reports, parse_report
from harness.report import render_json
from harness.runner import RunResult
from harness.selection import load_selection

SHARD_COUNTS = (1, 2, 3, 4, 5)


def ccsim(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(_build_app(), list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def catalogue(catalogue_results: list[RunResult]) -> list[RunResult]:
    """Every built-in scenario run once (``tests/harness/conftest.py``)."""
    return catalogue_results


def _shard_ids(k: int, n: int) -> list[str]:
    return [s.id for _, s in load_selection([], None, f"{k}/{n}")]


@pytest.mark.parametrize("n", SHARD_COUNTS)
def test_shards_take_every_catalogue_scenario_exactly_once(n: int) -> None:
    everything = sorted(s.id for _, s in load_selection([], None, None))
    picked = [ident for k in range(1, n + 1) for ident in _shard_ids(k, n)]
    assert sorted(picked) == everything
    assert len(picked) == len(set(picked))


def test_shard_split_is_the_same_every_time() -> None:
    assert [_shard_ids(k, 3) for k in (1, 2, 3)] == [_shard_ids(k, 3) for k in (1, 2, 3)]


@pytest.mark.parametrize("n", SHARD_COUNTS)
def test_merged_shard_reports_equal_the_single_run_report(
    catalogue: list[RunResult], n: int
) -> None:
    by_id = {r.id: r for r in catalogue}
    shards = [
        parse_report(render_json([by_id[i] for i in _shard_ids(k, n)]), name=f"{k}.json")
        for k in range(1, n + 1)
    ]
    assert merge_reports(list(reversed(shards))) == render_json(catalogue)


def test_ccsim_report_merge_writes_the_single_run_report(
    catalogue: list[RunResult], tmp_path: Path
) -> None:
    by_id = {r.id: r for r in catalogue}
    files = []
    for k in (1, 2, 3):
        path = tmp_path / f"shard-{k}.json"
        path.write_text(render_json([by_id[i] for i in _shard_ids(k, 3)]), encoding="utf-8")
        files.append(str(path))
    merged = tmp_path / "merged.json"
    code, out, err = ccsim("report", "merge", *files, "-o", str(merged))
    assert code == 0, err
    assert merged.read_text(encoding="utf-8") == render_json(catalogue)
    total = len(catalogue)
    assert err.startswith(f"merged 3 report(s): {total} scenarios (")
    assert out == ""


def test_ccsim_report_merge_without_output_prints_the_report(
    catalogue: list[RunResult], tmp_path: Path
) -> None:
    path = tmp_path / "all.json"
    path.write_text(render_json(catalogue), encoding="utf-8")
    code, out, _ = ccsim("report", "merge", str(path))
    assert code == 0
    assert out == render_json(catalogue)


def _scenario(ident: str, status: str = "passed", file: str | None = None) -> dict[str, object]:
    return {"id": ident, "file": file or f"scenarios/{ident}.scenario.yaml", "status": status}


def _report(*scenarios: dict[str, object], summary: dict[str, int] | None = None) -> str:
    statuses = [s["status"] for s in scenarios]
    counted = {k: statuses.count(k) for k in ("passed", "failed", "error")}
    data = {"scenarios": list(scenarios), "summary": summary or {"total": len(statuses), **counted}}
    return json.dumps(data)


GOOD = _report(_scenario("a"))
BAD_REPORTS = [
    ("not-json.json", "{'scenarios': []}", "not-json.json:1:2: not JSON: Expecting property name"),
    ("truncated.json", GOOD[:-5], "truncated.json:1:"),
    ("list.json", "[]", "not a ccsim report (expected keys 'scenarios' and 'summary')"),
    ("no-summary.json", '{"scenarios": []}', "expected keys 'scenarios' and 'summary'"),
    ("extra.json", GOOD[:-1] + ', "x": 1}', "expected keys 'scenarios' and 'summary'"),
    ("not-list.json", '{"scenarios": {}, "summary": {}}', "'scenarios' must be a list"),
    ("item.json", _report().replace("[]", "[3]"), "scenarios[0]: expected an object, found int"),
    ("no-id.json", GOOD.replace('"id"', '"name"'), "scenarios[0]: 'id' missing or not a string"),
    ("id-int.json", _report({"id": 7, "file": "f", "status": "passed"}), "'id' missing"),
    ("status.json", _report(_scenario("a", "skipped")), "unknown status 'skipped'"),
    (
        "summary.json",
        _report(_scenario("a"), summary={"total": 2, "passed": 2, "failed": 0, "error": 0}),
        "summary says total 2, passed 2, failed 0, error 0 "
        "but the scenarios give total 1, passed 1, failed 0, error 0",
    ),
    ("summary-keys.json", _report(_scenario("a"), summary={"total": 1}), "'summary' must be"),
    ("twice.json", _report(_scenario("a"), _scenario("a")), "scenario 'a' (scenarios/a"),
    ("deep.json", "[" * 100_000 + "]" * 100_000, "deep.json: "),
]


@pytest.mark.parametrize(("name", "text", "message"), BAD_REPORTS, ids=[b[0] for b in BAD_REPORTS])
def test_malformed_reports_are_refused_with_one_line(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    code, out, err = ccsim("report", "merge", str(path), "-o", str(tmp_path / "m.json"))
    assert code == 2
    assert err.startswith(f"ccsim report merge: {path}")
    assert message in err
    assert err.count("\n") == 1
    assert out == ""
    assert not (tmp_path / "m.json").exists()


def test_overlapping_shards_are_refused(tmp_path: Path) -> None:
    first, second = tmp_path / "1.json", tmp_path / "2.json"
    first.write_text(_report(_scenario("a"), _scenario("b")), encoding="utf-8")
    second.write_text(_report(_scenario("b", "failed"), _scenario("c")), encoding="utf-8")
    code, _, err = ccsim("report", "merge", str(first), str(second))
    assert code == 2
    assert err == f"ccsim report merge: {second}: scenario 'b' is also in {first} " + (
        "(shard reports must not overlap)\n"
    )


def test_the_same_file_twice_is_an_overlap(tmp_path: Path) -> None:
    path = tmp_path / "1.json"
    path.write_text(GOOD, encoding="utf-8")
    code, _, err = ccsim("report", "merge", str(path), str(path))
    assert code == 2
    assert "scenario 'a' is also in" in err


def test_unreadable_inputs_are_refused(tmp_path: Path) -> None:
    binary = tmp_path / "latin1.json"
    binary.write_bytes(b'{"scenarios": [], "summary": "\xe9"}')
    assert ccsim("report", "merge", str(binary))[2] == (
        f"ccsim report merge: {binary}: not UTF-8 (byte 30)\n"
    )
    missing = tmp_path / "missing.json"
    assert ccsim("report", "merge", str(missing)) == (
        2,
        "",
        f"ccsim report merge: {missing}: no such file\n",
    )
    assert ccsim("report", "merge", str(tmp_path))[0] == 2


def test_merge_needs_at_least_one_report() -> None:
    assert ccsim("report", "merge")[0] == 2


def test_empty_shards_merge_to_an_empty_report() -> None:
    empty = parse_report(_report(), name="e.json")
    assert merge_reports([empty, empty]) == render_json([])


def test_same_id_in_two_files_of_one_report_is_kept() -> None:
    """One run may hold two files with one id; the shard split keeps them together."""
    one = _scenario("a", file="mine/a.scenario.yaml")
    two = _scenario("a", "failed", file="scenarios/a.scenario.yaml")
    merged = json.loads(merge_reports([parse_report(_report(one, two), name="r.json")]))
    assert [s["file"] for s in merged["scenarios"]] == [
        "mine/a.scenario.yaml",
        "scenarios/a.scenario.yaml",
    ]
    assert merged["summary"] == {"total": 2, "passed": 1, "failed": 1, "error": 0}


def test_merge_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match=r"^x\.json: 'scenarios' must be a list$"):
        parse_report('{"scenarios": 1, "summary": {}}', name="x.json")
    assert issubclass(MergeError, ValueError)
