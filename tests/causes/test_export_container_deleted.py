"""Cause export-container-deleted: the checks every cause passes, and what is particular to it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from harness.build import Site
from harness.evidence import Evidence
from sim.connector.settings import ExportContainers
from tests.causes.kit import (
    CauseCase,
    check_events_alone,
    check_fault_logs_nothing,
    check_fix_clears_it,
    check_hand_broken_reads_like_the_fault,
    check_silent_on_healthy,
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
