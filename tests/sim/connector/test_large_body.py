"""Bodies over 20 KB become File items (EX50-RN 2.6.15, KB Q190555)."""

from __future__ import annotations

from datetime import datetime

import pytest

from sim.connector.setup import standard_world
from sim.conservation import check
from sim.message import TEXT_ITEM_LIMIT, Message, body_as_file
from sim.postoffice import Location
from sim.world import World

WHEN = datetime(1998, 6, 2, 8, 39)
BIG = ("A line of the long report.\n" * 900).rstrip("\n")  # about 24 KB as written


def test_body_as_file_only_past_the_limit() -> None:
    small = Message("A at PO1", WHEN, ("B",), "s", "x" * TEXT_ITEM_LIMIT)
    assert body_as_file(small, "Unnamed.txt") is small
    big = Message("A at PO1", WHEN, ("B",), "s", BIG, ident="T-1")
    moved = body_as_file(big, "Unnamed.txt")
    assert (moved.body, moved.items, moved.ident) == ("", (("File", "Unnamed.txt", BIG),), "T-1")


@pytest.mark.parametrize(("service_pack", "title"), [(4, "Unnamed.txt"), (1, "")])
def test_a_large_body_reaches_cc_mail_as_an_attachment(
    real_world: World, service_pack: int, title: str
) -> None:
    """From 5.5 SP2 the connector names it Unnamed.txt; before, IMPORT makes it one, unnamed."""
    site = standard_world(real_world, dirsync_done=True, service_pack=service_pack)
    po = site.postoffice
    user = next(e.name for e in po.entries() if e.location is Location.LOCAL)
    alias = sorted(site.exchange.mailboxes)[0]
    ident = real_world.new_ident("exchange", f"EX:{alias}", "Report")
    sent = Message(
        f"EX:{alias}", real_world.clock.datetime, (f"CCMAIL:{user} at PO1",), "Report", BIG,
        ident=ident,
    )  # fmt: skip
    site.exchange.submit(sent)
    real_world.clock.advance(120)
    got = [s.message for s in po.mailbox(user) if s.message.ident == ident]
    assert len(got) == 1
    assert got[0].body == ""
    assert got[0].items == (("File", title, BIG),)
    assert check(real_world).ok
