"""The catalogue as a whole: every cause has its home, and what several causes share in a log."""

from __future__ import annotations

from pathlib import Path

from harness.causes import CAUSES, cause_module, module_name
from harness.diagnosis import diagnose
from harness.loader import load_scenario
from harness.registry import FAULTS, FIXES, RULES
from harness.selection import builtin_dir
from tests.causes.kit import log

HERE = Path(__file__).parent
Q166045 = [
    "po-settings-invalid",
    "po-access-denied",
    "po-damaged",
    "install-path-space",
    "dirsync-not-completed",
]


def _within(name: str, home: str) -> bool:
    """``name`` is the cause's module, or a module of the cause's package."""
    return name == home or name.startswith(f"{home}.")


def test_every_cause_has_its_module_rule_fault_fix_scenario_and_tests() -> None:
    """One home per cause: harness/causes/<id>.py (or its package) registers them all."""
    scenarios = [load_scenario(p) for p in sorted(builtin_dir().glob("*.scenario.yaml"))]
    assert len(CAUSES) == 21  # §8's 20 rows, then event 98 (Q178758)
    for cause in CAUSES:
        module = cause_module(cause).__name__
        assert module == f"harness.causes.{module_name(cause)}"
        assert RULES.lookup(cause).function.__module__ == module
        fixes = [f for f in FIXES.specs() if cause in f.cures]
        assert fixes, cause
        assert all(_within(f.function.__module__, module) for f in fixes), cause
        used = {u.name for s in scenarios if s.cause == cause for u in s.faults}
        assert used, f"no catalogue scenario for {cause}"
        assert any(_within(FAULTS.lookup(n).function.__module__, module) for n in used), cause
        assert (HERE / f"test_{module_name(cause)}.py").is_file(), cause


def test_event_70_alone_names_all_five_q166045_causes_with_the_check_that_tells() -> None:
    """Plain Event 70 ranks the five Q166045 causes, each with a confirm text."""
    findings = diagnose(log(70, 70, 70, 70, 70, every=60))
    assert sorted(f.cause for f in findings) == sorted(Q166045)
    assert all(f.confirm for f in findings)
    assert all(f.score < 0.9 for f in findings)
    assert findings[0].cause == "po-settings-invalid"


def test_event_63_alone_names_both_ndr_causes_date_first() -> None:
    """IMPORT code 5 is any refused message: rows 13 and 14, the NDR text tells them apart."""
    found = [f.cause for f in diagnose(log(63, 63))]
    assert found[:2] == ["date-format-mismatch", "header-too-large"]
