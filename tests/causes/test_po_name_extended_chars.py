"""Cause po-name-extended-chars: the checks every cause passes, and what is particular to it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from harness.build import Site
from harness.evidence import Evidence
from sim.connector.setup import standard_world
from sim.postoffice.postoffice import Postoffice
from sim.world import World
from tests.causes.kit import (
    CauseCase,
    apply_fault,
    check_events_alone,
    check_fault_logs_nothing,
    check_fix_clears_it,
    check_hand_broken_reads_like_the_fault,
    check_silent_on_healthy,
    log,
    site_for,
)


def _munich(site: Site) -> None:
    Postoffice(site.po_path).rename("MÜNCHEN")
    settings = site.service.settings
    post_office = dataclasses.replace(settings.post_office, name="MÜNCHEN")
    site.service.configure(dataclasses.replace(settings, post_office=post_office))
    site.po_name = "MÜNCHEN"


CASE = CauseCase(
    cause="po-name-extended-chars",
    fault="extended-po-name",
    by_hand=_munich,
    events_alone=log(14001, (14005, "The post office name ZÜRICH contains extended characters.")),
    symptoms=(14005,),
)


def test_silent_on_a_healthy_world(healthy: Evidence) -> None:
    check_silent_on_healthy(CASE, healthy)


def test_the_event_log_alone_names_it_modestly() -> None:
    check_events_alone(CASE)


def test_broken_by_hand_reads_like_the_named_fault(tmp_path: Path) -> None:
    check_hand_broken_reads_like_the_fault(CASE, tmp_path)


def test_the_fix_it_names_clears_it(tmp_path: Path) -> None:
    check_fix_clears_it(CASE, tmp_path)


def test_the_fault_logs_nothing_itself(tmp_path: Path) -> None:
    check_fault_logs_nothing(CASE, tmp_path)


@pytest.mark.parametrize(
    ("name", "extra", "values", "message"),
    [
        ("extended-po-name", "", {"name": "ZURICH"}, "no extended characters"),
    ],
)
def test_the_fault_refuses_a_world_it_does_not_fit(
    tmp_path: Path, name: str, extra: str, values: dict[str, object], message: str
) -> None:
    site = site_for(tmp_path, extra, seed=7)
    with pytest.raises(ValueError, match=message):
        apply_fault(site, name, **values)


def test_rename_keeps_password_language_and_db(world: World) -> None:
    site = standard_world(world, db=8, start=False)
    po: Postoffice = site.postoffice
    po.rename("ZÜRICH")
    identity = po.identity()
    assert identity.name == "ZÜRICH"
    assert identity.password_matches("secret")
    assert identity.db_version == 8
    assert identity.language == "US English"
