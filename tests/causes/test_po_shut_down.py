"""Cause po-shut-down: the checks every cause passes, and what is particular to it."""

from __future__ import annotations

from pathlib import Path

from harness.build import Site
from harness.registry import FIXES
from tests.causes.kit import (
    CauseCase,
    CauseChecks,
    apply_fault,
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


class TestTheChecksEveryCausePasses(CauseChecks):
    case = CASE


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
