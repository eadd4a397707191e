"""The checks every cause passes; each ``tests/causes/test_<cause_id>.py`` runs them on its case.

A cause's test module declares one :class:`CauseCase`: the named fault that
reproduces it, the same break made by hand through the sim API, the world both
need, an event log alone that shows the cause, and the events that must not come
back once it is fixed. The module's tests call the checks below with that case,
then add what is particular to the cause. Nothing here is keyed by cause.

The checks (reference §8, STYLE.md §8):

* the rule is silent on a healthy world, with full evidence and with its event
  log alone;
* a world broken by hand reads like the one broken by the named fault: the same
  top finding, confirmed, with the same fix;
* the event log alone names the cause at a modest score, with §8's "how a
  support engineer confirms it";
* the fix the finding names clears it: the symptoms stop and the rule no longer
  confirms the cause;
* the fault only changes world state: it logs nothing and starts nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import ClassVar

import pytest

from harness.build import Site, build_site
from harness.causes import CAUSES
from harness.collect import collect
from harness.diagnosis import Finding, diagnose
from harness.evidence import Evidence
from harness.loader import load_text
from harness.registry import FAULTS, FIXES, RULES
from sim.connector.setup import PROGRAM_DIR, send_to_ccmail, send_to_exchange
from sim.eventlog import EventRecord, EventType
from sim.programs.runner import run_program
from sim.world import World

__all__ = [
    "MAXIMUM",
    "CauseCase",
    "apply_fault",
    "broken",
    "check_events_alone",
    "check_fault_logs_nothing",
    "check_fix_clears_it",
    "check_hand_broken_reads_like_the_fault",
    "check_silent_on_healthy",
    "export",
    "fix_and_watch",
    "healthy_evidence",
    "log",
    "run_with_mail",
    "settle",
    "site_for",
]

BASE = "id: t\ntitle: t\ncause: healthy\n"
#: every Diagnostics Logging category at Maximum (the informational events show)
MAXIMUM = (
    "world:\n  connector:\n    logging: "
    "{general: maximum, inbound: maximum, outbound: maximum, dir_synch: maximum}\n"
)


@dataclass(frozen=True)
class CauseCase:
    """What one cause's tests need to know about it."""

    #: the §8 cause id
    cause: str
    #: the named fault that reproduces it, and its parameters as a scenario spells them
    fault: str
    #: the same break made by hand, through the sim API only
    by_hand: Callable[[Site], None]
    #: an event log alone (no files) that shows the cause
    events_alone: Evidence
    #: scenario YAML under ``world:`` that the cause needs ("" for the standard site)
    world: str = ""
    params: dict[str, object] = field(default_factory=dict)
    #: event IDs that must not be logged again after the fix
    symptoms: tuple[int, ...] = ()
    #: how long the connector runs before the evidence is collected
    seconds: int = 900
    #: True when the whole ranking (not only the top finding) must match by hand
    same_ranking: bool = False


def site_for(root: Path, world: str = "", *, seed: int = 5) -> Site:
    """A standard site on real disk under ``root``, with the case's world."""
    scenario = load_text(BASE + world, name="t.scenario.yaml")
    return build_site(scenario, seed=seed, root=root)


def apply_fault(site: Site, name: str, /, **values: object) -> None:
    """The named fault, its parameters validated as a scenario file's would be."""
    spec = FAULTS.lookup(name)
    model = spec.params.model_validate(values) if spec.params is not None else None
    spec.function(site, model)


def run_with_mail(site: Site, seconds: int = 900) -> None:
    """Start the connector and send mail both ways in its first minutes, for ``seconds``."""
    site.service.start()
    steps = min(3, seconds // 60)
    for _ in range(steps):
        send_to_exchange(site.world, 1)
        send_to_ccmail(site.world, 1)
        site.world.clock.advance(60)
    site.world.clock.advance(seconds - steps * 60)


def settle(site: Site, seconds: int = 900) -> Evidence:
    """Run with mail for ``seconds``, then collect what support sees."""
    run_with_mail(site, seconds)
    return collect(site)


def broken(root: Path, fault: str, world: str = "", minutes: int = 15) -> Site:
    """A site with the named fault applied, run with mail for ``minutes`` (seed 7)."""
    site = site_for(root, world, seed=7)
    apply_fault(site, fault)
    run_with_mail(site, minutes * 60)
    return site


def export(world: World, args: str, **options: str) -> tuple[int | None, str]:
    """EXPORT.EXE run as the service account with ``args``: its result code and console text."""
    run = run_program(
        world, "EXPORT.EXE", args, account="EXSVC", search_path=[PROGRAM_DIR], options=options
    )
    return run.code, run.output


def fix_and_watch(site: Site, name: str, minutes: int = 30) -> set[int]:
    """Apply the named fix, run on for ``minutes``: the event IDs logged afterwards."""
    FIXES.lookup(name).function(site, None)
    mark = len(site.world.eventlog)
    site.world.clock.advance(minutes * 60)
    return {r.event_id for r in site.world.eventlog.since(mark)}


def healthy_evidence(root: Path) -> Evidence:
    """Full evidence of a healthy site at Maximum logging, after a quarter of an hour."""
    return settle(site_for(root, MAXIMUM))


def log(*items: tuple[int, str] | int, every: int = 15, source: str = "MSExchangeCCMC") -> Evidence:
    """An Application log alone: one record per item (an ID, or an ID and its text)."""
    records = []
    for n, item in enumerate(items, 1):
        event_id, text = item if isinstance(item, tuple) else (item, "")
        when = datetime(1998, 6, 2, 8, 0) + timedelta(seconds=n * every)
        records.append(
            EventRecord(
                n,
                when,
                source,
                EventType.ERROR,
                "General",
                event_id,
                "N/A",
                "EXSRV1",
                text or f"event {event_id}",
            )
        )
    return Evidence(events=tuple(records))


def _rule(case: CauseCase) -> Callable[[Evidence], Finding | None]:
    function: Callable[[Evidence], Finding | None] = RULES.lookup(case.cause).function
    return function


def check_silent_on_healthy(case: CauseCase, healthy: Evidence) -> None:
    """Full evidence of a healthy site, then its event log alone: the rule finds nothing."""
    assert healthy.ccmc(67), "the healthy site transferred nothing"
    assert _rule(case)(healthy) is None
    assert _rule(case)(Evidence(events=healthy.events)) is None


def check_events_alone(case: CauseCase) -> Finding:
    """The event log alone: the cause at a modest score, with the check that tells."""
    found = _rule(case)(case.events_alone)
    assert found is not None
    assert found.cause == case.cause
    assert 0.2 <= found.score < 0.9
    assert found.confirm == CAUSES[case.cause].confirm
    assert found.evidence
    return found


def check_hand_broken_reads_like_the_fault(case: CauseCase, root: Path) -> Finding:
    """Diagnosis depends on the world only: the hand-made break gets the fault's finding."""
    faulted = site_for(root / "fault", case.world)
    apply_fault(faulted, case.fault, **case.params)
    by_hand = site_for(root / "hand", case.world)
    case.by_hand(by_hand)
    from_fault = diagnose(settle(faulted, case.seconds))
    from_hand = diagnose(settle(by_hand, case.seconds))
    assert from_fault, "the named fault left nothing to diagnose"
    assert from_hand, "the hand-made break left nothing to diagnose"
    assert from_fault[0].cause == from_hand[0].cause == case.cause
    assert from_fault[0].score >= 0.9
    assert from_fault[0].fix_name == from_hand[0].fix_name
    if case.same_ranking:
        assert [f.cause for f in from_fault] == [f.cause for f in from_hand]
    return from_fault[0]


def check_fix_clears_it(case: CauseCase, root: Path, *, hours: int = 1) -> None:
    """Break by hand, apply the fix the finding names, run on: no symptom comes back."""
    site = site_for(root, case.world)
    case.by_hand(site)
    findings = diagnose(settle(site, case.seconds))
    assert findings
    assert findings[0].cause == case.cause
    fix = FIXES.lookup(findings[0].fix_name)
    assert case.cause in fix.cures
    fix.function(site, None)
    mark = len(site.world.eventlog)
    site.world.clock.advance(hours * 3600)
    again = sorted({r.event_id for r in site.world.eventlog.since(mark)} & set(case.symptoms))
    assert not again, f"after {fix.name}: {again} logged again"
    after = [f for f in diagnose(collect(site)) if f.cause == case.cause and f.score >= 0.9]
    assert not after, f"after {fix.name} the rule still confirms {case.cause}"


def check_fault_logs_nothing(case: CauseCase, root: Path) -> None:
    """A fault changes world state only; the symptoms come from what programs find later."""
    site = site_for(root, case.world)
    apply_fault(site, case.fault, **case.params)
    assert list(site.world.eventlog.records) == []
    assert not site.service.running


class CauseChecks:
    """The five checks every cause passes, as tests. A cause's test module collects
    them with ``class TestTheChecksEveryCausePasses(CauseChecks)`` and ``case = CASE``."""

    case: ClassVar[CauseCase]

    def test_silent_on_a_healthy_world(self, healthy: Evidence) -> None:
        check_silent_on_healthy(self.case, healthy)

    def test_the_event_log_alone_names_it_modestly(self) -> None:
        check_events_alone(self.case)

    def test_broken_by_hand_reads_like_the_named_fault(self, tmp_path: Path) -> None:
        check_hand_broken_reads_like_the_fault(self.case, tmp_path)

    def test_the_fix_it_names_clears_it(self, tmp_path: Path) -> None:
        check_fix_clears_it(self.case, tmp_path)

    def test_the_fault_logs_nothing_itself(self, tmp_path: Path) -> None:
        check_fault_logs_nothing(self.case, tmp_path)


class FaultRefusals:
    """The fault refuses a world it does not fit, with its message: a cause's test
    module collects it with ``class TestTheFaultRefuses(FaultRefusals)`` and
    ``refusals = ((fault, world YAML, parameters, message), ...)``; each is one test."""

    refusals: ClassVar[tuple[tuple[str, str, dict[str, object], str], ...]]

    def test_the_fault_refuses_a_world_it_does_not_fit(
        self, tmp_path: Path, refusal: tuple[str, str, dict[str, object], str]
    ) -> None:
        name, extra, values, message = refusal
        site = site_for(tmp_path, extra, seed=7)
        with pytest.raises(ValueError, match=message):
            apply_fault(site, name, **values)
