"""KB Q197258: dirsync event 14005, no custom recipients, for a PO name with extended characters.

Resolution as written: rename the post office so that its name has no extended
characters (in cc:Mail ADMIN), give the connector's Post Office page the same
name, restart; the next dirsync creates the custom recipients.
"""

from __future__ import annotations

from sim.connector.setup import standard_world
from sim.world import World
from tests.kb.pages import console, dirsync_and_mail_flow, post_office_page


def test_renaming_the_post_office_lets_dirsync_create_the_recipients(real_world: World) -> None:
    site = standard_world(real_world, po_name="ZÜRICH")
    assert not site.service.dirsync_now()
    assert real_world.eventlog.events(14005)
    assert not site.exchange.custom_recipients
    switches = f"/NZÜRICH /PSECRET /D{site.po_unc}"
    code, text = console(real_world, site.postoffice, "ADMIN", f"{switches} RENAME ZURICH")
    assert code == 0, text
    post_office_page(site.service, name="ZURICH")
    site.service.stop()
    site.service.start()
    dirsync_and_mail_flow(site, none_of={14005})
    assert site.exchange.custom_recipients  # the cc:Mail users are in the GAL now
