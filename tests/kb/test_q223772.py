"""KB Q223772: the connector loops trying to import the same message; the resolution by hand.

Symptoms as written: when IMPORT returns result code 1 for a message (in the
description of event 59), "it is likely that the cc:Mail IMPORT program will not
delete the original .ccm file ... the connector continually tries to import the same
message. A non-delivery report is written to the .und file for each attempt ...;
consequently, the .und file gets larger and larger." Cause: the connector was
modified "to work around this class of error ... and remove the .ccm file from the
import directory". Resolution: the latest Exchange 5.5 service pack (first corrected
in SP3; Ccmc.exe and Ccmsg.dll 5.5.2571.0): here ``SETUP EX55SP3`` at the server's
console, then the service stopped and started. The message IMPORT refuses is the
sim's modelled one (a recipient name past 126 characters, ``sim.programs.routing``).
"""

from __future__ import annotations

from sim.connector.setup import Site, send_to_ccmail, send_to_exchange, standard_world
from sim.connector.store import Folder
from sim.conservation import check
from sim.message import Message
from sim.programs.routing import NAME_LIMIT
from sim.world import World
from tests.kb.hand import ids_since, mail_flows
from tests.kb.pages import setup_kit

SUBJECT = "Order confirmation"
#: a one-off cc:Mail address typed by the Exchange user: its name is longer than IMPORT takes
NAME = "Purchasing " + "Order Desk " * (NAME_LIMIT // 11) + "North"


def _looping(world: World, service_pack: int = 2) -> tuple[Site, str, str]:
    """Exchange 5.5 at ``service_pack``; an Exchange user has sent to the long name."""
    site = standard_world(world, dirsync_done=True, service_pack=service_pack)
    exchange = site.exchange
    sender = sorted(exchange.mailboxes)[-1]
    ident = world.new_ident("exchange", f"EX:{sender}", SUBJECT)
    to = (f"CCMAIL:{NAME} at PO1",)
    exchange.submit(Message(f"EX:{sender}", world.clock.datetime, to, SUBJECT, "Hi.", ident=ident))
    return site, sender, ident


def _in_import(site: Site, suffix: str) -> list[str]:
    return [n for n in site.service.store.names(Folder.IMPORT) if n.casefold().endswith(suffix)]


def _reports(site: Site, name: str) -> int:
    return site.service.store.path(Folder.IMPORT, name).read_bytes().count(b"Reason: ")


def _ndrs(site: Site, alias: str) -> list[Message]:
    box = site.exchange.mailboxes[alias.casefold()]
    return [m for m in box.items if m.subject == f"Undeliverable: {SUBJECT}"]


def test_the_same_message_is_imported_again_and_again_and_the_und_grows(
    real_world: World,
) -> None:
    site, sender, ident = _looping(real_world)
    real_world.clock.advance(120)
    (ccm,) = _in_import(site, ".ccm")
    (und,) = _in_import(site, ".und")
    assert und.casefold() == ccm.casefold()[:-4] + ".und"
    first, failures = _reports(site, und), len(real_world.eventlog.events(59))
    assert first >= 2
    behind = send_to_ccmail(real_world, 3)
    real_world.clock.advance(600)
    assert _in_import(site, ".ccm") == [ccm]  # the same file, every attempt
    assert _reports(site, und) > first  # "the .und file gets larger and larger"
    failing = real_world.eventlog.events(59)
    assert len(failing) > failures + 30  # one 59 per attempt, every 15 seconds
    assert "returned result code 1" in failing[-1].description
    assert (
        f"Reason: Name too long: {NAME}".encode()
        in site.service.store.path(Folder.IMPORT, und).read_bytes()
    )
    assert not _ndrs(site, sender)  # no NDR reaches the sender: the reports stay in the .und
    waiting = len(site.exchange.mts_out) + len(site.service.store.names(Folder.SUBMIT))
    assert waiting == len(behind)  # the mail behind it waits
    report = check(real_world)
    assert report.ok, report.summary()  # nothing lost, nothing delivered twice
    assert report.places[ident] == (f"store:Import\\{ccm}",)


def test_moving_the_und_out_does_not_stop_the_loop(real_world: World) -> None:
    """Q212788's steps do not help here: the next attempt writes the .und again."""
    site, _, _ = _looping(real_world)
    real_world.clock.advance(120)
    service = site.service
    service.stop()
    parked = real_world.path("C:\\UNDSAVE")
    parked.mkdir()
    (und,) = _in_import(site, ".und")
    service.store.path(Folder.IMPORT, und).replace(parked / und)
    service.start()
    mark = len(real_world.eventlog.records)
    real_world.clock.advance(300)
    assert 59 in ids_since(real_world, mark)
    assert _in_import(site, ".und") == [und]


def test_exchange_55_sp3_removes_the_ccm_and_mail_flows(real_world: World) -> None:
    site, sender, ident = _looping(real_world)
    behind = send_to_ccmail(real_world, 3)
    real_world.clock.advance(600)
    (und,) = _in_import(site, ".und")
    assert _reports(site, und) > 10
    out = setup_kit(real_world, "EX55SP3")  # the latest Exchange 5.5 service pack
    assert "Service Pack 3 is installed" in out
    assert site.exchange.service_pack == 3
    site.service.stop()
    site.service.start()
    mark = len(real_world.eventlog.records)
    inbound = send_to_exchange(real_world, 2)
    outbound = [*behind, *send_to_ccmail(real_world, 2)]
    real_world.clock.advance(900)
    failing = [r for r in real_world.eventlog.records[mark:] if r.event_id == 59]
    assert len(failing) <= 1  # the first attempt, after which the connector removes the file
    assert not _in_import(site, ".ccm")
    assert not _in_import(site, ".und")  # no growing .und
    (ndr,) = _ndrs(site, sender)  # the sender learns once that it was not delivered
    assert ndr.ident == ident
    assert NAME in ndr.body
    mail_flows(site, inbound, outbound)


def test_sp3_refuses_the_message_once(real_world: World) -> None:
    """With the fix from the start: one 59, one NDR, the .ccm removed, no loop."""
    site, sender, _ = _looping(real_world, service_pack=3)
    outbound = send_to_ccmail(real_world, 3)
    real_world.clock.advance(900)
    assert len(real_world.eventlog.events(59)) == 1
    assert not _in_import(site, ".ccm")
    assert not _in_import(site, ".und")
    assert len(_ndrs(site, sender)) == 1
    mail_flows(site, [], outbound)
