"""Cause po-shut-down: the checks every cause passes, and what is particular to it."""

from __future__ import annotations

from pathlib import Path

from harness.build import Site
from harness.evidence import Evidence
from harness.registry import FIXES
from tests.causes.kit import (
    CauseCase,
    apply_fault,
    check_events_alone,
    check_fault_logs_nothing,
    check_fix_clears_it,
    check_hand_broken_reads_like_the_fault,
    check_silent_on_healthy,
    log,
    site_for,
)


def _ccpodown(site: Site) -> None:
    (site.po_path / "CCPODOWN").write_bytes(b"Upgrade to 8.0\r\n")


CASE = CauseCase(
    cause="po-shut-down",
    fault="shut-down-postoffice",
    by_hand=_ccpodown,
    events_alone=log(*[(71, "returned result code 4. Post office is temporarily shut down.")] * 4),
    symptoms=(71,),
)


def test_silent_on_a_healthy_world(healthy: Evidence) -> None:
    check_silent_on_healthy(CASE, healthy)


def test_the_event_log_alone_names_it_modestly() -> None:
    check_events_alone(CASE)


def test_broken_by_hand_reads_like_the_named_fault(tmp_path: Path) -> None:
    check_hand_broken_reads_like_the_fault(CASE, tmp_path)


def test_the_fix_it_names_clears_it(tmp_path: Path) -> None:
    check_fix_clears_it(CASE, tmp_path)


def test_the_fault_logs_nothing_itself(tmp_path: Path) -> None:
    check_fault_logs_nothing(CASE, tmp_path)


def test_reopen_renames_ccpodown_and_releases_only_the_other_holder(tmp_path: Path) -> None:
    site = site_for(tmp_path, seed=7)
    apply_fault(site, "shut-down-postoffice", how="ccpodown")
    apply_fault(site, "shut-down-postoffice", how="locked", holder="ADMIN")
    site.service.start()
    site.world.clock.advance(60)
    assert site.world.eventlog.events(71)
    FIXES.lookup("reopen-postoffice").function(site, None)
    names = {p.name for p in site.po_path.iterdir()}
    assert "CCPODOWN" not in names
    assert "CCPODOWN.OLD" in names
    assert site.world.locks.holders(site.po_path) == {"MSExchangeCCMC": False}
