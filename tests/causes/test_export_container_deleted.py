"""Cause export-container-deleted: the checks every cause passes, and what is particular to it."""

from __future__ import annotations

import dataclasses

from harness.build import Site
from sim.connector.settings import ExportContainers
from tests.causes.kit import (
    CauseCase,
    CauseChecks,
    log,
)


def _old_container(site: Site) -> None:
    settings = site.service.settings
    containers = ExportContainers(("Recipients", "Old Sales"))
    site.service.configure(dataclasses.replace(settings, export_containers=containers))


CASE = CauseCase(
    cause="export-container-deleted",
    fault="stale-export-container",
    by_hand=_old_container,
    events_alone=log(14001, (14015, "return ds_name_error, error 4693728")),
    symptoms=(14015,),
)


class TestTheChecksEveryCausePasses(CauseChecks):
    case = CASE
