"""KB Q212759: Event 54 every 15 seconds, the same message into ``Bad``; the article's steps.

Symptoms as written: event 54 every 15 s; the same message keeps arriving in
``Ccmcdata\\Bad`` under new file names; nothing is added to ``Export`` or ``Submit``.
Cause: a corrupted message in the cc:Mail post office. Workaround as written:
1. stop the cc:Mail connector service; 2. clean out ``Ccmcdata\\Bad``; 3. run
``EXPORT /N<site> /Ppassword /D<po> /MSG# /@filename.txt`` at a command prompt and find
the corrupted message's number; 4. ``EXPORT /N<site> /Ppassword /D<po> /DELETE/<n>``;
5. restart the service: "Mail flows, and there are no further errors."
"""

from __future__ import annotations

import re
from datetime import datetime

from harness.causes.corrupt_message import spoil_size
from sim.connector.setup import Site, send_to_ccmail, send_to_exchange, standard_world
from sim.connector.store import Folder
from sim.message import Message
from sim.world import World
from tests.kb.hand import delete, ids_since, mail_flows, prompt


def _damaged(world: World) -> Site:
    site = standard_world(world, dirsync_done=True, start=False, service_pack=3)
    po = site.postoffice
    queue = po.find("EX1")
    assert queue is not None
    message = Message("Doe, J at PO1", datetime(1998, 6, 2, 8, 0), ("X at EX1",), "Budget", "")
    (number,) = po.deliver(queue, [message])
    spoil_size(po, queue, number)
    return site


def test_the_article_steps_delete_the_message_and_mail_flows(real_world: World) -> None:
    site = _damaged(real_world)
    site.service.start()
    before = send_to_exchange(real_world, 3)
    real_world.clock.advance(120)
    store = site.service.store
    assert len(real_world.eventlog.events(54)) >= 5  # every 15 s
    assert len(store.names(Folder.BAD)) >= 5  # the same message, new names
    assert not [n for n in store.names(Folder.EXPORT) if n.endswith(".ccm")]
    site.service.stop()  # 1
    for name in store.names(Folder.BAD):  # 2
        delete(real_world, store.win(Folder.BAD, name))
    real_world.path("C:\\TEMP").mkdir(parents=True, exist_ok=True)
    switches = f"/NEX1 /PSECRET /D{site.po_unc}"
    listed = prompt(site, "EXPORT.EXE", f"{switches} /MSG# /@C:\\TEMP\\CCMESSG.TXT")  # 3
    assert listed.code == 0
    text = real_world.path("C:\\TEMP\\CCMESSG.TXT").read_bytes().decode("cp850")
    numbers = re.findall(r"Message #: (\d+)\r\n\*\*\* Message cannot be read", text)
    assert len(numbers) == 1
    deleted = prompt(site, "EXPORT.EXE", f"{switches} /DELETE/{numbers[0]}")  # 4
    assert deleted.code == 0
    site.service.start()  # 5
    mark = len(real_world.eventlog.records)
    inbound = before + send_to_exchange(real_world, 2)
    outbound = send_to_ccmail(real_world, 2)
    real_world.clock.advance(900)
    assert 54 not in ids_since(real_world, mark)  # "there are no further errors"
    assert not store.names(Folder.BAD)
    mail_flows(site, inbound, outbound)  # "Mail flows"


def test_deleting_the_bad_files_alone_does_not_help(real_world: World) -> None:
    """Without step 4 the message is still queued: 54 comes back at once."""
    site = _damaged(real_world)
    site.service.start()
    real_world.clock.advance(60)
    store = site.service.store
    site.service.stop()
    for name in store.names(Folder.BAD):
        delete(real_world, store.win(Folder.BAD, name))
    site.service.start()
    mark = len(real_world.eventlog.records)
    real_world.clock.advance(60)
    assert 54 in ids_since(real_world, mark)
