"""§8 row 9, ie-not-on-path: Import.exe/Export.exe not on system PATH.

Source: ccmail-reference.md §8 row 9 and Q294947. This module is the cause's one home:
its §8 row (``CAUSE``), the faults that reproduce it, the rule that diagnoses it from
evidence only, and its fix.
"""

from __future__ import annotations

from pydantic import Field

from harness.build import Site
from harness.causes import Cause
from harness.causes._shared import finding, ie_ri_bytes, in_use, in_use_programs, quotes
from harness.diagnosis import Finding
from harness.evidence import Evidence
from harness.model_types import WinPath
from harness.params import Params
from harness.registry import fault, fix, rule
from sim.connector.setup import PROGRAM_DIR, PROGRAM_VERSIONS
from sim.postoffice.layout import IE_RI
from sim.postoffice.postoffice import Postoffice
from sim.programs.runner import find_program, install_program, program_version

__all__ = ["CAUSE"]

CAUSE = Cause(
    9,
    "ie-not-on-path",
    title="Import.exe/Export.exe not on system PATH",
    articles=("Q294947",),
    symptoms="Service stops right after start: 43 (system error 2), 86 ×N, then 85",
    confirm="Check system PATH; `ccmc >output.txt` shows the same texts",
    fix="Copy Import.exe, Export.exe, IE.RI into a PATH directory",
    verify="Service stays running; 67/58 logged",
)


# -- faults: the world broken as a person or a crash would -----------------------------------------


class OffPathParams(Params):
    directory: WinPath = Field(
        "C:\\CCMAIL\\ADTOOLS", min_length=3, max_length=200, description="Where they are instead."
    )


@fault(
    "programs-off-path",
    summary="Import.exe and Export.exe sit in a directory that is not on the system PATH",
    article="Q294947",
    params=OffPathParams,
)
def programs_off_path(site: Site, params: OffPathParams | None) -> None:
    target = (params or OffPathParams()).directory.rstrip("\\")
    if target.casefold() in (p.casefold() for p in site.service.search_path()):
        raise ValueError(f"{target} is on the PATH the connector searches")
    for name, directory, version in in_use_programs(site):
        install_program(site.world, target, name, version)
        site.world.path(directory).joinpath(name).unlink()
        ie = site.world.path(directory) / IE_RI
        if ie.is_file():
            (site.world.path(target) / IE_RI).write_bytes(ie.read_bytes())
            ie.unlink()


# -- diagnosis: from evidence only -----------------------------------------------------------------


@rule("ie-not-on-path", article="Q294947", explains=(43, 86, 85))
def not_on_path(ev: Evidence) -> Finding | None:
    """43 (system error 2), 86 x N, 85; the programs are not on the system PATH."""
    cannot = ev.ccmc(43)
    stopped = ev.ccmc(85)
    fix = "programs-on-path"
    if ev.exchange is not None:
        names, found = in_use(ev.exchange)
        seen = {p.name.upper() for p in found}
        absent = [n for n in names if n not in seen]
        if not absent:
            return None
        path = ";".join(ev.exchange.system_path)
        said = [*quotes(cannot), *quotes(stopped)[:1], f"{', '.join(absent)} not on PATH {path}"]
        score = 0.97 if cannot else 0.9
        return finding("ie-not-on-path", score, said, confirmed=True, fix=fix)
    if cannot:
        score = 0.7 if stopped and ev.ccmc(86) else 0.6
        said = quotes(cannot) + quotes(stopped)[:1]
        return finding("ie-not-on-path", score, said, confirmed=False, fix=fix)
    return None


# -- fix -------------------------------------------------------------------------------------------


def _anywhere(site: Site, name: str) -> tuple[str, str] | None:
    """``dir /s <name>`` on C: (Windows directory, version), as support searches the disk."""
    drive = site.world.path("C:\\")
    for path in sorted(drive.rglob("*")):
        if path.is_file() and path.name.upper() == name:
            parts = path.parent.relative_to(drive).parts
            return "C:\\" + "\\".join(parts), program_version(path)
    return None


@fix(
    "programs-on-path",
    cures="ie-not-on-path",
    summary="copy Import.exe, Export.exe (and IE.RI) into a PATH directory; start the service",
    article="Q294947",
)
def programs_on_path(site: Site, params: None) -> None:
    world = site.world
    db = Postoffice(site.po_path).identity().db_version
    defaults = dict(zip(("EXPORT.EXE", "IMPORT.EXE"), PROGRAM_VERSIONS[db], strict=True))
    registry = site.exchange.registry
    path = site.service.search_path()
    # a directory on the PATH: SYSTEM32 when it is there, else the PATH's first (KB Q294947)
    folded = [p.casefold() for p in path]
    target = PROGRAM_DIR if PROGRAM_DIR.casefold() in folded or not path else path[0]
    for key, default in (("Export", "EXPORT.EXE"), ("Import", "IMPORT.EXE")):
        name = str(registry.get(key, default) or default).upper()
        if find_program(world, name, path) is not None:
            continue
        found = _anywhere(site, name)
        version = found[1] if found is not None else defaults.get(name, "8.50.00.14")
        install_program(world, target, name, version)
        if int(version.split(".")[0]) >= 6:
            (world.path(target) / IE_RI).write_bytes(ie_ri_bytes(site))
    site.service.restart()
