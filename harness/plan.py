"""``ccsim plan``: a scenario told in words, without running it.

Every phase as the runner will carry it out: the world and its background
traffic, each fault with its parameters, the steps, the ``expect`` checks, the
diagnosis, the fix and the conditions ``verify`` checks (``harness.verify``:
no Event 70 nor the ``no_events``, dirsync completed unless it never runs, test
mail delivered the ``mail`` way, every message delivered once or waiting).
"""

from __future__ import annotations

from harness.model import Scenario
from harness.model_types import format_duration
from harness.registry import FAULTS, FIXES

__all__ = ["render_plan"]


def _step_text(step: object) -> str:
    kind = next(iter(type(step).model_fields))  # type: ignore[attr-defined]
    value = getattr(step, kind)
    if kind == "advance":
        return f"advance the clock {format_duration(value)}"
    if kind == "send":
        return f"send {value.count} message(s) {value.direction}"
    if kind == "run":
        return f"run {value.program} {value.args} as {value.account}"
    if kind == "dirsync":
        return "run directory synchronization now"
    return f"{kind} the connector service"


def render_plan(scenario: Scenario) -> str:
    """The phases of the scenario as numbered lines."""
    from harness.loader import import_registries

    import_registries()
    w = scenario.world
    lines = [
        f"{scenario.id}: {scenario.title}",
        f"cause: {scenario.cause}   articles: {', '.join(scenario.articles) or '-'}",
        "",
        "world:",
        f"  post office {w.postoffice.name} (DB{w.postoffice.db}, {w.postoffice.users} users) "
        f"on {w.postoffice.host.kind} server {w.postoffice.host.server}",
        f"  Exchange {w.exchange.version} SP{w.exchange.service_pack} on {w.exchange.server}, "
        f"site {w.exchange.site}, installed in {w.exchange.install_path}",
        f"  connector: dirsync {w.connector.dirsync}, first dirsync {w.connector.first_dirsync}",
    ]
    lines += _traffic(scenario)
    if scenario.faults:
        lines.append("faults:")
        for use in scenario.faults:
            spec = FAULTS.get(use.name)
            about = f": {spec.summary} ({spec.article})" if spec else ""
            lines.append(f"  - {use.name}{_params(use.params)}{about}")
    if scenario.steps:
        lines.append("steps:")
        lines += [f"  {i}. {_step_text(s)}" for i, s in enumerate(scenario.steps, 1)]
    lines += _expect(scenario)
    if scenario.diagnose:
        lines.append(f"diagnosis must name: {', '.join(scenario.diagnose)}")
    if scenario.fix:
        lines.append("fix:")
        for item in scenario.fix:
            name = getattr(item, "name", None)
            fix = FIXES.get(name) if isinstance(name, str) else None
            params = _params(getattr(item, "params", None))
            lines.append(f"  - {name}{params}: {fix.summary}" if fix else f"  - {_step_text(item)}")
    lines += _verify(scenario)
    return "\n".join(lines) + "\n"


def _params(params: object) -> str:
    """`` {password: OLDPASS}``: the parameters as given (none: nothing)."""
    dump = getattr(params, "model_dump", None)
    values = dump() if callable(dump) else {}
    if not values:
        return ""
    return " {" + ", ".join(f"{k}: {v}" for k, v in values.items()) + "}"


def _traffic(scenario: Scenario) -> list[str]:
    traffic = scenario.world.traffic
    flows = [
        f"  {flow.count} message(s) {direction}, one every {format_duration(flow.every)}"
        for direction, flow in (
            ("to-exchange", traffic.to_exchange),
            ("to-ccmail", traffic.to_ccmail),
        )
        if flow is not None
    ]
    return ["traffic (from the start of the steps):", *flows] if flows else []


def _bound(low: int | None, high: int | None, noun: str, none: str) -> str:
    """``at least 10 times``, ``between 1 and 3 messages``, or ``none`` for a maximum of 0."""
    if high == 0:
        return none
    if low is not None and high is not None:
        return f"between {low} and {high} {noun}" if low != high else f"exactly {low} {noun}"
    return f"at most {high} {noun}" if high is not None else f"at least {low} {noun}"


def _expect(scenario: Scenario) -> list[str]:
    """The ``expect`` checks, as the runner reads them after the steps."""
    e = scenario.expect
    checks = [f"  Event {x.id}: {_bound(x.min, x.max, 'time(s)', 'not logged')}" for x in e.events]
    for result in e.results:
        checks.append(f"  step {result.step} ends with result code {result.code}")
    for name in type(e.queues).model_fields:
        bound = getattr(e.queues, name)
        if bound is not None:
            sizes = _bound(bound.min, bound.max, "message(s)", "empty")
            checks.append(f"  queue {name.rstrip('_')}: {sizes}")
    for f in e.files:
        checks.append(f"  {f.path} {'exists' if f.exists else 'does not exist'}")
    return ["expect (after the steps):", *checks] if checks else []


def _verify(scenario: Scenario) -> list[str]:
    """What ``harness.verify`` checks after the fix, for ``verify.for``."""
    v = scenario.verify
    events = ", ".join(f"Event {i}" for i in sorted({70, *v.no_events}))
    checks = [f"  no {events} logged meanwhile"]
    if scenario.world.connector.dirsync != "never":
        checks.append("  a directory synchronization completes")
    mail = {
        "both-ways": "a test message is sent each way",
        "to-exchange": "a test message is sent from cc:Mail to Exchange",
        "to-ccmail": "a test message is sent from Exchange to cc:Mail",
        "none": "",
    }[v.mail]
    if mail:
        checks += [f"  {mail}", "  no message left in transit (queues, connector store, MTS)"]
    checks.append("  every message delivered exactly once or still where it belongs")
    when = "after the fix" if scenario.fix else "after the steps"
    return [f"verify (run {format_duration(v.duration)} {when}):", *checks]
