"""§8 row 7, ie-version-mismatch: Wrong Import/Export versions or wrong version selected.

Source: ccmail-reference.md §8 row 7 and Q168465, Q174740, Q255627. This module is the
cause's one home: its §8 row (``CAUSE``), the faults that reproduce it, the rule that
diagnoses it from evidence only, and its fix.
"""

from __future__ import annotations

import dataclasses
from typing import Literal

from pydantic import Field

from harness.build import Site
from harness.causes import Cause
from harness.causes._shared import (
    IE_RI_TEXT,
    finding,
    ie_ri_bytes,
    in_use,
    in_use_programs,
    major,
    quotes,
)
from harness.diagnosis import Finding
from harness.evidence import Evidence
from harness.params import Params
from harness.registry import fault, fix, rule
from sim.connector.settings import IEVersion
from sim.connector.setup import PROGRAM_VERSIONS
from sim.postoffice.layout import IE_RI
from sim.postoffice.postoffice import Postoffice
from sim.programs.runner import install_program

__all__ = ["CAUSE"]

CAUSE = Cause(
    7,
    "ie-version-mismatch",
    title="Wrong Import/Export versions or wrong version selected",
    articles=("Q168465", "Q174740", "Q255627"),
    symptoms=('Event 68 "…CCMDIR.EXP returned result code 1…" during dirsync, also on messages'),
    confirm="`export /?` version vs PO DB version; connector version setting",
    fix=(
        'DB6: Import 5.15/Export 5.14 and that choice; DB8: 6.0+ tools and "Import 6.0/Export 6.0"'
    ),
    verify="dirsync completes (14031); 67 logged",
)


# -- faults: the world broken as a person or a crash would -----------------------------------------


class VersionParams(Params):
    what: Literal["programs", "choice"] = Field(
        "programs",
        description="Programs for the other DB version, or the other version chosen on the "
        "Post Office page.",
    )


@fault(
    "wrong-ie-version",
    summary="Import/Export for the other DB version are installed, or the other version chosen",
    article="Q168465",
    params=VersionParams,
)
def wrong_ie_version(site: Site, params: VersionParams | None) -> None:
    db = Postoffice(site.po_path).identity().db_version
    if (params or VersionParams()).what == "choice":
        settings = site.service.settings
        other = IEVersion.DB8 if db == 6 else IEVersion.DB6
        post_office = dataclasses.replace(settings.post_office, version=other)
        site.service.configure(dataclasses.replace(settings, post_office=post_office))
        return
    wrong = {6: ("6.0", "6.0"), 8: ("5.14", "5.15")}[db]
    for name, directory, _ in in_use_programs(site):
        install_program(site.world, directory, name, wrong[0 if "EXPORT" in name else 1])
        if db == 6:
            (site.world.path(directory) / IE_RI).write_bytes(IE_RI_TEXT)


# -- diagnosis: from evidence only -----------------------------------------------------------------


def _version_problems(ev: Evidence) -> list[str] | None:
    """Programs and the version choice against the PO's DB (KB Q168465); None: unknown."""
    if ev.exchange is None or ev.settings is None or ev.po_db is None:
        return None
    _, found = in_use(ev.exchange)
    problems = []
    for program in found:
        number = major(program.version)
        if not (number == 5 if ev.po_db == 6 else number >= 6):
            problems.append(
                f"{program.name} {program.version} ({program.directory}) "
                f"cannot open a DB{ev.po_db} post office"
            )
    choice = ev.settings.version_choice
    if DB_OF_CHOICE.get(choice, ev.po_db) != ev.po_db:
        problems.append(f"Post Office page: {choice!r} selected for a DB{ev.po_db} post office")
    return problems


@rule("ie-version-mismatch", article="Q168465, Q174740, Q255627", explains=(68, 59))
def version_mismatch(ev: Evidence) -> Finding | None:
    """68 "CCMDIR.EXP returned result code 1"; the programs or the choice do not fit the DB."""
    failures = ev.ccmc(68, 59)
    problems = _version_problems(ev)
    fix = "match-ie-version"
    if problems is not None:
        if not problems:
            return None
        score = 0.95 if failures else 0.9
        return finding(
            "ie-version-mismatch", score, [*quotes(failures), *problems], confirmed=True, fix=fix
        )
    dirsync = [e for e in ev.ccmc(68) if "CCMDIR.EXP" in e.description.upper()]
    if dirsync:
        return finding("ie-version-mismatch", 0.5, quotes(dirsync), confirmed=False, fix=fix)
    if ev.ccmc(68):
        return finding("ie-version-mismatch", 0.3, quotes(ev.ccmc(68)), confirmed=False, fix=fix)
    return None


#: the Post Office tab's Import/Export version choice -> DB version (KB Q168465, Q255627)
DB_OF_CHOICE = {"Import 5.15/Export 5.14": 6, "Import 6.0/Export 6.0": 8}


# -- fix -------------------------------------------------------------------------------------------


@fix(
    "match-ie-version",
    cures="ie-version-mismatch",
    summary="install the Import/Export of the post office's DB version (DB6: 5.15/5.14, "
    "DB8: 6.0 with IE.RI) and choose that version on the Post Office page; restart",
    article="Q168465",
)
def match_ie_version(site: Site, params: None) -> None:
    db = Postoffice(site.po_path).identity().db_version
    service = site.service
    service.stop()
    export_version, import_version = PROGRAM_VERSIONS[db]
    for name, directory, version in in_use_programs(site):
        major = int(version.split(".")[0])
        fits = major == 5 if db == 6 else major >= 6
        if not fits:
            wanted = export_version if "EXPORT" in name else import_version
            install_program(site.world, directory, name, wanted)
        if db == 8:
            (site.world.path(directory) / IE_RI).write_bytes(ie_ri_bytes(site))
    settings = service.settings
    chosen = IEVersion.DB6 if db == 6 else IEVersion.DB8
    post_office = dataclasses.replace(settings.post_office, version=chosen)
    service.configure(dataclasses.replace(settings, post_office=post_office))
    service.start()
