"""The closed loop: build the world, break it, watch it fail, diagnose, fix, verify.

One :func:`run` per scenario file; everything happens on the world's virtual
clock, so a run takes milliseconds and the same seed gives the same result.
Each phase writes transcript lines (``t=00:15:00 fault wrong-po-password ...``)
that the reports, the pytest plugin and trainer mode show.
"""

from __future__ import annotations

import contextlib
import dataclasses
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.apply import Positions, apply_faults, refusal, source_positions
from harness.build import Site, build_site
from harness.diagnosis import Finding, diagnose
from harness.errors import NotApplicableError
from harness.registry import FIXES, FaultSpec
from harness.timeline_queues import QueueSample, sample
from sim.eventlog import EventRecord

if TYPE_CHECKING:
    from harness.errors import ScenarioError
    from harness.model import Scenario

__all__ = [
    "Checkpoint",
    "Line",
    "Observer",
    "RunResult",
    "RunState",
    "Status",
    "invalid_result",
    "run",
    "run_file",
]


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Line:
    """One transcript line: virtual time, phase, text, verdict, scenario file line."""

    at: float
    phase: str
    text: str
    ok: bool | None = None
    source_line: int | None = None

    def render(self) -> str:
        seconds = int(self.at)
        stamp = f"t={seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
        mark = {True: " ok", False: " FAILED", None: ""}[self.ok]
        where = f"  (line {self.source_line})" if self.source_line else ""
        return f"{stamp} {self.phase:<8} {self.text}{mark}{where}"


@dataclass(frozen=True, slots=True)
class RunResult:
    """The outcome of one scenario run."""

    id: str
    title: str
    file: str
    cause: str
    seed: int
    status: Status
    diagnosis: tuple[Finding, ...]
    transcript: tuple[Line, ...]
    failures: tuple[str, ...]
    fixed: bool
    verified: bool
    conserved: bool
    messages: int
    virtual_seconds: float
    events: tuple[EventRecord, ...] = ()
    expected_diagnosis: tuple[str, ...] = ()
    #: the named fixes (or "steps") the scenario applied, in order
    fixes: tuple[str, ...] = ()
    #: queue sizes each way after every transcript line (``harness.timeline_queues``)
    queues: tuple[QueueSample, ...] = ()
    #: CPU seconds the run took (measured, so the one value that differs run to run;
    #: only the JUnit report shows it, and results compare equal without it)
    cpu_seconds: float = field(default=0.0, compare=False)
    #: the scenario does not fit its own world (a fault or fix it refuses): an invalid
    #: file, exit 2, though it loaded (:class:`~harness.errors.NotApplicableError`)
    invalid: bool = False

    @property
    def passed(self) -> bool:
        return self.status is Status.PASSED


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """What an observer sees after a phase or step of a run."""

    #: ``world``, ``fault``, ``step``, ``expect``, ``diagnose``, ``fix``, ``verify`` or ``error``
    phase: str
    #: the site as it is now (an observer must not change it)
    site: Site
    #: the transcript lines written since the previous checkpoint
    lines: tuple[Line, ...]
    #: the diagnosis, from the ``diagnose`` checkpoint on
    findings: tuple[Finding, ...] = ()


Observer = Callable[[Checkpoint], None]
"""Called after each phase and step of a run; trainer mode shows the world changing with it."""


@dataclass
class RunState:
    """One scenario run while it goes, shared by the runner, ``steps`` and ``verify``.

    It grows as the run goes: the transcript, the failures, the result codes of
    ``run`` steps, the findings, the queue samples. :func:`run` makes one per
    scenario and hands back a :class:`RunResult`; ``harness.api`` makes one to
    verify a site by the same checks.
    """

    scenario: Scenario
    file: str
    site: Site
    lines: dict[tuple[Any, ...], int]
    transcript: list[Line] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    results: dict[int, int | None] = field(default_factory=dict)
    observer: Observer | None = None
    shown: int = 0
    findings: tuple[Finding, ...] = ()
    queues: list[QueueSample] = field(default_factory=list)
    #: (line, column) of each value of the file, for errors that point at an entry
    positions: Positions = field(default_factory=dict)

    def observe(self, phase: str) -> None:
        """Hand the observer (if any) the site and the lines written since its last call."""
        if self.observer is None:
            return
        lines = tuple(self.transcript[self.shown :])
        self.shown = len(self.transcript)
        self.observer(Checkpoint(phase, self.site, lines, self.findings))

    def line_of(self, *loc: Any) -> int | None:  # noqa: ANN401 - YAML path parts
        return self.lines.get(tuple(loc))

    def note(self, phase: str, text: str, ok: bool | None = None, *loc: Any) -> None:  # noqa: ANN401
        line = self.line_of(*loc) if loc else None
        self.transcript.append(Line(self.site.world.clock.now, phase, text, ok, line))
        queues = sample(self.site)
        if queues is not None:
            self.queues.append(queues)
        if ok is False:
            where = f"{self.file}:{line}: " if line else f"{self.file}: "
            self.failures.append(f"{where}{phase}: {text}")


def invalid_result(error: ScenarioError, file: str) -> RunResult:
    """A scenario file that did not load, as an ``error`` result named after the file.

    Its id cannot be read, so the file's name stands in; each ``file:line:col``
    message is a failure and a transcript line.
    """
    lines = error.lines() if hasattr(error, "lines") else [str(error)]
    return RunResult(
        id=file,
        title="invalid scenario file",
        file=file,
        cause="-",
        seed=0,
        status=Status.ERROR,
        diagnosis=(),
        transcript=tuple(Line(0.0, "load", line, False) for line in lines),
        failures=tuple(lines),
        fixed=False,
        verified=False,
        conserved=False,
        messages=0,
        virtual_seconds=0.0,
    )


def run_file(path: Path, *, seed: int | None = None, root: Path | None = None) -> RunResult:
    """Load and run one scenario file."""
    from harness.loader import load_scenario

    return run(load_scenario(path), file=str(path), seed=seed, root=root)


def run(
    scenario: Scenario,
    *,
    file: str = "<scenario>",
    seed: int | None = None,
    root: Path | None = None,
    observer: Observer | None = None,
    source: Path | None = None,
) -> RunResult:
    """Run a loaded scenario; ``root`` is where its world lives (a temporary dir by default).

    ``source`` is the file it was loaded from, for the line numbers of failures
    (default: ``file``, when that names a file); give it when ``file`` is a
    display name such as ``scenarios/<file>``, so that the lines never depend on
    the current directory.

    ``observer`` (see :data:`Observer`) is called after each phase and step; an
    exception it raises ends the run as a scenario error, like any other.
    """
    chosen = seed if seed is not None else (scenario.seed if scenario.seed is not None else 0)
    start = time.process_time()
    if root is not None:
        result = _run_in(scenario, file, chosen, root, observer, source)
    else:
        with tempfile.TemporaryDirectory(prefix="ccsim-") as tmp:
            result = _run_in(scenario, file, chosen, Path(tmp), observer, source)
    return dataclasses.replace(result, cpu_seconds=time.process_time() - start)


def _run_in(
    scenario: Scenario,
    file: str,
    seed: int,
    root: Path,
    observer: Observer | None = None,
    source: Path | None = None,
) -> RunResult:
    from harness import steps, verify

    site = build_site(scenario, seed=seed, root=root / "world")
    positions = source_positions(source if source is not None else Path(file))
    state = RunState(scenario, file, site, {loc: pos[0] for loc, pos in positions.items()})
    state.positions = positions
    state.observer = observer
    findings: list[Finding] = []
    fixed = verified = conserved = False
    status = Status.PASSED
    invalid = False
    try:
        state.note("world", _describe_world(site))
        state.observe("world")
        _apply_faults(state)
        steps.start_traffic(state)
        for i, step in enumerate(scenario.steps):
            steps.run_step(state, step, ("steps", i))
            state.observe("step")
        steps.check_expect(state)
        state.observe("expect")
        findings = _diagnose(state)
        state.findings = tuple(findings)
        state.observe("diagnose")
        fixed = _apply_fixes(state)
        verified, conserved = verify.verify(state)
        state.observe("verify")
    except NotApplicableError as exc:  # the scenario's own error: exit 2, not 3
        status, invalid = Status.ERROR, True
        state.transcript.append(Line(site.world.clock.now, "error", str(exc), False, exc.line))
        state.failures.append(str(exc))
        with contextlib.suppress(Exception):
            state.observe("error")
    except Exception as exc:  # noqa: BLE001 - a scenario error is reported, not raised
        status = Status.ERROR
        state.note("error", f"{type(exc).__name__}: {exc}", False)
        with contextlib.suppress(Exception):  # the observer may be what failed
            state.observe("error")
    if status is not Status.ERROR and state.failures:
        status = Status.FAILED
    return RunResult(
        id=scenario.id,
        title=scenario.title,
        file=file,
        cause=scenario.cause,
        seed=seed,
        status=status,
        diagnosis=tuple(findings),
        transcript=tuple(state.transcript),
        failures=tuple(state.failures),
        fixed=fixed,
        verified=verified,
        conserved=conserved,
        messages=len(site.world.ledger),
        virtual_seconds=site.world.clock.now,
        events=tuple(site.world.eventlog.records),
        expected_diagnosis=tuple(scenario.diagnose),
        fixes=tuple(_fix_label(item) for item in scenario.fix) if fixed else (),
        queues=tuple(state.queues),
        invalid=invalid,
    )


def _fix_label(item: object) -> str:
    name = getattr(item, "name", None)
    return name if isinstance(name, str) else next(iter(type(item).model_fields))  # type: ignore[attr-defined]


def _describe_world(site: Site) -> str:
    settings = site.service.settings.post_office
    return (
        f"post office {site.po_name} at {site.po_unc}; Exchange {site.exchange.name} "
        f"(site {site.site}, {site.exchange.install_path}); connector -> {settings.path}"
    )


def _apply_faults(state: RunState) -> None:
    def applied(i: int, spec: FaultSpec) -> None:
        state.note("fault", f"{spec.name}: {spec.summary} ({spec.article})", None, "faults", i)
        state.observe("fault")

    apply_faults(state.site, state.scenario, state.file, state.positions, applied)


def _diagnose(state: RunState) -> list[Finding]:
    from harness.collect import collect

    findings = diagnose(collect(state.site))
    got = [f.cause for f in findings]
    expected = list(state.scenario.diagnose)
    for f in findings:
        state.note(
            "diagnose", f"{f.cause} (score {f.score:.2f}): {f.evidence[0] if f.evidence else ''}"
        )
    if expected or got:
        ok = got[: len(expected)] == expected if expected else not got
        wanted = ", ".join(expected) or "no findings"
        text = f"expected {wanted}; diagnosed {', '.join(got) or 'nothing'}"
        state.note("diagnose", text, ok, "diagnose")
    return findings


def _apply_fixes(state: RunState) -> bool:
    from harness import steps

    for i, item in enumerate(state.scenario.fix):
        name = getattr(item, "name", None)
        if isinstance(name, str) and hasattr(item, "params"):
            spec = FIXES.lookup(name)
            with refusal(state.file, state.positions, ("fix", i), f"fix {name!r}"):
                spec.function(state.site, item.params)
            state.note("fix", f"{name}: {spec.summary} ({spec.article})", None, "fix", i)
        else:
            steps.run_step(state, item, ("fix", i))  # type: ignore[arg-type]
        state.observe("fix")
    return bool(state.scenario.fix)
