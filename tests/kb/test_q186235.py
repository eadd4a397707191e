"""KB Q186235: NDR and MTA event 142 sending to cc:Mail; the article's workaround by hand.

Resolution as written: on the connector's Address Space tab make sure an entry
``CCMAIL * 1`` exists (by default the tab is empty); Recalculate Routing on the
Site Addressing object; send to the cc:Mail recipient again.
"""

from __future__ import annotations

from sim.connector.setup import send_to_ccmail, standard_world
from sim.exchange import AddressSpace
from sim.world import World
from tests.kb.hand import ids_since, mail_flows
from tests.kb.pages import change


def test_an_empty_address_space_tab_ndrs_and_adding_ccmail_star_cures(real_world: World) -> None:
    site = standard_world(real_world)
    change(site.service, address_spaces=())  # the tab as the connector installs it
    refused = send_to_ccmail(real_world, 1)
    assert [r.event_id for r in real_world.eventlog.events(142)]
    sender = site.exchange.mailboxes
    ndrs = [m for b in sender.values() for m in b.items if m.subject.startswith("Undeliverable")]
    assert [m.ident for m in ndrs] == refused  # the immediate NDR
    change(site.service, address_spaces=(AddressSpace("CCMAIL", "*", 1),))  # steps 1-2
    # steps 3-4, Recalculate Routing: the sim routes by the tab at once (modelled)
    mark = len(real_world.eventlog.records)
    outbound = send_to_ccmail(real_world, 3)  # step 5
    real_world.clock.advance(300)
    seen = ids_since(real_world, mark)
    assert 142 not in seen
    assert 11001 in seen
    assert 58 in seen
    mail_flows(site, [], outbound)
