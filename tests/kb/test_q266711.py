"""KB Q266711: "Header Buffer Full" with Import/Export 8.2x; the article's resolution by hand.

As written: Import/Export 8.2x hold a larger address block, which the
connector passes on from the registry value "Max Address Buffer Size"
(REG_DWORD 0x28000, Exchange 5.5 SP4); install them, set the value, restart.
The message to the large list is then delivered.
"""

from __future__ import annotations

from sim.connector.setup import PROGRAM_DIR, Site, standard_world
from sim.message import Message
from sim.postoffice.layout import Location
from sim.world import World
from tests.kb.hand import mail_flows
from tests.kb.pages import setup_kit

RECIPIENTS = 170


def _to_everyone(site: Site, subject: str) -> str:
    world = site.world
    to = tuple(f"CCMAIL:User{i:03d}, Test at PO1" for i in range(RECIPIENTS))
    ident = world.new_ident("exchange", "EX:Administrator", subject)
    site.exchange.submit(
        Message("EX:Administrator", world.clock.datetime, to, subject, "all", ident=ident)
    )
    return ident


def _header_full(site: Site) -> list[str]:
    admin = site.exchange.mailboxes["administrator"]
    return [m.ident or "" for m in admin.items if "Header Buffer Full" in m.body]


def test_import_export_82_and_max_address_buffer_size_deliver_the_list(real_world: World) -> None:
    site = standard_world(real_world, db=8, dirsync_done=True, service_pack=4)
    site.postoffice.add_entries(
        [(f"User{i:03d}, Test", Location.LOCAL, "", "") for i in range(RECIPIENTS)]
    )
    first = _to_everyone(site, "to all, first try")
    real_world.clock.advance(120)
    assert _header_full(site) == [first]
    assert real_world.eventlog.events(63)
    site.service.stop()
    setup_kit(real_world, f"IE82 {PROGRAM_DIR}")
    site.exchange.registry["Max Address Buffer Size"] = 0x28000  # Regedt32, REG_DWORD
    site.service.start()
    again = _to_everyone(site, "to all, again")
    real_world.clock.advance(300)
    assert _header_full(site) == [first]
    mail_flows(site, [], [again])
    po = site.postoffice
    got = [
        e.name
        for e in po.entries()
        if e.mailbox and any(s.message.ident == again for s in po.mailbox(e))
    ]
    assert len(got) == RECIPIENTS


def test_the_registry_value_alone_does_not_raise_the_60_limit(real_world: World) -> None:
    site = standard_world(real_world, db=8, dirsync_done=True, service_pack=4)
    site.postoffice.add_entries(
        [(f"User{i:03d}, Test", Location.LOCAL, "", "") for i in range(RECIPIENTS)]
    )
    site.service.stop()
    site.exchange.registry["Max Address Buffer Size"] = 0x28000
    site.service.start()
    refused = _to_everyone(site, "to all")
    real_world.clock.advance(120)
    assert _header_full(site) == [refused]
