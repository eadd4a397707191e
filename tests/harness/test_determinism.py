"""Same seed, same bytes; another seed, other names but the same verdicts.

Principle 3 of the project (STYLE.md §4, §5): the whole built-in catalogue run
twice with one seed gives byte-identical JSON reports (``render_json``): once
in this process, once as two shards in two separate processes, each with its
own ``PYTHONHASHSEED`` (so a ``hash()``- or set-order-dependent value would
show), merged with ``ccsim report merge``; the catalogue through the pytest
plugin on two xdist workers gives each scenario the verdict of the serial run;
and another seed changes what Faker and the world's RNG generate (post office
user names, message file names in the events) but no scenario's verdict.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from harness.build import build_site
from harness.report import render_json
from harness.runner import RunResult
from harness.selection import load_selection
from sim.postoffice.layout import Location
from sim.postoffice.postoffice import Postoffice
from tests.harness.conftest import CATALOGUE_SEED as SEED
from tests.harness.conftest import run_catalogue

OTHER_SEED = 8


@pytest.fixture
def reference(catalogue_results: list[RunResult]) -> str:
    """The JSON report of the shared catalogue run (seed 7)."""
    return render_json(catalogue_results, seed=SEED)


def _verdicts(report: str) -> dict[str, dict[str, Any]]:
    keys = ("status", "diagnosis", "fixed", "verified", "conserved", "failures")
    return {s["id"]: {k: s[k] for k in keys} for s in json.loads(report)["scenarios"]}


def _ccsim(tmp: Path, *args: str, hash_seed: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "COLUMNS": "200"}
    return subprocess.Popen(
        [sys.executable, "-m", "harness.cli", *args],
        cwd=tmp,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_catalogue_again_as_two_shards_in_two_processes_gives_identical_json(
    reference: str, tmp_path: Path
) -> None:
    """The second run of the whole catalogue with the seed: two processes, merged, same bytes."""
    assert json.loads(reference)["summary"]["total"] == len(load_selection([], None, None))
    shards = [
        _ccsim(tmp_path, "run", "--seed", str(SEED), "--shard", f"{k}/2", "--json", f"s{k}.json",
               hash_seed=str(k * 1000 + 1))
        for k in (1, 2)
    ]  # fmt: skip
    for process in shards:
        _, err = process.communicate(timeout=600)
        assert process.returncode in (0, 1), err  # 1: a scenario failed; the report is written
    merge = _ccsim(tmp_path, "report", "merge", "s1.json", "s2.json", "-o", "all.json",
                   hash_seed="0")  # fmt: skip
    _, err = merge.communicate(timeout=120)
    assert merge.returncode == 0, err
    first = json.loads((tmp_path / "s1.json").read_text(encoding="utf-8"))
    assert 0 < first["summary"]["total"] < json.loads(reference)["summary"]["total"]
    assert (tmp_path / "all.json").read_text(encoding="utf-8") == reference


def test_another_seed_keeps_every_verdict(reference: str) -> None:
    other = render_json(run_catalogue(OTHER_SEED))
    assert other != reference
    assert _verdicts(other) == _verdicts(reference)
    seeds = {s["seed"] for s in json.loads(other)["scenarios"]}
    assert seeds == {OTHER_SEED}


def _user_names(seed: int, tmp: Path) -> dict[str, list[str]]:
    names = {}
    for path, scenario in load_selection([], None, None):
        site = build_site(scenario, seed=seed, root=tmp / f"{seed}-{scenario.id}")
        po = Postoffice(site.po_path)
        names[path.name] = [e.name for e in po.entries() if e.location is Location.LOCAL]
    return names


def test_another_seed_generates_other_user_names(tmp_path: Path) -> None:
    first, again = _user_names(SEED, tmp_path / "a"), _user_names(SEED, tmp_path / "b")
    other = _user_names(OTHER_SEED, tmp_path / "c")
    assert first == again
    assert first.keys() == other.keys()
    for name in first:
        assert len(first[name]) == len(other[name]), name
        assert first[name] != other[name], name


def test_pytest_plugin_under_xdist_gives_the_serial_verdicts(
    reference: str, tmp_path: Path
) -> None:
    """The catalogue through the pytest plugin on 2 workers: each scenario as in ``ccsim run``."""
    process = _ccsim_pytest(tmp_path)
    out, err = process.communicate(timeout=900)
    assert process.returncode in (0, 1), out[-2000:] + err[-2000:]
    assert "bringing up nodes" in out  # xdist workers ran the scenarios
    cases = ET.parse(tmp_path / "plugin.xml").getroot().iter("testcase")
    got = {case.get("name"): "passed" if len(case) == 0 else "failed" for case in cases}
    want = {
        s["id"]: "passed" if s["status"] == "passed" else "failed"
        for s in json.loads(reference)["scenarios"]
    }
    assert got == want


def _ccsim_pytest(tmp: Path) -> subprocess.Popen[str]:
    argv = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "xdist",
        "-n",
        "2",
        "-p",
        "no:cacheprovider",
    ]
    argv += ["--ccsim-catalogue", "--ccsim-seed", str(SEED), "--junitxml", "plugin.xml"]
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    return subprocess.Popen(
        argv, cwd=tmp, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
