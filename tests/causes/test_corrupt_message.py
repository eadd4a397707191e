"""Cause corrupt-message: the checks every cause passes, and what is particular to it."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from harness.build import Site
from harness.collect import collect
from harness.evidence import Evidence, ProgramOutput
from harness.registry import RULES
from sim.connector.setup import send_to_exchange, standard_world
from sim.connector.store import Folder
from sim.conservation import check
from sim.message import Message
from sim.postoffice import records as rf
from sim.postoffice.layout import MLANDATA, T_MESSAGE, DirectoryEntry
from sim.postoffice.postoffice import Postoffice
from sim.world import World
from tests.causes.kit import (
    CauseCase,
    CauseChecks,
    FaultRefusals,
    broken,
    export,
    fix_and_watch,
    log,
)


def _rewrite_queued(site: Site, change: Callable[[bytes], bytes]) -> None:
    """By hand: a message queued for Exchange, its stored record rewritten with its
    payload (message number and text) changed by ``change``, the checksum made right."""
    po = Postoffice(site.po_path)
    queue = po.find(site.site)
    assert queue is not None
    when = site.world.clock.datetime
    (number,) = po.deliver(queue, [Message("Doe, J at PO1", when, ("X at HQ",), "s", "bb")])
    ref = next(r for r in po.refs(queue) if r.number == number)
    data = bytearray((po.path / MLANDATA).read_bytes())
    size = rf.RECORD.unpack_from(data, ref.offset)[0]
    start = ref.offset + rf.RECORD_SIZE
    payload = change(bytes(data[start : start + size]))
    data[ref.offset : start + size] = (
        rf.RECORD.pack(size, rf.LIVE, T_MESSAGE, zlib.crc32(payload)) + payload
    )
    (po.path / MLANDATA).write_bytes(bytes(data))


def _corrupt_queued(site: Site) -> None:
    """By hand: the first text item of a queued message claims 999 bytes (Q212759)."""
    _rewrite_queued(
        site, lambda payload: payload.replace(b"Text item:\r\n4\r\n", b"Text item:\r\n9\r\n")
    )


CASE = CauseCase(
    cause="corrupt-message",
    fault="corrupt-queued-message",
    by_hand=_corrupt_queued,
    events_alone=log(54, 54, 54, 54),
    world="world:\n  exchange: {service_pack: 3}\n",
    symptoms=(54,),
)


class TestTheChecksEveryCausePasses(CauseChecks):
    case = CASE


class TestTheFaultRefuses(FaultRefusals):
    refusals = (
        ("corrupt-queued-message", "world: {connector: {first_dirsync: pending}}\n", {}, "dirsync"),
        ("short-message-size", "world: {connector: {first_dirsync: pending}}\n", {}, "dirsync"),
    )


def _corrupt_site(world: World) -> tuple[Site, int]:
    site = standard_world(world, dirsync_done=True, start=False)
    from harness.causes.corrupt_message import spoil_size

    po = site.postoffice
    queue = po.find("EX1")
    assert queue is not None
    message = Message("Doe, J at PO1", datetime(1998, 6, 1, 9, 0), ("X at EX1",), "s", "b")
    (number,) = po.deliver(queue, [message])
    spoil_size(po, queue, number)
    return site, number


def test_export_takes_a_corrupt_message_alone_and_keeps_it_queued(world: World) -> None:
    """KB Q212759: the same message goes to Bad at every poll; mail behind it waits."""
    site, number = _corrupt_site(world)
    send_to_exchange(world, 2)
    site.service.start()
    world.clock.advance(46)
    assert len(world.eventlog.events(54)) == 4
    bad = site.service.store.names(Folder.BAD)
    assert len(bad) == 4
    queue = site.postoffice.find("EX1")
    assert site.postoffice.refs(queue)[0].number == number
    assert len(site.postoffice.refs(queue)) == 3


def test_msg_listing_names_the_corrupt_message_and_delete_removes_it(world: World) -> None:
    site, number = _corrupt_site(world)
    switches = "/NEX1 /PSECRET /D\\\\POSRV\\CCDATA"
    code, listing = export(world, f"{switches} /MSG#")
    assert code == 0
    assert f"Message #: {number}\r\n*** Message cannot be read ***" in listing
    assert export(world, f"{switches} /DELETE/{number}")[0] == 0
    assert site.postoffice.refs(site.postoffice.find("EX1")) == []


def test_delete_corrupt_message_deletes_only_that_message(tmp_path: Path) -> None:
    site = broken(tmp_path, "corrupt-queued-message", "world: {exchange: {service_pack: 3}}\n")
    po = Postoffice(site.po_path)
    queue = po.find(site.site)
    assert queue is not None
    assert len(po.refs(queue)) == 4
    bad_before = site.service.store.names(Folder.BAD)
    after = fix_and_watch(site, "delete-corrupt-message")
    assert 54 not in after
    assert po.refs(queue) == []
    assert site.service.store.names(Folder.BAD) == bad_before
    assert check(site.world, postoffice=site.po_path).ok


def test_54_every_poll_scores_above_a_single_54() -> None:
    rule = RULES.lookup("corrupt-message").function
    repeated, once = rule(log(54, 54, 54, 54)), rule(log(54))
    assert repeated is not None
    assert once is not None
    assert repeated.score > once.score


def _one_damaged_then_two(
    world: World, damage: Callable[[Postoffice, DirectoryEntry, int], None]
) -> tuple[Postoffice, DirectoryEntry, int]:
    """A message queued for Exchange, damaged by ``damage``, then two good ones behind it:
    the post office, the site's queue and the damaged message's number."""
    site = standard_world(world, dirsync_done=True, start=False)
    po = site.postoffice
    queue = po.find("EX1")
    assert queue is not None
    message = Message("Doe, J at PO1", datetime(1998, 6, 1, 9, 0), ("X at EX1",), "s", "b")
    (number,) = po.deliver(queue, [message])
    damage(po, queue, number)
    send_to_exchange(world, 2)
    return po, queue, number


def test_a_message_without_contents_leaves_the_queue_alone(world: World) -> None:
    """KB Q234745: EXPORT writes a body without ``Contents:`` alone and takes it out."""
    from harness.causes.corrupt_message import strip_contents

    po, queue, number = _one_damaged_then_two(world, strip_contents)
    switches = "/NEX1 /PSECRET /D\\\\POSRV\\CCDATA"
    world.path("C:\\TEMP").mkdir(parents=True, exist_ok=True)
    assert export(world, f"{switches} /@C:\\TEMP\\ONE.CCM /ITEMSIZE")[0] == 0
    written = world.path("C:\\TEMP\\ONE.CCM").read_bytes()
    assert written.count(b"Message:") == 1
    assert b"Contents:" not in written
    remaining = {r.number for r in po.refs(queue)}
    assert number not in remaining
    assert len(remaining) == 2  # the mail behind it waits for the next run


def test_task_manager_and_the_stuck_file_confirm_the_q234745_loop() -> None:
    rule = RULES.lookup("corrupt-message").function
    base = log(14001, 14031)
    busy = replace(base, processes=(("ccmc.exe", 90),), ccmcdata=(("Export", ("msg0BAD.ccm",)),))
    found = rule(busy)
    assert found is not None
    assert found.score >= 0.9
    assert not found.confirm  # nothing left to check
    assert "Task Manager: ccmc.exe at 90% CPU" in found.evidence
    assert rule(replace(busy, processes=(("ccmc.exe", 0),))) is None
    assert rule(replace(busy, ccmcdata=(("Export", ()),))) is None


def test_an_export_file_without_contents_that_stays_confirms_q234745(tmp_path: Path) -> None:
    from harness.evidence import without_contents

    (tmp_path / "msg0BAD.ccm").write_bytes(b"Message:\r\n20\r\nFrom: A at PO1\r\nSubject: x\r\n")
    (tmp_path / "msg0001.ccm").write_bytes(b"Message:\r\n9\r\nContents:\r\n0\r\n")
    assert without_contents(tmp_path) == ("msg0BAD.ccm",)
    rule = RULES.lookup("corrupt-message").function
    files = (("Export", ("msg0BAD.ccm",)),)
    ev = replace(log(14001), ccmcdata=files, export_no_contents=("msg0BAD.ccm",))
    found = rule(ev)
    assert found is not None
    assert found.score >= 0.9
    assert rule(replace(ev, events=log(54, 54, 54).events)) is not None  # 54s: Bad path
    assert rule(replace(ev, export_no_contents=())) is None


# -- KB Q202240: a PCX attachment Export 5.15/6.0/8.0 does not finish ------------------------------


def _pcx_site(world: World, db: int) -> tuple[Site, int]:
    from harness.causes.corrupt_message.pcx import pcx_message

    site = standard_world(world, db=db, dirsync_done=True, start=False)
    po = site.postoffice
    queue = po.find("EX1")
    assert queue is not None
    when = datetime(1999, 6, 1, 9, 0)
    (number,) = po.deliver(queue, [pcx_message("Doe, J at PO1", "X at EX1", when, "chart")])
    return site, number


def test_export_6_stops_inside_the_pcx_item_and_keeps_it_queued(world: World) -> None:
    """KB Q202240: Export 6.0 does not finish the PCX message; mail behind it waits."""
    site, number = _pcx_site(world, 8)
    send_to_exchange(world, 2)
    switches = "/NEX1 /PSECRET /D\\\\POSRV\\CCDATA"
    world.path("C:\\TEMP").mkdir(parents=True, exist_ok=True)
    assert export(world, f"{switches} /@C:\\TEMP\\OUT.CCM /ITEMSIZE")[0] == 0
    text = world.path("C:\\TEMP\\OUT.CCM").read_bytes()
    assert b"File item: CHART.PCX\r\n" in text
    assert text.count(b"Message:") == 1
    assert b"PCX scan line 0000" in text
    assert b"PCX scan line 0063" not in text
    refs = site.postoffice.refs(site.postoffice.find("EX1"))
    assert next(r.number for r in refs) == number
    assert len(refs) == 3  # nothing left the queue
    code, listing = export(world, f"{switches} /MSG#")
    assert code == 0
    assert "cannot be read" not in listing


def test_export_5_14_exports_the_pcx_message_whole(world: World) -> None:
    """DB6's Export 5.14 is not one of the versions the article names."""
    site, _ = _pcx_site(world, 6)
    world.path("C:\\TEMP").mkdir(parents=True, exist_ok=True)
    switches = "/NEX1 /PSECRET /D\\\\POSRV\\CCDATA"
    assert export(world, f"{switches} /@C:\\TEMP\\OUT.CCM /ITEMSIZE")[0] == 0
    assert b"PCX scan line 0063" in world.path("C:\\TEMP\\OUT.CCM").read_bytes()
    assert site.postoffice.refs(site.postoffice.find("EX1")) == []


def test_bad_files_with_a_pcx_item_confirm_q202240_and_choose_forwarding(tmp_path: Path) -> None:
    from harness.evidence import with_pcx_item

    (tmp_path / "msg0001.ccm").write_bytes(b"Message:\r\n9\r\nFile item: chart.pcx\r\n90\r\nPC")
    (tmp_path / "msg0002.ccm").write_bytes(b"Message:\r\n9\r\nFile item: PCX.TXT\r\n3\r\nab\r\n")
    assert with_pcx_item(tmp_path) == ("msg0001.ccm",)
    rule = RULES.lookup("corrupt-message").function
    files = (("Bad", ("msg0001.ccm", "msg0002.ccm")),)
    ev = replace(log(54, 54, 54, 54), ccmcdata=files, bad_pcx=("msg0001.ccm",))
    found = rule(ev)
    assert found is not None
    assert found.score >= 0.9
    assert not found.confirm
    assert found.fix_name == "forward-pcx-message"
    other = rule(replace(ev, bad_pcx=()))
    assert other is not None
    assert other.fix_name == "delete-corrupt-message"


def test_forward_pcx_message_keeps_the_picture_in_a_cc_mail_mailbox(tmp_path: Path) -> None:
    site = broken(tmp_path, "pcx-attachment-queued", "world: {postoffice: {db: 8}}\n")
    po = Postoffice(site.po_path)
    queue = po.find(site.site)
    assert queue is not None
    assert len(po.refs(queue)) == 4
    after = fix_and_watch(site, "forward-pcx-message")
    assert 54 not in after
    assert po.refs(queue) == []
    held = [s for e in po.entries() if e.mailbox and e is not queue for s in po.mailbox(e)]
    assert [s.message.items[0][1] for s in held if s.message.items] == ["CHART.PCX"]
    assert check(site.world, postoffice=site.po_path).ok


# -- KB Q168556: a bad file in Ccmcdata\Export, Dr. Watson at every start --------------------------

#: the texts of KB Q168556's 82 and 87 (the file name as the sim writes it)
_EXCEPTION = (
    "An exception has occurred. The information is as follows: Exception code c0000005. "
    "Exception flags: 0. Exception address 779f42aa. Number of parameters: 2. Exception "
    "information 0 c150003."
)
_CONVERSION = (
    "Conversion from Lotus cc:Mail message format to Microsoft Exchange format failed due "
    "to an exception. Message file name is EXPORT\\msg0BAD.ccm. If the problem persists, "
    "please move the file from EXPORT directory and contact Microsoft Product Support "
    "Services."
)
_WATSON = (
    "The application, ccmc.dbg, generated an application error The error occurred on "
    "6/2/1998 @ 8:00:45.000 The exception generated was c0000005 at address 0041930a "
    "(<nosymbols>)"
)


def _crash_log() -> Evidence:
    """82 and 87 from the connector, 4097 from Dr. Watson, in that order."""
    ccmc = log((82, _EXCEPTION), (87, _CONVERSION))
    watson = log((4097, _WATSON), every=45, source="DrWatson")
    return Evidence(events=ccmc.events + watson.events)


#: ``EXPORT /MSG#`` that reads every queued message
_LISTING = ProgramOutput(command="EXPORT /NHQ /MSG#", account="EXSVC", code=0, output="")


def _named_in_87(site: Site) -> list[str]:
    """The files events 87 name (``Message file name is EXPORT\\<name>.``)."""
    texts = [r.description for r in site.world.eventlog.events(87)]
    return [t.split("EXPORT\\", 1)[1].split(". ", 1)[0] for t in texts]


def test_export_writes_a_message_with_a_short_size_alone_and_takes_it_out(world: World) -> None:
    """KB Q168556 (modelled): EXPORT reads it item by item and copies it as stored."""
    from harness.causes.corrupt_message.drwatson import shorten_size

    po, queue, number = _one_damaged_then_two(world, shorten_size)
    switches = "/NEX1 /PSECRET /D\\\\POSRV\\CCDATA"
    code, listing = export(world, f"{switches} /MSG#")
    assert code == 0
    assert "cannot be read" not in listing  # /MSG# reads it: the sizes of its items add up
    world.path("C:\\TEMP").mkdir(parents=True, exist_ok=True)
    assert export(world, f"{switches} /@C:\\TEMP\\ONE.CCM /ITEMSIZE")[0] == 0
    written = world.path("C:\\TEMP\\ONE.CCM").read_bytes()
    assert written.startswith(b"Message:\r\n00\r\nFrom: Doe, J at PO1\r\n")
    assert written.count(b"Message:") == 1
    remaining = {r.number for r in po.refs(queue)}
    assert number not in remaining
    assert len(remaining) == 2  # the mail behind it waits for the next run


def test_the_fault_ends_the_service_with_a_dr_watson_and_the_rule_confirms(
    tmp_path: Path,
) -> None:
    site = broken(tmp_path, "short-message-size")
    log_ = site.world.eventlog
    assert [r.event_id for r in log_.records[-3:]] == [82, 87, 4097]
    (watson,) = [r for r in log_.records if r.source == "DrWatson"]
    assert watson.event_id == 4097
    assert watson.category == "None"
    assert "The application, ccmc.dbg, generated an application error" in watson.description
    assert not log_.events(85)
    assert not log_.events(86)
    assert not site.service.running
    (name,) = _named_in_87(site)
    assert name in site.service.store.names(Folder.EXPORT)
    found = RULES.lookup("corrupt-message").function(collect(site))
    assert found is not None
    assert found.score >= 0.9
    assert not found.confirm
    assert found.fix_name == "isolate-export-file"
    assert any(name in line and "event 87 names" in line for line in found.evidence)


def test_every_start_reads_the_same_file_first_and_ends_the_same_way(tmp_path: Path) -> None:
    site = broken(tmp_path, "short-message-size")
    queue = Postoffice(site.po_path).find(site.site)
    assert queue is not None
    waiting = len(Postoffice(site.po_path).refs(queue))
    for _ in range(2):
        mark = len(site.world.eventlog)
        site.service.start()
        site.world.clock.advance(300)
        assert [r.event_id for r in site.world.eventlog.since(mark)] == [82, 87, 4097]
        assert not site.service.running
    assert len(set(_named_in_87(site))) == 1  # always the same file
    assert len(Postoffice(site.po_path).refs(queue)) == waiting  # the mail behind it waits


def test_events_alone_point_at_it_unconfirmed() -> None:
    rule = RULES.lookup("corrupt-message").function
    found = rule(_crash_log())
    assert found is not None
    assert found.confirm
    assert found.fix_name == "isolate-export-file"
    assert any("DrWatson" in line for line in found.evidence)
    alone = rule(log((82, _EXCEPTION), (87, _CONVERSION)))
    assert alone is not None
    assert alone.score < found.score  # without the Dr. Watson, less sure


def test_the_file_87_names_in_export_confirms_it_and_once_gone_it_is_history() -> None:
    rule = RULES.lookup("corrupt-message").function
    there = replace(_crash_log(), ccmcdata=(("Export", ("Ccmdir.exp", "msg0BAD.ccm")),))
    found = rule(there)
    assert found is not None
    assert not found.confirm
    assert "Ccmcdata\\Export holds msg0BAD.ccm, the file event 87 names" in found.evidence
    gone = replace(there, ccmcdata=(("Export", ("Ccmdir.exp",)),))
    assert rule(replace(gone, msg_list=_LISTING)) is None


def test_isolate_export_file_leaves_out_only_the_file_causing_the_dr_watson(
    tmp_path: Path,
) -> None:
    site = broken(tmp_path, "short-message-size")
    store = site.service.store
    (bad,) = [n for n in store.names(Folder.EXPORT) if n.casefold().endswith(".ccm")]
    others = [n for n in store.names(Folder.EXPORT) if n != bad]
    assert others  # the dirsync files: something to halve
    after = fix_and_watch(site, "isolate-export-file")
    assert not after & {82, 87, 4097}
    assert site.service.running
    assert [p.name for p in site.world.path("C:\\CCMCOLD\\EXPORT1").iterdir()] == [bad]
    assert set(others) <= set(store.names(Folder.EXPORT))
    queue = Postoffice(site.po_path).find(site.site)
    assert queue is not None
    assert Postoffice(site.po_path).refs(queue) == []
    assert check(site.world, postoffice=site.po_path).ok
    assert RULES.lookup("corrupt-message").function(collect(site)) is None


def _short_by_hand(site: Site) -> None:
    """By hand: the size under ``Message:`` of a queued message zeroed (Q168556)."""

    def zero_size(payload: bytes) -> bytes:
        head, _, rest = payload[4:].partition(b"\r\n")
        digits, _, tail = rest.partition(b"\r\n")
        return payload[:4] + head + b"\r\n" + b"0" * len(digits) + b"\r\n" + tail

    _rewrite_queued(site, zero_size)


DRWATSON_CASE = CauseCase(
    cause="corrupt-message",
    fault="short-message-size",
    by_hand=_short_by_hand,
    events_alone=_crash_log(),
    symptoms=(82, 87, 4097),
)


class TestTheQ168556VariantPassesTheChecks(CauseChecks):
    case = DRWATSON_CASE
