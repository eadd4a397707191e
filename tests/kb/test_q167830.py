"""KB Q167830: dirsync warnings 14013 and 14018; the article's resolution by hand.

As written: dirsync recognises the Exchange site's own post office entry by its
comment ``MSExchangeCCMC <server>``; with the comment removed or edited it logs
14013/14018 and writes no entries. Resolution: put the comment back on that
entry in cc:Mail ADMIN; the next dirsync finishes (14031) without them.
"""

from __future__ import annotations

from sim.connector.setup import send_to_exchange, standard_world
from sim.world import World
from tests.kb.hand import ids_since, mail_flows
from tests.kb.pages import console, dirsync_and_mail_flow


def test_restoring_the_comment_ends_14013_and_14018(real_world: World) -> None:
    site = standard_world(real_world, dirsync_done=True)
    switches = f"/NPO1 /PSECRET /D{site.po_unc}"
    entry = site.exchange.site_address
    code, listed = console(real_world, site.postoffice, "ADMIN", f"{switches} LIST {entry}")
    assert code == 0
    assert "MSExchangeCCMC EXSRV1" in listed
    code, _ = console(real_world, site.postoffice, "ADMIN", f"{switches} COMMENT {entry}")
    assert code == 0  # someone cleared the comment
    site.service.dirsync_now()
    assert {14013, 14018} & ids_since(real_world, 0)
    # resolution: the comment back, as MSExchangeCCMC and the connector's server
    line = f"{switches} COMMENT {entry} MSExchangeCCMC {site.exchange.name}"
    code, _ = console(real_world, site.postoffice, "ADMIN", line)
    assert code == 0
    dirsync_and_mail_flow(site, none_of={14013, 14018})


def test_deleting_the_entry_lets_dirsync_recreate_it(real_world: World) -> None:
    site = standard_world(real_world, dirsync_done=True)
    switches = f"/NPO1 /PSECRET /D{site.po_unc}"
    entry = site.exchange.site_address
    console(real_world, site.postoffice, "ADMIN", f"{switches} COMMENT {entry} edited")
    site.service.dirsync_now()
    assert {14013, 14018} & ids_since(real_world, 0)
    queued = send_to_exchange(real_world, 2)
    code, text = console(real_world, site.postoffice, "ADMIN", f"{switches} DELETE {entry}")
    assert code == 1  # mail for Exchange still waits in it: ADMIN keeps it
    assert "still holds 2 message(s)" in text
    real_world.clock.advance(120)  # the connector exports the queue
    code, text = console(real_world, site.postoffice, "ADMIN", f"{switches} DELETE {entry}")
    assert code == 0, text
    dirsync_and_mail_flow(site, none_of={14013, 14018})
    recreated = site.postoffice.find(entry)
    assert recreated is not None
    assert recreated.comments == f"MSExchangeCCMC {site.exchange.name}"
    mail_flows(site, queued, [])
