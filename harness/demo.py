"""Trainer mode: ``ccsim demo [CAUSE | FILE]`` plays a scenario as a narrated lesson.

One lesson per scenario of the built-in catalogue, or a user's own scenario file
(:func:`lesson_from_file`), taught under the cause it names. A lesson runs the scenario
through :func:`harness.runner.run` with an observer (:class:`Narrator`) that,
after every phase and step, explains in plain words what happened and shows the
world as it is now (``harness.demo_view``): the queues, the files of interest
and the event log. Then it walks through the diagnosis evidence by evidence, the
fix, and the proof that it worked: once the run is over, the evidence support
would gather again (ANALYZE of the post office, the symptom events since the
fix, the queues), shown coming back clean, or what is still wrong.

The words come from the sources the rest of the harness quotes: the scenario's
``summary``, the fault and fix registries (summary and article), and the cause
table ``harness.causes`` (reference §8: symptoms, confirm, fix, verify). The
plain-words text for each kind of step cites reference §4.5 (transfer cycle),
§4.6 (dirsync), §2.2 and §3 (programs run by hand).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from harness.causes import SCENARIO_CAUSES, SECTION_8_ROWS, Cause
from harness.demo_view import Snapshot, Style, WorldView, explain_findings, take_snapshot
from harness.errors import NotRegisteredError

if TYPE_CHECKING:
    from rich.console import Console

    from harness.build import Site
    from harness.model import Scenario
    from harness.runner import Checkpoint, RunResult

__all__ = [
    "Lesson",
    "Narrator",
    "Pauser",
    "find_lesson",
    "lesson_from_file",
    "lessons",
    "play",
    "step_words",
]


@dataclass(frozen=True, slots=True)
class Lesson:
    """One catalogue scenario, taught under its cause."""

    cause: Cause
    scenario: Scenario
    path: Path


def lessons() -> list[Lesson]:
    """Every scenario of the built-in catalogue, by §8 row (``healthy`` first), then id."""
    from harness.selection import load_selection

    found = [Lesson(SCENARIO_CAUSES[s.cause], s, p) for p, s in load_selection([], None, None)]
    return sorted(found, key=lambda lesson: (lesson.cause.number, lesson.scenario.id))


def lesson_from_file(path: Path) -> Lesson:
    """A user's own scenario file as a lesson; ScenarioError (file:line:col) if invalid."""
    from harness.loader import load_scenario

    scenario = load_scenario(path)
    return Lesson(SCENARIO_CAUSES[scenario.cause], scenario, path)


def find_lesson(name: str, available: list[Lesson]) -> Lesson:
    """The lesson for a scenario id, or the first lesson of a cause id; a hint on a typo."""
    for lesson in available:
        if lesson.scenario.id == name:
            return lesson
    for lesson in available:
        if lesson.cause.id == name:
            return lesson
    names = sorted({n for lesson in available for n in (lesson.cause.id, lesson.scenario.id)})
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}?" if close else "run `ccsim demo` for the list"
    raise NotRegisteredError(f"unknown lesson {name!r} ({hint})")


@dataclass
class Pauser:
    """Waits for Enter between steps (``enabled``); EOF continues, ``q`` stops the lesson."""

    enabled: bool
    stdin: TextIO
    out: Callable[[str], None]
    stopped: bool = False

    def wait(self) -> None:
        if not self.enabled or self.stopped:
            return
        self.out("-- press Enter for the next step (q, Enter: stop) --")
        answer = self.stdin.readline()
        if not answer:  # end of input: play on without waiting
            self.enabled = False
        elif answer.strip().casefold() == "q":
            self.stopped = True


def step_words(step: Any) -> str:  # noqa: ANN401 - a Step model of any kind
    """What a scenario step does, in plain words, with its source."""
    from harness.model_types import format_duration

    kind = next(iter(type(step).model_fields))
    value = getattr(step, kind)
    if kind == "advance":
        return (
            f"Let {format_duration(value)} of virtual time pass. Every 15 seconds the "
            "connector runs EXPORT for the mail cc:Mail queued to the Exchange site and "
            "IMPORT for the mail Exchange sent (reference §4.5, KB Q168211)."
        )
    if kind == "send":
        return f"Users send {value.count} message(s) {value.direction}."
    if kind == "run":
        return (
            f"Run {value.program} {value.args} by hand as {value.account}, as a support "
            "engineer would (reference §2.2, §3)."
        )
    if kind == "dirsync":
        return (
            "Start directory synchronization now: EXPORT writes Ccmdir.exp, IMPORT reads "
            "Ccmdel.imp then Ccmdir.imp; Event 14001 opens it and 14031 closes it (§4.6)."
        )
    verb = {"start": "Start", "stop": "Stop", "restart": "Restart"}[kind]
    return (
        f"{verb} the MSExchangeCCMC service. While it runs, the connector polls every 15 "
        "seconds (reference §4.5)."
    )


@dataclass
class Narrator:
    """The runner's observer: tells each phase, shows the world, pauses."""

    lesson: Lesson
    console: Console
    style: Style
    pauser: Pauser
    view: WorldView = field(init=False)
    steps_seen: int = 0
    fixes_seen: int = 0
    last: Snapshot | None = None
    #: event-log records before the fixes ended (the evidence after is counted from here)
    before_fix: int = 0
    #: the site at the verify checkpoint, examined again once the run is over
    verified_site: Site | None = None

    def __post_init__(self) -> None:
        self.view = WorldView(self.console, self.style)

    def __call__(self, point: Checkpoint) -> None:
        if self.pauser.stopped:
            return
        handler = getattr(self, f"_on_{point.phase}", None)
        if handler is not None:
            handler(point)
        if point.phase in ("world", "fault", "step", "fix", "verify"):
            unchanged = _AFTER_FIX if point.phase == "fix" else None
            self.last = self.view.show(point.site, self.lesson.scenario, self.last, unchanged)
        if point.phase not in ("verify", "error"):
            self.pauser.wait()

    # -- phases --------------------------------------------------------------------------

    def _on_world(self, point: Checkpoint) -> None:
        s, c = self.lesson.scenario, self.lesson.cause
        row = f"reference {c.row}" if 0 < c.number <= SECTION_8_ROWS else c.row
        self.view.panel(
            "Lesson",
            [
                s.title,
                "",
                f"Cause: {c.title} ({row}; {', '.join(c.articles)})",
                f"Scenario {s.id} ({', '.join(s.articles)})",
                "",
                " ".join((s.summary or "").split()) or "(no summary)",
            ],
        )
        self.view.heading("The site")
        self.view.lines(point.lines)

    def _on_fault(self, point: Checkpoint) -> None:
        self.view.heading("Something goes wrong")
        self.view.lines(point.lines)
        if self.steps_seen == 0 and self.lesson.cause.number:
            self.view.say(f"What support will see (§8): {self.lesson.cause.symptoms}")

    def _on_step(self, point: Checkpoint) -> None:
        step = self.lesson.scenario.steps[self.steps_seen]
        self.steps_seen += 1
        self.view.heading(f"Step {self.steps_seen}")
        self.view.say(step_words(step))
        self.view.lines(point.lines)

    def _on_expect(self, point: Checkpoint) -> None:
        self.view.heading("What support sees")
        self.view.lines(point.lines)

    def _on_diagnose(self, point: Checkpoint) -> None:
        self.view.heading("The diagnosis, evidence by evidence")
        explain_findings(self.view, self.lesson.cause, point.findings)
        self.view.lines(tuple(line for line in point.lines if line.ok is not None))

    def _on_fix(self, point: Checkpoint) -> None:
        self.fixes_seen += 1
        self.before_fix = len(point.site.world.eventlog.records)
        self.view.heading(f"The fix ({self.fixes_seen} of {len(self.lesson.scenario.fix)})")
        self.view.lines(point.lines)
        if self.fixes_seen == 1 and self.lesson.cause.number:
            self.view.say(f"Reference §8 says: {self.lesson.cause.fix}")

    def _on_verify(self, point: Checkpoint) -> None:
        self.verified_site = point.site
        self.view.heading("The proof it worked")
        if self.lesson.cause.number:
            self.view.say(f"How to verify (§8): {self.lesson.cause.verify}")
        self.view.lines(point.lines)

    def _on_error(self, point: Checkpoint) -> None:
        self.view.heading("The scenario stopped with an error")
        self.view.lines(point.lines)


def play(lesson: Lesson, console: Console, style: Style, pauser: Pauser) -> RunResult:
    """Run the lesson's scenario with the narrator watching; the closing verdict last."""
    import tempfile

    from harness.runner import run

    narrator = Narrator(lesson, console, style, pauser)
    with tempfile.TemporaryDirectory(prefix="ccsim-demo-") as tmp:  # kept for the evidence
        path = lesson.path
        result = run(lesson.scenario, file=str(path), root=Path(tmp), observer=narrator)
        if pauser.stopped:
            narrator.view.say("Lesson stopped.")
            return result
        if narrator.verified_site is not None and result.fixed:
            _evidence_again(narrator, narrator.verified_site)
    narrator.view.verdict(result)
    return result


#: what a fix that changes settings (not queues, files or the log) leaves to show
_AFTER_FIX = (
    "Queues, files and the event log are as they were: the fix changed the settings or the "
    "programs, and the evidence shows it once the connector has polled again (below)."
)


def _symptom_events(lesson: Lesson) -> list[int]:
    """The events that showed the fault: those the cause's rule explains, those the
    scenario expected at least once, and those ``verify.no_events`` names."""
    from harness.registry import RULES

    rule = RULES.get(lesson.cause.id)
    scenario = lesson.scenario
    wanted = [*(rule.explains if rule is not None else ())]
    wanted += [e.id for e in scenario.expect.events if e.max != 0]
    wanted += scenario.verify.no_events
    return sorted(set(wanted))


def _evidence_again(narrator: Narrator, site: Site) -> None:
    """After the run: the evidence support gathers again, clean or not, line by line."""
    from harness.collect import collect

    view = narrator.view
    view.heading("The evidence again, after the fix")
    records = site.world.eventlog.records
    before, since = records[: narrator.before_fix], records[narrator.before_fix :]
    for event_id in _symptom_events(narrator.lesson):
        was = sum(1 for r in before if r.event_id == event_id)
        now = sum(1 for r in since if r.event_id == event_id)
        if was == 0 and now == 0:
            continue
        verdict = "gone" if now == 0 else "STILL LOGGED"
        view.say(f"Event {event_id}: {was} before the fix, {now} since: {verdict}.")
    analyze = collect(site).analyze
    if analyze is not None:
        view.say(f"ANALYZE of the post office now: {analyze.quote()}")
    waiting = sum(count for _, count in take_snapshot(site, narrator.lesson.scenario).queues)
    view.say(
        "Queues: every message delivered, none waiting."
        if waiting == 0
        else f"Queues: {waiting} message(s) still waiting."
    )
