"""Cause po-settings-invalid: the checks every cause passes, and what is particular to it."""

from __future__ import annotations

import dataclasses

from harness.build import Site
from tests.causes.kit import (
    CauseCase,
    CauseChecks,
    log,
)


def _old_password(site: Site) -> None:
    service = site.service
    post_office = dataclasses.replace(service.settings.post_office, password="OLDPASS")
    service.configure(dataclasses.replace(service.settings, post_office=post_office))


CASE = CauseCase(
    cause="po-settings-invalid",
    fault="wrong-po-password",
    by_hand=_old_password,
    events_alone=log(70, 70, 70, 70, 70, every=60),
    symptoms=(70,),
    same_ranking=True,
)


class TestTheChecksEveryCausePasses(CauseChecks):
    case = CASE
