"""What ANALYZE reports: the kinds of damage, the repair each calls for, the report.

Source: ccmail-reference.md §3 (ANALYZE, AN50; the GSS-DB6 repair order). Modelled,
not documented (§3 "[U]", §7 item 1): the kinds of damage and their names; each maps
to the command GSS-DB6 names for it (see :mod:`sim.postoffice.check`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["ACTION_ORDER", "Action", "AnalysisReport", "Area", "Problem", "ProblemKind"]


class ProblemKind(StrEnum):
    """The kinds of damage ANALYZE reports (modelled, §3)."""

    NFT_ERROR = "NFT error"
    BROKEN_INDEX = "broken message index"
    DAMAGED_HEADER = "damaged header"
    TORN_RECORD = "torn record"
    SHORT_FILE = "short file"
    BAD_RECORD = "bad record checksum"
    WRONG_COUNTERS = "wrong counters"
    BROKEN_CHAIN = "broken directory chain"
    FRAGMENTED = "fragmented"


class Action(StrEnum):
    """The repair commands, in the order GSS-DB6 runs them (§3)."""

    NFT = "CHKSTAT NFT/C"
    INDEX = "CHKSTAT DIAGNOSTICS/M"
    RECONCILE = "CHKSTAT DIAGNOSTICS/R"
    DIRECTORY = "RECLAIM DIRECTORY DIAGNOSTICS/A"
    RECLAIM = "RECLAIM"


#: GSS-DB6 order: NFT/C, DIAGNOSTICS/M, DIAGNOSTICS/R, DIRECTORY DIAGNOSTICS/A, RECLAIM
ACTION_ORDER: tuple[Action, ...] = tuple(Action)

_ACTION_FOR: Mapping[ProblemKind, Action] = {
    ProblemKind.NFT_ERROR: Action.NFT,
    ProblemKind.BROKEN_INDEX: Action.INDEX,
    ProblemKind.DAMAGED_HEADER: Action.RECONCILE,
    ProblemKind.TORN_RECORD: Action.RECONCILE,
    ProblemKind.SHORT_FILE: Action.RECONCILE,
    ProblemKind.BAD_RECORD: Action.RECONCILE,
    ProblemKind.WRONG_COUNTERS: Action.RECONCILE,
    ProblemKind.BROKEN_CHAIN: Action.DIRECTORY,
    ProblemKind.FRAGMENTED: Action.RECLAIM,
}


class Area(StrEnum):
    """What ANALYZE checks: its /DIRECTORY, /MESSAGES and /USERS options (AN50)."""

    SYSTEM = "system"  # CCPOMBOX.000 and NFTCHECK (always with a full analysis)
    DIRECTORY = "directory"  # CLANDATA
    MESSAGES = "messages"  # MLANDATA
    USERS = "users"  # USRxxxxx


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in one file."""

    file: str
    kind: ProblemKind
    detail: str

    @property
    def action(self) -> Action:
        return _ACTION_FOR[self.kind]

    def __str__(self) -> str:
        return f"{self.file}: {self.kind}: {self.detail}"


@dataclass(frozen=True, slots=True)
class AnalysisReport:
    """What ANALYZE found: the files it checked and every problem in them."""

    files: tuple[str, ...]
    problems: tuple[Problem, ...]

    @property
    def clean(self) -> bool:
        return not self.problems

    @property
    def actions(self) -> tuple[Action, ...]:
        """The commands to run, each once, in GSS-DB6 order."""
        needed = {p.action for p in self.problems}
        return tuple(a for a in ACTION_ORDER if a in needed)

    @property
    def kinds(self) -> frozenset[ProblemKind]:
        return frozenset(p.kind for p in self.problems)

    def problems_in(self, file: str) -> tuple[Problem, ...]:
        key = file.casefold()
        return tuple(p for p in self.problems if p.file.casefold() == key)


# -- one record file -------------------------------------------------------------------------
