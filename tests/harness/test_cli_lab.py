"""``ccsim lab``: hidden causes, hints in order, grading of the cause and of the world."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from harness.worldstore import lab
from tests.harness.test_cli_world import ccsim, ok, refused


def test_a_lab_solved_by_hand_is_graded_right(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The documented steps of docs/lab.md for a wrong Post Office password."""
    w = tmp_path / "lab"
    said = ok(capsys, "lab", "new", w, "--cause", "po-settings-invalid", "--seed", "4")
    assert said.startswith('The customer says: "Mail from cc:Mail users stopped')
    assert "po-settings-invalid" not in said
    assert "po-settings-invalid" not in (w / "world.json").read_text(encoding="utf-8")
    assert ok(capsys, "lab", "hint", w).startswith("Hint 1 of 5: Read the Application log")
    assert "Error 70:" in ok(capsys, "world", "events", w)
    wrong = ok(capsys, "world", "get", w, "postoffice.name").split(" = ")[1].strip()
    line = "/PSECRET /D\\\\POSRV\\CCDATA /DIRECTORY /@C:\\d.txt /BATCH"
    code, out, _ = ccsim(capsys, "world", "exec", w, "--", "EXPORT", f"/N{wrong} {line}")
    assert code != 0, out
    code, _, _ = ccsim(capsys, "world", "exec", w, "--", "EXPORT", f"/NPO1 {line}")
    assert code == 0
    ok(capsys, "world", "set", w, "postoffice.name=PO1")
    ok(capsys, "world", "service", w, "restart")
    ok(capsys, "world", "run", w, "15m")
    code, out, _ = ccsim(capsys, "lab", "answer", w, "po-settings-invalid", "--json")
    sheet = json.loads(out)
    assert code == 0, out
    assert sheet["cause_right"]
    assert sheet["fixed"]
    assert sheet["hints"] == 1
    assert sheet["missed"] == []


def test_a_wrong_answer_and_an_unfixed_world_are_graded_wrong(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    w = tmp_path / "lab"
    ok(capsys, "lab", "new", w, "--seed", "2", "--level", "1")
    key = ok(capsys, "lab", "key", "--seed", "2", "--level", "1").split(": ")[1].split(" (")[0]
    assert key in lab.LEVEL1
    before = (w / "world.json").read_bytes()
    code, out, _ = ccsim(capsys, "lab", "answer", w, "po-damaged")
    assert code == 1
    assert "NOT YET: cause wrong, world not fixed" in out
    assert "missed: the cause named (po-damaged) is not the cause" in out
    assert (w / "world.json").read_bytes() == before  # graded on a copy
    code, out, _ = ccsim(capsys, "lab", "answer", w, key)
    assert code == 1
    assert "cause right, world not fixed" in out
    assert "[--] no new Event 70 for a virtual hour" in out


def test_hints_come_in_order_and_are_counted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    w = tmp_path / "lab"
    ok(capsys, "lab", "new", w, "--cause", "po-shut-down")
    got = [ok(capsys, "lab", "hint", w) for _ in range(len(lab.HINTS) + 1)]
    assert [g.split(":")[0] for g in got[:2]] == ["Hint 1 of 5", "Hint 2 of 5"]
    assert "world diagnose" in got[4]
    assert got[5].startswith("No more hints")
    meta = json.loads((w / "world.json").read_text(encoding="utf-8"))
    assert meta["lab"]["hints"] == len(lab.HINTS)


def test_level_3_hides_two_causes_and_the_key_names_both(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    case = lab.choose(0, level=3)
    assert len(case.causes) == 2
    assert case.causes[0].split("-")[0] != case.causes[1].split("-")[0]
    assert lab.choose(0, level=3) == case  # by seed
    assert ", ".join(case.causes) in ok(capsys, "lab", "key", "--seed", "0", "--level", "3")
    assert lab.salted(0, f"{case.causes[1]}, {case.causes[0]}") == lab.salted(
        0, ",".join(case.causes)
    )


def _log_seen(cause: str, root: Path) -> Counter[tuple[str, int, str]]:
    """The lab's Application log as support reads it: source, event, text (file names masked)."""
    site = lab.build(lab.choose(0, cause=cause), 0, root)
    return Counter(
        (r.source, r.event_id, re.sub(r"msg[0-9A-F]+\.ccm", "msg*.ccm", r.description))
        for r in site.world.eventlog.records
    )


def test_level_3_also_draws_one_cause_whose_log_looks_like_others(tmp_path: Path) -> None:
    """The ambiguous variant: the same events, the same texts, as often, for each cause."""
    cases = [lab.choose(seed, level=3) for seed in range(30)]
    alike = [c for c in cases if c.lookalikes]
    assert 5 <= len(alike) <= 15, len(alike)  # about a third of the seeds
    assert all(len(c.causes) == 2 for c in cases if not c.lookalikes)
    for case in alike:
        assert len(case.causes) == 1
        assert sorted((*case.causes, *case.lookalikes)) == sorted(lab.AMBIGUOUS)
    logs = {c: _log_seen(c, tmp_path / c) for c in lab.AMBIGUOUS}
    first = logs[lab.AMBIGUOUS[0]]
    assert {event for _, event, _ in first} == {61, 70}
    assert all(log == first for log in logs.values()), {c: len(log) for c, log in logs.items()}


def test_the_ambiguous_lab_is_told_apart_beyond_the_log_and_graded(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    seed = next(s for s in range(30) if lab.choose(s, level=3).lookalikes)
    case = lab.choose(seed, level=3)
    key = ok(capsys, "lab", "key", "--seed", str(seed), "--level", "3")
    assert f"its log looks like that of {', '.join(case.lookalikes)}" in key
    w = tmp_path / "w"
    ok(capsys, "lab", "new", w, "--seed", str(seed), "--level", "3")
    for other in case.lookalikes:
        code, out, _ = ccsim(capsys, "lab", "answer", w, other)
        assert code == 1
        assert "cause wrong" in out.splitlines()[0]
    code, out, _ = ccsim(capsys, "lab", "answer", w, case.causes[0])
    assert code == 1
    assert out.splitlines()[0].startswith("NOT YET: cause right, world not fixed")


def test_bad_lab_input_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert "did you mean po-shut-down?" in refused(
        capsys, "lab", "new", tmp_path / "a", "--cause", "po-shut-dow"
    )
    assert "--level" in refused(capsys, "lab", "new", tmp_path / "b", "--level", "4")
    assert "not a world" in refused(capsys, "lab", "hint", tmp_path)
    w = tmp_path / "w"
    ok(capsys, "world", "new", w)
    assert "not a lab" in refused(capsys, "lab", "answer", w, "po-damaged")


@pytest.mark.parametrize("cause", lab.causes())
def test_a_lab_for_every_catalogue_cause_is_graded_fixed_only_after_its_fix(
    cause: str, tmp_path: Path
) -> None:
    """The catalogue's own fix for the cause, applied to the lab world, makes it pass."""
    from harness.loader import load_scenario
    from harness.registry import FIXES
    from harness.worldstore import store

    w = tmp_path / "lab"
    case = lab.choose(0, cause=cause)
    meta = {"origin": "lab", "seed": 0, "lab": {"answer": lab.salted(0, cause), "hints": 0}}
    store.create(w, lambda root: lab.build(case, 0, root), meta)
    assert not lab.grade(w, meta, cause).fixed
    with store.open_world(w) as handle:
        for item in load_scenario(case.scenarios[0]).fix:
            name = getattr(item, "name", None)
            if isinstance(name, str):
                FIXES.lookup(name).function(handle.site, item.params)  # type: ignore[attr-defined]
        handle.site.service.restart()
    result = lab.grade(w, meta, cause)
    assert result.cause_right
    assert result.fixed, result.checks


def test_mail_that_bounced_is_sent_again_when_grading(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A message to 160 users bounced during warm-up; a one-user test message would pass."""
    w = tmp_path / "lab"
    ok(capsys, "lab", "new", w, "--cause", "header-too-large")
    code, out, _ = ccsim(capsys, "lab", "answer", w, "header-too-large")
    assert code == 1, out
    assert "[ok] a test message reaches cc:Mail" in out
    assert "[--] mail that came back before, sent again, reaches cc:Mail (1 sent, 1 not" in out
    assert "(got 63)" in out  # IMPORT refuses it again: Event 63
