"""KB Q166045: event 70, EXPORT returned result code 3; the article's checks by hand.

The article's causes, each with its own resolution (reference §8 rows 1 and 5):
the Post Office page's name, password or path differs from the post office
(correct them, restart the service; ``ccmc ccdir`` then returns 0), and a new
connector whose first directory synchronization has not completed (the site's
P entry does not exist yet: let dirsync run and finish). The account's rights
and a damaged post office are followed in test_q164707 and test_q179072.
"""

from __future__ import annotations

import pytest

from sim.connector.settings import DirsyncMode, DirsyncSchedule
from sim.connector.setup import send_to_ccmail, send_to_exchange, standard_world
from sim.postoffice.layout import Location
from sim.world import World
from tests.kb.hand import ids_since, mail_flows
from tests.kb.pages import change, post_office_page


@pytest.mark.parametrize(
    ("field", "wrong"),
    [("password", "OLDPASS"), ("path", "\\\\POSRV\\CCDATA\\OLD"), ("name", "PO2")],
)
def test_correcting_the_post_office_page_stops_event_70(
    real_world: World, field: str, wrong: str
) -> None:
    site = standard_world(real_world, dirsync_done=True, start=False)
    right = getattr(site.service.settings.post_office, field)
    queued = send_to_exchange(real_world, 3)
    post_office_page(site.service, **{field: wrong})
    site.service.start()
    real_world.clock.advance(300)
    failed = real_world.eventlog.events(70)
    assert len(failed) >= 10  # every 15 s
    assert "returned result code 3" in failed[0].description
    assert site.service.ccdir().code == 3  # Q233164: code 3 is name, password or path
    post_office_page(site.service, **{field: right})  # as cc:Mail ADMIN shows them
    site.service.stop()
    site.service.start()
    assert site.service.ccdir().code == 0
    mark = len(real_world.eventlog.records)
    outbound = send_to_ccmail(real_world, 2)
    real_world.clock.advance(600)
    seen = ids_since(real_world, mark)
    assert 70 not in seen
    assert {67, 58} <= seen
    mail_flows(site, queued, outbound)


def test_letting_the_first_dirsync_finish_stops_event_70(real_world: World) -> None:
    site = standard_world(real_world, start=False)
    change(site.service, dirsync=DirsyncSchedule(DirsyncMode.NEVER))
    site.service.start()
    real_world.clock.advance(300)
    assert len(real_world.eventlog.events(70)) >= 10
    po = site.postoffice
    site_entry = [e for e in po.entries() if e.name.casefold() == site.exchange.site.casefold()]
    assert not site_entry  # no P entry for the Exchange site yet
    # Dirsync Schedule: Always; restart; the first dirsync runs and finishes
    change(site.service, dirsync=DirsyncSchedule(DirsyncMode.ALWAYS))
    site.service.stop()
    site.service.start()
    real_world.clock.advance(1800)
    assert real_world.eventlog.events(14031)
    entry = next(e for e in po.entries() if e.name.casefold() == site.exchange.site.casefold())
    assert entry.location is Location.POST_OFFICE
    assert entry.comments.startswith("MSExchangeCCMC")
    site.service.stop()
    mark = len(real_world.eventlog.records)
    site.service.start()  # "no 70 on restart"
    inbound = send_to_exchange(real_world, 3)
    outbound = send_to_ccmail(real_world, 2)
    real_world.clock.advance(600)
    seen = ids_since(real_world, mark)
    assert 70 not in seen
    assert 67 in seen
    mail_flows(site, inbound, outbound)
