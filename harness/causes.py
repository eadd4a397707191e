"""The failure causes of the Exchange Connector for Lotus cc:Mail: reference §8, row by row.

Source: ccmail-reference.md §8 "Failure-cause catalogue" (20 rows). Each
``Cause`` quotes its row: the cause text (``title``, with the cited articles
moved to ``articles``), the observable symptoms, how a support engineer
confirms it, the fix, and how to verify the fix. The ids are stable kebab-case
names used by scenario files (``cause:``, ``diagnose:``), ``@fix(cures=...)``
and ``@rule(cause)``; the row number is kept as ``number``.

``healthy`` is not a §8 row: it names the baseline scenario, a connector with
nothing wrong (§4.5 describes the working transfer cycle).

This module is data only and imports nothing heavy: ``ccsim validate`` loads it.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from harness.errors import NotRegisteredError

__all__ = ["CAUSES", "HEALTHY", "SCENARIO_CAUSES", "Cause", "cause_hint", "get_cause"]


@dataclass(frozen=True, slots=True)
class Cause:
    """One row of reference §8, quoted."""

    #: the row number in §8 (0 for ``healthy``)
    number: int
    #: stable kebab-case id used in scenario files
    id: str
    #: the "Cause" column, without the article list
    title: str
    #: the KB articles / sources the "Cause" column cites
    articles: tuple[str, ...]
    #: "Observable symptoms (events, texts, codes, mail-flow effects)"
    symptoms: str
    #: "How a support engineer confirms it"
    confirm: str
    #: "Fix"
    fix: str
    #: "How to verify the fix"
    verify: str


_ROWS = (
    Cause(
        1,
        "po-settings-invalid",
        title="Post Office tab wrong: PO name, password or path",
        articles=("Q166045",),
        symptoms=(
            "Event 70 (Export code 3) every 15 s; inbound cc:Mail→Exchange stops; "
            "dirsync never completes (14001 without 14031); outbound Import may also "
            "return 3 (event 61) [I]"
        ),
        confirm=(
            "Compare Name/Password/Path with cc:Mail ADMIN; run `ccmc ccdir` or `export "
            "/N<po> /P<pw> /D<path> /directory` by hand → code 3 (Q233164, Q282172); "
            "path must be UNC and contain `CCPOMBOX.*`"
        ),
        fix="Correct the fields (password ≤10 chars, UNC path), restart MSExchangeCCMC",
        verify=(
            "`ccmc ccdir` returns 0; event 67/58 at Maximum logging; no new 70 after "
            "restart; queued cc:Mail messages arrive"
        ),
    ),
    Cause(
        2,
        "po-access-denied",
        title="Service account cannot access the PO (NT rights, or NetWare/GSNW)",
        articles=("Q166045", "Q164707", "Q168670"),
        symptoms=(
            "Event 70 (Export code 3) or 68 (code 1); outbound only failing → event 59, "
            "files accumulate in `Ccmcdata\\Submit`, MTS-OUT grows, inbound OK"
        ),
        confirm=(
            "Log on as service account, open the share, run ADMIN (create entry) or "
            "`ccmc ccdir`; check NetWare trustee rights (Read, File Scan, Modify, "
            "Create) / GSNW gateway share and NTGATEWAY group; NT4 SP3+LSA2 check "
            "(Q195649)"
        ),
        fix=(
            "Grant rights / set up GSNW gateway share or matching NetWare account; NT4 "
            "SP4 for LSA2 case"
        ),
        verify="Manual Export/Import as service account return 0; Submit drains; 58/67 logged",
    ),
    Cause(
        3,
        "po-damaged",
        title="PO fragmented or damaged",
        articles=("Q166045", "Q179072"),
        symptoms=(
            "Event 70 (code 3) or 68/59 (code 1); possibly `NFTERROR.LOG` in PO dir; "
            "62/71 if locked"
        ),
        confirm="Stop connector; run ANALYZE (diagnostics) and read its errors/recommendations",
        fix=(
            "CHKSTAT (NFT/C if NFT errors, DIAGNOSTICS/M, DIAGNOSTICS/R) and RECLAIM "
            "(directory DIAGNOSTICS/A, then plain) with connector stopped; "
            "restore/rebuild if hub PO corrupt"
        ),
        verify="ANALYZE reports no errors; restart connector; no 70; mail flows both ways",
    ),
    Cause(
        4,
        "install-path-space",
        title="Exchange installed in a path with a space (or >8.3 dir on 5.5 pre-SP1)",
        articles=("Q164695", "Q181186"),
        symptoms=(
            "ntvdm.exe pinned ~95% CPU or hung; Event 70 with code 3; or (long name) no "
            "errors at all, only 11001/14001 logged, no 58/67/14031"
        ),
        confirm=(
            'Check install path / "Connector Store Path" registry value for spaces or '
            "long names; run `ccmc >output.txt` and look at CONFIG_CONNECTOR_STORE"
        ),
        fix=(
            'Set "Connector Store Path" to the 8.3 short name, or reinstall to a short '
            "no-space path; apply 5.5 SP1+"
        ),
        verify="ntvdm no longer spins; 67/58 appear; dirsync logs 14031",
    ),
    Cause(
        5,
        "dirsync-not-completed",
        title="First dirsync not yet completed (no P entry for the Exchange site)",
        articles=("Q166045", "EX50-RN 2.6.1"),
        symptoms=(
            "Event 70 at every service start and every export poll until dirsync "
            "completes; inbound mail not flowing"
        ),
        confirm=(
            "ADMIN directory has no `P` entry with comment `MSExchangeCCMC <server>` for "
            "the site; Dirsync Schedule = Never or not yet run"
        ),
        fix=(
            "Run dirsync (schedule or manual) and let it finish; don't pre-create the PO "
            "entry by hand if dirsync is used"
        ),
        verify=(
            "14001 followed by 14031; P entry present; Export now returns 0 (67) and no "
            "70 on restart"
        ),
    ),
    Cause(
        6,
        "po-shut-down",
        title="PO shut down for maintenance (`CCPODOWN` present) or locked by another process",
        articles=("Q282172", "Q179072"),
        symptoms=(
            'Export "Post office is temporarily shut down." / code 4 → event 71; Import '
            "code 4 → event 62"
        ),
        confirm=(
            "Look for `CCPODOWN` in the PO directory; check who holds the PO (admin tool, router)"
        ),
        fix="Finish maintenance / rename `CCPODOWN`; stop competing process",
        verify="Export returns 0; 71/62 stop",
    ),
    Cause(
        7,
        "ie-version-mismatch",
        title="Wrong Import/Export versions or wrong version selected",
        articles=("Q168465", "Q174740", "Q255627"),
        symptoms=(
            'Event 68 "…CCMDIR.EXP returned result code 1…" during dirsync, also on messages'
        ),
        confirm="`export /?` version vs PO DB version; connector version setting",
        fix=(
            'DB6: Import 5.15/Export 5.14 and that choice; DB8: 6.0+ tools and "Import '
            '6.0/Export 6.0"'
        ),
        verify="dirsync completes (14031); 67 logged",
    ),
    Cause(
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
    ),
    Cause(
        9,
        "ie-not-on-path",
        title="Import.exe/Export.exe not on system PATH",
        articles=("Q294947",),
        symptoms="Service stops right after start: 43 (system error 2), 86 ×N, then 85",
        confirm="Check system PATH; `ccmc >output.txt` shows the same texts",
        fix="Copy Import.exe, Export.exe, IE.RI into a PATH directory",
        verify="Service stays running; 67/58 logged",
    ),
    Cause(
        10,
        "und-files-left",
        title="`.und` files left in Import/Export / Import code 1 leaving `.ccm`",
        articles=("Q212788", "Q223772"),
        symptoms=(
            "Connector stops delivering with no events; or same message re-imported, "
            "`.und` growing, repeated 59"
        ),
        confirm="List Ccmcdata\\Import and \\Export for `.und` and stale `.ccm`",
        fix="Stop service, move `.und` out, restart; apply 5.5 SP3",
        verify="Delivery resumes; `.und` not recreated",
    ),
    Cause(
        11,
        "import-folder-damaged",
        title="Damaged `Ccmcdata\\Import` folder",
        articles=("Q202178", "Q295812"),
        symptoms="Outbound messages sit in `Submit`, no events",
        confirm="Submit grows, Import stays empty",
        fix=(
            "Stop, move Ccmcdata contents out, start (rebuild), stop, restore Submit files, start"
        ),
        verify="Submit drains; recipients get mail",
    ),
    Cause(
        12,
        "corrupt-message",
        title="Corrupt message in PO / Export file",
        articles=("Q212759", "Q202240", "Q234745", "Q176375", "Q168556"),
        symptoms=(
            "Event 54 every 15 s and growing `Bad`; or 82/83/86 → 85 shutdown; or 87 + "
            "Dr. Watson; or CCMC at ~90% CPU"
        ),
        confirm=(
            "Inspect `Bad` / `Export` / Export.bak files; `EXPORT … /MSG# /@list.txt` to "
            "find message number"
        ),
        fix=(
            "`EXPORT … /DELETE/<n>`, or forward+delete in PO queue, or remove the file "
            "from Export; apply SP"
        ),
        verify="No new 54/82/87; inbound resumes",
    ),
    Cause(
        13,
        "date-format-mismatch",
        title="Date-format mismatch with Import 5.12–5.15",
        articles=("Q180641",),
        symptoms='All outbound NDR\'d "*** Unknown Date Format ***"; event 63 (Import code 5)',
        confirm='Compare NT locale date format with PO language / "Locale Date Format"',
        fix='Set "Locale Date Format" (1 US / 2 EU / 3 JP) or align NT locale',
        verify="Test message delivered; no 63",
    ),
    Cause(
        14,
        "header-too-large",
        title="Header larger than 4 KB",
        articles=("Q166499", "Q266711"),
        symptoms='NDR containing "Header Buffer Full" for large recipient lists',
        confirm="Count recipients / header size vs I/E version",
        fix='Fewer recipients; I/E 8.2x + "Max Address Buffer Size" (5.5 SP4)',
        verify="Large-DL message delivered",
    ),
    Cause(
        15,
        "address-space-missing",
        title="Address space missing",
        articles=("Q186235", "Q170535", "Q201058"),
        symptoms='Immediate NDR "recipient name is not recognized"; MTA event 142 or 290',
        confirm="Address Space tab empty",
        fix="Add `CCMAIL * cost 1`, recalculate routing",
        verify="Test message reaches cc:Mail (11001/58)",
    ),
    Cause(
        16,
        "dirsync-comment-missing",
        title="Dirsync PO comment removed/edited",
        articles=("Q167830",),
        symptoms="14013 and 14018 warnings; entries not written",
        confirm="ADMIN: Exchange PO entry lacks `MSExchangeCCMC <server>` comment",
        fix="Restore the comment (or delete entry and let dirsync recreate)",
        verify="Next dirsync ends with 14031, no 14013/14018",
    ),
    Cause(
        17,
        "export-container-deleted",
        title="Deleted container in Export Containers",
        articles=("Q212773",),
        symptoms='14015 "…ds_name_error, error 4693728"',
        confirm="Check Export Containers list",
        fix="Remove the stale container",
        verify="Dirsync completes",
    ),
    Cause(
        18,
        "po-name-extended-chars",
        title="Extended characters in PO name",
        articles=("Q197258",),
        symptoms="14005; no custom recipients created",
        confirm="PO name contains accented characters",
        fix="Rename PO",
        verify="CRs appear; 14031",
    ),
    Cause(
        19,
        "ccmail85-16bit-tools",
        title="cc:Mail 8.5 with 16-bit tools",
        articles=("Q248195", "Q251360"),
        symptoms="PO corruption; dirsync problems",
        confirm="`export /?` shows 8.5 PO but 16-bit tools in use",
        fix="Use Import32/Export32 (+DLLs, Impexp.ri) via rename or registry",
        verify="Dirsync + mail flow OK",
    ),
    Cause(
        20,
        "nt-service-pack-missing",
        title="NT4 NTVDM/LSA2 bugs",
        articles=("Q165404", "Q187769", "Q195649"),
        symptoms="ntvdm.exe access violation; or code 3 (61/70) to NetWare",
        confirm="NT service pack level; Dr. Watson log shows ntvdm DpmiFreeXmem",
        fix="Install NT4 SP4",
        verify="No AV; manual Export works",
    ),
)

#: the 20 causes of §8, by id, in row order
CAUSES: Mapping[str, Cause] = MappingProxyType({c.id: c for c in _ROWS})

#: the baseline: nothing is wrong (not a §8 row)
HEALTHY = Cause(
    0,
    "healthy",
    title="Nothing wrong: the connector transfers mail both ways",
    articles=("Q168211",),
    symptoms="Events 67 and 58 at Maximum logging; dirsync logs 14001 then 14031 (§4.5, §4.6)",
    confirm="No error events; queues drain every 15 s (§4.5)",
    fix="None needed",
    verify="Mail delivered both ways; no error events",
)

#: every id a scenario's ``cause:`` may name: ``healthy`` first, then §8 in row order
SCENARIO_CAUSES: Mapping[str, Cause] = MappingProxyType({HEALTHY.id: HEALTHY, **CAUSES})


def cause_hint(name: str, *, include_healthy: bool = True) -> str:
    """``did you mean 'x'?`` for a misspelt cause id, else where to look."""
    names = list(SCENARIO_CAUSES if include_healthy else CAUSES)
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else "see `ccsim list causes` or reference §8"


def get_cause(cause_id: str) -> Cause:
    """The cause with this id (``healthy`` included); NotRegisteredError with a hint."""
    try:
        return SCENARIO_CAUSES[cause_id]
    except KeyError:
        hint = cause_hint(cause_id)
        raise NotRegisteredError(f"unknown cause {cause_id!r} ({hint})") from None
