"""``ccsim export`` / ``ccsim import`` on a real directory (§2.2, §2.5, KB Q164695, Q282172)."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import _build_app
from harness.commands.transfer import absolute_switches, tools_for
from sim.message import Message, render_message
from sim.postoffice import Location, Postoffice

LOGIN = ["/NPO1", "/PSECRET", "/Dpo"]


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary current directory holding a post office ``po``."""
    monkeypatch.chdir(tmp_path)
    po = Postoffice.create(tmp_path / "po", name="PO1", password="SECRET")
    po.add_entries(
        [
            ("EX1", Location.POST_OFFICE, "", "MSExchangeCCMC EXSRV1"),
            ("Smith, Fred", Location.LOCAL, "", ""),
        ]
    )
    return tmp_path


def ccsim(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(_build_app(), list(args))
    return result.exit_code, result.output


def test_directory_export_exits_0(here: Path) -> None:
    code, out = ccsim("export", *LOGIN, "/DIRECTORY", "/@dir.txt")
    assert code == 0, out
    assert out.startswith("EXPORT 5.14 Copyright(c) 1991, 1999 by cc:Mail, Inc.")
    assert "Name: Smith, Fred\r\nLocn: L\r\n" in (here / "dir.txt").read_bytes().decode("cp850")


def test_wrong_password_exits_3(here: Path) -> None:
    code, out = ccsim("export", "/NPO1", "/PWRONG", "/Dpo", "/DIRECTORY", "/@dir.txt")
    assert code == 3
    assert out.endswith("EXPORT process ended with error: 3.\n")
    assert not (here / "dir.txt").exists()


def test_ccpodown_exits_4(here: Path) -> None:
    """KB Q282172's console text."""
    (here / "po" / "CCPODOWN").write_text("maintenance")
    code, out = ccsim("export", *LOGIN, "/DIRECTORY", "/@dir.txt")
    assert code == 4
    assert f"Post office directory: {here / 'po'}\nPost office is temporarily shut down.\n" in out
    assert out.endswith("EXPORT process ended with error: 4.\n")


def test_postoffice_under_a_path_with_a_space_exits_3(here: Path) -> None:
    """KB Q164695: DOS programs cannot take a path with a space."""
    Postoffice.create(here / "my files" / "po", name="PO1", password="SECRET")
    code, out = ccsim("export", "/NPO1", "/PSECRET", "/Dmy files/po", "/DIRECTORY", "/@dir.txt")
    assert code == 3
    assert "Invalid directory name" in out
    code, _ = ccsim("export", "/NPO1", "/PSECRET", "/Dmy", "files/po", "/DIRECTORY")
    assert code == 3


def test_bad_switch_prints_the_usage_text(here: Path) -> None:
    code, out = ccsim("export", *LOGIN, "/FROBNICATE")
    assert code == 3
    assert "Usage: EXPORT /N<name> /P<password>" in out


def test_question_mark_passes_through(here: Path) -> None:
    code, out = ccsim("import", "/?")
    assert code == 0
    assert "Usage: IMPORT" in out
    assert out.startswith("IMPORT 5.15 ")


def test_import_then_export_through_the_command_line(here: Path) -> None:
    sent = Message(
        "Doe, Jane at EX1", datetime(1998, 6, 2, 8, 39), ("Smith, Fred at PO1",), "Hi", "Body"
    )
    (here / "in.ccm").write_bytes(render_message(sent).encode("cp850"))
    code, out = ccsim("import", *LOGIN, "/ITEMSIZE", "/@in.ccm")
    assert code == 0, out
    assert not (here / "in.ccm").exists()
    assert [s.message for s in Postoffice(here / "po").mailbox("Smith, Fred")] == [sent]


def test_db8_postoffice_gets_the_6_0_tools(here: Path) -> None:
    Postoffice.create(here / "po8", name="PO8", password="X", db_version=8)
    code, out = ccsim("export", "/NPO8", "/PX", "/Dpo8", "/DIRECTORY")
    assert code == 0, out
    assert out.startswith("EXPORT 6.0 ")


def test_tools_for_an_85_postoffice_are_32_bit(tmp_path: Path) -> None:
    po = Postoffice.create(tmp_path / "po", name="PO1", password="X", db_version=8)
    (po.path / "CCVER.TB").write_bytes(b"DB8\r\n8.5\r\n")
    assert tools_for("EXPORT", po.path) == ("EXPORT32", "8.50")
    assert tools_for("IMPORT", tmp_path / "nothing") == ("IMPORT", "5.15")


def test_absolute_switches_leave_keywords_alone(tmp_path: Path) -> None:
    args = ["/Dpo", "/DIRECTORY", "/DELETE/5", "/DATE/1", "/@x.ccm", "/@/abs/y", "/NPO1"]
    assert absolute_switches(args, tmp_path) == [
        f"/D{tmp_path / 'po'}",
        "/DIRECTORY",
        "/DELETE/5",
        "/DATE/1",
        f"/@{tmp_path / 'x.ccm'}",
        "/@/abs/y",
        "/NPO1",
    ]


def test_console_script_exits_with_the_program_code(here: Path) -> None:
    """The real entry point (not only typer's runner) passes the code through."""
    (here / "po" / "CCPODOWN").write_text("x")
    cmd = [sys.executable, "-c", "from harness.cli import main; main()", "export", *LOGIN]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=here)
    assert done.returncode == 4, done.stderr
    assert "Post office is temporarily shut down." in done.stdout
