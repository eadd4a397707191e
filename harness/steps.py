"""Scenario steps, background traffic and the ``expect`` checks, on the virtual clock."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from harness.admin import run_as_admin, run_as_service
from harness.model_types import format_duration
from sim.connector.store import Folder
from sim.postoffice.postoffice import Postoffice
from sim.programs.runner import ProgramRun

if TYPE_CHECKING:
    from harness.build import Site
    from harness.model import Flow, Step
    from harness.runner import RunState

__all__ = ["check_expect", "queue_sizes", "run_step", "schedule_flow", "start_traffic"]

_ADMIN_PROGRAMS = ("ANALYZE", "CHKSTAT", "RECLAIM")


def run_step(state: RunState, step: Step, loc: tuple[Any, ...]) -> None:
    """Carry out one step; ``loc`` points at it in the scenario file."""
    site = state.site
    service = site.service
    kind = next(iter(type(step).model_fields))
    if kind == "start":
        service.start()
        text = "start MSExchangeCCMC"
    elif kind == "stop":
        service.stop()
        text = "stop MSExchangeCCMC"
    elif kind == "restart":
        service.restart()
        text = "restart MSExchangeCCMC"
    elif kind == "advance":
        seconds = step.advance  # type: ignore[union-attr]
        site.world.clock.advance(seconds)
        text = f"advance {format_duration(seconds)}"
    elif kind == "dirsync":
        done = service.dirsync_now()
        text = f"dirsync now: {'completed' if done else 'did not complete'}"
    elif kind == "send":
        spec = step.send  # type: ignore[union-attr]
        sent = site.send(spec.direction, spec.count)
        text = f"send {spec.direction}: {len(sent)} of {spec.count} message(s) sent"
    else:
        text = _run_program(state, step, loc)
    state.note("step", text, None, *loc)


def _run_program(state: RunState, step: Step, loc: tuple[Any, ...]) -> str:
    spec = step.run  # type: ignore[union-attr]
    program = spec.program.upper().removesuffix(".EXE")
    result: ProgramRun
    if program in _ADMIN_PROGRAMS:
        result = run_as_admin(state.site, program, spec.args)
    else:
        result = run_as_service(state.site, f"{program}.EXE", spec.args)
    number = loc[-1] + 1 if loc[0] == "steps" else 0
    if number:
        state.results[number] = result.code
    shown = "did not run" if result.code is None else f"result code {result.code}"
    return f"run {program} {spec.args} as {spec.account}: {shown}"


def start_traffic(state: RunState) -> None:
    """Schedule the background mail of ``world.traffic``."""
    traffic = state.scenario.world.traffic
    if traffic.to_exchange is not None:
        _schedule(state, traffic.to_exchange, to_exchange=True)
    if traffic.to_ccmail is not None:
        _schedule(state, traffic.to_ccmail, to_exchange=False)


def _schedule(state: RunState, flow: Flow, *, to_exchange: bool) -> None:
    schedule_flow(state.site, flow, "to-exchange" if to_exchange else "to-ccmail")


def schedule_flow(site: Site, flow: Flow, direction: str) -> None:
    """Send ``flow.count`` messages ``direction``, one every ``flow.every`` from now."""
    world = site.world
    left = [flow.count]

    def tick() -> None:
        if left[0] <= 0:
            return
        left[0] -= 1
        site.send(direction, 1)
        world.clock.call_later(flow.every, tick)

    world.clock.call_later(flow.every, tick)


def queue_sizes(site: Site) -> dict[str, int]:
    """Messages waiting in each queue a support engineer can look at (§4.4, §4.5)."""
    po = Postoffice(site.po_path)
    entry = po.find(site.site)
    store = site.service.store
    sizes = {
        "to_exchange": len(po.refs(entry)) if entry is not None and entry.mailbox else 0,
        "mts_in": len(site.exchange.mts_in),
        "mts_out": len(site.exchange.mts_out),
    }
    for folder in (Folder.SUBMIT, Folder.IMPORT, Folder.EXPORT, Folder.BAD):
        names = store.names(folder)
        sizes[folder.lower()] = sum(1 for n in names if n.casefold().endswith((".ccm", ".und")))
    return sizes


def _level_hint(state: RunState, event_id: int) -> str:
    """Why an expected event may be missing: its category's Diagnostics Logging level
    is below the one that event needs (reference §4.3, §4.8)."""
    from sim.connector.events import CATALOGUE, LoggingLevel

    spec = CATALOGUE.get(event_id)
    if spec is None:
        return ""
    levels = state.site.service.active.logging.levels
    have = levels.get(spec.category, LoggingLevel.NONE)
    if have >= spec.level:
        return ""
    return (
        f"; event {event_id} is logged only at {spec.category.value} logging level "
        f"{spec.level.name.title()} or above, and this world's is {have.name.title()}"
    )


def check_expect(state: RunState) -> None:
    expect = state.scenario.expect
    records = state.site.world.eventlog.records
    for i, want in enumerate(expect.events):
        count = sum(1 for r in records if r.event_id == want.id)
        ok = (want.min is None or count >= want.min) and (want.max is None or count <= want.max)
        if want.min is None and want.max is None:
            ok = count >= 1
        bounds = _bounds(
            want.min if want.min is not None else (1 if want.max is None else None), want.max
        )
        hint = (
            "" if ok or (want.max is not None and count > want.max) else _level_hint(state, want.id)
        )
        state.note(
            "expect",
            f"event {want.id} logged {count} time(s) (want {bounds}){hint}",
            ok,
            "expect",
            "events",
            i,
        )
    for i, result in enumerate(expect.results):
        code = state.results.get(result.step)
        state.note(
            "expect",
            f"step {result.step} result code {code} (want {result.code})",
            code == result.code,
            "expect",
            "results",
            i,
        )
    sizes = queue_sizes(state.site)
    for name in ("to_exchange", "mts_in", "mts_out", "submit", "import_", "export", "bad"):
        bound = getattr(expect.queues, name)
        if bound is None:
            continue
        key = name.rstrip("_")
        count = sizes[key]
        ok = (bound.min is None or count >= bound.min) and (bound.max is None or count <= bound.max)
        state.note(
            "expect",
            f"queue {key} holds {count} (want {_bounds(bound.min, bound.max)})",
            ok,
            "expect",
            "queues",
            key,
        )
    for i, file in enumerate(expect.files):
        exists = state.site.world.path(file.path).exists()
        verb = "exists" if exists else "is absent"
        state.note("expect", f"{file.path} {verb}", exists == file.exists, "expect", "files", i)


def _bounds(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"{low}..{high}"
    if low is not None:
        return f">= {low}"
    if high is not None:
        return f"<= {high}"
    return "any"
