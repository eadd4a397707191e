"""KB Q166499: an NDR with "Header Buffer Full" for a large recipient list; the workaround.

Symptoms as written: a message from Exchange to a large number of cc:Mail recipients
comes back as an NDR from the cc:Mail connector containing "Header Buffer Full.";
cc:Mail's header limit is 4 KB and the string "may also be repeated for each
additional recipient that goes beyond the 4-KB header limit". Workaround as
written: re-send the mail to fewer recipients.
"""

from __future__ import annotations

from sim.connector.setup import Site, standard_world
from sim.message import Message
from sim.postoffice.layout import Location
from sim.world import World
from tests.kb.hand import mail_flows

RECIPIENTS = 170
FULL = "Header Buffer Full"


def _send(site: Site, names: list[str], subject: str) -> str:
    world = site.world
    ident = world.new_ident("exchange", "EX:Administrator", subject)
    to = tuple(f"CCMAIL:{n} at PO1" for n in names)
    site.exchange.submit(
        Message("EX:Administrator", world.clock.datetime, to, subject, "x", ident=ident)
    )
    return ident


def _ndrs(site: Site) -> list[Message]:
    admin = site.exchange.mailboxes["administrator"]
    return [m for m in admin.items if FULL in m.body]


def _holders(site: Site, ident: str) -> list[str]:
    po = site.postoffice
    return [
        e.name
        for e in po.entries()
        if e.mailbox and any(s.message.ident == ident for s in po.mailbox(e))
    ]


def test_too_many_recipients_ndr_then_fewer_recipients_are_delivered(real_world: World) -> None:
    site = standard_world(real_world, db=8, dirsync_done=True)
    names = [f"User{i:03d}, Test" for i in range(RECIPIENTS)]
    site.postoffice.add_entries([(n, Location.LOCAL, "", "") for n in names])
    first = _send(site, names, "to all")
    real_world.clock.advance(120)
    (ndr,) = _ndrs(site)
    assert ndr.ident == first
    assert ndr.body.count(FULL) > 1  # repeated for the recipients past the limit
    assert not _holders(site, first)
    half = len(names) // 2  # re-send to fewer recipients: two messages
    parts = [
        _send(site, names[:half], "to all, part 1"),
        _send(site, names[half:], "to all, part 2"),
    ]
    real_world.clock.advance(300)
    assert len(_ndrs(site)) == 1  # no new NDR
    assert len(_holders(site, parts[0])) == half
    assert len(_holders(site, parts[1])) == RECIPIENTS - half
    mail_flows(site, [], parts)
