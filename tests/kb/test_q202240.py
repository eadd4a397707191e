"""KB Q202240: messages queued at the cc:Mail post office, Event 54; the article's steps.

Symptoms as written: messages from cc:Mail to Exchange "remain queued at the cc:Mail
post office"; Event 54 "Conversion of message failed and the message was moved to the
Bad directory". Cause: Export.exe (5.15 on DB6, 6.0 and 8.0 on DB8) "is not finishing
exporting a message with a PC Paintbrush (PCX) attachment". Workaround as written:
1. open several files in ``Exchsrvr\\Ccmcdata\\Bad`` with Notepad and confirm they are
copies of the same message; 2. locate that message in the cc:Mail post office queue;
3. forward it to another cc:Mail mailbox and delete it from the queue; 4. restart the
connector: "The queued messages should now be sent from cc:Mail to Exchange Server."
"""

from __future__ import annotations

import re
from datetime import datetime

from harness.causes.corrupt_message.pcx import PCX_NAME, pcx_message
from sim.connector.setup import Site, send_to_ccmail, send_to_exchange, standard_world
from sim.connector.store import Folder
from sim.postoffice.layout import Location
from sim.world import World
from tests.kb.hand import ids_since, mail_flows
from tests.kb.pages import console

SUBJECT = "Sales chart"
SENDER = "Doe, J at PO1"


def _queued_pcx(world: World) -> Site:
    """A DB8 post office (Export 6.0); a user sends a PCX picture to Exchange."""
    site = standard_world(world, db=8, dirsync_done=True, start=False)
    po = site.postoffice
    queue = po.find("EX1")
    assert queue is not None
    when = datetime(1999, 6, 2, 8, 0)
    po.deliver(queue, [pcx_message(SENDER, "Administrator at EX1", when, SUBJECT)])
    return site


def _queued(site: Site) -> int:
    queue = site.postoffice.find("EX1")
    assert queue is not None
    return len(site.postoffice.refs(queue))


def _header(text: str, key: str) -> str:
    found = re.search(rf"^{key}: (.*)\r$", text, re.MULTILINE)
    assert found is not None
    return found.group(1)


def test_the_article_steps_forward_and_delete_the_message_and_the_queue_drains(
    real_world: World,
) -> None:
    site = _queued_pcx(real_world)
    site.service.start()
    sent = send_to_exchange(real_world, 3)
    real_world.clock.advance(300)
    store = site.service.store
    assert len(real_world.eventlog.events(54)) >= 5  # Event 54, again at every poll
    assert _queued(site) == len(sent) + 1  # "remain queued at the cc:Mail post office"
    in_exchange = {m.ident for b in site.exchange.mailboxes.values() for m in b.items}
    assert not set(sent) & in_exchange
    # 1. Notepad on several files in Bad: copies of the same message
    bad = [store.path(Folder.BAD, n).read_bytes().decode("cp850") for n in store.names(Folder.BAD)]
    assert len(bad) >= 3
    assert {(_header(t, "From"), _header(t, "Subject")) for t in bad} == {(SENDER, SUBJECT)}
    assert all(f"File item: {PCX_NAME}" in t for t in bad)
    # 2. locate it in the post office queue (cc:Mail ADMIN)
    admin = "/NPO1 /PSECRET /D" + site.po_unc
    code, listed = console(real_world, site.postoffice, "ADMIN", f"{admin} MESSAGES EX1")
    assert code == 0
    blocks = listed.split("Message #: ")[1:]
    (number,) = [b.split("\n", 1)[0] for b in blocks if f"Subject: {SUBJECT}" in b]
    assert f"File items: {PCX_NAME}" in next(b for b in blocks if b.startswith(number))
    # 3. forward it to another cc:Mail mailbox, delete it from the queue
    site.service.stop()
    po = site.postoffice
    user = next(e.name for e in po.entries() if e.location is Location.LOCAL)
    assert console(real_world, po, "ADMIN", f"{admin} FORWARD {number} {user}")[0] == 0
    assert console(real_world, po, "ADMIN", f"{admin} REMOVE {number}")[0] == 0
    # 4. restart the connector
    site.service.start()
    mark = len(real_world.eventlog.records)
    inbound = sent + send_to_exchange(real_world, 2)
    outbound = send_to_ccmail(real_world, 2)
    real_world.clock.advance(900)
    assert 54 not in ids_since(real_world, mark)
    assert _queued(site) == 0  # "The queued messages should now be sent"
    mail_flows(site, inbound, outbound)
    kept = [s.message for s in site.postoffice.mailbox(user) if s.message.subject == SUBJECT]
    assert [m.items[0][1] for m in kept] == [PCX_NAME]  # the picture is kept, not lost


def test_removing_the_bad_files_alone_does_not_help(real_world: World) -> None:
    """The message is still queued: the next poll moves it to Bad again."""
    site = _queued_pcx(real_world)
    site.service.start()
    real_world.clock.advance(60)
    site.service.stop()
    store = site.service.store
    for name in store.names(Folder.BAD):
        store.path(Folder.BAD, name).unlink()
    site.service.start()
    mark = len(real_world.eventlog.records)
    real_world.clock.advance(60)
    assert 54 in ids_since(real_world, mark)
