"""A scenario file that reproduces a customer's case: ``ccsim reproduce``.

The starting point for turning a support case into a regression test: the top
finding of the diagnosis of the customer's files becomes a scenario whose fault
(from the fault library, ``harness.registry.FAULTS``) produces the same cause,
whose ``expect`` holds the events the log showed, and whose fix and ``verify``
are those of reference §8 for that cause.

Source: ccmail-reference.md §8 (cause, fix, verification per row), §4.8 (event
IDs and the logging level each needs), docs/scenarios.md (the file format).

Modelled, not documented: which fault stands for a cause the customer's files
cannot narrow further. A wrong Post Office page is reproduced with a wrong
password (name and path give the same Event 70, KB Q166045); no access with a
share permission of No Access, or, when only IMPORT fails while EXPORT still
works (Event 59 with 67, KB Q168670), a NetWare account without Create; a
damaged post office with a broken directory chain, or fragmentation when
ANALYZE says so; a first dirsync with Dirsync Schedule "Never", or "Always"
when the log shows the 70 stopping at the first 14031.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.causes import CAUSES
from harness.diagnosis import Finding
from harness.errors import HarnessError
from harness.evidence import Evidence

__all__ = [
    "REPRODUCERS",
    "ReproduceError",
    "Reproducer",
    "build_scenario",
    "reproducer_for",
    "write_scenario",
]


class ReproduceError(HarnessError, ValueError):
    """A case ``ccsim reproduce`` cannot turn into a scenario (one line, exit 2)."""


@dataclass(frozen=True, slots=True)
class Reproducer:
    """How the simulator reproduces one cause: fault, fix, world and the events it logs."""

    fault: str
    #: the fault's parameters as the scenario file spells them
    params: Mapping[str, Any] | None
    #: the named fix, or None when ``fix_steps`` do it
    fix: str | None
    #: the events the reproduction logs, by which ``expect`` is derived from the log
    events: tuple[int, ...]
    #: one line for the file's header: why this fault
    note: str
    fix_steps: tuple[Mapping[str, Any], ...] = ()
    #: ``world:`` sections, merged under what the customer's files give
    world: Mapping[str, Any] = field(default_factory=dict)
    advance: str = "15m"
    #: events that must not come back after the fix (70 is always checked, harness.verify)
    no_events: tuple[int, ...] = ()


_TRAFFIC = {"traffic": {"to_exchange": {"count": 5, "every": "2m"}}}
_BOTH_WAYS = {"to_exchange": {"count": 5, "every": "2m"}, "to_ccmail": {"count": 5, "every": "2m"}}


def _settings(ev: Evidence) -> Reproducer:
    note = (
        "The files cannot tell which Post Office field is wrong: a wrong password stands "
        "for all three (wrong-po-name, wrong-po-path give the same Event 70)"
    )
    return Reproducer("wrong-po-password", {"password": "OLDPASS"}, "correct-po-settings",
                      (70, 61), note, world=_TRAFFIC)  # fmt: skip


def _access(ev: Evidence) -> Reproducer:
    if ev.ccmc(59) and not ev.ccmc(70, 68):
        host = {"kind": "netware", "server": "NW1", "volume": "SYS", "directory": "CCDATA",
                "access": "netware-account"}  # fmt: skip
        world = {
            "postoffice": {"host": host},
            "connector": {"logging": {"general": "maximum"}},
            "traffic": _BOTH_WAYS,
        }
        note = "Outbound only (59 while 67 is still logged): a NetWare account without Create"
        return Reproducer("netware-missing-rights", {"missing": ["Create"]}, "grant-access",
                          (59, 67), note, world=world, no_events=(59,))  # fmt: skip
    note = "No access both ways: the service account has No Access on the post office share"
    return Reproducer("revoke-share-rights", {"permission": "No Access"}, "grant-access",
                      (70, 68), note, world=_TRAFFIC)  # fmt: skip


def _damaged(ev: Evidence) -> Reproducer:
    output = ev.analyze.output if ev.analyze is not None else ""
    if "fragmented:" in output:
        note = "ANALYZE reports fragmentation: MLANDATA full of freed space"
        return Reproducer("fragment-postoffice", {"megabytes": 2}, "repair-postoffice", (70, 68),
                          note, world=_TRAFFIC)  # fmt: skip
    note = "A damaged post office: a broken directory chain in CLANDATA"
    return Reproducer("damage-postoffice", {"kind": "chain"}, "repair-postoffice", (70, 68),
                      note, world=_TRAFFIC)  # fmt: skip


def _install_path(ev: Evidence) -> Reproducer:
    note = "Exchange under C:\\Program Files: the DOS programs split the path at the space"
    return Reproducer("install-path-space", {"path": "C:\\Program Files\\EXCHSRVR"},
                      "short-store-path", (70,), note, world=_TRAFFIC)  # fmt: skip


def _dirsync(ev: Evidence) -> Reproducer:
    if ev.ccmc(14031):
        note = "Event 70 until the first dirsync finished (14031), then never again: wait"
        world = {"connector": {"dirsync": "always", "logging": {"dir_synch": "medium"}}}
        return Reproducer("fresh-connector", None, None, (70, 14031), note,
                          fix_steps=({"advance": "15m"},), world=world, advance="1h")  # fmt: skip
    note = "No P entry for the site yet: a new connector with Dirsync Schedule Never"
    world = {"connector": {"dirsync": "never"}}
    return Reproducer("fresh-connector", None, "run-dirsync", (70,), note, world=world)


#: cause -> how to reproduce it from the evidence (the five causes of KB Q166045 so far)
REPRODUCERS = {
    "po-settings-invalid": _settings,
    "po-access-denied": _access,
    "po-damaged": _damaged,
    "install-path-space": _install_path,
    "dirsync-not-completed": _dirsync,
}


def reproducer_for(finding: Finding, evidence: Evidence) -> Reproducer:
    """The reproducer of the finding's cause; ReproduceError when no fault exists for it."""
    from harness.loader import import_registries
    from harness.registry import FAULTS, FIXES

    import_registries()
    row = CAUSES.get(finding.cause)
    where = f" (§8 row {row.number})" if row is not None else ""
    make = REPRODUCERS.get(finding.cause)
    if make is None:
        raise ReproduceError(
            f"cause {finding.cause!r}{where} has no fault in the fault library yet, "
            "so it cannot be reproduced (see `ccsim list faults`)"
        )
    chosen = make(evidence)
    missing = [n for n in (chosen.fault,) if n not in FAULTS]
    missing += [n for n in (chosen.fix,) if n is not None and n not in FIXES]
    if missing:
        raise ReproduceError(
            f"cause {finding.cause!r}{where}: {' and '.join(missing)} is not in the "
            "fault/fix library yet, so it cannot be reproduced"
        )
    return chosen


# -- the scenario ----------------------------------------------------------------------------


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


def _world(ev: Evidence, chosen: Reproducer) -> dict[str, Any]:
    """The reproducer's world, with the customer's names where the files give them."""
    world: dict[str, Any] = {k: dict(v) for k, v in chosen.world.items()}
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
        world["exchange"] = exchange
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
    note = (
        f"The log shows no event this reproduction logs (its CCMC events: {shown}); "
        f"expecting Event {chosen.events[0]}"
    )
    return [{"id": chosen.events[0], "min": 1}], note


def _document(ev: Evidence, finding: Finding, chosen: Reproducer, log: Path) -> dict[str, Any]:
    from harness.model_types import ARTICLE

    row = CAUSES[finding.cause]
    events, _ = _expect(ev, chosen)
    fault: Any = {chosen.fault: dict(chosen.params)} if chosen.params else chosen.fault
    fixes: list[Any] = [chosen.fix] if chosen.fix else [dict(s) for s in chosen.fix_steps]
    summary = (
        f"Reproduces the top finding of `ccsim diagnose` on the customer's log {log.name}: "
        f"{finding.cause} (score {finding.score:.2f}). {row.title} ({', '.join(row.articles)}). "
        f"Fix: {row.fix}."
    )
    verify: dict[str, Any] = {"for": "1h"}
    if chosen.no_events:
        verify["no_events"] = list(chosen.no_events)
    doc: dict[str, Any] = {
        "id": (f"case-{_kebab(log.stem)}".rstrip("-"))[:64].rstrip("-"),
        "title": f"Customer case {log.name}: {row.title}"[:200],
        "articles": [a for a in row.articles if re.fullmatch(ARTICLE, a)],
        "cause": finding.cause,
        "tags": ["customer-case"],
        "summary": summary,
        "world": _world(ev, chosen),
        "faults": [fault],
        "steps": [{"start": "connector"}, {"advance": chosen.advance}],
        "expect": {"events": events},
        "diagnose": [finding.cause],
        "fix": fixes,
        "verify": verify,
    }
    return doc


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
