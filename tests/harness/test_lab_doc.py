"""docs/lab.md: the trainer's and trainee's commands, and every hand solution, run as shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.worldstore import lab
from tests.support.console import run_page, sections, steps

PAGE = Path(__file__).resolve().parents[2] / "docs" / "lab.md"
SOLVED = sorted(
    name for name, text in sections(PAGE).items() if name in lab.causes() and "```console" in text
)


def test_the_trainer_and_the_trainee_walkthrough_run_as_the_page_shows(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = PAGE.read_text(encoding="utf-8").split("## Solutions, cause by cause")[0]
    found = steps(PAGE, text)
    assert [s.words[1] for s in found].count("lab") >= 6
    run_page(capsys, found)


def test_the_page_solves_every_cause_by_hand() -> None:
    """Each cause has its block here; po-settings-invalid's is the walkthrough's."""
    assert sorted({*SOLVED, "po-settings-invalid"}) == lab.causes()


@pytest.mark.parametrize("cause", SOLVED)
def test_a_documented_hand_solution_passes_the_grade(
    cause: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From ``lab new --cause`` to an answer graded PASSED, by ccsim world and files only."""
    monkeypatch.chdir(tmp_path)
    found = steps(PAGE, sections(PAGE)[cause])
    assert found[0].words[1:5] == ["lab", "new", "lab", "--cause"]
    assert found[0].words[5] == cause
    last = found[-1]
    assert last.words[1:] == ["lab", "answer", "lab", cause]
    assert last.code == 0
    assert last.expected[0] == "PASSED: cause right, world fixed, 0 hint(s) used"
    run_page(capsys, found)
