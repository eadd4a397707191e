"""docs/kb-conformance.md is exactly what ``ccsim kb --markdown`` generates from the code."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.causes import CAUSES
from harness.cli import _build_app
from harness.commands import docs
from harness.kb import ARTICLES
from harness.kb_doc import (
    KB_INDEX,
    NO_STEPS,
    NO_TEST,
    build_rows,
    kb_tests_dir,
    render_index,
    render_text,
)
from harness.selection import builtin_dir, expand_paths

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "kb-conformance.md"
#: this tree's KB tests, named outright: under tox the package is installed, not this tree
TESTS = ROOT / "tests" / "kb"


@pytest.fixture(scope="module")
def generated() -> str:
    return docs.kb_markdown(tests_dir=TESTS)


def test_committed_page_equals_the_generated_text(generated: str) -> None:
    """Regenerate with ``ccsim kb --markdown > docs/kb-conformance.md`` when this fails."""
    assert PAGE.read_text(encoding="utf-8") == generated


def test_every_article_a_cause_cites_has_a_row_and_its_steps() -> None:
    rows = {r.article: r for r in build_rows(expand_paths([builtin_dir()]), TESTS)}
    cited = {a for c in CAUSES.values() for a in c.articles if a.startswith("Q")}
    assert cited <= set(rows)
    assert "EX50-RN 2.6.1" not in rows  # a release note, not a KB article
    # one home: every cited article's steps are in harness/kb.py, and nothing else is there
    assert set(ARTICLES) == set(rows)
    assert all(r.steps != NO_STEPS for r in rows.values())
    assert rows["Q166045"].causes[0] == "po-settings-invalid"
    assert "q212759-corrupt-message" in rows["Q202240"].scenarios


def test_the_tests_are_found_by_file_name(tmp_path: Path) -> None:
    (tmp_path / "test_q212788.py").write_text(
        '"""KB Q212788 by hand."""\n\ndef test_moving_und_out() -> None:\n    pass\n\n'
        "def helper() -> None:\n    pass\n",
        encoding="utf-8",
    )
    rows = {r.article: r for r in build_rows(expand_paths([builtin_dir()]), tmp_path)}
    assert rows["Q212788"].test is not None
    assert rows["Q212788"].test.tests == ("test_moving_und_out",)
    assert rows["Q212788"].test.summary == "KB Q212788 by hand."
    assert all(r.test is None for a, r in rows.items() if a != "Q212788")
    page = docs.kb_markdown(tests_dir=tmp_path)
    assert page.count(f"- **Test:** {NO_TEST}") == len(rows) - 1
    assert "  - `test_moving_und_out`" in page
    assert "helper" not in page


def test_the_real_tests_are_listed(generated: str) -> None:
    assert kb_tests_dir().resolve() == TESTS  # the source tree's, or the root's when installed
    for path in sorted(TESTS.glob("test_q*.py")):
        article = path.stem.removeprefix("test_").upper()
        head = f"\n## {article}"
        assert head in generated, path.name
        section = generated.split(head, 1)[1].split("\n## ", 1)[0]
        assert f"- **Test:** [tests/kb/{path.name}]" in section


def test_an_article_with_no_entry_is_shown_not_hidden(tmp_path: Path) -> None:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    source = builtin_dir() / "q282172-po-shut-down.scenario.yaml"
    text = source.read_text(encoding="utf-8").replace(
        "articles: [Q282172, Q179072]", "articles: [Q282172, Q999999]"
    )
    (folder / source.name).write_text(text, encoding="utf-8")
    page = docs.kb_markdown(folder)
    section = page.split("\n## Q999999", 1)[1].split("\n## ", 1)[0]
    assert f"- **Resolution steps:** {NO_STEPS}" in section
    assert "`q282172-po-shut-down`" in section


def test_modelled_facts_include_the_event_catalogue_notes(generated: str) -> None:
    section = generated.split("\n## Q190275", 1)[1].split("\n## ", 1)[0]
    assert "  - Event 64: whole entry: the IMPORT twin of 65" in section


def test_cli_prints_the_page_and_one_line_per_article(generated: str) -> None:
    runner = CliRunner()
    page = runner.invoke(_build_app(), ["kb", "--markdown"])
    assert page.exit_code == 0, page.output
    assert page.output == generated
    summary = runner.invoke(_build_app(), ["kb"])
    assert summary.exit_code == 0, summary.output
    rows = build_rows(expand_paths([builtin_dir()]))
    assert summary.output == render_text(rows)
    assert len(summary.output.splitlines()) == len(rows)


def test_the_shipped_index_equals_the_tests_folder() -> None:
    """Regenerate with ``python -m harness.kb_doc > harness/kb_tests.json``."""
    assert KB_INDEX.read_text(encoding="utf-8") == render_index(TESTS)


def test_without_a_tests_folder_the_page_names_the_same_tests(
    generated: str, tmp_path: Path
) -> None:
    """An installed package has no ``tests/``: ``ccsim kb`` lists the tests from the index,
    not "no KB test yet" for every article."""
    assert docs.kb_markdown(tests_dir=tmp_path / "no-such-folder") == generated
