"""The pytest plugin: scenario files as test items, failures with transcripts, shards, xdist."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from harness.selection import builtin_dir, load_selection
from tests.pytester_support import preload, run_inprocess

preload()

pytest_plugins = ["pytester"]

HEALTHY = (builtin_dir() / "healthy.scenario.yaml").read_text(encoding="utf-8")
PASSWORD = (builtin_dir() / "q166045-wrong-password.scenario.yaml").read_text(encoding="utf-8")
#: the wrong-password scenario, expecting a second cause the rules will not name
WRONG_DIAGNOSIS = PASSWORD.replace(
    "diagnose: [po-settings-invalid]", "diagnose: [po-settings-invalid, po-damaged]"
)
ROOT = Path(__file__).resolve().parents[2]


def line_of(text: str, prefix: str) -> int:
    """The 1-based line number of the first line starting with ``prefix``."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith(prefix))


def renamed(text: str, new_id: str) -> str:
    return re.sub(r"(?m)^id: .*$", f"id: {new_id}", text, count=1)


def test_passing_scenario_file_is_one_passed_test(pytester: pytest.Pytester) -> None:
    """A scenario that reproduces, diagnoses, fixes and verifies is one passed item."""
    path = pytester.makefile(".scenario.yaml", healthy=HEALTHY)
    result = run_inprocess(pytester, str(path), "-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*healthy.scenario.yaml::healthy PASSED*"])


def test_wrong_diagnosis_fails_with_transcript_and_line(pytester: pytest.Pytester) -> None:
    """The failure shows the diagnose lines of the transcript and the scenario line at fault."""
    assert WRONG_DIAGNOSIS != PASSWORD
    path = pytester.makefile(".scenario.yaml", wrong=WRONG_DIAGNOSIS)
    line = line_of(WRONG_DIAGNOSIS, "diagnose:")
    result = run_inprocess(pytester, str(path), "--ccsim-seed", "7")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*q166045-wrong-password*[[]failed[]] (seed 7)",
            "*diagnose po-settings-invalid (score *",
            f"*diagnose expected po-settings-invalid, po-damaged; diagnosed po-settings-invalid"
            f" FAILED  (line {line})",
            f"scenario failed at wrong.scenario.yaml:{line}: diagnose: *",
        ]
    )
    assert "Traceback" not in result.stdout.str()


def test_invalid_file_is_a_collection_error_naming_file_and_line(
    pytester: pytest.Pytester,
) -> None:
    """An invalid file is reported as ``file:line:col: message``, with no traceback."""
    bad = HEALTHY.replace("steps:", "diagnosis: []\nsteps:", 1)
    path = pytester.makefile(".scenario.yaml", bad=bad)
    line = line_of(bad, "diagnosis:")
    result = run_inprocess(pytester, str(path))
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [f"bad.scenario.yaml:{line}:1: unknown key 'diagnosis' (did you mean 'diagnose'?)"]
    )
    assert "Traceback" not in result.stdout.str()
    assert result.ret == pytest.ExitCode.INTERRUPTED


def test_xdist_gives_the_same_outcomes(pytester: pytest.Pytester) -> None:
    """Under ``-n 2`` the same files pass and fail as in one process."""
    pytester.makefile(".scenario.yaml", healthy=HEALTHY, wrong=WRONG_DIAGNOSIS)
    single = run_inprocess(pytester, ".")
    single.assert_outcomes(passed=1, failed=1)
    parallel = pytester.runpytest_subprocess(".", "-n", "2", "-p", "xdist")
    parallel.assert_outcomes(passed=1, failed=1)
    parallel.stdout.fnmatch_lines(["*created: 2/2 workers*"])
    parallel.stdout.fnmatch_lines(["*diagnose expected po-settings-invalid, po-damaged*FAILED*"])


def collected(result: pytest.RunResult) -> list[str]:
    return sorted(line for line in result.outlines if ".scenario.yaml::" in line)


def test_shards_cover_every_file_once_with_the_ccsim_run_split(pytester: pytest.Pytester) -> None:
    """``--ccsim-shard 1/2`` and ``2/2`` partition the files as ``ccsim run --shard`` does."""
    ids = [f"s{i}" for i in range(7)]
    for i, new_id in enumerate(ids):
        text = renamed(PASSWORD, new_id).replace("advance: 30m", f"advance: {10 + i}m")
        pytester.makefile(".scenario.yaml", **{new_id: text})
    everything = collected(run_inprocess(pytester, ".", "--co", "-q"))
    assert len(everything) == len(ids)
    first = collected(run_inprocess(pytester, ".", "--co", "-q", "--ccsim-shard", "1/2"))
    second = collected(run_inprocess(pytester, ".", "--co", "-q", "--ccsim-shard", "2/2"))
    assert first
    assert second
    assert sorted(first + second) == everything
    assert not set(first) & set(second)
    for k, shard_items in ((1, first), (2, second)):
        chosen = load_selection([pytester.path], None, f"{k}/2")
        assert sorted(f"{p.name}::{s.id}" for p, s in chosen) == shard_items


def test_bad_shard_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = run_inprocess(pytester, "--ccsim-shard", "3/2")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--shard '3/2': K must be between 1 and N*"])


def test_only_named_files_and_folders_are_collected(pytester: pytest.Pytester) -> None:
    """Scenario files in subfolders, or reached only through testpaths, are left alone."""
    pytester.makefile(".scenario.yaml", top=HEALTHY)
    sub = pytester.mkdir("data")
    (sub / "inner.scenario.yaml").write_text("not: [valid", encoding="utf-8")
    pytester.makeini("[pytest]\ntestpaths = .\n")
    assert collected(run_inprocess(pytester, "--co", "-q")) == []
    assert collected(run_inprocess(pytester, ".", "--co", "-q")) == ["top.scenario.yaml::healthy"]
    result = run_inprocess(pytester, "data", "--co", "-q")
    result.stdout.fnmatch_lines(["data/inner.scenario.yaml:*:*: YAML syntax: *"])


def test_no_tests_ran_for_a_folder_with_scenarios_only_below_says_why(
    pytester: pytest.Pytester,
) -> None:
    """``pytest DIR`` collects DIR's own files, ``ccsim run DIR`` its sub-folders' too: the
    "no tests ran" message names the difference and the way out."""
    suite = pytester.mkdir("suite")
    (suite / "site").mkdir()
    (suite / "site" / "a.scenario.yaml").write_text(HEALTHY, encoding="utf-8")
    (suite / "site" / "b.scenario.yaml").write_text(renamed(HEALTHY, "b"), encoding="utf-8")
    result = run_inprocess(pytester, "suite")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    result.stdout.fnmatch_lines(
        [
            "ccsim: 2 scenario files in sub-folders of suite not collected: pytest collects the "
            "[*].scenario.yaml files directly in a folder it is given, while `ccsim run suite` "
            "walks its sub-folders too. Name a sub-folder (pytest suite/site), or list suite "
            "under the ccsim_paths ini option, whose folders are collected with their "
            "sub-folders.",
            "*no tests ran*",
        ]
    )
    named = run_inprocess(pytester, "suite/site")
    named.assert_outcomes(passed=2)
    assert "ccsim:" not in named.stdout.str()


def test_no_tests_ran_without_scenarios_below_adds_nothing(pytester: pytest.Pytester) -> None:
    pytester.mkdir("empty")
    result = run_inprocess(pytester, "empty")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    assert "ccsim:" not in result.stdout.str()


def test_ccsim_paths_ini_collects_recursively(pytester: pytest.Pytester) -> None:
    """Folders listed in ``ccsim_paths`` are collected, subfolders included, without args."""
    nested = pytester.mkdir("mine") / "deeper"
    nested.mkdir()
    (nested / "one.scenario.yaml").write_text(HEALTHY, encoding="utf-8")
    pytester.makeini("[pytest]\nccsim_paths = mine\n")
    assert collected(run_inprocess(pytester, "--co", "-q")) == [
        "mine/deeper/one.scenario.yaml::healthy"
    ]


def test_catalogue_flag_collects_every_builtin_scenario(pytester: pytest.Pytester) -> None:
    result = run_inprocess(pytester, "--ccsim-catalogue", "--co", "-q")
    names = {line.split("::")[-1] for line in collected(result)}
    assert names == {s.id for _, s in load_selection([], None, None)}


def test_keywords_select_by_cause_and_tag(pytester: pytest.Pytester) -> None:
    """``-k`` matches the id, the cause, the tags and the articles, as ``ccsim run -k`` does."""
    result = run_inprocess(pytester, "--ccsim-catalogue", "--co", "-q", "-k", "access-denied")
    names = {line.split("::")[-1] for line in collected(result)}
    expected = {
        s.id
        for p, s in load_selection([], None, None)
        if "access-denied" in " ".join([p.name, s.id, s.cause, *s.tags, *s.articles]).casefold()
    }
    assert "q166045-nt-rights" in expected  # by its cause, po-access-denied
    assert names == expected


def test_project_run_collects_no_scenario_files() -> None:
    """``pytest`` at the project root collects unit tests only (no tests/data scenario files)."""
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "--co", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert "tests collected" in out.stdout
    files = {line.split("::")[0] for line in out.stdout.splitlines() if "::" in line}
    assert files
    assert not [f for f in files if f.endswith(".scenario.yaml")]
