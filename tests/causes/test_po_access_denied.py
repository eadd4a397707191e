"""Cause po-access-denied: the checks every cause passes, and what is particular to it."""

from __future__ import annotations

from pathlib import Path

from harness.build import Site
from sim.access import SharePermission
from tests.causes.kit import (
    CauseCase,
    CauseChecks,
    log,
)


def _no_access(site: Site) -> None:
    share = site.world.access.share("POSRV", "CCDATA")
    assert share is not None
    site.world.access.grant(site.account.name, share, SharePermission.NO_ACCESS)


CASE = CauseCase(
    cause="po-access-denied",
    fault="revoke-share-rights",
    by_hand=_no_access,
    events_alone=log(70, 70, 70, 70, 70, every=60),
    symptoms=(70,),
    same_ranking=True,
)


class TestTheChecksEveryCausePasses(CauseChecks):
    case = CASE


def test_q168670_outbound_piles_up_in_submit_and_mts_out(tmp_path: Path) -> None:
    """KB Q168670: "messages are stuck in MTS-OUT" and "files in the ... Submit directory"."""
    from harness.loader import load_scenario
    from harness.runner import Checkpoint, run
    from harness.selection import builtin_dir
    from harness.steps import queue_sizes

    seen: dict[str, int] = {}

    def at_expect(point: Checkpoint) -> None:
        if point.phase == "expect":
            seen.update(queue_sizes(point.site))

    scenario = load_scenario(builtin_dir() / "q168670-netware-no-create.scenario.yaml")
    result = run(scenario, root=tmp_path, observer=at_expect)
    assert result.passed
    assert seen["submit"] > 0
    assert seen["mts_out"] > 0
    assert seen["import"] > 0  # the batch IMPORT refused, kept (§7 item 9)
