"""``ccsim scaffold cause``: the three files of a new cause, from templates that pass the checks.

Source: docs/adding-a-cause.md (the walk-through), :mod:`harness.causes` (the
layout a cause module follows), ``tests/causes/kit.py`` (the checks every cause
passes). After moto's ``scripts/scaffold.py``, which writes a new service's
files from templates.

The three files are the cause module ``harness/causes/<id>.py``, its tests
``tests/causes/test_<id>.py`` and a catalogue scenario
``scenarios/<article>-<id>.scenario.yaml``. They start as a *working* example so
that lint, the type checks, ``ccsim validate`` and the tests pass at once: an
established connector whose Dirsync Schedule was set to "Never" (directory
changes stop; mail still flows). The author then replaces that mechanism with
the cause's own, keeping the shape. Nothing is overwritten: an id that is taken
(by a loaded cause or by a file) is refused before anything is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from harness.errors import HarnessError

__all__ = ["ScaffoldError", "Scaffolded", "scaffold_cause", "source_root"]

_ID = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_ARTICLE = re.compile(r"^Q\d{6}$")


class ScaffoldError(HarnessError, ValueError):
    """A scaffold that cannot be written (one line, exit 2)."""


@dataclass(frozen=True, slots=True)
class Scaffolded:
    """What ``scaffold_cause`` wrote, relative to the source root."""

    root: Path
    files: tuple[Path, ...]


def source_root() -> Path:
    """The source checkout ``harness`` is imported from (it holds ``pyproject.toml``)."""
    root = Path(__file__).resolve().parent.parent
    if not (root / "pyproject.toml").is_file() or not (root / "tests").is_dir():
        raise ScaffoldError(
            f"{root} is not a source checkout of ccmail-sim: pass --root with the project folder"
        )
    return root


def _names(cause_id: str, article: str) -> dict[str, str]:
    module = cause_id.replace("-", "_")
    return {
        "@ID@": cause_id,
        "@MODULE@": module,
        "@ARTICLE@": article,
        "@SCENARIO@": f"{article.lower()}-{cause_id}",
    }


def _render(template: str, names: dict[str, str]) -> str:
    for key, value in names.items():
        template = template.replace(key, value)
    return template


def scaffold_cause(cause_id: str, article: str, root: Path | None = None) -> Scaffolded:
    """Write the cause module, its tests and its scenario under ``root``; refuse any clash."""
    from harness.causes import CAUSES, SCENARIO_CAUSES

    if not _ID.fullmatch(cause_id) or len(cause_id) > 64:
        raise ScaffoldError(
            f"cause id {cause_id!r} is not kebab-case (e.g. 'dirsync-schedule-never')"
        )
    if not _ARTICLE.fullmatch(article):
        raise ScaffoldError(f"article {article!r} is not a KB number (e.g. Q166045)")
    if cause_id in SCENARIO_CAUSES:
        row = SCENARIO_CAUSES[cause_id]
        raise ScaffoldError(f"cause {cause_id!r} exists already (row {row.number}: {row.title})")
    base = source_root() if root is None else root
    names = _names(cause_id, article)
    number = max((c.number for c in CAUSES.values()), default=20) + 1
    names["@NUMBER@"] = str(number)
    files = {
        Path("harness/causes") / f"{names['@MODULE@']}.py": _CAUSE_MODULE,
        Path("tests/causes") / f"test_{names['@MODULE@']}.py": _TEST_MODULE,
        Path("scenarios") / f"{names['@SCENARIO@']}.scenario.yaml": _SCENARIO,
    }
    for relative in files:
        target = base / relative
        if target.exists() or target.is_symlink():
            raise ScaffoldError(f"{target} exists: cause {cause_id!r} is taken, nothing written")
        if not target.parent.is_dir():
            raise ScaffoldError(f"{target.parent} is not a folder of a ccmail-sim checkout")
    written = []
    for relative, template in files.items():
        target = base / relative
        with target.open("x", encoding="utf-8", newline="\n") as out:
            out.write(_render(template, names))
        written.append(relative)
    return Scaffolded(base, tuple(written))


_CAUSE_MODULE = '''\
"""Cause @ID@ (@ARTICLE@): one home for its row, fault, rule and fix.

Source: @ARTICLE@. Written by ``ccsim scaffold cause`` as a working example
(docs/adding-a-cause.md): an established connector whose Dirsync Schedule was
set to "Never". Directory changes stop reaching the other side while mail still
flows. Replace the mechanism with the cause's own, and say here what the article
documents and what is modelled.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from harness.build import Site
from harness.causes import Cause
from harness.causes._shared import connector_entry, finding, quotes
from harness.diagnosis import Finding
from harness.evidence import Evidence
from harness.registry import fault, fix, rule
from sim.connector.settings import DirsyncMode, DirsyncSchedule

__all__ = ["CAUSE"]

CAUSE = Cause(
    @NUMBER@,
    "@ID@",
    title="Dirsync Schedule set to Never on an established connector",
    articles=("@ARTICLE@",),
    symptoms="No 14001 at all while mail still flows (58 and 67 at Maximum logging)",
    confirm="The connector's Dirsync Schedule tab shows Never",
    fix="Set the Dirsync Schedule to Always or to selected times, restart MSExchangeCCMC",
    verify="14001 then 14031 at the next cycle",
)


def _schedule(site: Site, schedule: DirsyncSchedule) -> None:
    settings = site.service.settings
    site.service.configure(dataclasses.replace(settings, dirsync=schedule))


# -- fault: the world broken as a person would ---------------------------------------------------


@fault(
    "break-@ID@",
    summary="the Dirsync Schedule tab is set to Never",
    article="@ARTICLE@",
)
def break_@MODULE@(site: Site, params: None) -> None:
    _schedule(site, DirsyncSchedule(DirsyncMode.NEVER))


# -- diagnosis: from evidence only ---------------------------------------------------------------


@rule("@ID@", article="@ARTICLE@", explains=(14001,))
def diagnose_@MODULE@(ev: Evidence) -> Finding | None:
    """Schedule Never with the site's P entry made; from the log alone, mail but no 14001."""
    if ev.settings is not None:
        entry = connector_entry(ev)
        if ev.settings.dirsync_schedule != DirsyncMode.NEVER.value or entry is None:
            return None
        said = ["Dirsync Schedule: Never", f"cc:Mail ADMIN: P entry {entry[0]} ({entry[2]})"]
        return finding("@ID@", 0.95, said, confirmed=True, fix="fix-@ID@")
    flowing = ev.ccmc(58, 67)
    if ev.ccmc(14001) or len(flowing) < 2:
        return None
    if flowing[-1].when - flowing[0].when < timedelta(hours=1):
        return None
    said = [*quotes(flowing), "no Event 14001 in the log"]
    return finding("@ID@", 0.4, said, confirmed=False, fix="fix-@ID@")


# -- fix -----------------------------------------------------------------------------------------


@fix(
    "fix-@ID@",
    cures="@ID@",
    summary="set the Dirsync Schedule to Always; restart the service",
    article="@ARTICLE@",
)
def fix_@MODULE@(site: Site, params: None) -> None:
    _schedule(site, DirsyncSchedule())
    site.service.restart()
'''

_TEST_MODULE = '''\
"""Cause @ID@: the checks every cause passes, and what is particular to it."""

from __future__ import annotations

import dataclasses

from harness.build import Site
from sim.connector.settings import DirsyncMode, DirsyncSchedule
from tests.causes.kit import (
    MAXIMUM,
    CauseCase,
    CauseChecks,
    log,
)


def _never(site: Site) -> None:
    """The Dirsync Schedule tab set to Never, through the connector's settings."""
    settings = site.service.settings
    never = DirsyncSchedule(DirsyncMode.NEVER)
    site.service.configure(dataclasses.replace(settings, dirsync=never))


CASE = CauseCase(
    cause="@ID@",
    fault="break-@ID@",
    by_hand=_never,
    events_alone=log(*[67] * 6, every=900),
    world=MAXIMUM,
)


class TestTheChecksEveryCausePasses(CauseChecks):
    case = CASE
'''

_SCENARIO = """\
id: @SCENARIO@
title: Dirsync Schedule Never — mail flows, the directory is not exchanged
articles: [@ARTICLE@]
cause: @ID@
tags: [catalogue, dirsync]
summary: |
  Written by `ccsim scaffold cause` as a working example: the connector's Dirsync
  Schedule tab is set to Never on an established connector. Mail still flows both
  ways; no dirsync cycle starts (no 14001). Replace it with the cause's own case.
world:
  connector:
    logging: {general: maximum, dir_synch: medium}
  traffic:
    to_exchange: {count: 3, every: 2m}
    to_ccmail: {count: 3, every: 2m}
faults:
  - break-@ID@
steps:
  - start: connector
  - advance: 1h
expect:
  events:
    - {id: 67, min: 1}
    - {id: 14001, max: 0}
diagnose: [@ID@]
fix: [fix-@ID@]
verify: {for: 1h}
"""
