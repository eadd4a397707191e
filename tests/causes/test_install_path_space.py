"""Cause install-path-space: the checks every cause passes, and what is particular to it."""

from __future__ import annotations

from pathlib import Path

from harness.build import Site
from harness.collect import collect
from harness.registry import FIXES, RULES
from sim.connector.store import Folder
from sim.conservation import check
from tests.causes.kit import (
    CauseCase,
    CauseChecks,
    apply_fault,
    log,
    run_with_mail,
    site_for,
)


def _store_under_a_space(site: Site) -> None:
    site.exchange.registry["Connector Store Path"] = "C:\\Exchange Server\\CCMCDATA"


CASE = CauseCase(
    cause="install-path-space",
    fault="install-path-space",
    by_hand=_store_under_a_space,
    events_alone=log(70, 70, 70, 70, 70, every=60),
    world="world:\n  exchange: {version: '5.0'}\n",
    symptoms=(70,),
    same_ranking=True,
)


class TestTheChecksEveryCausePasses(CauseChecks):
    case = CASE


def test_a_long_name_on_55_sp0_hangs_silently_and_is_diagnosed(tmp_path: Path) -> None:
    """KB Q181186: no 58/67/14031, NTVDM spinning; the rule reads the path and Task Manager."""
    site = site_for(tmp_path, "world:\n  exchange: {service_pack: 0}\n", seed=7)
    apply_fault(site, "install-path-space", path="C:\\ExchSrvr55")
    run_with_mail(site, 900)
    ev = collect(site)
    assert not ev.ccmc(58, 67, 14031, 70)
    found = RULES.lookup("install-path-space").function(ev)
    assert found is not None
    assert found.score >= 0.9
    assert any("ntvdm.exe" in line for line in found.evidence)


def test_the_short_name_fix_keeps_the_queued_submit_files(tmp_path: Path) -> None:
    """The 8.3 name is the same folder: what waits in Submit is delivered, nothing lost."""
    site = site_for(tmp_path, "world:\n  exchange: {service_pack: 0}\n", seed=7)
    apply_fault(site, "install-path-space")
    run_with_mail(site, 900)
    waiting = site.service.store.names(Folder.SUBMIT) + site.service.store.names(Folder.IMPORT)
    assert [n for n in waiting if n.endswith(".ccm")]
    FIXES.lookup("short-store-path").function(site, None)
    assert site.exchange.registry["Connector Store Path"] == "C:\\PROGRA~1\\EXCHSRVR\\CCMCDATA"
    site.world.clock.advance(900)
    store = site.service.store
    assert not [
        n for n in store.names(Folder.SUBMIT) + store.names(Folder.IMPORT) if n.endswith(".ccm")
    ]
    assert check(site.world, postoffice=site.po_path).ok
