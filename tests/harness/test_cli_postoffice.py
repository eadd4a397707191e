"""``ccsim postoffice create|show`` and ``ccsim analyze|chkstat|reclaim`` (§1, §3, §2.5)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import _build_app
from harness.commands.postoffice import _absolute
from sim.postoffice import Postoffice
from sim.postoffice.check import analyze


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def ccsim(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(_build_app(), list(args))
    return result.exit_code, result.output


def create(*extra: str, directory: str = "po") -> tuple[int, str]:
    return ccsim("postoffice", "create", directory, "--name", "HQ", "--password", "SECRET", *extra)


def digest(path: Path) -> dict[str, str]:
    files = sorted(p for p in path.rglob("*") if p.is_file())
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def test_create_populates_and_reports(here: Path) -> None:
    code, out = create("--users", "6", "--messages", "15", "--queued-for", "EX1", "--queued", "4")
    assert code == 0, out
    assert (
        out
        == f"Created post office HQ (DB6) in {here / 'po'}: 6 users, 15 messages, queued: EX1 4\n"
    )
    po = Postoffice(here / "po")
    assert po.identity().name == "HQ"
    assert len(po.mailbox("EX1")) == 4
    assert analyze(po).clean


def test_create_is_reproducible_by_seed(here: Path) -> None:
    assert create("--seed", "5", directory="a")[0] == 0
    assert create("--seed", "5", directory="b")[0] == 0
    assert create("--seed", "6", directory="c")[0] == 0
    assert digest(here / "a") == digest(here / "b")
    assert digest(here / "a") != digest(here / "c")


def test_create_db8_has_ie_ri(here: Path) -> None:
    assert create("--db", "8")[0] == 0
    assert (here / "po" / "CCADMIN" / "IE.RI").is_file()
    assert Postoffice(here / "po").identity().db_version == 8


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (("--password", "ELEVENCHARS"), "password must be 1 to 10 characters"),
        (("--db", "7"), "--db must be 6 or 8, not 7"),
        (("--users", "-1"), "must not be negative"),
        (("--users", "100001"), "--users must be at most 100,000"),
        (("--messages", "100001"), "--messages must be at most 100,000"),
        (("--queued-for", "EX1", "--queued", "99999999"), "--queued must be at most 10,000"),
        (
            (*(a for n in range(11) for a in ("--queued-for", f"EX{n}")), "--queued", "10000"),
            "--queued 10,000 for 11 P entries is more than 100,000 messages",
        ),
    ],
)
def test_create_refuses_bad_input_with_2(here: Path, args: tuple[str, ...], reason: str) -> None:
    code, out = ccsim("postoffice", "create", "po", "--name", "HQ", "--password", "PW", *args)
    assert code == 2
    assert reason in out
    assert len(out.strip().splitlines()) == 1
    assert not (here / "po").exists()


def test_create_refuses_a_non_empty_directory(here: Path) -> None:
    (here / "po").mkdir()
    (here / "po" / "README").write_text("keep me")
    code, out = create()
    assert code == 2
    assert out.strip() == f"ccsim: {here / 'po'} is not empty"
    assert [p.name for p in (here / "po").iterdir()] == ["README"]


def test_show_summarises_the_postoffice(here: Path) -> None:
    create("--users", "3", "--messages", "5", "--queued-for", "EX1", "--queued", "2")
    code, out = ccsim("postoffice", "show", "po")
    assert code == 0, out
    for text in ("HQ", "DB6", "US English", "L 3", "P 1", "Queued for EX1", "No errors found."):
        assert text in out
    assert "│ Messages       │ 7 " in out


def test_show_reports_damage_and_actions(here: Path) -> None:
    create("--users", "3", "--messages", "5")
    with (here / "po" / "NFTCHECK").open("ab") as fh:
        fh.write(b"torn")
    code, out = ccsim("postoffice", "show", "po")
    assert code == 0
    assert "CHKSTAT DIAGNOSTICS/R" in out


def test_show_names_the_damage_as_analyze_does_never_python_text(here: Path) -> None:
    """A damaged CLANDATA: the file, the record and the damage, not a Python exception."""
    create("--users", "3", "--messages", "5")
    clandata = here / "po" / "CLANDATA"
    data = bytearray(clandata.read_bytes())
    half = len(data) // 2
    data[half:] = b"\xff" * (len(data) - half)
    clandata.write_bytes(bytes(data))
    expected = analyze(Postoffice(here / "po")).problems[0]
    code, out = ccsim("postoffice", "show", "po")
    assert code == 0
    flat = " ".join(out.replace("│", " ").split())
    assert f"cannot be read: {expected}" in flat
    for python_text in ("codec", "unpack", "Error", "expected 3"):
        assert python_text not in flat


def test_show_refuses_a_directory_that_is_no_postoffice(here: Path) -> None:
    code, out = ccsim("postoffice", "show", ".")
    assert code == 2
    assert "is not a cc:Mail post office" in out


def test_admin_tools_run_with_cc_mail_switches(here: Path) -> None:
    """The documented sequence from the command line, with both syntaxes (§3)."""
    create("--users", "4", "--messages", "10", "--queued-for", "EX1", "--queued", "3")
    with (here / "po" / "MLANDATA").open("ab") as fh:
        fh.write(b"\x05\x00\x00\x00Lx")
    code, out = ccsim("analyze", "/NHQ", "/PSECRET", "/Dpo", "/BATCH")
    assert code == 1
    assert out.startswith("ANALYZE 5.12 Copyright(c) 1991, 1999 by cc:Mail, Inc.")
    assert "Recommended action: CHKSTAT DIAGNOSTICS/R" in out
    code, out = ccsim("chkstat", "HQ", "SECRET", "po", "DIAGNOSTICS/R")
    assert code == 0, out
    assert "MLANDATA: 6 uncommitted bytes removed" in out
    assert ccsim("reclaim", "/NHQ", "/PSECRET", "/Dpo", "DIRECTORY", "DIAGNOSTICS/A")[0] == 0
    assert ccsim("reclaim", "/NHQ", "/PSECRET", "/Dpo")[0] == 0
    code, out = ccsim("analyze", "/NHQ", "/PSECRET", "/Dpo")
    assert code == 0
    assert out.endswith("No errors found.\nANALYZE process completed successfully.\n")


def test_admin_tool_exit_code_is_the_result_code(here: Path) -> None:
    create("--users", "1", "--messages", "0")
    code, out = ccsim("chkstat", "/NHQ", "/PWRONG", "/Dpo", "NFT/C")
    assert code == 3
    assert out.endswith("CHKSTAT process ended with error: 3.\n")


def test_absolute_paths_keep_switches_that_start_with_d(tmp_path: Path) -> None:
    known = frozenset({"DIRECTORY", "DIAGNOSTICS"})
    args = ["/NHQ", "/PPW", "/Dpo", "/DIRECTORY", "DIAGNOSTICS/A"]
    assert _absolute(args, tmp_path, known) == [
        "/NHQ",
        "/PPW",
        f"/D{tmp_path / 'po'}",
        "/DIRECTORY",
        "DIAGNOSTICS/A",
    ]
    assert _absolute(["HQ", "PW", "po", "DIRECTORY"], tmp_path, known) == [
        "HQ",
        "PW",
        f"/D{tmp_path / 'po'}",
        "DIRECTORY",
    ]
