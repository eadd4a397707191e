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

Every other cause is reproduced from the first built-in catalogue scenario for
it (``scenarios/*.scenario.yaml``, by file name), used as written: world,
faults, steps, fix and verify. A cause with neither is refused, naming the cause.
The scenario text is built and written by :mod:`harness.casefile`.
"""

from __future__ import annotations

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
    "catalogue_dir",
    "reproducer_for",
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
    #: a catalogue scenario (as parsed YAML) used as it stands, bar ``expect`` and names
    template: Mapping[str, Any] | None = None


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
    chosen = make(evidence) if make is not None else _from_catalogue(finding.cause, where)
    if chosen is None:
        raise ReproduceError(
            f"cause {finding.cause!r}{where} has no fault in the fault library yet, "
            "so it cannot be reproduced (see `ccsim list faults`)"
        )
    missing = [n for n in (chosen.fault,) if n not in FAULTS]
    missing += [n for n in (chosen.fix,) if n is not None and n not in FIXES]
    if missing:
        raise ReproduceError(
            f"cause {finding.cause!r}{where}: {' and '.join(missing)} is not in the "
            "fault/fix library yet, so it cannot be reproduced"
        )
    return chosen


def catalogue_dir() -> Path:
    """Where the catalogue scenarios used as templates live (the ``scenarios`` package)."""
    from harness.selection import builtin_dir

    return builtin_dir()


def _from_catalogue(cause: str, where: str) -> Reproducer | None:
    """The first catalogue scenario for ``cause`` (by file name), or None if there is none."""
    import yaml

    for path in sorted(catalogue_dir().glob("*.scenario.yaml")):
        try:
            raw = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
        except (OSError, yaml.YAMLError):
            continue  # a broken file is `ccsim validate`'s to report
        if isinstance(raw, dict) and raw.get("cause") == cause:
            return _template(path, raw, cause, where)
    return None


def _template(path: Path, raw: dict[str, Any], cause: str, where: str) -> Reproducer:
    from harness.errors import ScenarioError
    from harness.loader import load_scenario
    from harness.model import FixUse

    try:
        scenario = load_scenario(path)
    except ScenarioError as exc:
        raise ReproduceError(
            f"cause {cause!r}{where}: its catalogue scenario {path.name} does not load "
            f"({str(exc).replace(chr(10), '; ')})"
        ) from None
    fixes = [item.name for item in scenario.fix if isinstance(item, FixUse)]
    events = tuple(
        e.id
        for e in scenario.expect.events
        if (e.min or 0) >= 1 or (e.min is None and e.max is None)
    )
    note = f"From the catalogue scenario {path.name}: {scenario.title}"
    fault = scenario.faults[0].name if scenario.faults else "(none)"
    return Reproducer(fault, None, fixes[0] if fixes else None, events, note, template=raw)
