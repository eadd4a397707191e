"""KB Q168556: Dr. Watson when starting the connector; the article's way out by hand.

Symptoms as written: starting the service "may cause Dr. Watson with exception access
violation (0xC0000005), Address: 0041930a", and the Application log shows DrWatson 4097
"The application, ccmc.dbg, generated an application error ... The exception generated
was c0000005 at address 0041930a (<nosymbols>)", MSExchangeCCMC 82 "An exception has
occurred ... Exception code c0000005. Exception flags: 0. Exception address 779f42aa.
Number of parameters: 2. Exception information 0 c150003." and 87 "Conversion from Lotus
cc:Mail message format to Microsoft Exchange format failed due to an exception. Message
file name is EXPORT\\msgXX.ccm ...". Resolution: move all the files out of
Exchsrvr\\Ccmcdata\\Export to a temporary directory outside Exchsrvr; the service then
starts without the Dr. Watson; stop it, move some of the files back and start it; after
a Dr. Watson move those back to the temporary directory; go on until the file causing it
is isolated. What is bad in the file is modelled (``sim.connector.flow.conversion_crash``:
a message size smaller than the message). No harness fix is used here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.causes.corrupt_message.drwatson import shorten_size
from sim.connector.setup import Site, send_to_ccmail, send_to_exchange, standard_world
from sim.connector.store import Folder
from sim.conservation import check
from sim.exchange import Mailbox
from sim.message import Message
from sim.postoffice.layout import Location
from sim.world import World
from tests.kb.hand import ids_since, mail_flows

#: the subject of the damaged message (it carries a tracking identity: nothing is lost)
SUBJECT = "Budget draft"
#: "a temporary directory outside of the Exchsrvr directory"
TEMP = "C:\\CCTEMP"
#: what a start that ends in a Dr. Watson logs, in order
CRASH = [82, 87, 4097]

EXCEPTION_82 = (
    "An exception has occurred. The information is as follows: Exception code c0000005. "
    "Exception flags: 0. Exception address 779f42aa. Number of parameters: 2. Exception "
    "information 0 c150003."
)


def _first_mailbox(site: Site) -> Mailbox:
    return next(iter(sorted(site.exchange.mailboxes.items())))[1]


def _broken(world: World) -> tuple[Site, str, list[str]]:
    """A message queued for Exchange with its size damaged, three more behind it; the
    service started once. Returns the site, the damaged message's identity and the
    identities of the mail behind it."""
    site = standard_world(world, dirsync_done=True, start=False)
    po = site.postoffice
    queue = po.find("EX1")
    assert queue is not None
    sender = next(e.name for e in po.entries() if e.location is Location.LOCAL)
    to = site.exchange.ccmail_address(_first_mailbox(site))
    ident = world.new_ident("ccmail", f"{sender} at PO1", SUBJECT)
    body = "The draft for next year is below."
    message = Message(f"{sender} at PO1", world.clock.datetime, (to,), SUBJECT, body, ident=ident)
    (number,) = po.deliver(queue, [message])
    shorten_size(po, queue, number)
    behind = send_to_exchange(world, 3)
    site.service.start()
    world.clock.advance(60)
    return site, ident, behind


def _export(site: Site) -> list[str]:
    return site.service.store.names(Folder.EXPORT)


def _start(site: Site) -> set[int]:
    """Start the service from Control Panel, Services; a minute later, what it logged."""
    mark = len(site.world.eventlog)
    site.service.start()
    site.world.clock.advance(60)
    return ids_since(site.world, mark)


def _move(names: list[str], source: Path, target: Path) -> None:
    for name in names:
        (source / name).replace(target / name)


def test_starting_the_service_ends_in_a_dr_watson_with_4097_82_and_87(real_world: World) -> None:
    site, _, behind = _broken(real_world)
    log = real_world.eventlog
    assert [r.event_id for r in log.records[-3:]] == CRASH
    (watson,) = [r for r in log.records if r.event_id == 4097]
    assert (watson.source, watson.category) == ("DrWatson", "None")
    assert watson.description.startswith(
        "The application, ccmc.dbg, generated an application error The error occurred on "
    )
    assert watson.description.endswith(
        "The exception generated was c0000005 at address 0041930a (<nosymbols>)"
    )
    (exception,) = log.events(82)
    assert exception.description == EXCEPTION_82
    (conversion,) = log.events(87)
    (name,) = [n for n in _export(site) if n.casefold().endswith(".ccm")]
    assert conversion.description == (
        "Conversion from Lotus cc:Mail message format to Microsoft Exchange format failed "
        f"due to an exception. Message file name is EXPORT\\{name}. If the problem persists, "
        "please move the file from EXPORT directory and contact Microsoft Product Support "
        "Services."
    )
    assert not site.service.running
    assert not log.events(85)  # the process ended: no thread restarts, no 85
    queue = site.postoffice.find("EX1")
    assert queue is not None
    assert len(site.postoffice.refs(queue)) == len(behind)  # the mail behind it waits


def test_every_start_ends_the_same_way_while_the_file_is_in_export(real_world: World) -> None:
    site, _, _ = _broken(real_world)
    first = list(_export(site))
    for _ in range(3):
        assert _start(site) == set(CRASH)
        assert not site.service.running
    assert _export(site) == first
    names = {
        r.description.split("EXPORT\\")[1].split(". ")[0] for r in real_world.eventlog.events(87)
    }
    assert len(names) == 1


@pytest.mark.parametrize("back_first", ["first half", "second half"])
def test_the_articles_steps_isolate_the_file_and_mail_flows(
    real_world: World, back_first: str
) -> None:
    """Steps 1-5, halving: whichever half is moved back first (the article says "some of
    the files"), the file is found; sorted by name, one order meets the Dr. Watson
    during the halving, the other only when the last file is tried alone."""
    site, ident, behind = _broken(real_world)
    export = site.service.store.path(Folder.EXPORT)
    temp = real_world.path(TEMP)
    temp.mkdir(parents=True)
    moved = _export(site)
    assert len(moved) > 1  # the message file and the dirsync files
    # 1. move all the files out of Exchsrvr\ccmcdata\export
    _move(moved, export, temp)
    # 2. "The service will start without the Dr. Watson error."
    assert not _start(site) & set(CRASH)
    assert site.service.running
    site.service.stop()
    suspects = sorted(moved, key=str.casefold)
    while len(suspects) > 1:
        # 3. stop the service, move some of the files back (half of the suspects)
        half, rest = suspects[: len(suspects) // 2], suspects[len(suspects) // 2 :]
        if back_first == "second half":
            half, rest = rest, half
        _move(half, temp, export)
        # 4. start it; after a Dr. Watson move those files back to the temporary directory
        if 4097 in _start(site):
            assert not site.service.running
            _move([n for n in half if (export / n).exists()], export, temp)
            suspects = half
        else:  # 5. move other files back and start again
            site.service.stop()
            suspects = rest
    # the one left causes the Dr. Watson on its own: isolated
    (isolated,) = suspects
    _move([isolated], temp, export)
    assert _start(site) == set(CRASH)
    assert f"EXPORT\\{isolated}." in real_world.eventlog.events(87)[-1].description
    _move([isolated], export, temp)
    # 5. the other files go back to Export; the isolated one stays out
    _move(sorted(p.name for p in temp.iterdir() if p.name != isolated), temp, export)
    assert [p.name for p in temp.iterdir()] == [isolated]
    assert set(moved) - {isolated} <= set(_export(site))
    # restarted with the file left out: no new Dr. Watson, 82 or 87; mail flows both ways
    mark = len(real_world.eventlog)
    site.service.start()
    inbound = behind + send_to_exchange(real_world, 2)
    outbound = send_to_ccmail(real_world, 2)
    real_world.clock.advance(900)
    assert not ids_since(real_world, mark) & set(CRASH)
    assert site.service.running
    mail_flows(site, inbound, outbound, elsewhere=[temp])
    # nothing lost: the damaged message waits in the file the article left outside Exchsrvr
    assert check(real_world, elsewhere=[temp]).places[ident] == (f"parked:{temp / isolated}",)
