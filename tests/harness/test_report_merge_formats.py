"""``ccsim report merge --junit --html``; incomplete splits warn, other seeds are refused.

The merged JUnit report is the one a single run writes (CPU times aside, which
come from the shards' own JUnit files); its testcases carry ``time=`` and the
failing expectation as the message.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from typer.testing import CliRunner

from harness.cli import _build_app
from harness.report import render_json, render_junit
from harness.runner import RunResult, run_file
from harness.selection import load_selection
from harness.timeline import clean

SOURCE = Path(__file__).resolve().parents[2] / "scenarios" / "q166045-wrong-password.scenario.yaml"


def ccsim(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(_build_app(), list(args))
    return result.exit_code, result.stdout, result.stderr


def _untimed(xml: str) -> str:
    return re.sub(r' time="[0-9.]+"', "", xml)


def _shard_files(
    catalogue: list[RunResult], folder: Path, n: int, *, seed: int | None = 7
) -> list[Path]:
    by_id = {r.id: r for r in catalogue}
    files = []
    for k in range(1, n + 1):
        chosen = [by_id[s.id] for _, s in load_selection([], None, f"{k}/{n}")]
        path = folder / f"shard-{k}.json"
        path.write_text(render_json(chosen, seed=seed, shard=f"{k}/{n}"), encoding="utf-8")
        (folder / f"shard-{k}.xml").write_text(render_junit(chosen), encoding="utf-8")
        files.append(path)
    return files


def test_merge_writes_the_single_run_junit_and_html(
    catalogue_results: list[RunResult], tmp_path: Path
) -> None:
    files = _shard_files(catalogue_results, tmp_path, 3)
    junit, html, merged = tmp_path / "m.xml", tmp_path / "m.html", tmp_path / "m.json"
    code, _, err = ccsim(
        "report", "merge", *map(str, files), "-o", str(merged), "--junit", str(junit),
        "--html", str(html),
    )  # fmt: skip
    assert code == 0, err
    assert "warning" not in err
    assert merged.read_text(encoding="utf-8") == render_json(catalogue_results, seed=7)
    single = render_junit(catalogue_results)
    assert junit.read_text(encoding="utf-8") == _untimed(single)
    page = html.read_text(encoding="utf-8")
    assert "Merged from shard JSON reports" in page
    for result in catalogue_results:
        assert f"<h2>{clean(result.id)}: {clean(result.title)} " in page
    assert "<script src" not in page
    assert "<link" not in page


def test_merge_takes_cpu_times_from_the_shards_junit_files(
    catalogue_results: list[RunResult], tmp_path: Path
) -> None:
    files = _shard_files(catalogue_results, tmp_path, 2)
    xmls = sorted(tmp_path.glob("shard-*.xml"))
    junit = tmp_path / "m.xml"
    code, _, err = ccsim("report", "merge", *map(str, files + xmls), "--junit", str(junit))
    assert code == 0, err
    assert junit.read_text(encoding="utf-8") == render_junit(catalogue_results)
    cases = ET.fromstring(junit.read_bytes()).findall("testcase")
    assert len(cases) == len(catalogue_results)
    assert all(float(case.get("time", "-1")) >= 0 for case in cases)


def test_an_incomplete_split_warns_with_the_missing_shards(
    catalogue_results: list[RunResult], tmp_path: Path
) -> None:
    files = _shard_files(catalogue_results, tmp_path, 3)
    code, _, err = ccsim("report", "merge", str(files[0]), str(files[1]), "-o", str(tmp_path / "m"))
    assert code == 0
    assert "ccsim report merge: warning: 2 of 3 shards (missing 3/3)\n" in err


def test_shards_of_different_seeds_are_refused(
    catalogue_results: list[RunResult], tmp_path: Path
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one, _ = _shard_files(catalogue_results, tmp_path / "a", 2)
    _, two = _shard_files(catalogue_results, tmp_path / "b", 2, seed=8)
    code, out, err = ccsim("report", "merge", str(one), str(two), "-o", str(tmp_path / "m.json"))
    assert code == 2
    assert err == (
        f"ccsim report merge: {two}: run with --seed 8 but {one} with --seed 7 "
        "(the shards of one run share a seed)\n"
    )
    assert out == ""
    assert not (tmp_path / "m.json").exists()


def test_shards_of_different_splits_are_refused(
    catalogue_results: list[RunResult], tmp_path: Path
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    three = _shard_files(catalogue_results, tmp_path / "a", 3)
    four = _shard_files(catalogue_results, tmp_path / "b", 4)
    code, _, err = ccsim("report", "merge", str(three[0]), str(four[3]))
    assert code == 2
    assert err.count("\n") == 1
    assert "a shard of 4 but" in err or "a shard of 3 but" in err


def test_an_old_report_without_transcripts_cannot_make_junit(tmp_path: Path) -> None:
    old = {
        "scenarios": [{"id": "a", "file": "a.scenario.yaml", "status": "passed"}],
        "summary": {"total": 1, "passed": 1, "failed": 0, "error": 0},
    }
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old), encoding="utf-8")
    code, _, _ = ccsim("report", "merge", str(path), "-o", str(tmp_path / "m.json"))
    assert code == 0  # the JSON merge needs only id, file and status
    code, _, err = ccsim("report", "merge", str(path), "--junit", str(tmp_path / "m.xml"))
    assert code == 2
    assert err == (
        f"ccsim report merge: {path}: scenarios[0]: 'title' missing or of the wrong type\n"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('<!DOCTYPE x [<!ENTITY a "aaaa">]><testsuite/>', "it declares a DOCTYPE"),
        ("<testsuite><testcase", "not XML"),
        ("<other/>", "no <testsuite>"),
        ('<testsuite><testcase name="a" file="f" time="soon"/></testsuite>', "is not a number"),
    ],
)
def test_bad_junit_inputs_are_refused_with_one_line(
    catalogue_results: list[RunResult], tmp_path: Path, text: str, message: str
) -> None:
    (report,) = _shard_files(catalogue_results, tmp_path, 1)
    bad = tmp_path / "bad.xml"
    bad.write_text(text, encoding="utf-8")
    code, _, err = ccsim("report", "merge", str(report), str(bad), "--junit", str(tmp_path / "m"))
    assert code == 2
    assert err.startswith(f"ccsim report merge: {bad}")
    assert message in err
    assert err.count("\n") == 1


def test_a_report_never_overwrites_an_input(
    catalogue_results: list[RunResult], tmp_path: Path
) -> None:
    (report,) = _shard_files(catalogue_results, tmp_path, 1)
    before = report.read_bytes()
    code, _, err = ccsim("report", "merge", str(report), "--html", str(report))
    assert code == 2
    assert "is an input" in err
    assert report.read_bytes() == before


def test_junit_case_has_cpu_time_and_the_failing_expectation(tmp_path: Path) -> None:
    path = tmp_path / "failing.scenario.yaml"
    text = SOURCE.read_text(encoding="utf-8").replace("{id: 70, min: 10}", "{id: 70, min: 10000}")
    path.write_text(text, encoding="utf-8")
    result = run_file(path)
    assert not result.passed
    assert result.cpu_seconds > 0
    (case,) = ET.fromstring(render_junit([result])).findall("testcase")
    assert float(case.get("time", "")) == pytest.approx(result.cpu_seconds, abs=0.001)
    failure = case.find("failure")
    assert failure is not None
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "min: 10000" in row)
    message = failure.get("message", "")
    assert message.startswith(f"{path}:{line}: expect: ")
    assert "10000" in message
