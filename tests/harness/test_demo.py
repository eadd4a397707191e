"""Trainer mode, ``ccsim demo``: the lesson list, a narrated lesson, pausing, plain output."""

from __future__ import annotations

import io
import re

import pytest
from typer.testing import CliRunner

from harness.causes import CAUSES
from harness.cli import _build_app
from harness.demo import Pauser, find_lesson, lessons, step_words
from harness.errors import NotRegisteredError
from harness.loader import load_scenario
from harness.selection import builtin_dir

PASSWORD = "q166045-wrong-password"
PROMPT = "-- press Enter for the next step"


def demo(*args: str, stdin: str | None = None, env: dict[str, str] | None = None):
    return CliRunner().invoke(_build_app(), ["demo", *args], input=stdin, env=env)


def pauses_in(scenario_id: str) -> int:
    """One pause after each phase but the last: world, faults, steps, expect, diagnose, fixes."""
    s = load_scenario(builtin_dir() / f"{scenario_id}.scenario.yaml")
    return 1 + len(s.faults) + len(s.steps) + 2 + len(s.fix)


def test_list_names_every_lesson_by_cause_with_article() -> None:
    result = demo("--plain", env={"COLUMNS": "250"})  # no wrapping inside a line
    assert result.exit_code == 0, result.output
    everything = lessons()
    assert len(everything) == len(list(builtin_dir().glob("*.scenario.yaml")))
    for lesson in everything:
        assert f"  {lesson.scenario.id} [{', '.join(lesson.scenario.articles)}]" in result.output
        assert f"{lesson.cause.id}: {lesson.cause.title}" in result.output
    order = [
        result.output.index(f"\n{c.id}: ")
        for c in CAUSES.values()
        if f"\n{c.id}: " in result.output
    ]
    assert order == sorted(order)  # §8 row order
    assert result.output.index("\nhealthy: ") < min(order)


def test_full_lesson_tells_cause_diagnosis_fix_and_proof() -> None:
    result = demo(PASSWORD, "--plain", "--no-pause")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Wrong post office password on the Post Office page" in out
    assert "Q166045" in out
    assert "What support will see (§8): Event 70 (Export code 3) every 15 s" in out
    assert "Let 30m of virtual time pass" in out
    assert "70 Error x" in out  # the event log fills with Event 70
    assert "The diagnosis, evidence by evidence" in out
    assert "Finding 1: po-settings-invalid, score 0.95, Q166045" in out
    assert "Evidence 1: 06/02/1998 08:00:00 MSExchangeCCMC Error 70:" in out
    assert "Reference §8 says: Correct the fields" in out
    assert "no Event 70 after the fix ok" in out
    assert "The fix is verified (passed)." in out
    assert "none lost, none duplicated" in out
    assert PROMPT not in out
    assert "\x1b[" not in out


def test_queue_table_shows_the_backlog_grow_and_drain() -> None:
    out = demo(PASSWORD, "--plain", "--no-pause").output
    grown = out.index("10 (+10)")
    drained = out.index("0 (-10)")
    assert grown < out.index("The fix (1 of 1)") < drained


def test_cause_id_plays_its_first_lesson() -> None:
    result = demo("po-shut-down", "--plain", "--no-pause")
    assert result.exit_code == 0, result.output
    assert "Q282172" in result.output
    assert "New file: PO CCPODOWN" in result.output
    assert "File gone: PO CCPODOWN" in result.output
    assert "The fix is verified" in result.output


def test_typo_gets_did_you_mean_and_exit_2() -> None:
    result = demo("po-setings-invalid")
    assert result.exit_code == 2
    assert "did you mean 'po-settings-invalid'?" in result.stderr
    assert "Traceback" not in result.output


def test_step_and_no_pause_together_is_a_usage_error() -> None:
    result = demo(PASSWORD, "--step", "--no-pause")
    assert result.exit_code == 2
    assert "contradict" in result.stderr


def test_step_waits_for_enter_between_steps() -> None:
    count = pauses_in(PASSWORD)
    result = demo(PASSWORD, "--plain", "--step", stdin="\n" * count)
    assert result.exit_code == 0, result.output
    assert result.output.count(PROMPT) == count
    assert "The fix is verified" in result.output


def test_step_q_stops_the_lesson_where_it_is() -> None:
    result = demo(PASSWORD, "--plain", "--step", stdin="\nq\n\n\n")
    assert result.exit_code == 0
    assert result.output.count(PROMPT) == 2
    assert "Lesson stopped." in result.output
    assert "Verdict" not in result.output
    assert "Something goes wrong" in result.output
    assert "Step 2" not in result.output


def test_step_on_end_of_input_plays_on() -> None:
    result = demo(PASSWORD, "--plain", "--step", stdin="")
    assert result.exit_code == 0
    assert result.output.count(PROMPT) == 1
    assert "The fix is verified" in result.output


def test_plain_has_no_ansi_codes_even_when_colour_is_forced() -> None:
    coloured = demo("healthy", "--no-pause", env={"FORCE_COLOR": "1"})
    assert "\x1b[" in coloured.output
    plain = demo("healthy", "--no-pause", "--plain", env={"FORCE_COLOR": "1"})
    assert plain.exit_code == 0
    assert "\x1b[" not in plain.output
    assert "+---" in plain.output  # ASCII boxes


def test_find_lesson_prefers_scenario_id_then_first_of_cause() -> None:
    available = lessons()
    assert find_lesson(PASSWORD, available).scenario.id == PASSWORD
    first = min(x.scenario.id for x in available if x.cause.id == "po-settings-invalid")
    assert find_lesson("po-settings-invalid", available).scenario.id == first
    with pytest.raises(NotRegisteredError, match="ccsim demo"):
        find_lesson("zzzz", available)


def test_pauser_reads_lines_and_stops_waiting_at_eof() -> None:
    said: list[str] = []
    pauser = Pauser(True, io.StringIO("\n"), said.append)
    pauser.wait()
    pauser.wait()  # EOF: no more waiting
    pauser.wait()
    assert len(said) == 2
    assert not pauser.stopped
    assert not pauser.enabled


def test_step_words_cite_the_reference() -> None:
    s = load_scenario(builtin_dir() / f"{PASSWORD}.scenario.yaml")
    texts = [step_words(step) for step in s.steps]
    assert texts[0].startswith("Start the MSExchangeCCMC service")
    assert "§4.5" in texts[1]


def test_a_users_own_scenario_file_plays_as_a_lesson(tmp_path) -> None:
    text = (builtin_dir() / "q282172-po-shut-down.scenario.yaml").read_text(encoding="utf-8")
    mine = tmp_path / "my-case.scenario.yaml"
    mine.write_text(text.replace("id: q282172-po-shut-down", "id: my-own-case"), encoding="utf-8")
    result = demo(str(mine), "--plain", "--no-pause", env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Scenario my-own-case (Q282172" in out
    assert "Cause: " in out
    assert "The proof it worked" in out


def test_after_the_fix_the_evidence_comes_back_clean() -> None:
    """ANALYZE clean, the symptom events gone since the fix, nothing waiting."""
    result = demo("q166045-damaged-po", "--plain", "--no-pause", env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    after = result.output.split("The evidence again, after the fix", 1)[1]
    assert re.search(r"Event 70: [1-9]\d* before the fix, 0 since: gone\.", after)
    assert "ANALYZE of the post office now: ANALYZE /NPO1 " in after
    assert "result code 0" in after
    assert "Queues: every message delivered, none waiting." in after
    assert after.index("Queues: every") < after.index("Verdict")


def test_a_fix_of_settings_alone_does_not_say_the_world_is_unchanged() -> None:
    result = demo(PASSWORD, "--plain", "--no-pause", env={"COLUMNS": "250"})
    fix = result.output.split("The fix (1 of 1)", 1)[1].split("The proof it worked", 1)[0]
    assert "The world is unchanged" not in fix
    assert "the fix changed the settings or the programs" in fix


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id: X\ntitle: t\ncause: healthy\nseed: -1\n", ":1:5: id: must be kebab-case"),
        (None, ":1:1: no such file"),
    ],
    ids=["invalid", "missing"],
)
def test_a_bad_file_is_exit_2_with_one_line(tmp_path, content: str | None, message: str) -> None:
    path = tmp_path / "bad.scenario.yaml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = demo(str(path), "--no-pause")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"ccsim demo: {path}{message}")
    assert "Traceback" not in result.stderr
