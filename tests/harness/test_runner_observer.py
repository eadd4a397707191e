"""``run(..., observer=)``: watching the world between phases without changing the run."""

from __future__ import annotations

from harness.build import Site
from harness.loader import load_scenario
from harness.runner import Checkpoint, Line, Status, run
from harness.selection import builtin_dir
from harness.steps import queue_sizes

PASSWORD = builtin_dir() / "q166045-wrong-password.scenario.yaml"


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Line, ...]]] = []
        self.queues: list[int] = []
        self.events: list[int] = []

        self.findings: list[tuple[str, ...]] = []

    def __call__(self, point: Checkpoint) -> None:
        self.calls.append((point.phase, point.lines))
        self.events.append(len(point.site.world.eventlog))
        self.queues.append(_to_exchange(point.site))
        self.findings.append(tuple(f.cause for f in point.findings))


def _to_exchange(site: Site) -> int:
    return queue_sizes(site)["to_exchange"]


def test_observer_sees_every_phase_and_every_line_once() -> None:
    scenario = load_scenario(PASSWORD)
    seen = Recorder()
    result = run(scenario, file=str(PASSWORD), observer=seen)
    phases = [phase for phase, _ in seen.calls]
    steps = len(scenario.steps)
    fixes = len(scenario.fix)
    assert phases == ["world", "fault", *["step"] * steps, "expect", "diagnose"] + [
        "fix"
    ] * fixes + ["verify"]
    assert tuple(line for _, lines in seen.calls for line in lines) == result.transcript
    assert result.status is Status.PASSED
    diagnosed = tuple(f.cause for f in result.diagnosis)
    assert diagnosed == ("po-settings-invalid",)
    first = phases.index("diagnose")
    assert seen.findings[:first] == [()] * first
    assert seen.findings[first:] == [diagnosed] * (len(phases) - first)


def test_observer_watches_the_world_change() -> None:
    """Event 70s pile up and cc:Mail's queue to Exchange grows while broken, then drains."""
    seen = Recorder()
    run(load_scenario(PASSWORD), file=str(PASSWORD), observer=seen)
    phases = [phase for phase, _ in seen.calls]
    before = seen.events[phases.index("fault")]
    after_steps = seen.events[phases.index("expect")]
    assert after_steps > before
    assert seen.queues[phases.index("expect")] >= 1
    assert seen.queues[phases.index("verify")] == 0


def test_run_with_observer_gives_the_same_result() -> None:
    scenario = load_scenario(PASSWORD)
    plain = run(scenario, file=str(PASSWORD))
    watched = run(scenario, file=str(PASSWORD), observer=Recorder())
    assert watched == plain


def test_failing_observer_is_a_scenario_error() -> None:
    def broken(point: Checkpoint) -> None:
        if point.phase == "diagnose":
            raise RuntimeError("observer broke")

    result = run(load_scenario(PASSWORD), file=str(PASSWORD), observer=broken)
    assert result.status is Status.ERROR
    assert result.transcript[-1].text == "RuntimeError: observer broke"
