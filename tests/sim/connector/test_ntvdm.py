"""The connector's NTVDM before and after NT 4.0 SP4 (KB Q165404, Q187769), and Dr. Watson."""

from __future__ import annotations

import dataclasses

from sim import drwatson
from sim.connector.ntvdm import CRASH_DETAIL, POOL
from sim.connector.settings import DirsyncMode, DirsyncSchedule
from sim.connector.setup import Site, send_to_ccmail, standard_world
from sim.connector.store import Folder
from sim.conservation import check
from sim.world import World

HOUR = 3600.0


def _sp3_site(world: World, *, dirsync: DirsyncMode = DirsyncMode.ALWAYS) -> Site:
    """The standard site on NT 4.0 SP3 with this dirsync schedule, started."""
    site = standard_world(world, dirsync_done=True, start=False)
    world.access.nt_service_pack = 3
    settings = site.service.settings
    site.service.configure(dataclasses.replace(settings, dirsync=DirsyncSchedule(dirsync)))
    site.service.start()
    return site


def _watson(world: World) -> list[str]:
    return [r.description for r in world.eventlog.records if r.source == drwatson.SOURCE]


def test_each_directory_run_loses_a_handle_and_mail_runs_none(real_world: World) -> None:
    site = _sp3_site(real_world)
    real_world.clock.advance(61)  # the first cycle: directory EXPORT and two IMPORTs
    assert site.service.ntvdm.leaked == 3
    real_world.clock.advance(14 * 60)  # 56 mail polls more, no cycle
    assert site.service.ntvdm.leaked == 3


def test_the_pool_runs_out_then_every_16_bit_run_dies_until_a_restart(real_world: World) -> None:
    site = _sp3_site(real_world)
    real_world.clock.advance(3 * HOUR)
    assert site.service.ntvdm.leaked == POOL
    assert _watson(real_world)
    failed = [r for r in real_world.eventlog.records if r.event_id == 65]
    assert failed
    assert failed[-1].description.endswith(CRASH_DETAIL)
    site.service.restart()
    assert site.service.ntvdm.leaked == 0
    assert not site.service.ntvdm.exhausted


def test_a_dying_import_leaves_its_files_for_the_next_run(real_world: World) -> None:
    site = _sp3_site(real_world)
    real_world.clock.advance(3 * HOUR)
    sent = send_to_ccmail(real_world, 3)
    real_world.clock.advance(120)
    assert {r.event_id for r in real_world.eventlog.records} >= {64}
    waiting = site.service.store.names(Folder.IMPORT) + site.service.store.names(Folder.SUBMIT)
    assert len([n for n in waiting if n.casefold().endswith(".ccm")]) == len(sent)
    report = check(real_world)
    assert report.ok, report.summary()


def test_no_dirsync_no_leak(real_world: World) -> None:
    site = _sp3_site(real_world, dirsync=DirsyncMode.NEVER)
    real_world.clock.advance(4 * HOUR)
    assert site.service.ntvdm.leaked == 0
    assert not _watson(real_world)


def test_service_pack_4_takes_effect_at_the_restart(real_world: World) -> None:
    site = _sp3_site(real_world)
    real_world.clock.advance(3 * HOUR)
    real_world.access.nt_service_pack = 4
    before = len(_watson(real_world))
    real_world.clock.advance(60)
    assert len(_watson(real_world)) > before  # the running NTVDM is the old code
    site.service.restart()
    before = len(_watson(real_world))
    real_world.clock.advance(6 * HOUR)
    assert len(_watson(real_world)) == before
    assert site.service.ntvdm.leaked == 0


def test_dr_watson_writes_event_4097_and_appends_to_its_log(real_world: World) -> None:
    first = drwatson.application_error(
        real_world, "ntvdm.exe", "c0000005", "DpmiFreeXmem", address="0f0471ba",
        user="EXSVC", tasks=("ccmc.exe",), stack=drwatson.NTVDM_STACK,
    )  # fmt: skip
    drwatson.application_error(real_world, "ntvdm.exe", "c0000005", "DpmiFreeXmem")
    assert (first.source, first.event_id) == ("DrWatson", 4097)
    assert first.description.startswith("The application, ntvdm.dbg, generated an")
    assert "c0000005 at address 0f0471ba (DpmiFreeXmem)" in first.description
    raw = real_world.path(drwatson.LOG_FILE).read_bytes()
    text = raw.decode("cp1252")
    assert text.count("Application exception occurred:") == 2
    assert "Exception number: c0000005 (access violation)" in text
    assert "ntvdm!DpmiFreeXmem\r\nntvdm!DpmiDispatch" in text
    assert "\r\n" in text
    assert "\n" not in text.replace("\r\n", "")
