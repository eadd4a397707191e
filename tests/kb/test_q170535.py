"""KB Q170535: MTA event 290 when the cc:Mail address space is wrong; the workaround by hand.

Symptom as written: MSExchangeMTA 290, an NDR with diagnostic code
unrecognized-OR-name, "when the address space has not been defined or has been
defined incorrectly". Workaround: correct the address space defined for the
cc:Mail post office in the connector.
"""

from __future__ import annotations

from sim.connector.setup import send_to_ccmail, standard_world
from sim.exchange import AddressSpace
from sim.world import World
from tests.kb.hand import ids_since, mail_flows
from tests.kb.pages import change


def test_a_wrong_address_space_logs_290_and_correcting_it_cures(real_world: World) -> None:
    site = standard_world(real_world)
    change(site.service, address_spaces=(AddressSpace("CCMAIL", "* at OTHERPO", 1),))
    refused = send_to_ccmail(real_world, 2)
    logged = real_world.eventlog.events(290)
    assert len(logged) == len(refused) == 2
    assert "unrecognized-OR-name" in logged[0].description
    assert logged[0].source == "MSExchangeMTA"
    assert not real_world.eventlog.events(142)  # 142 is the empty tab (Q186235)
    change(site.service, address_spaces=(AddressSpace("CCMAIL", "* at PO1", 1),))  # corrected
    mark = len(real_world.eventlog.records)
    outbound = send_to_ccmail(real_world, 2)
    real_world.clock.advance(300)
    assert not ids_since(real_world, mark) & {142, 290}
    mail_flows(site, [], outbound)
