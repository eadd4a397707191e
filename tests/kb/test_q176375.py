"""KB Q176375: events 82 and 83 repeat 25 times, then 85; the article's way out by hand.

Symptoms as written (Exchange 5.0): event 82 "An exception has occurred ... Exception
code c0000005 ... address 2e3d3d3d", event 83 "The exception UNKNOWN was caught in
function dwCCExport"; "These errors repeat 25 times, until" event 85 and the
connector shuts down. "Restarting the CCMC does not resolve the problem. Moving the
contents of \\EXCHSRVR\\CCMCDATA\\EXPORT to another directory allows the CCMC to
restart." Cause: an illegal section name in the file Export created. Status: corrected
in the latest U.S. service pack for Exchange 5.0 (``sim.connector.flow``).
"""

from __future__ import annotations

from datetime import datetime

from harness.causes.corrupt_message.section import add_section_name
from sim.connector.setup import Site, send_to_ccmail, send_to_exchange, standard_world
from sim.connector.store import Folder
from sim.exchange import Mailbox
from sim.message import Message
from sim.postoffice.layout import Location
from sim.world import World
from tests.kb.hand import ids_since, mail_flows, restarted_25_times_then_85

#: the subject of the damaged message (it carries no tracking identity)
SUBJECT = "Quarterly figures"
#: "another directory" outside Exchsrvr
ELSEWHERE = "C:\\CCMCOLD"


def _damaged(world: World, service_pack: int = 1) -> Site:
    """Exchange 5.0: a message queued for Exchange holds an illegal section name."""
    site = standard_world(
        world, dirsync_done=True, start=False, version="5.0", service_pack=service_pack
    )
    po = site.postoffice
    queue = po.find("EX1")
    assert queue is not None
    body = "The figures for the quarter are below."
    to = site.exchange.ccmail_address(_first_mailbox(site))
    sender = next(e.name for e in po.entries() if e.location is Location.LOCAL)
    message = Message(f"{sender} at PO1", datetime(1998, 6, 2, 8, 0), (to,), SUBJECT, body)
    (number,) = po.deliver(queue, [message])
    add_section_name(po, queue, number)
    return site


def _first_mailbox(site: Site) -> Mailbox:
    return next(iter(sorted(site.exchange.mailboxes.items())))[1]


def _stuck(site: Site) -> list[str]:
    return [n for n in site.service.store.names(Folder.EXPORT) if n.casefold().endswith(".ccm")]


def test_82_and_83_repeat_25_times_then_85_and_the_service_stops(real_world: World) -> None:
    site = _damaged(real_world)
    site.service.start()
    real_world.clock.advance(300)
    log = real_world.eventlog
    assert "Exception code c0000005" in log.events(82)[0].description
    caught = log.events(83)
    assert caught[0].description == "The exception UNKNOWN was caught in function dwCCExport."
    restarted_25_times_then_85(site)
    assert len(caught) == 26  # the first, then one after each of the 25 restarts
    assert len(_stuck(site)) == 1


def test_restarting_the_ccmc_does_not_resolve_it(real_world: World) -> None:
    site = _damaged(real_world)
    site.service.start()
    real_world.clock.advance(300)
    mark = len(real_world.eventlog.records)
    site.service.start()  # Control Panel, Services, Start
    real_world.clock.advance(300)
    assert {82, 83, 86, 85} <= ids_since(real_world, mark)
    assert not site.service.running


def test_moving_the_export_contents_elsewhere_lets_the_ccmc_restart(real_world: World) -> None:
    site = _damaged(real_world)
    site.service.start()
    real_world.clock.advance(300)
    store = site.service.store
    parked = real_world.path(ELSEWHERE)
    parked.mkdir(parents=True)
    for name in store.names(Folder.EXPORT):  # move the contents of Ccmcdata\Export
        store.path(Folder.EXPORT, name).replace(parked / name)
    site.service.start()
    mark = len(real_world.eventlog.records)
    inbound = send_to_exchange(real_world, 3)
    outbound = send_to_ccmail(real_world, 2)
    real_world.clock.advance(900)
    assert not ids_since(real_world, mark) & {82, 83, 85, 86}
    assert site.service.running
    assert not _stuck(site)
    assert [p.name for p in parked.iterdir()]  # the file waits where it was put
    mail_flows(site, inbound, outbound)


def test_the_50_service_pack_converts_the_file_and_nothing_is_lost(real_world: World) -> None:
    """The status: the latest 5.0 service pack handles the section; the file it left converts."""
    site = _damaged(real_world)
    site.service.start()
    real_world.clock.advance(300)
    waiting = send_to_exchange(real_world, 2)  # queued while the service is down
    site.exchange.service_pack = 2  # the service pack's setup
    site.service.start()
    mark = len(real_world.eventlog.records)
    inbound = waiting + send_to_exchange(real_world, 2)
    outbound = send_to_ccmail(real_world, 2)
    real_world.clock.advance(900)
    assert not ids_since(real_world, mark) & {54, 82, 83, 85, 86}
    assert not _stuck(site)
    assert not site.service.store.names(Folder.BAD)
    mail_flows(site, inbound, outbound)
    # the message with the section delivered, the line kept as text
    (arrived,) = [m for m in _first_mailbox(site).items if m.subject == SUBJECT]
    assert "Memo item:" in arrived.body
