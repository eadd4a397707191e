"""Cause po-name-extended-chars: the checks every cause passes, and what is particular to it."""

from __future__ import annotations

import dataclasses

from harness.build import Site
from sim.connector.setup import standard_world
from sim.postoffice.postoffice import Postoffice
from sim.world import World
from tests.causes.kit import (
    CauseCase,
    CauseChecks,
    FaultRefusals,
    log,
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


class TestTheChecksEveryCausePasses(CauseChecks):
    case = CASE


class TestTheFaultRefuses(FaultRefusals):
    refusals = (("extended-po-name", "", {"name": "ZURICH"}, "no extended characters"),)


def test_rename_keeps_password_language_and_db(world: World) -> None:
    site = standard_world(world, db=8, start=False)
    po: Postoffice = site.postoffice
    po.rename("ZÜRICH")
    identity = po.identity()
    assert identity.name == "ZÜRICH"
    assert identity.password_matches("secret")
    assert identity.db_version == 8
    assert identity.language == "US English"
