"""The scenario file ``ccsim reproduce`` writes: built from the evidence, checked, written once.

Source: docs/scenarios.md (the file format), ccmail-reference.md §8 (cause, fix
and verification of each row), §4.3 and §4.8 (each event's category and the
Diagnostics Logging level it needs).

What comes from the customer's files: the header comment (source log, how it
was read, the top finding with its quoted evidence, the next check, the causes
ranked next); the ``expect`` events (``{id: N, min: 1}`` for each event of the
reproduction that the log shows); the Diagnostics Logging that logs every
connector event the log holds; and, where the files give them, the post office
name, the Exchange server and site. A catalogue scenario used as a template
(:mod:`harness.reproduce`) keeps its own world. What comes from the reproducer:
fault, steps, fix and verify.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from harness.causes import CAUSES
from harness.diagnosis import Finding
from harness.errors import HarnessError
from harness.evidence import Evidence
from harness.reproduce import ReproduceError, Reproducer, reproducer_for

__all__ = ["build_scenario", "write_scenario"]


def _kebab(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(words)


def _valid(type_name: str, value: str | None) -> str | None:
    """``value`` if the scenario type accepts it, else None (the default is used)."""
    if not value:
        return None
    from pydantic import TypeAdapter, ValidationError

    from harness import model_types

    try:
        TypeAdapter(getattr(model_types, type_name)).validate_python(value)
    except ValidationError:
        return None
    return value


_LOGGING_KEYS = {"General": "general", "Inbound": "inbound", "Outbound": "outbound",
                 "Dir-Synch": "dir_synch"}  # fmt: skip
_LEVEL_NAMES = ("none", "minimum", "medium", "maximum")


def _level_name(level: int) -> str:
    """Exchange's level values (0, 1, 3, 5) as the scenario file names them."""
    return {0: "none", 1: "minimum", 3: "medium", 5: "maximum"}[level]


def _logging(ev: Evidence, wanted: Mapping[str, str]) -> dict[str, str]:
    """The lowest Diagnostics Logging that logs every CCMC event the customer's log holds."""
    from sim.connector.events import lookup

    levels: dict[str, str] = dict(wanted)
    for record in ev.ccmc():
        spec = lookup(record.source, record.event_id)
        key = _LOGGING_KEYS.get(spec.category.value) if spec is not None else None
        if spec is None or key is None or not spec.level:
            continue
        name = _level_name(int(spec.level))
        if _LEVEL_NAMES.index(name) > _LEVEL_NAMES.index(levels.get(key, "none")):
            levels[key] = name
    return dict(sorted(levels.items()))


def _world(ev: Evidence, template: Mapping[str, Any]) -> dict[str, Any]:
    """The template's world, with the customer's names where the files give them."""
    world: dict[str, Any] = {k: dict(v) for k, v in dict(template.get("world") or {}).items()}
    po_name = _valid("Text", ev.po_name)
    if po_name is not None and len(po_name) <= 256:
        world.setdefault("postoffice", {})["name"] = po_name
    servers = sorted({e.computer for e in ev.ccmc() if e.computer})
    exchange = {
        "server": _valid("Name", servers[0] if len(servers) == 1 else None),
        "site": _valid("Name", ev.site),
    }
    site = exchange["site"]
    if site is not None and po_name is not None and site.casefold() == po_name.casefold():
        exchange["site"] = None  # a site named like the post office: keep the defaults
    exchange = {k: v for k, v in exchange.items() if v is not None}
    if exchange:
        world["exchange"] = {**world.get("exchange", {}), **exchange}
    connector = dict(world.get("connector", {}))
    logging = _logging(ev, connector.get("logging", {}))
    if logging:
        connector["logging"] = logging
    if connector:
        world["connector"] = connector
    return world


def _expect(ev: Evidence, chosen: Reproducer) -> tuple[list[dict[str, int]], str]:
    """``{id: N, min: 1}`` for each reproducible event the log shows; and a note if none."""
    seen = [n for n in chosen.events if ev.ccmc(n)]
    if seen:
        return [{"id": n, "min": 1} for n in seen], ""
    logged = sorted({e.event_id for e in ev.ccmc()})
    shown = ", ".join(map(str, logged)) or "none"
    note = f"The log shows none of the template's expected events (the log's: {shown})"
    return [], f"{note}; the template's expect is kept"


#: the keys of a scenario file, in the order docs/scenarios.md writes them
_ORDER = ("id", "title", "articles", "cause", "tags", "seed", "summary", "world", "faults",
          "steps", "expect", "diagnose", "fix", "verify")  # fmt: skip
_FROM_TEMPLATE = ("seed", "world", "faults", "steps", "expect", "fix", "verify")


def _case(ev: Evidence, finding: Finding, log: Path) -> dict[str, Any]:
    """What names the case: id, title, articles, cause, tags, summary."""
    from harness.model_types import ARTICLE

    row = CAUSES[finding.cause]
    summary = (
        f"Reproduces the top finding of `ccsim diagnose` on the customer's log {log.name}: "
        f"{finding.cause} (score {finding.score:.2f}). {row.title} ({', '.join(row.articles)}). "
        f"Fix: {row.fix}."
    )
    return {
        "id": (f"case-{_kebab(log.stem)}".rstrip("-"))[:64].rstrip("-"),
        "title": f"Customer case {log.name}: {row.title}"[:200],
        "articles": [a for a in row.articles if re.fullmatch(ARTICLE, a)],
        "cause": finding.cause,
        "tags": ["customer-case"],
        "summary": summary,
        "diagnose": [finding.cause],
    }


def _template_body(ev: Evidence, chosen: Reproducer, template: Mapping[str, Any]) -> dict[str, Any]:
    """A catalogue scenario as written, its ``expect`` events narrowed to those the log shows."""
    body = {key: template[key] for key in _FROM_TEMPLATE if key in template}
    world = _world(ev, template)
    if world:
        body["world"] = world
    events, _ = _expect(ev, chosen)
    if events:
        body["expect"] = {**dict(body.get("expect") or {}), "events": events}
    return body


def _document(ev: Evidence, finding: Finding, chosen: Reproducer, log: Path) -> dict[str, Any]:
    body = _template_body(ev, chosen, chosen.template)
    doc = {**_case(ev, finding, log), **body}
    return {key: doc[key] for key in _ORDER if key in doc}


def _comment(text: str) -> str:
    """One header comment line: printable characters only, kept short."""
    clean = "".join(c if c.isprintable() else " " for c in text)
    return "# " + (clean if len(clean) <= 200 else clean[:197] + "...")


def _others(findings: list[Finding]) -> str:
    return ", ".join(f"{f.cause} {f.score:.2f}" for f in findings[1:6])


def build_scenario(ev: Evidence, findings: list[Finding], log: Path) -> str:
    """The scenario text (header comment + YAML) reproducing the top finding."""
    import yaml

    if not findings:
        raise ReproduceError(
            f"{log}: no finding to reproduce (no error pattern of the catalogue in the log)"
        )
    top = findings[0]
    chosen = reproducer_for(top, ev)
    _, expect_note = _expect(ev, chosen)
    header = [
        f"Reproduces a customer case; written by `ccsim reproduce` from {log}",
        *ev.notes[:1],
        f"Top finding: {top.cause} (score {top.score:.2f}, {top.article})",
        *(f"  {quote}" for quote in top.evidence[:3]),
        *([f"Next check: {top.confirm}"] if top.confirm else []),
        *([f"Ranked next: {others}"] if (others := _others(findings)) else []),
        f"Fault: {chosen.fault}. {chosen.note}",
        *([expect_note] if expect_note else []),
        f"Fix: {CAUSES[top.cause].fix}",
    ]
    body = yaml.safe_dump(
        _document(ev, top, chosen, log), sort_keys=False, allow_unicode=True, width=96
    )
    return "".join(_comment(line) + "\n" for line in header) + body


def write_scenario(path: Path, text: str, *, force: bool = False) -> None:
    """Check ``text`` is a valid scenario, then write it atomically (temp + rename).

    ReproduceError when ``path`` exists (without ``force``) or is not named
    ``*.scenario.yaml`` (the name ``ccsim run DIR`` and the pytest plugin collect).
    """
    from harness.errors import ScenarioError, ScenarioErrors
    from harness.loader import load_text

    if not path.name.endswith(".scenario.yaml"):
        raise ReproduceError(f"{path}: name the output *.scenario.yaml")
    if path.exists() and not force:
        raise ReproduceError(f"{path} exists: not overwritten (use --force)")
    try:
        load_text(text, name=str(path))
    except ScenarioErrors as exc:
        raise HarnessError("generated scenario is invalid: " + "; ".join(exc.lines())) from None
    except ScenarioError as exc:
        raise HarnessError(f"generated scenario is invalid: {exc}") from None
    temp = path.with_name(path.name + ".tmp")
    try:
        temp.write_text(text, encoding="utf-8")
        temp.replace(path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise ReproduceError(f"{path}: cannot write: {exc.strerror or exc}") from None
