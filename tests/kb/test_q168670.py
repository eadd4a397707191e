"""KB Q168670: event 59, mail to cc:Mail stuck in MTS-OUT and Submit; the resolution by hand.

Symptoms as written: messages destined to cc:Mail do not go through, mail from
cc:Mail to Exchange flows; event 59 "Lotus cc:Mail IMPORT from file *.ccm returned
result code 1. Program did not complete successfully."; files in
``Exchsrvr\\Ccmcdata\\Submit``. Cause: the service account's NetWare user lacks rights
on the post office (inbound only reads; outbound writes). Resolution as written:
"Grant appropriate trustee right for Exchange Service Account from NetWare".
"""

from __future__ import annotations

from sim.access import Rights
from sim.connector.setup import (
    SERVICE_ACCOUNT,
    Site,
    send_to_ccmail,
    send_to_exchange,
    standard_world,
)
from sim.connector.store import Folder
from sim.world import World
from tests.kb.hand import ids_since, mail_flows


def _no_create(world: World) -> Site:
    """A NetWare post office whose service-account user has Read, File Scan, Modify only."""
    site = standard_world(world, netware=True, dirsync_done=True, start=False)
    nw = world.access.netware["nw1"]
    for key, rights in list(nw.trustees.items()):
        nw.trustees[key] = rights & ~Rights.CREATE
    site.service.start()
    return site


def _in_exchange(site: Site) -> set[str | None]:
    return {m.ident for b in site.exchange.mailboxes.values() for m in b.items}


def test_outbound_stops_with_59_and_piles_up_inbound_flows(real_world: World) -> None:
    site = _no_create(real_world)
    inbound = send_to_exchange(real_world, 2)
    outbound = send_to_ccmail(real_world, 8)
    real_world.clock.advance(600)
    log = real_world.eventlog
    assert log.events(59)
    assert "IMPORT from file *.ccm returned result code 1" in log.events(59)[0].description
    assert 67 in ids_since(real_world, 0)  # EXPORT still works
    assert set(inbound) <= _in_exchange(site)  # cc:Mail -> Exchange flows
    store = site.service.store
    waiting = store.names(Folder.SUBMIT) + store.names(Folder.IMPORT)
    assert [n for n in waiting if n.casefold().endswith(".ccm")] or site.exchange.mts_out
    po = site.postoffice
    in_ccmail = {s.message.ident for e in po.entries() if e.mailbox for s in po.mailbox(e)}
    assert not set(outbound) & in_ccmail


def test_granting_the_trustee_rights_lets_the_queued_mail_through(real_world: World) -> None:
    site = _no_create(real_world)
    queued = send_to_ccmail(real_world, 8)
    real_world.clock.advance(600)
    nw = real_world.access.netware["nw1"]
    # NetWare administration: the service account's user gets full rights on the database
    nw.trustees[(SERVICE_ACCOUNT.casefold(), "sys", "ccdata")] = Rights.all()
    mark = len(real_world.eventlog.records)
    inbound = send_to_exchange(real_world, 2)
    outbound = queued + send_to_ccmail(real_world, 2)
    real_world.clock.advance(900)
    seen = ids_since(real_world, mark)
    assert 59 not in seen
    assert 58 in seen
    store = site.service.store
    assert not [n for n in store.names(Folder.SUBMIT) if n.casefold().endswith(".ccm")]
    assert not site.exchange.mts_out
    mail_flows(site, inbound, outbound)
