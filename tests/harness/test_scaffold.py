"""``ccsim scaffold cause`` and causes from installed packages (entry points ``ccsim.causes``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness.causes import CAUSES
from harness.cli import main
from harness.scaffold import _CAUSE_MODULE, _names, _render

REPO = Path(__file__).resolve().parents[2]


def ccsim(*args: str) -> int:
    """``ccsim ARGS`` in this process: its exit status."""
    with pytest.raises(SystemExit) as done:
        main(list(args))
    return int(done.value.code or 0)


WRITTEN = (
    "harness/causes/demo_cause.py",
    "tests/causes/test_demo_cause.py",
    "scenarios/q999999-demo-cause.scenario.yaml",
)


def _checkout(root: Path) -> Path:
    """A copy of the source checkout: what the scaffold writes into and what runs it."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache")
    for folder in ("harness", "sim", "scenarios"):
        shutil.copytree(REPO / folder, root / folder, ignore=ignore)
    (root / "tests" / "causes").mkdir(parents=True)
    shutil.copy(REPO / "tests" / "__init__.py", root / "tests")
    for name in ("__init__.py", "kit.py", "conftest.py"):
        shutil.copy(REPO / "tests" / "causes" / name, root / "tests" / "causes")
    shutil.copy(REPO / "pyproject.toml", root)
    return root


def _run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return subprocess.run(
        [sys.executable, *args], cwd=root, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = _checkout(tmp_path_factory.mktemp("checkout"))
    args = ["scaffold", "cause", "demo-cause", "--article", "Q999999", "--root", str(root)]
    assert ccsim(*args) == 0
    return root


def test_the_scaffold_writes_the_three_files(scaffolded: Path) -> None:
    for name in WRITTEN:
        assert (scaffolded / name).is_file(), name
    module = (scaffolded / WRITTEN[0]).read_text(encoding="utf-8")
    assert '"demo-cause"' in module
    assert 'articles=("Q999999",)' in module
    after = max(c.number for c in CAUSES.values()) + 1  # numbered after the catalogue's last
    assert f"CAUSE = Cause(\n    {after}," in module


def test_what_it_writes_passes_lint_and_the_type_checks(scaffolded: Path) -> None:
    files = [str(scaffolded / n) for n in WRITTEN[:2]]
    lint = _run(scaffolded, "-m", "ruff", "check", "--no-cache", *files)
    assert lint.returncode == 0, lint.stdout
    formatted = _run(scaffolded, "-m", "ruff", "format", "--check", "--no-cache", *files)
    assert formatted.returncode == 0, formatted.stdout
    typed = _run(scaffolded, "-m", "mypy", "--cache-dir", str(scaffolded / ".mypy"), *files)
    assert typed.returncode == 0, typed.stdout


def test_its_scenario_validates_and_runs_green(scaffolded: Path) -> None:
    scenario = scaffolded / WRITTEN[2]
    checked = _run(scaffolded, "-m", "harness.cli", "validate", str(scenario))
    assert checked.returncode == 0, checked.stderr
    ran = _run(scaffolded, "-m", "harness.cli", "run", str(scenario))
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "1 passed, 0 failed" in ran.stdout


def test_its_tests_pass(scaffolded: Path) -> None:
    tests = _run(scaffolded, "-m", "pytest", "-q", "-p", "no:cacheprovider", WRITTEN[1])
    assert tests.returncode == 0, tests.stdout
    assert "5 passed" in tests.stdout


def test_a_taken_id_is_refused_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["scaffold", "cause", "po-damaged", "--article", "Q166045", "--root", str(tmp_path)]
    assert ccsim(*args) == 2
    err = capsys.readouterr().err
    assert err == "ccsim: cause 'po-damaged' exists already (row 3: PO fragmented or damaged)\n"
    assert list(tmp_path.iterdir()) == []


def test_a_file_in_the_way_is_refused_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for folder in ("harness/causes", "tests/causes", "scenarios"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "scenarios" / "q999999-demo-cause.scenario.yaml").write_text("mine\n")
    args = ["scaffold", "cause", "demo-cause", "--article", "Q999999", "--root", str(tmp_path)]
    assert ccsim(*args) == 2
    assert "exists: cause 'demo-cause' is taken, nothing written" in capsys.readouterr().err
    assert not (tmp_path / "harness/causes/demo_cause.py").exists()
    assert (tmp_path / "scenarios" / "q999999-demo-cause.scenario.yaml").read_text() == "mine\n"


@pytest.mark.parametrize(
    ("cause_id", "article", "message"),
    [
        ("Demo_Cause", "Q999999", "is not kebab-case"),
        ("demo-cause", "KB999999", "is not a KB number"),
        ("demo-cause", "Q99", "is not a KB number"),
    ],
)
def test_malformed_names_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cause_id: str, article: str, message: str
) -> None:
    args = ["scaffold", "cause", cause_id, "--article", article, "--root", str(tmp_path)]
    assert ccsim(*args) == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.splitlines()) == 1


def _package(root: Path, module: str, entry: str) -> Path:
    """A fake installed distribution on ``root``: a module and its ``ccsim.causes`` entry point."""
    info = root / "ext_causes-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: ext-causes\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[ccsim.causes]\next-cause = {entry}\n")
    (root / "ext_cause.py").write_text(module, encoding="utf-8")
    return root


def test_an_installed_package_adds_a_cause_loaded_like_a_built_in(tmp_path: Path) -> None:
    names = _names("ext-cause", "Q999998")
    names["@NUMBER@"] = "30"
    site = _package(tmp_path / "site", _render(_CAUSE_MODULE, names), "ext_cause")
    env = {**os.environ, "PYTHONPATH": f"{site}{os.pathsep}{REPO}"}
    listed = subprocess.run(
        [sys.executable, "-m", "harness.cli", "list", "causes"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    assert "ext-cause" in listed.stdout
    scenario = tmp_path / "ext.scenario.yaml"
    scenario.write_text(
        "id: ext\ntitle: ext\ncause: ext-cause\nfaults: [break-ext-cause]\n"
        "diagnose: [ext-cause]\nfix: [fix-ext-cause]\n",
        encoding="utf-8",
    )
    checked = subprocess.run(
        [sys.executable, "-m", "harness.cli", "validate", str(scenario)],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr


def test_a_package_cause_that_clashes_with_a_built_in_is_refused_naming_both(
    tmp_path: Path,
) -> None:
    module = (
        "import dataclasses\nfrom harness.causes import HEALTHY\n"
        "CAUSE = dataclasses.replace(HEALTHY, number=30, id='po-damaged')\n"
    )
    site = _package(tmp_path / "site", module, "ext_cause")
    env = {**os.environ, "PYTHONPATH": f"{site}{os.pathsep}{REPO}"}
    code = "from harness.causes import load\nload()"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode != 0
    assert (
        "cause 'po-damaged' of ext_cause is already defined by harness.causes.po_damaged"
        in done.stderr
    )
