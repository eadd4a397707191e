"""``ccsim plan``: the real verify conditions, the expect checks, fault parameters, traffic."""

from __future__ import annotations

from pathlib import Path

from harness.loader import load_text
from harness.plan import render_plan
from harness.selection import builtin_dir

PASSWORD = (builtin_dir() / "q166045-wrong-password.scenario.yaml").read_text(encoding="utf-8")
HEALTHY = (builtin_dir() / "healthy.scenario.yaml").read_text(encoding="utf-8")


def plan(text: str) -> list[str]:
    return render_plan(load_text(text, name="s.scenario.yaml")).splitlines()


def test_the_plan_shows_parameters_traffic_and_expect() -> None:
    lines = plan(PASSWORD)
    assert any(line.startswith("  - wrong-po-password {password: OLDPASS}: ") for line in lines)
    assert "  10 message(s) to-exchange, one every 1m" in lines
    assert "  Event 70: at least 10 time(s)" in lines
    assert "  Event 67: not logged" in lines
    assert "  queue to_exchange: at least 1 message(s)" in lines


def test_the_plan_shows_what_verify_checks() -> None:
    lines = plan(HEALTHY)
    start = lines.index("verify (run 1h after the steps):")
    assert lines[start + 1] == "  no Event 68, Event 70, Event 71 logged meanwhile"
    assert "  a directory synchronization completes" in lines[start:]
    assert "  a test message is sent each way" in lines[start:]
    quiet = HEALTHY.replace(
        "verify: {for: 1h, no_events: [68, 71]}", "verify: {for: 2h, mail: none}"
    )
    quiet = quiet.replace("  connector:\n", "  connector:\n    dirsync: never\n", 1)
    lines = plan(quiet)
    start = lines.index("verify (run 2h after the steps):")
    assert lines[start + 1 :] == [
        "  no Event 70 logged meanwhile",
        "  every message delivered exactly once or still where it belongs",
    ]


def test_ccsim_plan_prints_it(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from harness.cli import _build_app

    path = tmp_path / "p.scenario.yaml"
    path.write_text(PASSWORD, encoding="utf-8")
    result = CliRunner().invoke(_build_app(), ["plan", str(path)])
    assert result.exit_code == 0
    assert "verify (run 1h after the fix):" in result.stdout
