"""The README's newcomer commands and catalogue table stay true to the project."""

from __future__ import annotations

import re
from pathlib import Path

from harness.report import SUMMARY_COLUMNS
from harness.selection import load_selection

README = Path(__file__).resolve().parents[1] / "README.md"


def _table_rows(text: str) -> list[list[str]]:
    block = text.split("## What `ccsim run` prints", 1)[1].split("```", 2)[1]
    lines = [ln for ln in block.strip().splitlines() if ln.strip()]
    return [re.split(r"\s{2,}", ln.strip()) for ln in lines]


def test_readme_opens_with_the_two_newcomer_commands() -> None:
    head = README.read_text(encoding="utf-8").split("---", 1)[0]
    commands = re.findall(r"```sh\n(.+?)\n```", head)
    assert len(commands) == 2
    assert commands[0].endswith("pip install . && ccsim run")
    assert commands[1].endswith("tox run -e py,lint,type")
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert '/bin/tox" run -e py,lint,type' in ci  # the README's test command


def test_readme_table_lists_every_catalogue_scenario_as_passed() -> None:
    rows = _table_rows(README.read_text(encoding="utf-8"))
    assert rows[0] == list(SUMMARY_COLUMNS)
    listed = {row[0]: row[1] for row in rows[2:-1]}
    catalogue = {scenario.id for _, scenario in load_selection([], None, None)}
    assert set(listed) == catalogue
    assert set(listed.values()) == {"passed"}
    assert rows[-1] == [f"{len(catalogue)} passed, 0 failed, 0 error"]


def test_the_pytest_section_installs_what_its_commands_need() -> None:
    """``pytest my_case.scenario.yaml`` after exactly the install the section names: the
    extra it installs holds pytest (the command) and pytest-xdist (its ``-n 2``), and the
    package registers the plugin."""
    import tomllib

    section = README.read_text(encoding="utf-8").split("### Scenarios as pytest tests", 1)[1]
    commands = section.split("```sh\n", 1)[1].split("```", 1)[0].splitlines()
    install = re.fullmatch(r"pip install '\.\[(\w+)\]'\s+#.*", commands[0])
    assert install, commands[0]
    assert commands[1].startswith("pytest my_case.scenario.yaml")
    assert any(" -n 2" in command for command in commands)
    project = tomllib.loads((README.parent / "pyproject.toml").read_text(encoding="utf-8"))
    extra = project["project"]["optional-dependencies"][install.group(1)]
    names = {re.split(r"[<>=\[ ]", requirement, maxsplit=1)[0] for requirement in extra}
    assert {"pytest", "pytest-xdist"} <= names
    assert project["project"]["entry-points"]["pytest11"] == {"ccsim": "harness.pytest_plugin"}
