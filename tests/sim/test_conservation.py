"""The conservation check finds every message, and flags lost, duplicated and twice-delivered."""

import shutil

from sim.connector.setup import send_to_ccmail, send_to_exchange, standard_world
from sim.connector.store import Folder
from sim.conservation import check, scan_text
from sim.world import World

CCM = (
    "Message:\r\nFrom: A at PO1\r\nDate: 6/2/98 8:00\r\nTo: B at EX1\r\nCc: C at EX1\r\n"
    "Subject: s\r\nContents:\r\nText item:\r\nbody\r\nccsim-id: C1-000042\r\n"
)


def test_scan_text_reads_idents_recipients_and_ndrs() -> None:
    ndr = CCM.replace("Subject: s", "Subject: Undeliverable: s").replace("000042", "000043")
    assert scan_text(CCM + ndr) == [("C1-000042", 2, False), ("C1-000043", 2, True)]
    assert scan_text("garbage\r\nccsim-id: X\r\n") == [("X", 1, False)]


def test_a_fresh_standard_world_is_conserved(world: World) -> None:
    standard_world(world, dirsync_done=True, start=False)
    report = check(world)
    assert report.ok, report.summary()
    assert set(report.places) == set(world.ledger)
    assert all(p[0].startswith("po:") for p in report.places.values())


def test_messages_are_found_in_transit_and_after_delivery(real_world: World) -> None:
    site = standard_world(real_world, dirsync_done=True, start=False)
    (inbound,) = send_to_exchange(real_world, 1)
    (outbound,) = send_to_ccmail(real_world, 1)
    report = check(real_world)
    assert report.places[inbound] == ("po:EX1",)
    assert report.places[outbound] == ("exchange:MTS-OUT",)
    site.service.start()
    real_world.clock.advance(1)
    report = check(real_world)
    assert report.places[inbound][0].startswith("exchange:")
    assert report.places[outbound][0].startswith("po:")
    assert report.ok


def test_a_removed_message_is_lost(real_world: World) -> None:
    site = standard_world(real_world, dirsync_done=True, start=False)
    (ident,) = send_to_exchange(real_world, 1)
    number = site.postoffice.mailbox("EX1")[0].number
    site.postoffice.remove_messages("EX1", [number])
    report = check(real_world)
    assert report.lost == (ident,)
    assert not report.ok
    assert f"lost: {ident} in nowhere" in report.summary()


def test_a_copied_file_is_a_duplicate_and_partials_and_backups_do_not_count(
    real_world: World,
) -> None:
    site = standard_world(real_world, dirsync_done=True, start=False)
    store = site.service.store
    site.service.prepare()
    store.path(Folder.SUBMIT, "msg0001.ccm").write_text(CCM)
    real_world.ledger["C1-000042"] = real_world.ledger[next(iter(real_world.ledger))]
    assert check(real_world).places["C1-000042"] == ("store:Submit\\msg0001.ccm",)
    store.path(Folder.EXPORT, "msg0002.$$$").write_text(CCM)
    store.path(Folder.IMPORT_BAK, "msg0001.ccm").write_text(CCM)
    assert check(real_world).ok
    store.path(Folder.BAD, "msg0003.ccm").write_text(CCM + CCM + CCM)
    report = check(real_world)
    assert report.duplicated == ("C1-000042",)
    assert report.delivered_twice == ("C1-000042",)


def test_parked_files_count_as_a_place(real_world: World, tmp_path) -> None:
    """An administrator moving .und files out (KB Q212788) does not lose them."""
    site = standard_world(real_world, dirsync_done=True)
    idents = send_to_exchange(real_world, 2)
    site.service.stop()
    svc = site.service
    from sim.programs.runner import run_program

    line = f"{svc.po_switches('EX1')} /@{svc.store.win(Folder.EXPORT, 'msg0001.ccm')} /ITEMSIZE"
    line = svc.command_line("EXPORT", line)
    found = run_program(
        real_world, "EXPORT.EXE", line, account=None, search_path=real_world.exchange.system_path
    )
    assert found.code == 0
    parked = tmp_path / "parked"
    parked.mkdir()
    shutil.move(str(svc.store.path(Folder.EXPORT, "msg0001.ccm")), parked / "msg0001.ccm")
    assert check(real_world).lost == tuple(sorted(idents))
    report = check(real_world, elsewhere=[parked])
    assert report.ok
    assert all(report.places[i][0].startswith("parked:") for i in idents)


def test_a_wrong_post_office_path_does_not_hide_the_mail(real_world: World) -> None:
    """Cause 1 (KB Q166045): the Post Office page points elsewhere; the mail is still found."""
    import dataclasses

    site = standard_world(real_world, dirsync_done=True, start=False)
    idents = send_to_exchange(real_world, 2)
    settings = site.service.settings
    wrong = dataclasses.replace(settings.post_office, path="\\\\POSRV\\CCDATA\\OLD")
    site.service.configure(dataclasses.replace(settings, post_office=wrong))
    site.service.start()
    real_world.clock.advance(30)
    report = check(real_world)
    assert report.ok, report.summary()
    assert all(report.places[i] == ("po:EX1",) for i in idents)


def test_a_und_beside_the_ccm_it_reports_and_its_repeats_are_no_second_place(
    real_world: World,
) -> None:
    """KB Q223772: IMPORT keeps the .ccm and writes its report to the .und at each attempt."""
    site = standard_world(real_world, dirsync_done=True, start=False)
    store = site.service.store
    site.service.prepare()
    real_world.ledger["C1-000042"] = real_world.ledger[next(iter(real_world.ledger))]
    reports = ("Reason: Name too long\r\n" + CCM) * 3
    store.path(Folder.IMPORT, "msg0001.ccm").write_text(CCM)
    store.path(Folder.IMPORT, "msg0001.und").write_text(reports)
    report = check(real_world)
    assert report.ok
    assert report.places["C1-000042"] == ("store:Import\\msg0001.ccm",)
    store.path(Folder.IMPORT, "msg0001.ccm").unlink()  # the .und alone: one place
    assert check(real_world).places["C1-000042"] == ("store:Import\\msg0001.und",)
    store.path(Folder.IMPORT, "msg0002.ccm").write_text(CCM)  # another file's: a place
    assert check(real_world).places["C1-000042"] == (
        "store:Import\\msg0001.und",
        "store:Import\\msg0002.ccm",
    )
