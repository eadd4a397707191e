"""docs/catalogue.md is exactly what ``ccsim catalogue --markdown`` generates from the code."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from harness.catalogue_doc import build_rows, render_markdown, render_text
from harness.causes import CAUSES
from harness.commands import docs
from harness.selection import builtin_dir, expand_paths

PAGE = Path(__file__).resolve().parents[2] / "docs" / "catalogue.md"


@pytest.fixture(scope="module")
def generated() -> str:
    return docs.catalogue_markdown()


def test_committed_page_equals_the_generated_text(generated: str) -> None:
    """Regenerate with ``ccsim catalogue --markdown > docs/catalogue.md`` when this fails."""
    assert PAGE.read_text(encoding="utf-8") == generated


def test_page_has_a_section_per_row_with_rule_fix_and_scenario(generated: str) -> None:
    for cause in CAUSES.values():
        head = f"## {cause.number}. {cause.title}\n"
        assert head in generated
        section = generated.split(head, 1)[1].split("\n## ", 1)[0]
        assert f"- **Rule:** `{cause.id}`" in section
        assert "  - fix `" in section
        assert "  - `" in section  # at least one scenario
        assert cause.symptoms in section


def test_two_cause_scenarios_are_listed_under_both_causes(generated: str) -> None:
    rows = {r.cause.id: r for r in build_rows(expand_paths([builtin_dir()]), builtin_dir().parent)}
    both = [s for s in rows["dirsync-comment-missing"].scenarios if s.with_causes]
    assert [s.with_causes for s in both] == [("ie-resource-missing",)]
    assert both[0].id in {s.id for s in rows["ie-resource-missing"].scenarios}
    assert "(with `ie-resource-missing`)" in generated


def test_the_page_follows_the_scenario_files(tmp_path: Path) -> None:
    """A catalogue with one scenario lists only it: the page is built from the files."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    source = builtin_dir() / "q282172-po-shut-down.scenario.yaml"
    (folder / source.name).write_bytes(source.read_bytes())
    page = docs.catalogue_markdown(folder)
    assert "`q282172-po-shut-down`" in page
    assert "`q212759-corrupt-message`" not in page
    assert page.count("- **Scenarios:** none") == len(CAUSES) - 1


def test_the_same_code_gives_the_same_bytes(generated: str) -> None:
    assert docs.catalogue_markdown() == generated


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """ccsim"""

    docs.register(app)
    return app


def test_cli_prints_the_page_and_a_one_line_per_row_summary(generated: str) -> None:
    runner = CliRunner()
    page = runner.invoke(_app(), ["catalogue", "--markdown"])
    assert page.exit_code == 0, page.output
    assert page.output == generated
    summary = runner.invoke(_app(), ["catalogue"])
    assert summary.exit_code == 0, summary.output
    rows = build_rows(expand_paths([builtin_dir()]), builtin_dir().parent)
    assert summary.output == render_text(rows)
    assert len(summary.output.splitlines()) == len(CAUSES)
    assert render_markdown(rows) == generated


def test_ccsim_has_the_catalogue_command(
    capsys: pytest.CaptureFixture[str], generated: str
) -> None:
    from harness.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["catalogue", "--markdown"])
    assert exit_info.value.code in (0, None)
    assert capsys.readouterr().out == generated
