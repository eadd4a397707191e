"""KB Q201058: every Exchange user gets an NDR sending to cc:Mail; the steps by hand.

Resolution as written (step 3): on the cc:Mail Address Space page define ``*``
or a blank address ("the * will be a wild card and the space being a least
character match"); (step 4) only then narrow it to the exact post office name.
Both addresses are tested, and the narrowed one afterwards.
"""

from __future__ import annotations

import pytest

from sim.connector.setup import send_to_ccmail, send_to_exchange, standard_world
from sim.exchange import AddressSpace
from sim.world import World
from tests.kb.hand import ids_since, mail_flows
from tests.kb.pages import change


@pytest.mark.parametrize("address", ["*", " "], ids=["star", "blank"])
def test_star_or_blank_address_space_lets_mail_through(real_world: World, address: str) -> None:
    site = standard_world(real_world, dirsync_done=True)
    change(site.service, address_spaces=())
    refused = send_to_ccmail(real_world, 1)
    inbox = site.exchange.mailboxes.values()
    ndr = [m for b in inbox for m in b.items if m.ident == refused[0]]
    assert ndr
    assert "The recipient name is not recognized" in ndr[0].body
    inbound = send_to_exchange(real_world, 1)  # cc:Mail users can still send to Exchange
    real_world.clock.advance(60)
    mail_flows(site, inbound, [])
    change(site.service, address_spaces=(AddressSpace("CCMAIL", address, 1),))  # step 3
    mark = len(real_world.eventlog.records)
    outbound = send_to_ccmail(real_world, 2)
    real_world.clock.advance(300)
    change(site.service, address_spaces=(AddressSpace("CCMAIL", "* at PO1", 1),))  # step 4
    outbound += send_to_ccmail(real_world, 1)
    real_world.clock.advance(300)
    assert not ids_since(real_world, mark) & {142, 290}
    mail_flows(site, inbound, outbound)
