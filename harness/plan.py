"""``ccsim plan``: a scenario told in words, without running it."""

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
    if scenario.faults:
        lines.append("faults:")
        for use in scenario.faults:
            spec = FAULTS.get(use.name)
            about = f": {spec.summary} ({spec.article})" if spec else ""
            lines.append(f"  - {use.name}{about}")
    if scenario.steps:
        lines.append("steps:")
        lines += [f"  {i}. {_step_text(s)}" for i, s in enumerate(scenario.steps, 1)]
    if scenario.diagnose:
        lines.append(f"diagnosis must name: {', '.join(scenario.diagnose)}")
    if scenario.fix:
        lines.append("fix:")
        for item in scenario.fix:
            name = getattr(item, "name", None)
            fix = FIXES.get(name) if isinstance(name, str) else None
            lines.append(f"  - {name}: {fix.summary}" if fix else f"  - {_step_text(item)}")
    v = scenario.verify
    lines.append(f"verify: run {format_duration(v.duration)}; mail {v.mail}; no Event 70")
    return "\n".join(lines) + "\n"
