"""KB Q178758: event 98 "Insufficient Disk Space" with more than 4 GB free; by hand.

Symptoms as written (Exchange 5.0): the connector logs event 98 "Insufficient Disk
Space", "However, there is more than 4 GB of free space available on the server.
Restarting the Connector for cc:Mail does not resolve the problem. Deleting the
contents of the Exchsrvr\\Ccmcdata\\Export directory sometimes allows the Connector
for cc:Mail to restart." Status: corrected in the latest U.S. service pack for
Exchange 5.0. The 32-bit count behind it is modelled (``sim.connector.diskspace``).
"""

from __future__ import annotations

from sim.connector import diskspace
from sim.connector.setup import Site, send_to_ccmail, send_to_exchange, standard_world
from sim.connector.store import Folder
from sim.conservation import check
from sim.world import World
from tests.kb.hand import ids_since, mail_flows
from tests.kb.pages import setup_kit

GB = 1024**3


def _over_4gb(world: World, counted: int) -> Site:
    """Exchange 5.0 SP1 on a drive whose free space counts, modulo 4 GB, as ``counted``."""
    site = standard_world(world, dirsync_done=True, start=False, version="5.0", service_pack=1)
    used = site.exchange.disk_free - diskspace.free_bytes(site.service)
    site.exchange.disk_free = 4 * GB + counted + used
    return site


def _export_files(site: Site) -> list[str]:
    """The mail files in ``Ccmcdata\\Export`` (dirsync keeps its ``.exp`` files there too)."""
    return [n for n in site.service.store.names(Folder.EXPORT) if n.casefold().endswith(".ccm")]


def _stopped_by_98(world: World) -> Site:
    """Running, 100 bytes above the 10 MB it wants, until a batch of mail arrives."""
    site = _over_4gb(world, diskspace.RESERVE + 100)
    site.service.start()
    world.clock.advance(60)
    assert site.service.running
    send_to_exchange(world, 10)
    world.clock.advance(60)
    return site


def test_98_with_more_than_4gb_free_and_a_restart_does_not_help(real_world: World) -> None:
    site = _stopped_by_98(real_world)
    assert [r.event_id for r in real_world.eventlog.records].count(98) == 1
    (alarm,) = [r for r in real_world.eventlog.records if r.event_id == 98]
    assert alarm.line().endswith("Insufficient Disk Space.")
    assert not site.service.running
    assert diskspace.free_bytes(site.service) > 4 * GB  # what `dir` shows
    assert _export_files(site)  # the file EXPORT wrote waits, unconverted
    mark = len(real_world.eventlog.records)
    site.service.start()
    assert not site.service.running
    assert ids_since(real_world, mark) == {98}
    assert check(real_world).ok  # nothing lost: the mail waits in Export


def test_deleting_the_export_contents_lets_it_restart_and_deletes_that_mail(
    real_world: World,
) -> None:
    """The article's workaround, when the files in Export were what tipped the count."""
    site = _stopped_by_98(real_world)
    names = site.service.store.names(Folder.EXPORT)
    assert _export_files(site)
    for name in names:  # del Exchsrvr\Ccmcdata\Export\*.*
        site.service.store.path(Folder.EXPORT, name).unlink()
    mark = len(real_world.eventlog.records)
    site.service.start()
    assert site.service.running
    assert 98 not in ids_since(real_world, mark)
    report = check(real_world)
    assert len(report.lost) == 10  # the workaround deletes the messages those files held


def test_deleting_the_export_contents_does_not_help_when_the_count_is_short_anyway(
    real_world: World,
) -> None:
    """ "sometimes": with the count already under 10 MB, there is nothing in Export to free."""
    site = _over_4gb(real_world, diskspace.RESERVE - 5000)
    site.service.start()
    assert not site.service.running
    assert not _export_files(site)
    mark = len(real_world.eventlog.records)
    site.service.start()
    assert ids_since(real_world, mark) == {98}


def test_the_50_service_pack_by_hand_ends_the_false_alarm_and_nothing_is_lost(
    real_world: World,
) -> None:
    """The status: install the latest 5.0 service pack, start the service."""
    site = _stopped_by_98(real_world)
    waiting = [m for b in site.exchange.mailboxes.values() for m in b.items]
    assert "Service Pack 2 is installed" in setup_kit(real_world, "EX50SP2")
    assert site.exchange.service_pack == 2
    mark = len(real_world.eventlog.records)
    site.service.start()
    inbound = send_to_exchange(real_world, 3)
    outbound = send_to_ccmail(real_world, 3)
    real_world.clock.advance(1800)
    assert site.service.running
    assert 98 not in ids_since(real_world, mark)
    assert not _export_files(site)  # the file left behind converted
    delivered = [m for b in site.exchange.mailboxes.values() for m in b.items]
    assert len(delivered) >= len(waiting) + 10 + 3
    mail_flows(site, inbound, outbound)
