"""``ccsim diagnose``: text and JSON findings, exit codes, one-line errors (§8, §4.8)."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import _build_app
from harness.commands.diagnose import OutputFormat, render_text, write_findings
from harness.customer import evidence_from_files
from harness.customerlog import EventLogError, read_eventlog
from harness.diagnosis import diagnose
from sim.postoffice.layout import Location
from sim.postoffice.postoffice import Postoffice
from tests.support.cli import ccsim_exit

DATA = Path(__file__).parent.parent / "data" / "eventlogs"
BAD = sorted((DATA / "bad").iterdir())
KEYS = ["cause", "score", "evidence", "article", "fix", "confirm"]


def ccsim(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(_build_app(), list(args))
    return result.exit_code, result.stdout, result.stderr


def test_json_shape_best_first() -> None:
    code, out, _ = ccsim(
        "diagnose", "--eventlog", str(DATA / "event70-only.txt"), "--format", "json"
    )
    assert code == 0
    doc = json.loads(out)
    assert list(doc) == ["inputs", "findings"]
    (read,) = doc["inputs"]
    assert (read["file"], read["log"], read["records"], read["ccmc"]) == (
        "event70-only.txt",
        "Application",
        21,
        20,
    )
    assert (read["skipped"], read["recovered"], read["missing"], read["advice"]) == (0, 0, 0, None)
    assert len(doc["findings"]) >= 5
    for item in doc["findings"]:
        assert list(item) == KEYS
        assert isinstance(item["score"], float)
        assert all(isinstance(q, str) for q in item["evidence"])
    scores = [item["score"] for item in doc["findings"]]
    assert scores == sorted(scores, reverse=True)
    assert doc["findings"][0]["cause"] == "po-settings-invalid"
    assert doc["findings"][0]["article"] == "Q166045"


def test_json_matches_the_diagnosis() -> None:
    code, out, _ = ccsim(
        "diagnose", "--eventlog", str(DATA / "outbound-only.txt"), "--format", "json"
    )
    assert code == 0
    found = diagnose(evidence_from_files(DATA / "outbound-only.txt"))
    assert [f["cause"] for f in json.loads(out)["findings"]] == [f.cause for f in found]


def test_no_findings_is_an_empty_list() -> None:
    code, out, _ = ccsim("diagnose", "--eventlog", str(DATA / "healthy.txt"), "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["findings"] == []
    assert [(i["file"], i["ccmc"], i["advice"]) for i in doc["inputs"]] == [
        ("healthy.txt", 13, None)
    ]


def test_json_notes_go_to_stderr() -> None:
    _, _, err = ccsim("diagnose", "--eventlog", str(DATA / "event70-only.txt"), "--format", "json")
    assert err.startswith("ccsim diagnose: event70-only.txt: NT Event Viewer comma-delimited text")


def test_text_quotes_event_lines_fix_and_next_check() -> None:
    code, out, _ = ccsim("diagnose", "--eventlog", str(DATA / "event70-only.txt"))
    assert code == 0
    seventies = read_eventlog(DATA / "event70-only.txt").ccmc()
    assert {r.event_id for r in seventies} == {70}
    assert f"     > {seventies[0].line()}" in out
    assert f"     > {seventies[-1].line()}" in out
    assert "     > (event 70 logged 20 times)" in out
    assert "1. po-settings-invalid: Post Office tab wrong: PO name, password or path" in out
    assert "   score 0.50, article Q166045" in out
    assert (
        "   Fix: Correct the fields (password ≤10 chars, UNC path), restart MSExchangeCCMC" in out
    )
    assert "   Next check: Compare Name/Password/Path with cc:Mail ADMIN" in out
    assert "5. install-path-space:" in out
    assert 'Next check: Check install path / "Connector Store Path" registry value' in out


def test_text_without_findings_says_so() -> None:
    code, out, _ = ccsim("diagnose", "--eventlog", str(DATA / "healthy.txt"))
    assert code == 0
    assert "No findings: the files show no failure pattern of the catalogue" in out


def test_confirmed_finding_has_no_next_check(tmp_path: Path) -> None:
    po = Postoffice.create(tmp_path / "po", name="PO1", password="SECRET")
    po.add_entry("HQ", Location.POST_OFFICE, comments="MSExchangeCCMC EXSRV1")
    args = ["--eventlog", str(DATA / "first-dirsync-clears.txt"), "--postoffice", str(po.path)]
    code, out, _ = ccsim("diagnose", *args)
    assert code == 0
    assert "1. dirsync-not-completed" in out
    assert "Next check" not in out
    assert "Exchange site HQ: the P entry HQ carries the comment 'MSExchangeCCMC EXSRV1'" in out


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_rich_output_on_a_terminal() -> None:
    ev = evidence_from_files(DATA / "event70-only.txt")
    out, err = _Terminal(), io.StringIO()
    write_findings(diagnose(ev), ev.notes, OutputFormat.TEXT, out, err)
    text = out.getvalue()
    assert "\x1b[" in text  # styled
    assert "1. po-settings-invalid" in text
    assert "Next check:" in text
    assert "msg4A01.ccm" in text
    assert err.getvalue() == ""


def test_plain_render_is_deterministic() -> None:
    ev = evidence_from_files(DATA / "event70-only.txt")
    assert render_text(diagnose(ev), ev.notes) == render_text(diagnose(ev), ev.notes)


@pytest.mark.parametrize("bad", BAD, ids=lambda p: p.name)
def test_malformed_log_exits_2_with_file_and_line(bad: Path) -> None:
    """One line ``ccsim: file:line: message``, the reader's own, never a traceback."""
    with pytest.raises(EventLogError) as caught:
        read_eventlog(bad)
    code, out, err = ccsim("diagnose", "--eventlog", str(bad))
    assert code == 2
    assert out == ""
    assert err == f"ccsim: {caught.value}\n"
    assert err.startswith(f"ccsim: {bad}:")
    assert "Traceback" not in err


def test_missing_log_exits_2(tmp_path: Path) -> None:
    code, _, err = ccsim("diagnose", "--eventlog", str(tmp_path / "AppEvent.Evt"))
    assert code == 2
    assert err.startswith(f"ccsim: {tmp_path / 'AppEvent.Evt'}:0: cannot read the file")
    assert len(err.splitlines()) == 1


def test_postoffice_that_is_a_file_exits_2(tmp_path: Path) -> None:
    (tmp_path / "po.zip").write_bytes(b"PK")
    args = ["--eventlog", str(DATA / "event70-only.txt"), "--postoffice", str(tmp_path / "po.zip")]
    code, _, err = ccsim("diagnose", *args)
    assert code == 2
    assert err == f"ccsim: {tmp_path / 'po.zip'}: --postoffice wants a directory (a copy of it)\n"


def test_unknown_format_is_a_usage_error() -> None:
    code, _, err = ccsim("diagnose", "--eventlog", str(DATA / "healthy.txt"), "--format", "xml")
    assert code == 2
    assert "xml" in err


def test_internal_error_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug passes the command's guard to ccsim's own boundary: one line and a hint."""
    import harness.diagnosis

    def broken(evidence: object) -> list[object]:
        raise KeyError("boom")

    monkeypatch.setattr(harness.diagnosis, "diagnose", broken)
    code, _, err = ccsim_exit(capsys, "diagnose", "--eventlog", str(DATA / "healthy.txt"))
    assert code == 3
    hint = "(rerun with --debug for the traceback)"
    assert err == f"ccsim: internal error: KeyError: 'boom' {hint}\n"


def test_docs_worked_example_is_what_ccsim_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/diagnose.md's worked example output is the real output, byte for byte."""
    docs = (Path(__file__).parents[2] / "docs" / "diagnose.md").read_text(encoding="utf-8")
    command = (
        "$ ccsim diagnose --eventlog tests/data/eventlogs/event70-only.txt "
        "--postoffice po --po-password SECRET"
    )
    after = docs.split(command + "\n```\n", 1)[1]
    shown = after.split("```text\n", 1)[1].split("```\n", 1)[0]
    monkeypatch.chdir(tmp_path)
    logs = tmp_path / "tests" / "data" / "eventlogs"
    logs.mkdir(parents=True)
    shutil.copy(DATA / "event70-only.txt", logs)
    create = ["postoffice", "create", "po", "--name", "PO1", "--password", "SECRET"]
    assert ccsim(*create, "--users", "5", "--messages", "10")[0] == 0
    code, out, _ = ccsim(*command.split()[2:])
    assert code == 0
    assert out == shown
