"""Cause address-space-missing: the checks every cause passes, and what is particular to it."""

from __future__ import annotations

import dataclasses

from harness.build import Site
from tests.causes.kit import (
    CauseCase,
    CauseChecks,
    log,
)


def _no_address_space(site: Site) -> None:
    site.service.configure(dataclasses.replace(site.service.settings, address_spaces=()))


CASE = CauseCase(
    cause="address-space-missing",
    fault="remove-address-space",
    by_hand=_no_address_space,
    events_alone=log(142, 142, source="MSExchangeMTA"),
    symptoms=(),
)


class TestTheChecksEveryCausePasses(CauseChecks):
    case = CASE
