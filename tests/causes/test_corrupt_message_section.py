"""Cause corrupt-message, the KB Q176375 variant: an illegal section name (Exchange 5.0).

The fault, the rule's branch that reads 82/83/86/85 with the file waiting in
``Ccmcdata\\Export`` and the build, and the service-pack fix.
"""

from __future__ import annotations

from pathlib import Path

from harness.collect import collect
from harness.diagnosis import Finding
from harness.evidence import Evidence
from harness.registry import RULES
from tests.causes.kit import broken, fix_and_watch, log

WORLD_50 = "world:\n  exchange: {version: '5.0', service_pack: 1}\n"
WORLD_55 = "world:\n  exchange: {version: '5.5', service_pack: 4}\n"


def _rule(ev: Evidence) -> Finding | None:
    found: Finding | None = RULES.lookup("corrupt-message").function(ev)
    return found


def test_the_fault_restarts_the_export_thread_then_85_and_the_rule_confirms(
    tmp_path: Path,
) -> None:
    site = broken(tmp_path, "illegal-section-name", WORLD_50)
    ids = [r.event_id for r in site.world.eventlog.records]
    assert ids.count(86) == 25
    assert ids.count(85) == 1
    assert not site.service.running
    found = _rule(collect(site))
    assert found is not None
    assert not found.confirm
    assert found.fix_name == "install-exchange-50-sp"
    assert any("Exchange 5.0 SP1" in line for line in found.evidence)


def test_the_same_message_on_exchange_55_is_delivered_and_logs_nothing(tmp_path: Path) -> None:
    site = broken(tmp_path, "illegal-section-name", WORLD_55)
    ids = {r.event_id for r in site.world.eventlog.records}
    assert not ids & {82, 83, 85, 86, 54}
    assert site.service.running
    assert _rule(collect(site)) is None


def test_events_alone_point_at_it_unconfirmed() -> None:
    caught = (83, "The exception UNKNOWN was caught in function dwCCExport.")
    found = _rule(log((82, "An exception has occurred."), caught, 86, caught, 85))
    assert found is not None
    assert found.confirm


def test_the_service_pack_clears_it(tmp_path: Path) -> None:
    site = broken(tmp_path, "illegal-section-name", WORLD_50)
    after = fix_and_watch(site, "install-exchange-50-sp")
    assert not after & {82, 83, 85, 86}
    assert site.service.running
    assert site.exchange.service_pack == 2
