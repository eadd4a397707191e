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
from tests.support.cli import ccsim_exit
from tests.support.signals import default_sigint

HEAD = "id: x\ntitle: t\ncause: healthy\n"


_main = ccsim_exit


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


BROKEN = (
    "id: x\ntitle: t\ncause: {cause}\nfaults:\n  - {fault}\nsteps:\n  - advance: 1m\n"
    "diagnose: [{cause}]\nfix: [{fix}]\n"
)


@pytest.mark.parametrize(
    ("cause", "fault", "fix", "where", "message"),
    [
        ("po-access-denied", "netware-without-gsnw", "grant-access", "5:5",
         "fault 'netware-without-gsnw' does not apply to this world: the post office is not "
         "on NetWare"),
        ("po-name-extended-chars", "{extended-po-name: {name: PO2}}", "rename-postoffice", "5:5",
         "fault 'extended-po-name' does not apply to this world: 'PO2' has no extended "
         "characters"),
        ("ccmail85-16bit-tools", "upgrade-to-ccmail85", "use-32bit-tools", "5:5",
         "fault 'upgrade-to-ccmail85' does not apply to this world: cc:Mail 8.5 uses DB8"),
    ],
)  # fmt: skip
def test_a_fault_its_own_world_refuses_is_an_invalid_scenario_at_validate_and_run(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    cause: str,
    fault: str,
    fix: str,
    where: str,
    message: str,
) -> None:
    """A fault that does not apply to the world the scenario builds (a NetWare fault on
    an NT share) is the file's error: ``validate`` builds the world and applies the
    faults as ``run`` does first, and both exit 2 with one ``file:line:col`` line,
    never an internal error (3)."""
    path = tmp_path / "a.scenario.yaml"
    path.write_text(BROKEN.format(cause=cause, fault=fault, fix=fix), encoding="utf-8")
    code, _, err = _main(capsys, "validate", str(path))
    assert code == 2
    assert len(err.splitlines()) == 1
    assert err.startswith(f"{path}:{where}: {message}")
    code, out, err = _main(capsys, "run", str(path))
    assert code == 2, out + err
    assert f"{path}:{where}: {message}" in out + err


def test_a_fix_its_world_refuses_is_an_invalid_scenario_at_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Q223772's fix is Exchange 5.5 SP3: on Exchange 5.0 it refuses, and the scenario,
    not the harness, is at fault (exit 2, the fix's own line)."""
    path = tmp_path / "a.scenario.yaml"
    text = (
        "id: x\ntitle: t\ncause: und-files-left\nworld:\n  exchange: {version: '5.0'}\n"
        "faults:\n  - overlong-recipient-name\nsteps:\n  - advance: 1m\n"
        "diagnose: [und-files-left]\nfix:\n  - install-exchange-55-sp3\n"
    )
    path.write_text(text, encoding="utf-8")
    code, out, err = _main(capsys, "run", str(path))
    assert code == 2, out + err
    assert f"{path}:12:5: fix 'install-exchange-55-sp3' does not apply to this world" in out


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


def test_validate_prints_every_error_and_run_reports_cap_them_at_twenty_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    steps = "".join(f"  - advance: {i}x\n" for i in range(30))
    path = tmp_path / "a.scenario.yaml"
    path.write_text(HEAD + "steps:\n" + steps, encoding="utf-8")
    code, _, err = _main(capsys, "validate", str(path))
    lines = err.splitlines()
    assert code == 2
    assert len(lines) == 30  # validate: every error in one pass
    assert lines[-1].startswith(f"{path}:{HEAD.count(chr(10)) + 31}:")
    with pytest.raises(ScenarioErrors) as exc:
        load_text(HEAD + "steps:\n" + steps, name="f")
    assert len(exc.value.errors) == 30
    capped = exc.value.lines()  # what a report row of `ccsim run` carries
    assert len(capped) == MAX_LINES
    assert capped[-1] == "f: and 11 more errors"


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
        preexec_fn=default_sigint,
    )
    deadline = time.monotonic() + 60
    # the build folder exists from the start of the build: the signal comes while the
    # 10,000 mailboxes are written (waiting for a file in it left too short a window)
    while not list(tmp_path.glob(".po.ccsim-*")) and time.monotonic() < deadline:
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


def _budget_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "b.scenario.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "steps:\n" + "  - advance: 30d\n" * 3 + "verify: {for: 1h}\n",
            "6:14: 60d of virtual time so far: at most 31d in all",
        ),
        (
            "steps:\n  - advance: 30d\nverify: {for: 2d}\n",
            "6:15: 32d of virtual time so far: at most 31d in all",
        ),
        (
            "steps:\n  - send: {direction: to-ccmail, count: 6000}\n"
            "  - send: {direction: to-ccmail, count: 5000}\n",
            "6:41: 11000 messages sent so far: at most 10000 in all",
        ),
        (
            "steps:\n  - send: {direction: to-exchange, count: 2000, recipients: 60}\n",
            "5:61: 120000 recipients so far (count x recipients): at most 100000 in all",
        ),
        ("steps:\n" + "  - start: connector\n" * 1001, "1005:5: more than 1000 steps"),
    ],
)
def test_the_scenario_budget_is_checked_at_validate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, message: str
) -> None:
    """Each step within its own cap; the sum over the scenario is not."""
    path = _budget_file(tmp_path, body)
    code, _, err = _main(capsys, "validate", str(path))
    assert code == 2
    assert err.startswith(f"{path}:{message}")
    assert len(err.splitlines()) == 1


def test_a_megabyte_of_thirty_day_steps_is_refused_quickly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The red-team file: 60,000 x ``advance: 30d`` in 1 MB validated (years of CPU)."""
    path = _budget_file(tmp_path, "steps:\n" + "  - advance: 30d\n" * 60_000)
    assert path.stat().st_size <= 1 << 20
    code, _, err = _main(capsys, "validate", str(path))
    assert code == 2
    assert err.splitlines() == [
        f"{path}:6:14: 60d of virtual time so far: at most 31d in all (steps, fix steps "
        "and verify.for)",
        f"{path}:1005:5: more than 1000 steps (steps and fix steps together)",
    ]


def test_the_budget_counts_fix_steps(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    head = "id: x\ntitle: t\ncause: po-settings-invalid\n"
    body = (
        "faults: [wrong-po-password]\ndiagnose: [po-settings-invalid]\n"
        "steps:\n  - advance: 30d\nfix:\n  - correct-po-settings\n  - advance: 2d\n"
    )
    path = tmp_path / "f.scenario.yaml"
    path.write_text(head + body, encoding="utf-8")
    code, _, err = _main(capsys, "validate", str(path))
    assert code == 2
    assert "32d of virtual time so far" in err


def test_the_budget_counts_background_traffic(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``world.traffic`` is all sent during the run: it counts first, then the steps."""
    world = "world:\n  traffic:\n    to_exchange: {count: 2500, every: 1s}\n"
    body = world + "steps:\n  - send: {direction: to-exchange, count: 600}\n"
    path = _budget_file(tmp_path, body)
    code, _, err = _main(capsys, "validate", str(path))
    assert code == 2
    assert err.startswith(f"{path}:8:43: 3100 messages to Exchange so far: at most 3000")
    both = (
        "world:\n  traffic:\n    to_exchange: {count: 3000, every: 1s}\n"
        "    to_ccmail: {count: 7001, every: 1s}\n"
    )
    path = _budget_file(tmp_path, both)
    code, _, err = _main(capsys, "validate", str(path))
    assert code == 2
    assert err.startswith(f"{path}:7:24: 10001 messages sent so far: at most 10000 in all")
    within = world.replace("2500", "3000")
    assert _main(capsys, "validate", str(_budget_file(tmp_path, within)))[0] == 0


def test_a_scenario_at_the_budget_validates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = (
        "steps:\n  - advance: 30d\n  - send: {direction: to-ccmail, count: 10000, "
        "recipients: 10}\n  - advance: 23h\nverify: {for: 1h}\n"
    )
    assert _main(capsys, "validate", str(_budget_file(tmp_path, body)))[0] == 0
