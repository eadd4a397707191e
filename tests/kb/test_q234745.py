"""KB Q234745 (with Q212759): a ``.ccm`` without ``Contents:``; the article's workaround by hand.

Symptoms as written: a corrupted cc:Mail message (``.ccm``) file makes the connector
use up to 90 percent of the CPU and stop all inbound mail; the message lacks the
mandatory ``Contents:`` field and the connector loops (fixed in 5.5 SP3).
Workaround as written: stop the cc:Mail connector service, delete the stuck message
in ``Exchsrvr\\Ccmcdata\\Export``. The post office no longer holds that message
(EXPORT took it out of the queue when it wrote the file, ``sim.programs.export``),
so after the restart the mail behind it flows and nothing comes back.
"""

from __future__ import annotations

from datetime import datetime

from harness.causes.corrupt_message import strip_contents
from sim.connector.setup import Site, send_to_ccmail, send_to_exchange, standard_world
from sim.connector.store import Folder
from sim.message import Message
from sim.world import World
from tests.kb.hand import delete, ids_since, mail_flows

#: the subject of the damaged message (it carries no tracking identity)
SUBJECT = "Quarterly figures"


def _damaged(world: World, service_pack: int) -> Site:
    """A message queued for Exchange has lost its ``Contents:`` line (corrupt body)."""
    site = standard_world(world, dirsync_done=True, start=False, service_pack=service_pack)
    po = site.postoffice
    queue = po.find("EX1")
    assert queue is not None
    message = Message("Doe, J at PO1", datetime(1998, 6, 2, 8, 0), ("X at EX1",), SUBJECT, "")
    (number,) = po.deliver(queue, [message])
    strip_contents(po, queue, number)
    return site


def _queued(site: Site) -> int:
    queue = site.postoffice.find("EX1")
    assert queue is not None
    return len(site.postoffice.refs(queue))


def _cpu(site: Site, image: str) -> int:
    return max((cpu for name, cpu in site.service.processes() if name == image), default=0)


def test_the_stuck_file_loops_the_connector_before_sp3(real_world: World) -> None:
    site = _damaged(real_world, 2)
    site.service.start()
    sent = send_to_exchange(real_world, 3)
    real_world.clock.advance(600)
    assert not ids_since(real_world, 0) & {54, 82, 87}  # no event at all
    assert _cpu(site, "ccmc.exe") >= 90  # "up to 90 percent of the CPU"
    stuck = [n for n in site.service.store.names(Folder.EXPORT) if n.endswith(".ccm")]
    assert len(stuck) == 1
    assert b"Contents:" not in site.service.store.path(Folder.EXPORT, stuck[0]).read_bytes()
    assert _queued(site) == len(sent)  # the mail behind it waits; the damaged one left
    in_exchange = {m.ident for b in site.exchange.mailboxes.values() for m in b.items}
    assert not set(sent) & in_exchange


def test_stop_delete_the_stuck_file_start_and_mail_flows(real_world: World) -> None:
    site = _damaged(real_world, 2)
    site.service.start()
    before = send_to_exchange(real_world, 3)
    real_world.clock.advance(600)
    store = site.service.store
    site.service.stop()  # stop the cc:Mail connector service
    (stuck,) = [n for n in store.names(Folder.EXPORT) if n.endswith(".ccm")]
    delete(real_world, store.win(Folder.EXPORT, stuck))  # delete the stuck message
    site.service.start()
    mark = len(real_world.eventlog.records)
    inbound = before + send_to_exchange(real_world, 2)
    outbound = send_to_ccmail(real_world, 2)
    real_world.clock.advance(900)
    assert not ids_since(real_world, mark) & {54, 82, 85, 86, 87}
    assert 67 in ids_since(real_world, mark)
    assert _cpu(site, "ccmc.exe") == 0
    assert not [n for n in store.names(Folder.EXPORT) if n.endswith(".ccm")]  # not back
    assert not store.names(Folder.BAD)
    assert _queued(site) == 0
    mail_flows(site, inbound, outbound)
    delivered = [m.subject for b in site.exchange.mailboxes.values() for m in b.items]
    assert SUBJECT not in delivered  # the corrupt message was removed, as the article says


def test_the_stuck_file_hangs_again_after_a_restart_if_left(real_world: World) -> None:
    """Only the delete helps: a restart alone meets the same file first (Q234745)."""
    site = _damaged(real_world, 2)
    site.service.start()
    real_world.clock.advance(120)
    site.service.restart()
    sent = send_to_exchange(real_world, 2)
    real_world.clock.advance(600)
    assert _cpu(site, "ccmc.exe") >= 90
    assert _queued(site) == len(sent)


def test_sp3_moves_the_file_to_bad_once_and_mail_flows(real_world: World) -> None:
    """With the fix (5.5 SP3, Ccmc.exe 2623) the file is refused once: Bad and event 54."""
    site = _damaged(real_world, 3)
    site.service.start()
    inbound = send_to_exchange(real_world, 3)
    outbound = send_to_ccmail(real_world, 2)
    real_world.clock.advance(900)
    assert len(real_world.eventlog.events(54)) == 1
    assert len(site.service.store.names(Folder.BAD)) == 1
    assert _cpu(site, "ccmc.exe") == 0
    mail_flows(site, inbound, outbound)
