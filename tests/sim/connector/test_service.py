"""The MSExchangeCCMC service on the standard site: start/stop, polling, events (§1.3, §4.5)."""

import dataclasses
from collections import Counter

import pytest

from sim.connector.service import MAX_RESTARTS, SERVICE_NAME, ServiceState
from sim.connector.setup import PROGRAM_DIR, send_to_ccmail, send_to_exchange, standard_world
from sim.connector.store import Folder
from sim.conservation import check
from sim.exchange import MTA_SOURCE
from sim.world import World


def _ids(world: World, since: int = 0) -> list[int]:
    return [r.event_id for r in world.eventlog.records[since:]]


def _ccm(names: list[str]) -> list[str]:
    return [n for n in names if n.endswith(".ccm")]


def _times(world: World, event_id: int) -> list[float]:
    epoch = world.clock.epoch
    return [(r.when - epoch).total_seconds() for r in world.eventlog.events(event_id)]


def test_start_holds_the_po_shared_and_stop_releases_it(world: World) -> None:
    """§1.3 start-up reads in order; the PO is in use (shared) while running; CCPOMS on stop."""
    site = standard_world(world)
    service, po = site.service, site.postoffice
    assert service.state is ServiceState.RUNNING
    assert world.locks.holders(po.path) == {SERVICE_NAME: False}
    assert [name for name, _ in service.startup_reads] == [
        "CCVER.TB",
        "NFTCHECK",
        "CCPODD.00",
        "CCINTL.TB",
        "CCVER.TB",
    ]
    assert all(ok for _, ok in service.startup_reads)
    (po.path / "CCPOMS").unlink()
    service.stop()
    assert world.locks.holders(po.path) == {}
    assert (po.path / "CCPOMS").exists()
    assert world.clock.pending() == 0


def test_until_the_first_dirsync_every_export_poll_logs_70(real_world: World) -> None:
    """KB Q166045 cause 5: no P entry -> 70 every 15 s; it stops by itself after 14031."""
    site = standard_world(real_world)
    real_world.clock.advance(600)
    assert _times(real_world, 70) == [0.0, 15.0, 30.0, 45.0]
    first_done = _times(real_world, 14031)[0]
    assert first_done == 60.0
    assert all(t < first_done for t in _times(real_world, 70))
    entry = site.postoffice.find("EX1")
    assert entry is not None
    assert entry.comments == "MSExchangeCCMC EXSRV1"
    (event,) = real_world.eventlog.events(70)[:1]
    assert "returned result code 3" in event.description
    assert event.computer == "EXSRV1"


def test_mail_flows_both_ways_and_is_conserved(world: World) -> None:
    """EXPORT -> MTS-IN -> mailbox (67); MTS-OUT -> Submit -> IMPORT (11001, 58)."""
    site = standard_world(world, dirsync_done=True)
    assert world.eventlog.records == []
    inbound = send_to_exchange(world, 3)
    outbound = send_to_ccmail(world, 2)
    world.clock.advance(30)
    in_exchange = {m.ident for b in site.exchange.mailboxes.values() for m in b.items}
    assert set(inbound) <= in_exchange
    in_ccmail = {
        s.message.ident
        for e in site.postoffice.entries()
        if e.mailbox
        for s in site.postoffice.mailbox(e)
    }
    assert set(outbound) <= in_ccmail
    counts = Counter(_ids(world))
    assert counts[11001] == 2
    assert counts[58] == 1
    assert counts[67] >= 2
    report = check(world)
    assert report.ok, report.summary()
    assert not report.lost


def test_export_backlog_drains_at_once(real_world: World) -> None:
    """KB Q168211: a run that exported the maximum (16) starts the next one immediately."""
    site = standard_world(real_world, dirsync_done=True)
    send_to_exchange(real_world, 40)
    real_world.clock.advance(1)
    assert _times(real_world, 67) == [0.0, 0.0, 0.0]
    assert site.service.counters.messages_in == 40
    real_world.clock.advance(15)
    assert _times(real_world, 67)[-1] == 15.0


def test_import_backlog_drains_five_files_a_run(real_world: World) -> None:
    site = standard_world(real_world, dirsync_done=True)
    send_to_ccmail(real_world, 12)
    real_world.clock.advance(1)
    assert _times(real_world, 58) == [0.0, 0.0, 0.0]
    assert site.service.counters.files_imported == 12
    assert site.exchange.mts_out == []


def test_settings_take_effect_at_the_next_start(real_world: World) -> None:
    """Wrong password: nothing changes until the restart, then 70 keeps coming and no 14031."""
    site = standard_world(real_world, dirsync_done=True)
    service = site.service
    po = service.settings.post_office
    service.configure(
        dataclasses.replace(service.settings, post_office=dataclasses.replace(po, password="WRONG"))
    )
    real_world.clock.advance(30)
    assert 70 not in _ids(real_world)
    service.restart()
    mark = len(real_world.eventlog)
    real_world.clock.advance(1800)
    ids = _ids(real_world, mark)
    assert ids.count(70) >= 100
    assert 14001 in ids
    assert 14031 not in ids
    assert 14005 not in ids  # an EXPORT result code logs only its own event (KB Q166045)
    assert any("CCMDIR.EXP" in r.description for r in real_world.eventlog.events(70))


def test_ccpodown_gives_71_with_the_program_text(real_world: World) -> None:
    """KB Q282172: "Post office is temporarily shut down." -> code 4 -> event 71."""
    site = standard_world(real_world, dirsync_done=True)
    site.postoffice.shut_down()
    real_world.clock.advance(1)
    (event,) = real_world.eventlog.events(71)
    assert "returned result code 4" in event.description
    assert "Post office is temporarily shut down." in event.description
    site.postoffice.reopen()
    real_world.clock.advance(15)
    assert len(real_world.eventlog.events(71)) == 1


def test_programs_off_the_path_stop_the_service(real_world: World) -> None:
    """KB Q294947: 43, then 86 and 43 again after each of the 25 restarts, then 85."""
    site = standard_world(real_world, dirsync_done=True, start=False)
    site.exchange.system_path = ["C:\\WINNT"]
    site.service.start()
    real_world.clock.advance(120)
    ids = _ids(real_world)
    assert ids[:4] == [43, 86, 43, 86]
    assert ids.count(43) == MAX_RESTARTS + 1
    assert ids[-2:] == [43, 85]
    assert ids.count(86) == MAX_RESTARTS
    assert ids[-1] == 85
    assert site.service.state is ServiceState.STOPPED
    numbers = [r.strings[0] for r in real_world.eventlog.events(86)]
    assert numbers == [str(n) for n in range(1, MAX_RESTARTS + 1)]
    assert "system error code is 2" in real_world.eventlog.events(43)[0].description
    assert real_world.locks.holders(site.postoffice.path) == {}


def test_missing_ie_ri_is_event_65_with_the_program_output(real_world: World) -> None:
    """KB Q190275: "failed to run. R0002 Resource file not found: C:\\WINNT\\SYSTEM32\\IE.RI."."""
    standard_world(real_world, db=8, dirsync_done=True, start=False)
    real_world.path(PROGRAM_DIR + "\\IE.RI").unlink()
    real_world.connector.start()
    real_world.clock.advance(1)
    event = real_world.eventlog.events(65)[0]
    assert "failed to run" in event.description
    assert "R0002 Resource file not found: C:\\WINNT\\SYSTEM32\\IE.RI." in event.description


def test_a_corrupt_export_file_goes_to_bad_with_54(real_world: World) -> None:
    """KB Q212759 / Q234745 (5.5 SP3+): conversion fails -> Bad + event 54."""
    site = standard_world(real_world, dirsync_done=True, start=False)
    store = site.service.store
    site.service.prepare()
    store.path(Folder.EXPORT, "msg1234.ccm").write_bytes(b"Message:\r\n10\r\nFrom: x\r\n")
    site.service.start()
    real_world.clock.advance(1)
    assert _ids(real_world).count(54) == 1
    assert store.names(Folder.BAD) == ["msg1234.ccm"]
    assert "msg1234.ccm" not in store.names(Folder.EXPORT)


def test_missing_contents_hangs_inbound_before_sp3(real_world: World) -> None:
    """KB Q234745: before 5.5 SP3 a file without Contents: stops inbound, no event."""
    site = standard_world(real_world, dirsync_done=True, start=False, service_pack=2)
    site.service.prepare()
    text = "Message:\r\n60\r\nFrom: A at PO1\r\nDate: 6/2/98 8:00\r\nTo: B at EX1\r\nSubject: s\r\n"
    site.service.store.path(Folder.EXPORT, "msg0BAD.ccm").write_bytes(text.encode())
    site.service.start()
    send_to_exchange(real_world, 2)
    real_world.clock.advance(120)
    assert 54 not in _ids(real_world)
    assert not [r for r in real_world.eventlog.events(67) if ".ccm" in r.description]
    assert "dwCCExport" in site.service.threads.blocked
    assert site.service.counters.messages_in == 0


def test_leftover_export_file_is_converted_first(real_world: World) -> None:
    """A crash between EXPORT and conversion: the start converts what is in Export."""
    site = standard_world(real_world, dirsync_done=True)
    send_to_exchange(real_world, 2)
    site.service.stop()
    svc = site.service
    name = svc.store.next_name([])
    from sim.programs.runner import run_program

    line = f"{svc.po_switches('EX1')} /@{svc.store.win(Folder.EXPORT, name)} /ITEMSIZE /BATCH"
    line = svc.command_line("EXPORT", line)
    run = run_program(real_world, "EXPORT.EXE", line, account="EXSVC", search_path=[PROGRAM_DIR])
    assert run.code == 0
    assert _ccm(svc.store.names(Folder.EXPORT)) == [name]
    svc.start()
    real_world.clock.advance(0)
    assert _ccm(svc.store.names(Folder.EXPORT)) == []
    assert svc.counters.messages_in == 2
    assert check(real_world).ok


def test_leftover_und_file_stops_outbound_silently(real_world: World) -> None:
    """KB Q212788: a .und in Import -> delivery stops, no events even at Maximum."""
    site = standard_world(real_world, dirsync_done=True)
    site.service.store.path(Folder.IMPORT, "msg0001.und").write_bytes(b"Reason: x\r\n")
    send_to_ccmail(real_world, 2)
    real_world.clock.advance(120)
    assert 11001 not in _ids(real_world)
    assert not [r for r in real_world.eventlog.events(58) if "*.ccm" in r.description]
    assert len(site.exchange.mts_out) == 2


def test_damaged_import_folder_leaves_mail_in_submit(real_world: World) -> None:
    """KB Q202178: Import damaged -> converted files sit in Submit, no IMPORT, no error event."""
    site = standard_world(real_world, dirsync_done=True)
    store = site.service.store
    store.path(Folder.IMPORT).rmdir()
    store.path(Folder.IMPORT).write_bytes(b"")
    send_to_ccmail(real_world, 3)
    real_world.clock.advance(60)
    assert len(store.names(Folder.SUBMIT)) == 3
    assert not {58, 59, 61, 62, 63, 64} & set(_ids(real_world))
    assert check(real_world).ok


def test_space_in_the_store_path_before_sp1_leaves_ntvdm_waiting(real_world: World) -> None:
    """KB Q164695 on 5.5 SP0: Export.ini's path is split, EXPORT asks for the directory
    and waits; NTVDM spins, nothing is logged, nothing moves."""
    site = standard_world(real_world, dirsync_done=True, start=False, service_pack=0)
    site.exchange.registry["Connector Store Path"] = "C:\\EXCH SRV\\CCMCDATA"
    site.service.start()
    send_to_exchange(real_world, 1)
    real_world.clock.advance(300)
    assert not {67, 68, 70} & set(_ids(real_world))
    assert "dwCCExport" in site.service.threads.blocked
    assert sum(c for n, c in site.service.processes() if n == "ntvdm.exe") >= 95
    assert site.service.counters.messages_in == 0


def test_space_in_the_store_path_on_50_times_out_with_event_70(real_world: World) -> None:
    """KB Q164695 on 5.0: "or will stop responding with error 3 reported in Event ID 70"."""
    site = standard_world(real_world, dirsync_done=True, start=False, version="5.0")
    site.exchange.registry["Connector Store Path"] = "C:\\EXCH SRV\\CCMCDATA"
    site.service.start()
    real_world.clock.advance(60)
    assert 70 not in _ids(real_world)  # still waiting
    assert sum(c for n, c in site.service.processes() if n == "ntvdm.exe") >= 95
    real_world.clock.advance(400)
    assert _ids(real_world).count(70) >= 2
    assert "dwCCExport" not in site.service.threads.blocked


def test_from_sp1_the_connector_passes_short_names(real_world: World) -> None:
    """KB Q181186: "the CCMC only passes short-path names"; the same path then works."""
    site = standard_world(real_world, dirsync_done=True, start=False, service_pack=1)
    site.exchange.registry["Connector Store Path"] = "C:\\EXCH SRV\\CCMCDATA"
    site.service.start()
    assert "C:\\EXCHSR~1\\CCMCDATA\\Export.ini" in site.service.command_line("EXPORT", "")
    sent = send_to_exchange(real_world, 2)
    real_world.clock.advance(120)
    assert 70 not in _ids(real_world)
    assert site.service.counters.messages_in >= len(sent)


def test_long_store_name_before_sp1_logs_nothing_and_moves_nothing(real_world: World) -> None:
    """KB Q181186: only 11001/14001 are logged; no 58/67/14031."""
    site = standard_world(real_world, start=False, service_pack=0, version="5.5")
    site.exchange.registry["Connector Store Path"] = "C:\\EXCHANGESRV\\CCMCDATA"
    site.service.start()
    send_to_ccmail(real_world, 1)
    real_world.clock.advance(600)
    assert set(_ids(real_world)) <= {11001, 14001, 45}
    assert 11001 in _ids(real_world)
    assert 14001 in _ids(real_world)


def test_without_address_space_exchange_mail_is_ndrd(real_world: World) -> None:
    """KB Q186235: empty Address Space tab -> MTA 142 and an immediate NDR."""
    site = standard_world(real_world, dirsync_done=True)
    service = site.service
    service.configure(dataclasses.replace(service.settings, address_spaces=()))
    (ident,) = send_to_ccmail(real_world, 1)
    assert [r.source for r in real_world.eventlog.events(142)] == [MTA_SOURCE]
    ndrs = [m for b in site.exchange.mailboxes.values() for m in b.items if m.ident == ident]
    assert ndrs
    assert ndrs[0].subject.startswith("Undeliverable: ")


def test_unknown_date_format_ndrs_and_sets_the_registry(tmp_path) -> None:
    """KB Q180641: Import 5.15 reads the NT locale order -> 63, NDR, Locale Date Format = 1."""
    from datetime import datetime

    from sim.message import DateStyle

    world = World(seed=3, root=tmp_path, epoch=datetime(1998, 6, 20, 9, 0))
    site = standard_world(world, dirsync_done=True)
    site.exchange.date_style = DateStyle.EUROPEAN
    (ident,) = send_to_ccmail(world, 1)
    world.clock.advance(15)
    assert 63 in _ids(world)
    ndr = next(m for b in site.exchange.mailboxes.values() for m in b.items if m.ident == ident)
    assert "Unknown Date Format" in ndr.body
    assert site.exchange.registry["Locale Date Format"] == 1
    assert _ccm(site.service.store.names(Folder.IMPORT)) == []
    assert check(world).ok


def test_no_create_right_on_netware_stops_outbound_only(real_world: World) -> None:
    """KB Q168670: inbound works, outbound IMPORT returns 1 (59), files pile up, MTS-OUT grows."""
    from sim.access import Rights

    site = standard_world(real_world, netware=True, dirsync_done=True)
    nw = real_world.access.netware["nw1"]
    nw.trustees[("exsvc", "sys", "ccdata")] = Rights.READ | Rights.FILE_SCAN | Rights.MODIFY
    inbound = send_to_exchange(real_world, 2)
    send_to_ccmail(real_world, 12)
    real_world.clock.advance(60)
    assert 59 in _ids(real_world)
    assert 58 not in _ids(real_world)
    assert site.service.counters.messages_in == len(inbound)
    store = site.service.store
    assert len(_ccm(store.names(Folder.IMPORT))) == 5
    assert len(_ccm(store.names(Folder.SUBMIT))) == 5
    assert len(site.exchange.mts_out) == 2
    assert check(real_world).ok
    nw.trustees[("exsvc", "sys", "ccdata")] = Rights.all()
    real_world.clock.advance(60)
    assert site.exchange.mts_out == []
    assert store.names(Folder.SUBMIT) == []
    assert check(real_world).ok


def test_logging_level_none_hides_information_but_not_errors(real_world: World) -> None:
    from sim.connector.events import LoggingLevel

    standard_world(real_world, logging=LoggingLevel.NONE)
    send_to_ccmail(real_world, 1)
    real_world.clock.advance(120)
    ids = set(_ids(real_world))
    assert 70 in ids
    assert not ids & {67, 58, 11001, 14001, 14031}


@pytest.mark.parametrize("seed", [7])
def test_same_seed_same_events_and_bytes(tmp_path, seed: int) -> None:
    """Deterministic: the same seed gives the same event log and the same PO files."""
    outputs = []
    for name in ("a", "b"):
        world = World(seed=seed, root=tmp_path / name)
        site = standard_world(world)
        world.clock.advance(90)
        send_to_exchange(world, 3)
        send_to_ccmail(world, 3)
        world.clock.advance(90)
        files = {
            p.name: p.read_bytes() for p in sorted(site.postoffice.path.iterdir()) if p.is_file()
        }
        outputs.append(([r.line() for r in world.eventlog.records], files))
    assert outputs[0] == outputs[1]


def test_ccmc_ccdir_reports_the_export_code_without_events(real_world: World) -> None:
    """KB Q233164: ``ccmc ccdir`` as the service account shows the Export result code."""
    site = standard_world(real_world, start=False)
    assert site.service.ccdir().code == 0
    service = site.service
    po = service.settings.post_office
    service.configure(
        dataclasses.replace(service.settings, post_office=dataclasses.replace(po, password="WRONG"))
    )
    assert service.ccdir().code == 3
    assert real_world.eventlog.records == []
