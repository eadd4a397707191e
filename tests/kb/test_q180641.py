"""KB Q180641: "Unknown Date Format" NDRs with Import 5.15; the article's steps by hand.

As written: the connector writes the ``.ccm`` date in the Post Office
Language's format, Import 5.15 reads it in the NT locale's; on the first
Unknown Date Format NDR the connector sets "Locale Date Format" to 1 (force
US) once and never changes it again, which cures a US NT locale only. For a
non-US locale the resolution is to edit "Locale Date Format" to match the NT
date format (2 European, 3 Japanese).
"""

from __future__ import annotations

from sim.connector.setup import Site, send_to_ccmail, standard_world
from sim.message import DateStyle
from sim.world import World
from tests.kb.hand import ids_since, mail_flows
from tests.kb.pages import post_office_page

UNKNOWN = "Unknown Date Format"


def _ndrs(site: Site) -> list[str]:
    return [
        m.ident or ""
        for b in site.exchange.mailboxes.values()
        for m in b.items
        if UNKNOWN in m.body
    ]


def test_a_us_locale_is_cured_by_the_connectors_own_one_attempt(real_world: World) -> None:
    site = standard_world(real_world, start=False)
    post_office_page(site.service, language="Japanese")  # .ccm dates yy/mm/dd
    site.service.start()
    first = send_to_ccmail(real_world, 1)
    real_world.clock.advance(120)
    assert _ndrs(site) == first
    assert real_world.eventlog.events(63)
    assert site.exchange.registry["Locale Date Format"] == 1  # forced US, once
    mark = len(real_world.eventlog.records)
    later = send_to_ccmail(real_world, 3)
    real_world.clock.advance(300)
    assert 63 not in ids_since(real_world, mark)
    assert _ndrs(site) == first
    mail_flows(site, [], later)


def test_a_japanese_locale_needs_locale_date_format_3_by_hand(real_world: World) -> None:
    site = standard_world(real_world, start=False)
    site.exchange.date_style = DateStyle.JAPANESE  # NT Regional Settings: yy/mm/dd
    site.service.start()
    send_to_ccmail(real_world, 1)
    real_world.clock.advance(120)
    assert site.exchange.registry["Locale Date Format"] == 1
    still = send_to_ccmail(real_world, 1)
    real_world.clock.advance(120)
    assert set(still) <= set(_ndrs(site))  # forcing US does not cure a non-US locale
    assert site.exchange.registry["Locale Date Format"] == 1  # and is never changed again
    # Regedit: Locale Date Format = 3 (Japanese), to match the NT date format
    site.exchange.registry["Locale Date Format"] = 3
    refused = len(_ndrs(site))
    mark = len(real_world.eventlog.records)
    later = send_to_ccmail(real_world, 3)
    real_world.clock.advance(300)
    assert 63 not in ids_since(real_world, mark)
    assert len(_ndrs(site)) == refused
    mail_flows(site, [], later)
