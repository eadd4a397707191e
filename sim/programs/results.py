"""Result (exit) codes of the cc:Mail programs.

Source: ccmail-reference.md §2.5 and §4.8. Code 0 as "success" is inferred (§2.5
"[I] code value"); codes 2 and EXPORT 5 are undocumented and never returned.
"""

from __future__ import annotations

from enum import IntEnum

__all__ = ["AdminResult", "ExportResult", "ImportResult"]


class ExportResult(IntEnum):
    """EXPORT.EXE exit codes (§2.5). Add none that is not there."""

    #: completed successfully; event 67 (value inferred, §2.5)
    OK = 0
    #: "Could not access the Lotus cc:Mail Post Office."; event 68 (KB Q168465, Q233164)
    NO_ACCESS = 1
    #: not configured correctly or PO not accessible; event 70 (KB Q166045)
    NOT_CONFIGURED = 3
    #: PO locked (event 71, KB Q179072), or shut down by CCPODOWN (error 4, KB Q282172;
    #: that the connector then logs 71 is inferred: Q282172 shows only the console)
    LOCKED = 4


class ImportResult(IntEnum):
    """IMPORT.EXE exit codes (§2.5)."""

    #: completed successfully; event 58 (value inferred)
    OK = 0
    #: "Program did not complete successfully."; event 59 (KB Q168670)
    FAILED = 1
    #: configuration/access failure; event 61 (KB Q195649; text unknown)
    NOT_CONFIGURED = 3
    #: "The Lotus cc:Mail post office is locked by another process."; event 62 (KB Q179072)
    LOCKED = 4
    #: "Undeliverable message or updates."; event 63 (KB Q180641)
    UNDELIVERABLE = 5


class AdminResult(IntEnum):
    """ANALYZE / CHKSTAT / RECLAIM exit codes.

    Modelled, not documented (§3 "Unknown: exact console output and exit codes"):
    0 clean or repaired, 1 errors found (ANALYZE) or repair failed, 3 wrong
    name/password/path or no access, 4 the post office is in use (exclusive
    access needed) or shut down.
    """

    OK = 0
    ERRORS = 1
    NOT_CONFIGURED = 3
    LOCKED = 4
