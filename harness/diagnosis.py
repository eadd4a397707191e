"""Findings and the diagnosis loop: run every registered rule over one Evidence.

A rule reads only :class:`harness.evidence.Evidence` and returns a
:class:`Finding` or None (STYLE.md §9). Findings are ranked best first: by
score, then by §8 row number so ties read in the reference's order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from harness.causes import CAUSES

if TYPE_CHECKING:
    from harness.evidence import Evidence
    from harness.registry import Registry, RuleSpec

__all__ = ["Finding", "diagnose", "findings_json"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One diagnosed cause, with the evidence quoted."""

    cause: str
    #: 0..1: how strongly the evidence points at this cause
    score: float
    #: quoted evidence: event lines, file names, program output
    evidence: tuple[str, ...]
    article: str
    #: the recommended fix, in words
    fix: str
    #: the next check that would confirm it, where the evidence is ambiguous
    confirm: str = ""
    #: the named fix in the fix library that applies it
    fix_name: str = field(default="")

    def as_json(self) -> dict[str, Any]:
        return {
            "cause": self.cause,
            "score": round(self.score, 2),
            "evidence": list(self.evidence),
            "article": self.article,
            "fix": self.fix,
            "confirm": self.confirm,
        }


def _row(cause: str) -> int:
    found = CAUSES.get(cause)
    return found.number if found is not None else 99


def diagnose(evidence: Evidence, rules: Registry[RuleSpec] | None = None) -> list[Finding]:
    """Every rule's finding, best first. A healthy world gives an empty list."""
    if rules is None:
        from harness.registry import RULES

        rules = RULES
    findings = []
    for spec in rules.specs():
        found = spec.function(evidence)
        if found is not None:
            findings.append(found)
    return sorted(findings, key=lambda f: (-f.score, _row(f.cause), f.cause))


def findings_json(findings: list[Finding]) -> dict[str, Any]:
    """``{"findings": [...]}``, best first (the ``ccsim diagnose --format json`` shape)."""
    return {"findings": [f.as_json() for f in findings]}
