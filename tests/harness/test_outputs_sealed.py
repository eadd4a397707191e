"""Outputs never over inputs, bad output paths refused before the run, interrupts.

Each case broke an earlier version: it overwrote an input and exited 0, hung, or
ended with a Python traceback.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from harness.customer import CustomerFilesError
from harness.pocopy import copy_folder
from scenarios import __file__ as _scenarios_init
from tests.support.cli import ccsim_exit
from tests.support.signals import default_sigint

HEALTHY = Path(_scenarios_init).parent / "healthy.scenario.yaml"


_main = ccsim_exit


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "h.scenario.yaml"
    shutil.copyfile(HEALTHY, path)
    return path


@pytest.mark.parametrize("option", ["--json", "--junit", "--html"])
def test_a_report_never_overwrites_the_scenario(
    scenario: Path, capsys: pytest.CaptureFixture[str], option: str
) -> None:
    before = scenario.read_bytes()
    code, out, err = _main(capsys, "run", str(scenario), option, str(scenario))
    assert code == 2
    assert err.splitlines() == [
        f"ccsim: cannot write a report ({option}): {scenario}: is the input {scenario}"
        ": an output may not overwrite an input"
    ]
    assert out == ""  # refused before anything ran
    assert scenario.read_bytes() == before


def test_a_link_to_the_scenario_is_the_scenario(
    scenario: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    link = tmp_path / "report.json"
    link.symlink_to(scenario)
    before = scenario.read_bytes()
    assert _main(capsys, "run", str(scenario), "--json", str(link))[0] == 2
    assert scenario.read_bytes() == before


def test_two_reports_on_one_file_are_refused(
    scenario: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "r.out"
    code, _, err = _main(
        capsys, "run", str(scenario), "--json", str(target), "--junit", str(target)
    )
    assert code == 2
    assert "(--junit)" in err
    assert len(err.splitlines()) == 1
    assert not target.exists()


def test_reports_are_written_whole(
    scenario: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "r.json"
    code, _, _ = _main(capsys, "run", str(scenario), "--json", str(target))
    assert code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["summary"]["passed"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h.scenario.yaml", "r.json"]


def test_a_name_too_long_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _main(capsys, "run", "9" * 5000)
    assert code == 2
    assert err.startswith("ccsim: 999")
    assert err.endswith(": File name too long\n")
    assert len(err.splitlines()) == 1


@pytest.fixture
def po_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "po"
    code, _, err = _main(
        capsys, "postoffice", "create", str(path), "--name", "PO1", "--password", "X"
    )
    assert code == 0, err
    return path


def _connector(po_dir: Path, *more: str) -> list[str]:
    return ["connector", "run", "--postoffice", str(po_dir), "--po-name", "PO1",
            "--po-password", "X", "--for", "1m", *more]  # fmt: skip


def test_the_event_log_never_overwrites_the_post_office(
    po_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    master = next(po_dir.glob("CCPOMBOX.*"))
    before = master.read_bytes()
    code, out, err = _main(capsys, *_connector(po_dir, "--eventlog", str(master)))
    assert code == 2
    assert err == (
        f"ccsim: --eventlog: {master}: is inside the input {po_dir}"
        ": an output may not overwrite an input\n"
    )
    assert out == ""
    assert master.read_bytes() == before


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        (
            "--eventlog",
            "/proc/nowhere/x.txt",
            "ccsim: --eventlog: /proc/nowhere/x.txt: cannot write: no such folder",
        ),
        ("--exchange", "/proc/nowhere", "ccsim: --exchange: cannot create /proc/nowhere:"),
    ],
)
def test_impossible_outputs_are_refused_in_one_line(
    po_dir: Path, capsys: pytest.CaptureFixture[str], option: str, value: str, message: str
) -> None:
    code, _, err = _main(capsys, *_connector(po_dir, option, value))
    assert code == 2
    assert err.startswith(message)
    assert len(err.splitlines()) == 1


def test_world_new_in_an_impossible_place(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _main(capsys, "world", "new", "/proc/nowhere")
    assert code == 2
    assert err.startswith("ccsim: /proc/nowhere: cannot create:")


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_report_merge_refuses_special_files_without_hanging(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    path = Path("/dev/zero")
    if kind == "fifo":
        path = tmp_path / "r.json"
        os.mkfifo(path)
    code, _, err = _main(capsys, "report", "merge", str(path))
    assert code == 2
    assert "not a regular file (a device, FIFO or socket)" in err
    assert len(err.splitlines()) == 1


def test_an_interrupted_report_is_not_merged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "r.json"
    text = '{"interrupted": "interrupted after 1 of 3", "scenarios": [], "summary": {}}'
    path.write_text(text, encoding="utf-8")
    code, _, err = _main(capsys, "report", "merge", str(path))
    assert code == 2
    assert "a run that was stopped (interrupted after 1 of 3)" in err


def test_a_long_post_office_path_is_the_program_s_refusal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = _main(capsys, "export", "/NPO1", "/PX", "/D" + "a" * 5000)
    assert code == 3  # EXPORT's own result code, not an internal error
    assert "at most 259 (MAX_PATH)" in out
    assert err == ""


def test_copies_follow_no_link_and_open_no_special_file(tmp_path: Path) -> None:
    source = tmp_path / "po"
    (source / "SUB").mkdir(parents=True)
    (source / "CCPOMBOX.000").write_bytes(b"x" * 100)
    (source / "SUB" / "F.DAT").write_bytes(b"y")
    (source / "ZERO").symlink_to("/dev/zero")
    (source / "UP").symlink_to("..")
    os.mkfifo(source / "PIPE")
    copy = tmp_path / "copy"
    skipped = copy_folder(source, copy)
    assert skipped == [
        "PIPE: not a regular file (a device, FIFO or socket)",
        "UP: a symbolic link (not followed)",
        "ZERO: a symbolic link (not followed)",
    ]
    assert sorted(str(p.relative_to(copy)) for p in copy.rglob("*")) == [
        "CCPOMBOX.000",
        "SUB",
        "SUB/F.DAT",
    ]
    assert (copy / "CCPOMBOX.000").read_bytes() == b"x" * 100
    with pytest.raises(CustomerFilesError, match="more than 50 bytes to copy"):
        copy_folder(source, tmp_path / "copy2", limit=50)


def test_an_interrupted_run_reports_what_finished(tmp_path: Path) -> None:
    """Ctrl-C after the first scenario: exit 130, one line, reports for what finished."""
    for n in range(6):
        text = HEALTHY.read_text(encoding="utf-8").replace("id: healthy", f"id: healthy-{n}")
        if n:  # three virtual days, seconds of work: the interrupt comes during the second
            text = text.replace("  - advance: 30m\n", "  - advance: 3d\n")
        (tmp_path / f"h{n}.scenario.yaml").write_text(text, encoding="utf-8")
    report = tmp_path / "out" / "r.json"
    report.parent.mkdir()
    script = "import sys; from harness.cli import main; sys.exit(main(sys.argv[1:]))"
    proc = subprocess.Popen(
        [sys.executable, "-c", script, "run", str(tmp_path), "--json", str(report)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=default_sigint,
    )
    assert proc.stderr is not None
    first = proc.stderr.readline()  # "passed healthy-0" once the first one finished
    assert first.startswith("passed")
    proc.send_signal(signal.SIGINT)
    rest = proc.stderr.read()
    assert proc.wait(timeout=120) == 130
    lines = rest.splitlines()
    done = sum(line.startswith("passed") for line in lines) + 1
    assert lines[-1] == f"ccsim: interrupted after {done} of 6 scenarios"
    assert not any("Traceback" in line for line in lines)
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["interrupted"] == f"interrupted after {done} of 6"
    assert len(data["scenarios"]) == done < 6
    assert [p.name for p in report.parent.iterdir()] == ["r.json"]  # no temp file left
