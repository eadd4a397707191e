"""The closed loop, its reports and the ``ccsim run / list / plan / show`` commands."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from typer.testing import CliRunner

from harness.cli import _build_app
from harness.loader import load_text
from harness.report import render_json, render_junit, render_summary, render_transcript
from harness.runner import Status, run, run_file
from harness.selection import SelectionError, builtin_dir, matches, parse_shard, shard

CATALOGUE = builtin_dir()
WRONG_DIAGNOSIS = """\
id: misdiagnosed
title: The wrong password, but the file expects an access problem
articles: [Q166045]
cause: po-access-denied
faults:
  - wrong-po-password
steps:
  - start: connector
  - advance: 15m
diagnose: [po-access-denied]
fix: [correct-po-settings]
"""


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(_build_app(), list(args))
    return result.exit_code, result.output


def test_healthy_baseline_passes_with_every_message_delivered() -> None:
    result = run_file(CATALOGUE / "healthy.scenario.yaml")
    assert result.status is Status.PASSED, result.failures
    assert result.verified
    assert result.conserved
    assert not result.diagnosis
    assert result.messages > 40  # populated mail plus the traffic and the probes


def test_wrong_expectation_fails_and_points_at_the_scenario_line(tmp_path: Path) -> None:
    path = tmp_path / "misdiagnosed.scenario.yaml"
    path.write_text(WRONG_DIAGNOSIS)
    result = run_file(path)
    assert result.status is Status.FAILED
    assert [f.cause for f in result.diagnosis][:1] == ["po-settings-invalid"]
    assert any(f.startswith(f"{path}:10: diagnose:") for f in result.failures), result.failures
    assert "expected po-access-denied; diagnosed po-settings-invalid FAILED" in render_transcript(
        result
    )


def test_same_seed_same_report_bytes() -> None:
    scenario = load_text(WRONG_DIAGNOSIS, name="m.scenario.yaml")
    first = render_json([run(scenario, file="m.scenario.yaml", seed=5)])
    second = render_json([run(scenario, file="m.scenario.yaml", seed=5)])
    assert first == second
    data = json.loads(first)
    assert data["scenarios"][0]["status"] == "failed"
    assert data["summary"] == {"error": 0, "failed": 1, "passed": 0, "total": 1}


def test_junit_report_has_one_case_per_scenario_with_the_failure() -> None:
    passed = run_file(CATALOGUE / "healthy.scenario.yaml")
    failed = run(load_text(WRONG_DIAGNOSIS, name="m.scenario.yaml"), file="m.scenario.yaml")
    suite = ET.fromstring(render_junit([passed, failed]).split("\n", 1)[1])
    assert suite.get("tests") == "2"
    assert suite.get("failures") == "1"
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert cases["healthy"].find("failure") is None
    failure = cases["misdiagnosed"].find("failure")
    assert failure is not None
    assert "diagnose" in (failure.get("message") or "")
    assert render_summary([passed, failed]).endswith("1 passed, 1 failed, 0 error\n")


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("dirsync", True),
        ("dirsync and not netware", True),
        ("netware or settings", False),
        ("(first or second) and q166045", True),
        ("not (dirsync)", False),
    ],
)
def test_keyword_expressions(expression: str, expected: bool) -> None:
    assert (
        matches(expression, {"q166045-first-dirsync", "dirsync-not-completed", "q166045"})
        is expected
    )


@pytest.mark.parametrize("bad", ["", "and", "a and", "(a", "a b", "not", "a )"])
def test_bad_keyword_expressions_are_refused(bad: str) -> None:
    with pytest.raises(SelectionError):
        matches(bad, {"a"})


@pytest.mark.parametrize("bad", ["2/1", "0/3", "x", "1/", "1-2"])
def test_bad_shards_are_refused(bad: str) -> None:
    with pytest.raises(SelectionError):
        parse_shard(bad)


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_shards_cover_every_item_exactly_once(n: int) -> None:
    items = [(f"s{i:02d}", float((i * 37) % 11 + 1)) for i in range(13)]
    picked = [name for k in range(1, n + 1) for name in shard(items, k, n)]
    assert sorted(picked) == sorted(name for name, _ in items)


def test_ccsim_run_exit_codes(tmp_path: Path) -> None:
    bad = tmp_path / "misdiagnosed.scenario.yaml"
    bad.write_text(WRONG_DIAGNOSIS)
    invalid = tmp_path / "invalid.scenario.yaml"
    invalid.write_text("id: x\n")
    report = tmp_path / "r.json"
    code, out = _invoke("run", str(CATALOGUE / "healthy.scenario.yaml"), "--json", str(report))
    assert code == 0, out
    assert json.loads(report.read_text())["scenarios"][0]["id"] == "healthy"
    assert _invoke("run", str(bad))[0] == 1
    code, out = _invoke("run", str(invalid))
    assert code == 2
    assert "invalid.scenario.yaml:1:1:" in out
    code, out = _invoke("run", "-k", "no-such-thing")
    assert code == 2
    assert "no scenario selected" in out
    assert _invoke("run", "--shard", "3/2")[0] == 2
    code, out = _invoke("run", "--json", str(tmp_path / "nodir" / "r.json"))
    assert code == 2
    assert "cannot write a report" in out


def test_ccsim_list_and_plan() -> None:
    code, out = _invoke("list", "causes")
    assert code == 0
    assert "po-settings-invalid" in out
    assert "nt-service-pack-missing" in out
    code, out = _invoke("list", "faults")
    assert code == 0
    assert "wrong-po-password" in out
    assert _invoke("list", "nonsense")[0] == 2
    code, out = _invoke("plan", str(CATALOGUE / "q166045-wrong-password.scenario.yaml"))
    assert code == 0
    assert "wrong-po-password" in out
    assert "correct-po-settings" in out
    assert "Q166045" in out
