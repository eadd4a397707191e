"""docs/reference.md is what ``ccsim reference`` generates; every § the help cites is on it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from typer.testing import CliRunner

from harness.cli import _build_app
from harness.reference_doc import render_reference
from sim.connector.events import CATALOGUE
from sim.programs.results import ExportResult

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "reference.md"


def test_committed_page_equals_the_generated_text() -> None:
    """Regenerate with ``ccsim reference > docs/reference.md`` when this fails."""
    result = CliRunner().invoke(_build_app(), ["reference"])
    assert result.exit_code == 0
    assert result.stdout == render_reference()
    assert PAGE.read_text(encoding="utf-8") == result.stdout


def test_the_page_holds_every_event_and_result_code() -> None:
    page = render_reference()
    for event_id in CATALOGUE:
        assert re.search(rf"^\| {event_id} \| ", page, re.M), event_id
    for code in ExportResult:
        assert f"| {int(code)} | {code.name} | " in page
    assert "| /DIRECTORY | /PROP, /PROPADD |" in page


def test_the_most_cited_sections_are_headings_of_the_page() -> None:
    """§8 and §4.5, which the command help and the demo cite most, each have a section."""
    cited: list[str] = []
    for path in [*(ROOT / "harness" / "commands").glob("*.py"), ROOT / "harness" / "demo.py"]:
        cited += re.findall(r"§(\d+(?:\.\d+)?)", path.read_text(encoding="utf-8"))
    headings = set(re.findall(r"^## §(\d+(?:\.\d+)?) ", render_reference(), re.M))
    assert headings == {"2.2", "2.5", "4.5", "4.8", "8"}
    most = sorted(set(cited), key=cited.count, reverse=True)[:2]
    assert set(most) <= headings, most


_SECTION = re.compile(r"(?<!STYLE\.md )§(\d+(?:\.\d+)?)")


def _user_facing_strings(path: Path) -> list[str]:
    """The string literals of a module that are not docstrings (help, messages, schema)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
    ]


def test_every_section_the_product_cites_is_on_the_page() -> None:
    """Help, messages, demos, the scenario format and the pages cite only sections a user
    can read here: one with its facts (a heading) or a row of "Other sections cited"."""
    cited: dict[str, set[str]] = {}
    sources = [*(ROOT / "harness").rglob("*.py"), *(ROOT / "sim").rglob("*.py")]
    for path in sources:
        for text in _user_facing_strings(path):
            for section in _SECTION.findall(text):
                cited.setdefault(section, set()).add(str(path.relative_to(ROOT)))
    for path in [*(ROOT / "docs").glob("*.md"), ROOT / "README.md"]:
        if path != PAGE:
            for section in _SECTION.findall(path.read_text(encoding="utf-8")):
                cited.setdefault(section, set()).add(str(path.relative_to(ROOT)))
    page = render_reference()
    shown = set(re.findall(r"^## §(\d+(?:\.\d+)?) ", page, re.M))
    shown |= set(re.findall(r"^\| §(\d+(?:\.\d+)?) \| ", page, re.M))
    missing = {s: sorted(where) for s, where in cited.items() if s not in shown}
    assert missing == {}
    assert {"4.3", "4.4", "4.6", "6"} <= set(cited)  # the scan finds what it must
