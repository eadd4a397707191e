"""Verification after the fix: the error is gone, mail flows, nothing was lost.

Source: ccmail-reference.md §8 "How to verify the fix" (no new Event 70 after a
restart, queued cc:Mail messages arrive, dirsync ends with 14031), and principle
4 of the project (every message delivered exactly once or still where it belongs).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from sim.conservation import check

if TYPE_CHECKING:
    from harness.runner import RunState

__all__ = ["in_transit", "verify"]

_TRANSIT = ("store:", "exchange:MTS-")


def in_transit(places: tuple[str, ...], queue_place: str) -> bool:
    """Is a message still on its way (a queue, the connector store, MTS-IN/OUT)?"""
    return any(p.startswith(_TRANSIT) or p == queue_place for p in places)


def verify(state: RunState) -> tuple[bool, bool]:
    """Run for ``verify.for`` after the fix; return (verified, conserved)."""
    site = state.site
    spec = state.scenario.verify
    world = site.world
    mark = len(world.eventlog)
    completed = site.service.counters.dirsync_completed
    if not site.service.running:
        site.service.start()
    probes = _probe(state, spec.mail)
    world.clock.advance(spec.duration / 2)
    if spec.mail in ("both-ways", "to-exchange") and not probes[0]:
        probes = (site.send("to-exchange", 1), probes[1])
    world.clock.advance(spec.duration - spec.duration // 2)
    ok = _no_events(state, mark, spec.no_events) & _dirsync(state, completed)
    ok &= _probes_sent(state, probes, spec.mail)
    report = check(world, postoffice=site.po_path)
    conserved = report.ok
    state.note("verify", f"conservation: {report.summary().splitlines()[0]}", conserved, "verify")
    for line in report.summary().splitlines()[1:6]:
        state.note("verify", line)
    if spec.mail != "none":
        ok &= _delivered(state, report.places)
    return ok and conserved, conserved


def _probe(state: RunState, mail: str) -> tuple[list[str], list[str]]:
    site = state.site
    out = site.send("to-exchange", 1) if mail in ("both-ways", "to-exchange") else []
    back = site.send("to-ccmail", 1) if mail in ("both-ways", "to-ccmail") else []
    return out, back


def _probes_sent(state: RunState, probes: tuple[list[str], list[str]], mail: str) -> bool:
    ok = True
    if mail in ("both-ways", "to-exchange"):
        ok &= bool(probes[0])
        state.note(
            "verify", "a test message from cc:Mail to Exchange was sent", bool(probes[0]), "verify"
        )
    if mail in ("both-ways", "to-ccmail"):
        ok &= bool(probes[1])
    return ok


def _no_events(state: RunState, mark: int, extra: list[int]) -> bool:
    new = state.site.world.eventlog.since(mark)
    ok = True
    for event_id in sorted({70, *extra}):
        hits = [r for r in new if r.event_id == event_id]
        text = f"no Event {event_id} after the fix"
        if hits:
            first = f"{hits[0].when:%H:%M:%S}"
            text = f"Event {event_id} logged {len(hits)} time(s) after the fix, first at {first}"
        state.note("verify", text, not hits, "verify")
        ok &= not hits
    return ok


def _dirsync(state: RunState, before: int) -> bool:
    from sim.connector.settings import DirsyncMode

    service = state.site.service
    if service.active.dirsync.mode is DirsyncMode.NEVER:
        return True
    done: bool = service.counters.dirsync_completed > before
    state.note("verify", "directory synchronization completed", done, "verify")
    return done


def _delivered(state: RunState, places: Mapping[str, tuple[str, ...]]) -> bool:
    queue_place = f"po:{state.site.site}"
    waiting = sorted(ident for ident, where in places.items() if in_transit(where, queue_place))
    ok = not waiting
    text = (
        "every message delivered"
        if ok
        else f"{len(waiting)} message(s) still in transit: {', '.join(waiting[:5])}"
    )
    state.note("verify", text, ok, "verify")
    return ok
