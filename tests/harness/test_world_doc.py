"""docs/world.md: every command of the page runs and prints what the page shows."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.console import run_page, steps

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "world.md"
LOG = ROOT / "tests" / "data" / "eventlogs" / "event70-only.txt"


def test_the_worked_session_runs_as_the_page_shows(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copyfile(LOG, tmp_path / "customer.txt")
    found = steps(PAGE)
    assert [s.words[:3] for s in found[:2]] == [
        ["ccsim", "world", "new"],
        ["ccsim", "world", "status"],
    ]
    assert any(s.words[1] == "reproduce" and "--world" in s.words for s in found)
    run_page(capsys, found)
    for name in ("world.json", "exchange.json"):
        assert (tmp_path / "case" / name).read_bytes() == (
            tmp_path / "elsewhere" / "case" / name
        ).read_bytes()
