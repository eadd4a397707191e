"""§8 row 8, ie-resource-missing: `IE.RI` missing for I/E 6.0+.

Source: ccmail-reference.md §8 row 8 and Q190275, Q233164. This module is the cause's
one home: its §8 row (``CAUSE``), the faults that reproduce it, the rule that diagnoses
it from evidence only, and its fix.
"""

from __future__ import annotations

from harness.build import Site
from harness.causes import Cause
from harness.causes._shared import finding, ie_ri_bytes, in_use, in_use_programs, major, quotes
from harness.diagnosis import Finding
from harness.evidence import Evidence
from harness.registry import fault, fix, rule
from sim.postoffice.layout import IE_RI

__all__ = ["CAUSE"]

CAUSE = Cause(
    8,
    "ie-resource-missing",
    title="`IE.RI` missing for I/E 6.0+",
    articles=("Q190275", "Q233164"),
    symptoms=(
        'Event 65 "EXPORT to file msgXXXX.ccm failed to run. R0002 Resource file not '
        'found: …IE.RI."; `ccmc ccdir` code 1; dirsync 14005 + 59'
    ),
    confirm="Look for IE.RI next to Import/Export (System32)",
    fix="Copy `Ccdata\\Ccadmin\\Ie.ri` next to the programs",
    verify="65 no longer logged; `ccmc ccdir` → 0",
)


# -- faults: the world broken as a person or a crash would -----------------------------------------


@fault(
    "remove-ie-ri",
    summary="IE.RI is missing beside the Import/Export 6.0 programs",
    article="Q190275",
)
def remove_ie_ri(site: Site, params: None) -> None:
    found = [(n, d) for n, d, v in in_use_programs(site) if int(v.split(".")[0]) >= 6]
    if not found:
        raise ValueError("the programs are 5.x, which need no IE.RI (world.postoffice.db: 8)")
    for _, directory in found:
        (site.world.path(directory) / IE_RI).unlink(missing_ok=True)


# -- diagnosis: from evidence only -----------------------------------------------------------------


@rule("ie-resource-missing", article="Q190275, Q233164", explains=(65, 64, 14005, 59))
def resource_missing(ev: Evidence) -> Finding | None:
    """65 "R0002 Resource file not found: ...IE.RI"; no IE.RI beside a 6.0+ program."""
    failed = ev.ccmc(65, 64)
    named = [e for e in failed if "IE.RI" in e.description.upper()]
    fix = "copy-ie-ri"
    if ev.exchange is not None:
        _, found = in_use(ev.exchange)
        missing = [p for p in found if major(p.version) >= 6 and not p.ie_ri_beside]
        if not missing:
            return None
        said = quotes(named or failed)
        said += [f"{p.directory}\\{p.name} {p.version}: no IE.RI beside it" for p in missing]
        score = 0.95 if failed else 0.9
        return finding("ie-resource-missing", score, said, confirmed=True, fix=fix)
    if named:
        return finding("ie-resource-missing", 0.6, quotes(named), confirmed=False, fix=fix)
    dirsync = ev.ccmc(14005)
    if dirsync and ev.ccmc(59):
        said = quotes(dirsync) + quotes(ev.ccmc(59))[:1]
        return finding("ie-resource-missing", 0.25, said, confirmed=False, fix=fix)
    return None


# -- fix -------------------------------------------------------------------------------------------


@fix(
    "copy-ie-ri",
    cures="ie-resource-missing",
    summary="copy Ccdata\\Ccadmin\\Ie.ri beside the Import/Export programs",
    article="Q190275",
)
def copy_ie_ri(site: Site, params: None) -> None:
    data = ie_ri_bytes(site)
    for _, directory, version in in_use_programs(site):
        if int(version.split(".")[0]) >= 6:
            (site.world.path(directory) / IE_RI).write_bytes(data)
