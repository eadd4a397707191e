"""Hostile input: exit 2 and one line naming the file, never a traceback, a hang or a bomb.

Each case is an attack that broke an earlier version: it raised (exit 1 or 3),
hung, ate gigabytes, or passed ``validate`` and then failed in ``run``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harness import cli
from harness.cli import main
from harness.errors import MAX_LINES, ScenarioError, ScenarioErrors
from harness.loader import load_text
from harness.selection import SelectionError, matches, parse_shard

HEAD = "id: x\ntitle: t\ncause: healthy\n"


def _main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("seed: !!int abc", "4:7: 'abc' is not a valid !!int"),
        ("seed: !!int ''", "4:7: '' is not a valid !!int"),
        ("seed: !!bool maybe", "4:7: 'maybe' is not a valid !!bool"),
        ("seed: !!float x", "4:7: 'x' is not a valid !!float"),
        ("seed: " + "9" * 4301, "4:7: a number of 4301 characters: at most 40"),
        ("seed: 0x" + "f" * 5000, "4:7: a number of 5002 characters: at most 40"),
        ("seed: " + ":".join(["1"] * 3000), "4:7: a number of 5999 characters: at most 40"),
        ("seed: !!float " + "1:" * 2000 + "1.5", "4:7: a number of 4003 characters: at most 40"),
    ],
)
def test_tags_and_number_bombs_are_one_line(line: str, message: str) -> None:
    with pytest.raises(ScenarioError) as exc:
        load_text(HEAD + line + "\n", name="f.scenario.yaml")
    assert str(exc.value).splitlines() == [f"f.scenario.yaml:{message}"]


@pytest.mark.parametrize(
    ("world", "message"),
    [
        ("exchange: {programs: {export_version: abc}}", "export_version: does not match"),
        ("exchange: {programs: {import_version: '5.x'}}", "import_version: does not match"),
        ('postoffice: {name: "PO 1"}', "post office name 'PO 1' holds a space"),
        ('postoffice: {name: "PØ"}', "post office name 'PØ' holds 'Ø'"),
        ('postoffice: {name: "PO☃"}', "post office name 'PO☃' holds '☃'"),
    ],
)
def test_validate_refuses_what_run_would_refuse(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], world: str, message: str
) -> None:
    path = tmp_path / "a.scenario.yaml"
    path.write_text(HEAD + f"world:\n  {world}\nsteps:\n  - advance: 1m\n", encoding="utf-8")
    code, _, err = _main(capsys, "validate", str(path))
    assert code == 2
    assert len(err.splitlines()) == 1
    assert message in err


@pytest.mark.parametrize("name", ["P-O_1", "PO/1", "PO1!"])
def test_the_names_validate_accepts_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    path = tmp_path / "a.scenario.yaml"
    text = HEAD + f"world:\n  postoffice: {{name: '{name}'}}\nsteps:\n  - advance: 1m\n"
    path.write_text(text, encoding="utf-8")
    assert _main(capsys, "validate", str(path))[0] == 0
    code, out, err = _main(capsys, "run", str(path))
    assert code == 0, out + err


def _special(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / f"{kind}.scenario.yaml"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "zero-link":
        path.symlink_to("/dev/zero")
    else:
        path = Path("/dev/zero")
    return path


@pytest.mark.parametrize("kind", ["fifo", "zero-link", "dev-zero"])
def test_special_files_are_refused_without_reading_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    path = _special(tmp_path, kind)
    target = str(tmp_path) if kind == "fifo" else str(path)  # a FIFO inside DIR hung validate DIR
    code, _, err = _main(capsys, "validate", target)
    assert code == 2
    assert err == f"{path}:1:1: not a regular file (a device, FIFO or socket): " + (
        "a scenario is a regular file of at most 1048576 bytes\n"
    )


def test_errors_are_capped_at_twenty_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    steps = "".join(f"  - advance: {i}x\n" for i in range(30))
    path = tmp_path / "a.scenario.yaml"
    path.write_text(HEAD + "steps:\n" + steps, encoding="utf-8")
    code, _, err = _main(capsys, "validate", str(path))
    lines = err.splitlines()
    assert code == 2
    assert len(lines) == MAX_LINES
    assert lines[-1] == f"{path}: and 11 more errors"
    with pytest.raises(ScenarioErrors) as exc:
        load_text(HEAD + "steps:\n" + steps, name="f")
    assert len(exc.value.errors) == 30


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1/99999999999999999999", "expected K/N"),
        ("1/200000000", "N may be at most 1000"),
    ],
)
def test_shard_values_that_overflowed(text: str, message: str) -> None:
    with pytest.raises(SelectionError, match=message):
        parse_shard(text)


@pytest.mark.parametrize(
    "expression", ["(" * 5000, "(" * 600 + "x" + ")" * 399, "not " * 200 + "x"]
)
def test_deep_k_expressions_are_refused(expression: str) -> None:
    with pytest.raises(SelectionError):
        matches(expression, {"healthy"})


def test_shallow_k_expressions_still_match() -> None:
    assert matches("(" * 30 + "heal" + ")" * 30, {"healthy"})
    assert matches("not not heal", {"healthy"})


def test_postoffice_create_in_an_impossible_place(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _main(
        capsys, "postoffice", "create", "/proc/x", "--name", "PO1", "--password", "X"
    )
    assert (code, err) == (2, "ccsim: cannot create /proc/x: No such file or directory\n")


@pytest.mark.parametrize(
    ("sig", "code", "word"),
    [(signal.SIGTERM, 143, "terminated"), (signal.SIGINT, 130, "interrupted")],
)
def test_an_interrupted_create_leaves_nothing(
    tmp_path: Path, sig: signal.Signals, code: int, word: str
) -> None:
    """SIGINT/SIGTERM once the build has begun: no post office, no temp folder, exit 130/143."""
    target = tmp_path / "po"
    script = "import sys; from harness.cli import main; sys.exit(main(sys.argv[1:]))"
    args = [
        "postoffice",
        "create",
        str(target),
        "--name",
        "PO1",
        "--password",
        "X",
        "--users",
        "10000",
    ]
    proc = subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stderr=subprocess.PIPE,
        text=True,
        restore_signals=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".po.ccsim-*/CCPOMBOX.*")) and time.monotonic() < deadline:
        time.sleep(0.05)  # noqa: TID251 - waits for a real child process, not the sim
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code
    assert err == f"ccsim: {word}\n"
    assert list(tmp_path.iterdir()) == []


def test_an_internal_error_is_one_line_with_a_hint(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(args: list[str]) -> int:
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(cli, "_main", broken)
    code, _, err = _main(capsys, "validate", "x")
    assert code == 3
    hint = "(rerun with --debug for the traceback)"
    assert err == f"ccsim: internal error: RuntimeError: boom second line {hint}\n"
    with pytest.raises(RuntimeError, match="boom"):
        main(["validate", "x", "--debug"])
