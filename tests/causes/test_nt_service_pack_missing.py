"""Cause nt-service-pack-missing: the checks every cause passes, and what is particular to it.

Two variants: the LSA2 hotfix on SP3 (KB Q195649) and the NTVDM DPMI access violation
before SP4 (KB Q165404, Q187769); each passes the checks every cause passes.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from harness.build import Site
from harness.collect import collect
from harness.diagnosis import Finding, diagnose
from harness.evidence import Evidence
from harness.registry import RULES
from sim import drwatson
from sim.connector.events import spec
from sim.connector.setup import send_to_ccmail, send_to_exchange
from sim.conservation import check
from sim.eventlog import EventRecord, EventType
from tests.causes.kit import (
    CauseCase,
    CauseChecks,
    FaultRefusals,
    broken,
    fix_and_watch,
    log,
    site_for,
)

#: long enough for the 'Always' dirsync to run the connector's NTVDM out of handles
HOURS_TO_AV = 1


def _lsa2(site: Site) -> None:
    site.world.access.nt_service_pack = 3
    site.world.access.lsa2_hotfix = True


def _sp3(site: Site) -> None:
    site.world.access.nt_service_pack = 3


CASE = CauseCase(
    cause="nt-service-pack-missing",
    fault="nt4-sp3-lsa2",
    by_hand=_lsa2,
    events_alone=log(70, 61, 70),
    world="world:\n  postoffice:\n    host: {kind: netware, access: netware-account}\n",
    symptoms=(70, 61),
)

_WATSON = spec(drwatson.EVENT_ID).fill(
    ("ntvdm.dbg", "6/2/1998", "10:31:0.000", "c0000005", "0f0471ba", "DpmiFreeXmem")
)
_CRASH = (
    "Lotus cc:Mail EXPORT to file msg0001.ccm failed to run. The program ended with "
    "exception c0000005 (access violation) in NTVDM."
)


def _watson_and_65() -> Evidence:
    """An Application log alone: Dr. Watson's 4097 for ntvdm, then the connector's 65."""
    when = datetime(1998, 6, 2, 10, 31)
    records = (
        EventRecord(1, when, "DrWatson", EventType.INFORMATION, "None", 4097, "N/A", "EXSRV1",
                    _WATSON),
        EventRecord(2, when + timedelta(seconds=1), "MSExchangeCCMC", EventType.ERROR,
                    "General", 65, "N/A", "EXSRV1", _CRASH),
    )  # fmt: skip
    return Evidence(events=records)


NTVDM_CASE = CauseCase(
    cause="nt-service-pack-missing",
    fault="ntvdm-dpmi-leak",
    by_hand=_sp3,
    events_alone=_watson_and_65(),
    symptoms=(4097, 65, 64, 14005),
    seconds=HOURS_TO_AV * 3600,
)


class TestTheChecksEveryCausePasses(CauseChecks):
    case = CASE


class TestTheNtvdmVariantPassesThemToo(CauseChecks):
    case = NTVDM_CASE


class TestTheFaultRefuses(FaultRefusals):
    refusals = (
        ("nt4-sp3-lsa2", "", {}, "netware"),
        ("ntvdm-dpmi-leak", "world:\n  exchange: {programs: {bits: 32}}\n", {}, "32-bit"),
        ("ntvdm-dpmi-leak", "world:\n  connector: {dirsync: never}\n", {}, "Q187769"),
    )


def _rule(ev: Evidence) -> Finding | None:
    found: Finding | None = RULES.lookup("nt-service-pack-missing").function(ev)
    return found


def test_the_ntvdm_finding_quotes_dr_watson_its_log_and_the_sp_level(tmp_path: Path) -> None:
    site = broken(tmp_path, "ntvdm-dpmi-leak", minutes=HOURS_TO_AV * 60)
    found = _rule(collect(site))
    assert found is not None
    assert found.score >= 0.9
    assert not found.confirm
    said = "\n".join(found.evidence)
    assert "DrWatson Information 4097" in said
    assert "Drwtsn32.log: function: DpmiFreeXmem" in said
    assert "Drwtsn32.log: App: exe\\ntvdm.dbg" in said
    assert "Windows NT 4.0 SP3" in said
    assert found.fix_name == "install-nt-sp4"


def test_before_the_handles_run_out_nothing_shows(tmp_path: Path) -> None:
    """40 minutes of 'Always' dirsync on SP3: the pool is not yet gone, nothing to diagnose."""
    site = broken(tmp_path, "ntvdm-dpmi-leak", minutes=40)
    assert not [r for r in site.world.eventlog.records if r.source == "DrWatson"]
    assert site.service.ntvdm.leaked > 0
    assert _rule(collect(site)) is None


def test_a_restart_on_sp3_helps_only_for_a_while(tmp_path: Path) -> None:
    site = broken(tmp_path, "ntvdm-dpmi-leak", minutes=HOURS_TO_AV * 60)
    after = fix_and_watch_restart(site, minutes=40)
    assert not after & {4097, 65}
    site.world.clock.advance(20 * 60)
    assert site.service.ntvdm.exhausted


def fix_and_watch_restart(site: Site, minutes: int) -> set[int]:
    """Restart the service by hand (no service pack) and run on for ``minutes``."""
    site.service.restart()
    mark = len(site.world.eventlog)
    site.world.clock.advance(minutes * 60)
    return {r.event_id for r in site.world.eventlog.since(mark)}


def test_the_service_pack_clears_it_and_no_mail_is_lost(tmp_path: Path) -> None:
    site = broken(tmp_path, "ntvdm-dpmi-leak", minutes=HOURS_TO_AV * 60)
    send_to_exchange(site.world, 2)
    send_to_ccmail(site.world, 2)
    site.world.clock.advance(300)
    completed = site.service.counters.dirsync_completed
    after = fix_and_watch(site, "install-nt-sp4", minutes=4 * 60)
    assert not after & {4097, 65, 64, 14005}
    assert site.service.counters.dirsync_completed >= completed + 15
    assert not site.service.ntvdm.buggy
    report = check(site.world)
    assert report.ok, report.summary()


def test_a_32_bit_import_export_never_meets_it(tmp_path: Path) -> None:
    """Import32/Export32 (cc:Mail 8.5) are Win32 programs: they do not run in NTVDM."""
    site = site_for(tmp_path, "world:\n  postoffice: {db: 8}\n  exchange: {programs: {bits: 32}}\n")
    _sp3(site)
    site.service.start()
    site.world.clock.advance(HOURS_TO_AV * 3600)
    assert not [r for r in site.world.eventlog.records if r.source == "DrWatson"]
    assert _rule(collect(site)) is None


def test_the_lsa2_scenario_world_is_not_diagnosed_as_ntvdm(tmp_path: Path) -> None:
    site = broken(tmp_path, "nt4-sp3-lsa2", CASE.world)
    findings = diagnose(collect(site))
    assert findings[0].cause == "nt-service-pack-missing"
    assert any("LSA2" in line for line in findings[0].evidence)
    assert not [r for r in site.world.eventlog.records if r.source == "DrWatson"]
