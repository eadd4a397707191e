"""Cause disk-space-miscalculated (Q178758): the checks every cause passes, and its own."""

from __future__ import annotations

from pathlib import Path

from harness.build import Site
from harness.collect import collect
from harness.diagnosis import diagnose
from sim.connector import diskspace
from sim.connector.setup import send_to_exchange
from tests.causes.kit import CauseCase, CauseChecks, apply_fault, log, site_for

FIVE_O = "world:\n  exchange: {version: '5.0', service_pack: 1}\n"
GB = 1024**3


def _drive_just_over_4gb(site: Site) -> None:
    """The drive as the customer had it: free space a little over 4 GB, set on the server."""
    used = site.exchange.disk_free - diskspace.free_bytes(site.service)
    site.exchange.disk_free = 4 * GB + diskspace.RESERVE - 1 + used


CASE = CauseCase(
    cause="disk-space-miscalculated",
    fault="disk-free-just-over-4gb",
    by_hand=_drive_just_over_4gb,
    events_alone=log(67, 67, 98),
    world=FIVE_O,
    params={"margin_kb": 0},
    symptoms=(98,),
)


class TestTheChecksEveryCausePasses(CauseChecks):
    case = CASE


def _ids(site: Site) -> list[int]:
    return [r.event_id for r in site.world.eventlog.records]


def test_the_service_stops_when_mail_brings_the_drive_to_just_over_4gb(tmp_path: Path) -> None:
    """Mail flows first; the alarm comes when the count wraps, and each start stops again."""
    site = site_for(tmp_path, FIVE_O)
    apply_fault(site, "disk-free-just-over-4gb", margin_kb=1)
    site.service.start()
    assert site.service.running
    for _ in range(40):
        send_to_exchange(site.world, 1)
        site.world.clock.advance(60)
    assert 98 in _ids(site)
    assert not site.service.running
    assert diskspace.free_bytes(site.service) > 4 * GB  # the drive is not full
    assert diskspace.reported_free(site.service) < diskspace.RESERVE
    before = _ids(site).count(98)
    site.service.start()  # "Restarting the Connector for cc:Mail does not resolve the problem"
    assert not site.service.running
    assert _ids(site).count(98) == before + 1


def test_only_exchange_50_before_its_last_service_pack_miscounts(tmp_path: Path) -> None:
    for n, (world, wrong) in enumerate(
        [
            (FIVE_O, True),
            ("world:\n  exchange: {version: '5.0', service_pack: 2}\n", False),
            ("", False),  # 5.5
        ]
    ):
        site = site_for(tmp_path / str(n), world)
        _drive_just_over_4gb(site)
        site.service.start()
        site.world.clock.advance(120)
        assert site.service.running is not wrong
        assert (98 in _ids(site)) is wrong


def test_a_drive_under_4gb_with_98_is_not_called_the_false_alarm_for_sure(tmp_path: Path) -> None:
    """The article's bug needs more than 4 GB free; with less, the finding stays unconfirmed."""
    site = site_for(tmp_path, FIVE_O)
    used = site.exchange.disk_free - diskspace.free_bytes(site.service)
    site.exchange.disk_free = diskspace.RESERVE - 1 + used  # truly short
    site.service.start()
    assert 98 in _ids(site)
    top = diagnose(collect(site))[0]
    assert (top.cause, top.score) == ("disk-space-miscalculated", 0.5)
    assert top.confirm  # it says what to check next
