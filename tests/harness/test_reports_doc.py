"""docs/reports.md: the picture it shows exists and is made by the command it names."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "reports.md"


def test_the_picture_is_in_the_tree_and_is_a_png() -> None:
    text = PAGE.read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert images == ["report-timeline.png"]
    assert (PAGE.parent / images[0]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_page_names_the_command_tox_picture_runs() -> None:
    tox = configparser.ConfigParser(interpolation=None)
    tox.read(ROOT / "tox.ini", encoding="utf-8")
    command = tox["testenv:picture"]["commands"].strip()
    assert command.startswith("python scripts/report_png.py --demo")
    flat = " ".join(PAGE.read_text(encoding="utf-8").split())
    assert f"`{command}`" in flat
