"""Cause po-damaged: the checks every cause passes, and what is particular to it."""

from __future__ import annotations

from harness.build import Site
from sim.postoffice.layout import CLANDATA
from tests.causes.kit import (
    CauseCase,
    CauseChecks,
    log,
)


def _bad_header_checksum(site: Site) -> None:
    path = site.po_path / CLANDATA
    data = bytearray(path.read_bytes())
    data[29] ^= 0x55  # the header checksum no longer matches
    path.write_bytes(bytes(data))


CASE = CauseCase(
    cause="po-damaged",
    fault="damage-postoffice",
    params={"kind": "header"},
    by_hand=_bad_header_checksum,
    events_alone=log(70, 70, 70, 70, 70, every=60),
    symptoms=(70,),
    same_ranking=True,
)


class TestTheChecksEveryCausePasses(CauseChecks):
    case = CASE
