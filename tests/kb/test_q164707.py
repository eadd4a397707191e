"""KB Q164707: the connector and a post office on a NetWare server; both set-ups by hand.

As written (reference §6), two supported set-ups: (1) Gateway Services for
NetWare with the gateway enabled: the gateway account is in the NetWare group
NTGATEWAY, the PO directory is re-shared as an NT share through the gateway,
and the share grants the Exchange service account; (2) GSNW without the
gateway: a NetWare user with the same name and password as the service
account, with Read, File Scan, Modify and Create on the PO directory.
"""

from __future__ import annotations

from sim.access import NTGATEWAY, Rights, Share, SharePermission
from sim.connector.setup import (
    SERVICE_ACCOUNT,
    Site,
    send_to_ccmail,
    send_to_exchange,
    standard_world,
)
from sim.world import World
from tests.kb.hand import ids_since, mail_flows
from tests.kb.pages import post_office_page

RFMC = Rights.READ | Rights.FILE_SCAN | Rights.MODIFY | Rights.CREATE


def _no_netware_user(world: World) -> Site:
    """A NetWare post office the service account has no NetWare user for: code 3."""
    site = standard_world(world, netware=True, dirsync_done=True, start=False)
    nw = world.access.netware["nw1"]
    del nw.users[SERVICE_ACCOUNT.casefold()]
    nw.trustees.clear()
    site.service.start()
    world.clock.advance(120)
    assert 70 in ids_since(world, 0)
    assert site.service.ccdir().code == 3
    return site


def _flows(site: Site) -> None:
    world = site.world
    site.service.stop()
    site.service.start()
    mark = len(world.eventlog.records)
    inbound = send_to_exchange(world, 2)
    outbound = send_to_ccmail(world, 2)
    world.clock.advance(600)
    seen = ids_since(world, mark)
    assert not seen & {59, 61, 68, 70}
    assert {67, 58} <= seen
    assert site.service.ccdir().code == 0
    mail_flows(site, inbound, outbound)


def test_a_netware_user_with_the_service_accounts_name_and_password(real_world: World) -> None:
    site = _no_netware_user(real_world)
    nw = real_world.access.netware["nw1"]
    nw.users[SERVICE_ACCOUNT.casefold()] = site.account.password  # same name, same password
    nw.trustees[(SERVICE_ACCOUNT.casefold(), "sys", "ccdata")] = RFMC
    _flows(site)


def test_a_gsnw_gateway_share_for_the_post_office_directory(real_world: World) -> None:
    site = _no_netware_user(real_world)
    nw = real_world.access.netware["nw1"]
    nw.users["gateway"] = "Gw4y"
    nw.groups.setdefault(NTGATEWAY, set()).add("gateway")
    nw.trustees[("gateway", "sys", "ccdata")] = RFMC
    access = real_world.access
    access.gsnw_gateway_account = "GATEWAY"  # Control Panel > GSNW > Gateway: enable
    share = access.add_share(
        Share("EXSRV1", "CCDATA", nw.volumes["SYS"] / "CCDATA", gateway_to=("NW1", "SYS", "CCDATA"))
    )
    access.grant(SERVICE_ACCOUNT, share, SharePermission.CHANGE)  # share permissions
    post_office_page(site.service, path="\\\\EXSRV1\\CCDATA")
    _flows(site)
