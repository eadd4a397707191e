"""The CI recipes of docs/ci.md: they parse, agree with the page, and call real commands.

Each workflow under ``docs/ci/`` must parse as YAML, appear verbatim in
docs/ci.md, shard as ``1..N`` of one N, and every ``ccsim`` command in it must
exist with every option it passes (``ccsim <command> --help`` lists them).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
import yaml
from typer.testing import CliRunner

from harness.cli import _build_app

DOCS = Path(__file__).resolve().parents[1] / "docs"
RECIPES = {"github": DOCS / "ci" / "github-actions.yml", "gitlab": DOCS / "ci" / "gitlab-ci.yml"}
_EXPRESSION = re.compile(r"\$\{\{[^}]*\}\}")


def _load(kind: str) -> dict[Any, Any]:
    data = yaml.safe_load(RECIPES[kind].read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _shell_lines(script: str) -> Iterator[str]:
    """Lines of a shell script, ``\\``-continued lines joined."""
    yield from script.replace("\\\n", " ").splitlines()


def _scripts(kind: str) -> Iterator[str]:
    data = _load(kind)
    if kind == "github":
        for job in data["jobs"].values():
            yield from (step["run"] for step in job["steps"] if "run" in step)
        return
    for name, job in data.items():
        if isinstance(job, dict) and name not in ("variables",):
            for key in ("before_script", "script", "after_script"):
                yield from job.get(key, [])


def ccsim_commands(kind: str) -> list[list[str]]:
    """Every ``ccsim`` command line of a recipe, split as the shell would (expressions as X)."""
    found = []
    for script in _scripts(kind):
        for line in _shell_lines(_EXPRESSION.sub("X", script)):
            words = shlex.split(line)
            if words and words[0] == "ccsim":
                found.append(words[1:])
    return found


def _resolve(words: list[str]) -> tuple[list[str], Any, list[str]]:
    """(command path, click command, remaining words) of ``ccsim <words>``."""
    command: Any = typer.main.get_command(_build_app())
    path: list[str] = []
    rest = list(words)
    while rest and hasattr(command, "commands") and rest[0] in command.commands:
        path.append(rest[0])
        command = command.commands[rest.pop(0)]
    return path, command, rest


def _options(words: list[str]) -> list[str]:
    return [w.split("=", 1)[0] for w in words if w.startswith("-") and w != "-"]


def test_each_recipe_has_the_shard_run_and_the_merge() -> None:
    for kind in RECIPES:
        commands = [_resolve(words)[0] for words in ccsim_commands(kind)]
        assert commands == [["run"], ["report", "merge"]], kind


@pytest.mark.parametrize("kind", sorted(RECIPES))
def test_every_ccsim_command_and_option_exists(kind: str) -> None:
    runner = CliRunner(env={"COLUMNS": "200"})
    for words in ccsim_commands(kind):
        path, command, rest = _resolve(words)
        assert path, f"{kind}: no such ccsim command: {words[0]}"
        assert isinstance(command, typer.core.TyperCommand), f"{kind}: {path} is a group"
        result = runner.invoke(_build_app(), [*path, "--help"])
        assert result.exit_code == 0, result.output
        known = {opt for param in command.params for opt in param.opts if opt.startswith("-")}
        for option in _options(rest):
            assert option in known, f"{kind}: ccsim {' '.join(path)} has no option {option}"
            assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", result.output), option


def test_run_commands_shard_and_write_every_report() -> None:
    for kind in RECIPES:
        run = next(w for w in ccsim_commands(kind) if w[0] == "run")
        assert {"--shard", "--json", "--junit", "--html"} <= set(_options(run)), kind
        assert {"@catalogue", "$MY_SCENARIOS"} <= set(run), kind  # the catalogue and yours


def test_github_matrix_covers_shards_one_to_n() -> None:
    data = _load("github")
    shards = int(data["env"]["SHARDS"])
    job = data["jobs"]["scenarios"]
    assert job["strategy"]["matrix"]["shard"] == list(range(1, shards + 1))
    assert job["strategy"]["fail-fast"] is False
    assert job["name"].endswith(f"/{shards}")
    run = next(w for w in ccsim_commands("github") if w[0] == "run")
    assert run[run.index("--shard") + 1] == "X/$SHARDS"
    assert data["jobs"]["report"]["needs"] == "scenarios"
    assert data["jobs"]["report"]["if"] == "always()"
    # "on" is YAML 1.1's True for PyYAML; GitHub reads it as the key "on"
    assert set(data[True]) == {"push", "pull_request"}


def test_github_uploads_reports_even_from_failed_shards() -> None:
    steps = _load("github")["jobs"]["scenarios"]["steps"]
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["if"] == "always()"
    assert upload["with"]["path"] == "reports/"
    download = next(
        s
        for s in _load("github")["jobs"]["report"]["steps"]
        if s.get("uses", "").startswith("actions/download-artifact")
    )
    assert download["with"]["pattern"] == upload["with"]["name"].replace("${{ matrix.shard }}", "*")


def test_gitlab_parallel_jobs_shard_by_node_index() -> None:
    data = _load("gitlab")
    job = data["ccsim"]
    assert isinstance(job["parallel"], int)
    assert job["parallel"] > 1
    run = next(w for w in ccsim_commands("gitlab") if w[0] == "run")
    assert run[run.index("--shard") + 1] == "$CI_NODE_INDEX/$CI_NODE_TOTAL"
    assert job["artifacts"]["when"] == "always"
    assert job["artifacts"]["reports"]["junit"] == "reports/ccsim-*.xml"
    merge = data["ccsim-report"]
    assert merge["needs"] == [{"job": "ccsim", "artifacts": True}]
    assert merge["when"] == "always"
    assert data["stages"].index(job["stage"]) < data["stages"].index(merge["stage"])


def test_report_folder_is_created_before_the_run() -> None:
    for kind in RECIPES:
        lines = [line.strip() for script in _scripts(kind) for line in _shell_lines(script) if line]
        made = next(i for i, line in enumerate(lines) if line == "mkdir -p reports")
        ran = next(i for i, line in enumerate(lines) if line.startswith("ccsim run"))
        assert made < ran, kind


def _fenced_yaml(text: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", text, flags=re.S)


def test_docs_page_shows_each_recipe_verbatim() -> None:
    page = (DOCS / "ci.md").read_text(encoding="utf-8")
    blocks = _fenced_yaml(page)
    assert blocks == [RECIPES["github"].read_text(encoding="utf-8"), RECIPES["gitlab"].read_text(
        encoding="utf-8"
    )]  # fmt: skip
