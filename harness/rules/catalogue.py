"""Diagnosis rules for §8 rows 6-9, 19 and 20: the post office's state, the programs, NT.

Source: ccmail-reference.md §8 rows 6 (KB Q282172, Q179072), 7 (Q168465, Q174740,
Q255627), 8 (Q190275, Q233164), 9 (Q294947), 19 (Q248195, Q251360) and 20 (Q165404,
Q187769, Q195649); §2.1 (which program version opens which DB), §4.2 (programs on
the system PATH, ``IE.RI`` beside 6.0+), §4.7 (registry "Import"/"Export"), §4.8.

Each rule reads only :class:`harness.evidence.Evidence`. When the check of §8
"How a support engineer confirms it" is in the evidence the rule decides: a
confirmed finding, or None when the check finds nothing. With the event log alone
it names its cause at a modest score and says which check tells
(``Finding.confirm``). Plain Event 70 is left to the five Q166045 rules: rows 19
and 20 also end in Event 70, but only their own evidence can tell them apart.
"""

from __future__ import annotations

from harness.diagnosis import Finding
from harness.evidence import Evidence
from harness.registry import rule
from harness.rules.catalogue_common import (
    CONNECTOR,
    DB_OF_CHOICE,
    finding,
    in_use,
    is_16bit,
    major,
    quotes,
)

__all__: list[str] = []

# -- 6 ---------------------------------------------------------------------------------------


@rule("po-shut-down", article="Q282172, Q179072", explains=(71, 62))
def shut_down(ev: Evidence) -> Finding | None:
    """Code 4 (71/62); ``CCPODOWN`` in the post office or another process holding it."""
    locked = ev.ccmc(71, 62)
    if not locked:
        return None
    down = ev.po_has("CCPODOWN")
    holders = [h for h, exclusive in ev.po_holders or () if exclusive and h != CONNECTOR]
    if down or holders:
        said = quotes(locked)
        if down:
            said.append("CCPODOWN is present in the post office directory")
        said += [f"{holder} holds the post office exclusively" for holder in holders]
        return finding("po-shut-down", 0.97, said, confirmed=True, fix="reopen-postoffice")
    if down is not None or ev.po_holders is not None:
        return None
    return finding("po-shut-down", 0.6, quotes(locked), confirmed=False, fix="reopen-postoffice")


# -- 7 ---------------------------------------------------------------------------------------


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


# -- 8 ---------------------------------------------------------------------------------------


@rule("ie-resource-missing", article="Q190275, Q233164", explains=(65, 64, 14005))
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


# -- 9 ---------------------------------------------------------------------------------------


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


# -- 19 --------------------------------------------------------------------------------------


def _worked_then_failed(ev: Evidence) -> bool:
    """EXPORT succeeded (67) and then failed at every poll (70): damage that came later."""
    worked, failed = ev.ccmc(67), ev.ccmc(70)
    if not worked or len(failed) < 3:
        return False
    first_failure = failed[0].record_number
    return worked[0].record_number < first_failure and worked[-1].record_number < first_failure


@rule("ccmail85-16bit-tools", article="Q248195, Q251360", explains=(70, 59, 68))
def tools_16bit(ev: Evidence) -> Finding | None:
    """A cc:Mail 8.5 post office run with the 16-bit Import/Export (KB Q248195)."""
    failures = ev.ccmc(70, 59, 68)
    fix = "use-32bit-tools"
    if ev.po_release is not None and ev.exchange is not None:
        names, _ = in_use(ev.exchange)
        old = [n for n in names if is_16bit(n)]
        if not ev.po_release.startswith("8.5") or not old:
            return None
        said = [
            *quotes(failures),
            f"cc:Mail ADMIN: post office release {ev.po_release} (DB{ev.po_db})",
            f"the connector runs {', '.join(old)}: 16-bit tools",
        ]
        return finding("ccmail85-16bit-tools", 0.97, said, confirmed=True, fix=fix)
    if _worked_then_failed(ev):
        said = quotes(ev.ccmc(67))[:1] + quotes(ev.ccmc(70))
        return finding("ccmail85-16bit-tools", 0.25, said, confirmed=False, fix=fix)
    return None


# -- 20 --------------------------------------------------------------------------------------


@rule("nt-service-pack-missing", article="Q165404, Q187769, Q195649", explains=(70, 61))
def nt_service_pack(ev: Evidence) -> Finding | None:
    """NT4 before SP4 with the LSA2 hotfix: a service cannot log on to NetWare (Q195649)."""
    failures = ev.ccmc(70, 61)
    fix = "install-nt-sp4"
    ex = ev.exchange
    if ex is not None:
        access = ev.access
        netware = access is not None and "netware" in access.text.casefold()
        if ex.nt_service_pack >= 4 or not ex.lsa2_hotfix or not netware or not failures:
            return None
        said = [
            *quotes(failures),
            f"Windows NT 4.0 SP{ex.nt_service_pack} with the LSA2 hotfix",
            access.text if access is not None else "",
        ]
        return finding("nt-service-pack-missing", 0.97, said, confirmed=True, fix=fix)
    if ev.ccmc(61) and ev.ccmc(70):
        said = quotes(ev.ccmc(70))[:1] + quotes(ev.ccmc(61))[:1]
        return finding("nt-service-pack-missing", 0.2, said, confirmed=False, fix=fix)
    return None
