"""A scenario file that reproduces a customer's case: ``ccsim reproduce``.

The starting point for turning a support case into a regression test: the top
finding of the diagnosis of the customer's files becomes a scenario whose fault
(from the fault library, ``harness.registry.FAULTS``) produces the same cause,
whose ``expect`` holds the events the log showed, and whose fix and ``verify``
are those of reference §8 for that cause.

Source: ccmail-reference.md §8 (cause, fix, verification per row), §4.8 (event
IDs and the logging level each needs), docs/scenarios.md (the file format).

Every cause is reproduced the same way: from a built-in catalogue scenario for it
(``scenarios/*.scenario.yaml``), used as written (world, faults, steps, fix and
verify), with the customer's names and the logging the log needs merged into its
world and ``expect`` narrowed to the events the log shows. Which of a cause's
scenarios is used is the cause module's ``reproduce_with(evidence)`` where the
evidence can tell its variants apart (``harness.causes``); otherwise the first
by file name. A cause without a catalogue scenario is refused, naming the cause.
The scenario text is built and written by :mod:`harness.casefile`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.causes import CAUSES, reproduce_with
from harness.diagnosis import Finding
from harness.errors import HarnessError
from harness.evidence import Evidence

__all__ = [
    "ReproduceError",
    "Reproducer",
    "catalogue_dir",
    "check_world_target",
    "reproducer_for",
    "write_world",
]


class ReproduceError(HarnessError, ValueError):
    """A case ``ccsim reproduce`` cannot turn into a scenario (one line, exit 2)."""


@dataclass(frozen=True, slots=True)
class Reproducer:
    """How the simulator reproduces one cause: a catalogue scenario and what it logs."""

    fault: str
    #: the named fix, or None when the scenario's fix is steps only
    fix: str | None
    #: the events the scenario expects, by which ``expect`` is narrowed to the log
    events: tuple[int, ...]
    #: one line for the file's header: which scenario, and why
    note: str
    #: the catalogue scenario (as parsed YAML) used as it stands, bar names and ``expect``
    template: Mapping[str, Any]


def reproducer_for(finding: Finding, evidence: Evidence) -> Reproducer:
    """The catalogue scenario that reproduces the finding's cause; ReproduceError if none.

    The template is loaded like any scenario file, so its faults and fixes are
    checked against the registries there.
    """
    row = CAUSES.get(finding.cause)
    where = f" ({row.row})" if row is not None else ""
    choose = reproduce_with(finding.cause) if row is not None else None
    wanted = choose(evidence) if choose is not None else None
    chosen = _from_catalogue(finding.cause, where, wanted)
    if chosen is None:
        raise ReproduceError(
            f"cause {finding.cause!r}{where} has no catalogue scenario to reproduce it "
            "from (see `ccsim list scenarios`)"
        )
    return chosen


def catalogue_dir() -> Path:
    """Where the catalogue scenarios used as templates live (the ``scenarios`` package)."""
    from harness.selection import builtin_dir

    return builtin_dir()


def _from_catalogue(cause: str, where: str, wanted: str | None) -> Reproducer | None:
    """The catalogue scenario ``wanted`` (a file stem) for ``cause``, else the first by name.

    None when the catalogue has no scenario for the cause.
    """
    import yaml

    paths = sorted(catalogue_dir().glob("*.scenario.yaml"))
    if wanted is not None:
        picked = [p for p in paths if p.name == f"{wanted}.scenario.yaml"]
        paths = picked or paths
    found: list[tuple[Path, dict[str, Any]]] = []
    for path in paths:
        try:
            raw = yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
        except (OSError, yaml.YAMLError):
            continue  # a broken file is `ccsim validate`'s to report
        if isinstance(raw, dict) and raw.get("cause") == cause:
            found.append((path, raw))
    if not found:
        return None
    # the scenario that cites the cause's main article first, so that a variant
    # scenario added later (Q176375 beside Q212759) does not change the template
    main = _main_article(cause)
    path, raw = next((f for f in found if _first_article(f[1]) == main), found[0])
    return _template(path, raw, cause, where)


def _main_article(cause: str) -> str | None:
    from harness.causes import SCENARIO_CAUSES

    known = SCENARIO_CAUSES.get(cause)
    if known is None:
        return None
    articles = known.articles
    return articles[0] if articles else None


def _first_article(raw: dict[str, Any]) -> object:
    articles = raw.get("articles")
    return articles[0] if isinstance(articles, list) and articles else None


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
    return Reproducer(fault, fixes[0] if fixes else None, events, note, template=raw)


def check_world_target(target: Path, inputs: tuple[Path, ...], *, force: bool) -> None:
    """Refuse a ``--world`` file that is not ``.ccworld``, is an input, or exists unforced."""
    from harness.outputs import output_problem

    if target.suffix.casefold() != ".ccworld":
        raise ReproduceError(f"--world: {target} must end in .ccworld")
    problem = output_problem(target, inputs)
    if problem is not None:
        raise ReproduceError(f"--world: {problem}")
    if target.exists() and not force:
        raise ReproduceError(f"--world: {target} exists (use --force to overwrite it)")


def write_world(scenario_file: Path, target: Path, *, inputs: tuple[Path, ...], force: bool) -> int:
    """The reproduced case as a saved world (``ccsim reproduce --world FILE.ccworld``).

    The world is the one ``ccsim world new DIR --from SCENARIO`` builds from the
    scenario just written: its site with the fault applied, the service stopped,
    nothing run yet (``ccsim world load`` it, then ``world service start`` and
    ``world run``). It is built in a scratch folder and packed with
    :func:`harness.worldstore.archive.save`. Returns the number of files saved.
    """
    import tempfile

    from harness.loader import load_scenario
    from harness.worldstore import archive, session, store

    check_world_target(target, (scenario_file, *inputs), force=force)
    scenario = load_scenario(scenario_file)
    seed = scenario.seed or 0
    with tempfile.TemporaryDirectory(prefix="ccsim-reproduce-") as scratch:
        folder = Path(scratch) / "world"
        try:
            store.create(
                folder,
                lambda root: session.build_world(scenario, seed, root),
                {"origin": scenario.id, "seed": seed},
            )
            return archive.save(folder, target)
        except store.WorldError as exc:
            raise ReproduceError(f"--world: {exc}") from None
