"""``ccsim connector run``: progress on a terminal only, and the summary's event table.

The progress line goes to stderr, on a terminal only (or with ``--progress``); the
run is the same with or without it. Piped, the summary is plain text: every
event's text as logged (``%1`` filled in), whole, on its line.
"""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import _build_app
from harness.commands.connector import PROGRESS_STEP, RunOptions, run_connector
from tests.harness.test_connector_run_fast import _postoffice

BOX = set("─│┃━┏┓└┘┡┩╇╭╮╰╯")


@pytest.fixture
def po_dir(tmp_path: Path) -> Path:
    return _postoffice(tmp_path / "ccdata")


def _options(po: Path, tmp: Path, name: str) -> RunOptions:
    return RunOptions(po, "PO1", "WRONG", "2h", eventlog=tmp / f"{name}.txt")


def test_the_run_is_the_same_with_progress_reports(po_dir: Path, tmp_path: Path) -> None:
    plain = run_connector(_options(po_dir, tmp_path, "plain"))
    seen: list[tuple[int, int]] = []
    stepped = run_connector(_options(po_dir, tmp_path, "stepped"), lambda t, n: seen.append((t, n)))
    assert stepped == plain
    assert (tmp_path / "stepped.txt").read_bytes() == (tmp_path / "plain.txt").read_bytes()
    assert [t for t, _ in seen] == list(range(PROGRESS_STEP, 7200 + 1, PROGRESS_STEP))
    counts = [n for _, n in seen]
    assert counts == sorted(counts)
    assert counts[-1] == sum(c for _, c in plain.events)
    assert counts[0] > 0  # events so far, not only at the end


def _invoke(*args: str):
    return CliRunner().invoke(_build_app(), ["connector", "run", *args])


@pytest.mark.parametrize("flag", [[], ["--no-progress"]])
def test_piped_no_progress_and_a_plain_summary_with_whole_texts(po_dir: Path, flag) -> None:
    result = _invoke("--postoffice", str(po_dir), "--po-name", "PO1", "--po-password", "WRONG",
                     "--for", "1h", *flag)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # CliRunner is not a terminal: no progress drawn
    assert not BOX & set(result.stdout)
    line = next(row for row in result.stdout.splitlines() if row.startswith("70 "))
    assert "%1" not in line
    assert "msg" in line
    assert ".ccm returned result code 3" in line
    assert line.endswith("is not accessible at this time.")  # the whole text, not cut at 60


def test_forced_progress_writes_to_stderr_only(po_dir: Path) -> None:
    args = ["--postoffice", str(po_dir), "--po-name", "PO1", "--po-password", "WRONG"]
    quiet = _invoke(*args, "--for", "1h", "--no-progress")
    shown = _invoke(*args, "--for", "1h", "--progress")
    assert shown.exit_code == 0
    assert shown.stdout == quiet.stdout


def test_bad_arguments_with_progress_still_exit_2_with_one_line(po_dir: Path) -> None:
    args = ["--postoffice", str(po_dir), "--po-name", "PO1", "--po-password", "WRONG"]
    result = _invoke(*args, "--for", "soon", "--progress")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "--for" in result.stderr


def test_on_a_terminal_stderr_shows_virtual_time_and_events_and_stdout_stays_plain(
    po_dir: Path,
) -> None:
    """stderr a terminal (a pseudo-terminal), stdout a pipe: progress there, plain text here."""
    import os
    import pty
    import subprocess
    import sys

    args = [sys.executable, "-m", "harness.cli", "connector", "run", "--postoffice", str(po_dir)]
    args += ["--po-name", "PO1", "--po-password", "WRONG", "--for", "2h"]
    master, slave = pty.openpty()
    env = {**os.environ, "COLUMNS": "120", "TERM": "xterm"}
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=slave, env=env) as proc:
        os.close(slave)
        drawn = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            drawn += chunk
        out = proc.stdout.read().decode() if proc.stdout else ""
    os.close(master)
    assert proc.returncode == 0
    assert b"2h of 2h" in drawn
    assert b"events" in drawn
    assert "of 2h" not in out
    assert not BOX & set(out)
    assert out == _invoke(*args[5:], "--no-progress").stdout
