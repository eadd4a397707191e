"""Two causes at once: the diagnosis names both, and fixing one leaves the other's symptoms."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.build import Site, build_site
from harness.collect import collect
from harness.diagnosis import Finding, diagnose
from harness.loader import load_scenario
from harness.registry import FAULTS, FIXES
from harness.runner import run_file
from harness.selection import builtin_dir

IE_RI_AND_COMMENT = builtin_dir() / "two-causes-ie-ri-and-site-comment.scenario.yaml"
CORRUPT_AND_CONTAINER = builtin_dir() / "two-causes-corrupt-message-and-container.scenario.yaml"


def _broken(path: Path, root: Path) -> Site:
    """The scenario's world with its faults, started and run for its steps' 20 minutes."""
    scenario = load_scenario(path)
    site = build_site(scenario, seed=0, root=root)
    for use in scenario.faults:
        FAULTS.lookup(use.name).function(site, use.params)
    site.service.start()
    for _ in range(4):
        site.send("to-exchange", 1)
        site.send("to-ccmail", 1)
        site.world.clock.advance(300)
    return site


def _findings(site: Site) -> list[Finding]:
    return diagnose(collect(site))


def _fix_and_watch(site: Site, name: str, minutes: int = 40) -> set[int]:
    """Apply one named fix, run on, return the event IDs logged afterwards."""
    FIXES.lookup(name).function(site, None)
    mark = len(site.world.eventlog)
    site.world.clock.advance(minutes * 60)
    return {r.event_id for r in site.world.eventlog.since(mark)}


@pytest.mark.parametrize("path", [IE_RI_AND_COMMENT, CORRUPT_AND_CONTAINER], ids=lambda p: p.name)
def test_two_cause_scenario_passes(path: Path) -> None:
    """ccsim run: both causes named in the file's order, both fixed, nothing lost."""
    result = run_file(path)
    assert result.passed, "\n".join(result.failures)
    expected = list(load_scenario(path).diagnose)
    assert len(expected) == 2
    assert [f.cause for f in result.diagnosis][:2] == expected
    assert result.conserved


def test_ie_ri_fix_alone_reveals_the_comment_conflicts(tmp_path: Path) -> None:
    """IE.RI hides the comment's symptoms; once IE.RI is back, dirsync reaches 14013/14018."""
    site = _broken(IE_RI_AND_COMMENT, tmp_path)
    before = _findings(site)
    assert [f.cause for f in before][:2] == ["ie-resource-missing", "dirsync-comment-missing"]
    assert not site.world.eventlog.events(14013)
    after = _fix_and_watch(site, "copy-ie-ri")
    assert 65 not in after
    assert {14013, 14018} <= after
    assert 14031 in after  # conflicts are warnings: the cycle ends, writing nothing
    left = _findings(site)
    assert left[0].cause == "dirsync-comment-missing"
    assert left[0].score >= 0.95
    assert "ie-resource-missing" not in {f.cause for f in left}


def test_comment_fix_alone_leaves_event_65(tmp_path: Path) -> None:
    """Restoring the comment changes nothing while IE.RI is missing."""
    site = _broken(IE_RI_AND_COMMENT, tmp_path)
    after = _fix_and_watch(site, "restore-site-comment")
    assert {65, 14005} <= after
    assert 14031 not in after
    assert [f.cause for f in _findings(site)] == ["ie-resource-missing"]


def test_container_fix_alone_leaves_event_54(tmp_path: Path) -> None:
    """Dirsync completes again, but the corrupt message still goes to Bad every poll."""
    site = _broken(CORRUPT_AND_CONTAINER, tmp_path)
    after = _fix_and_watch(site, "remove-stale-container")
    assert 14015 not in after
    assert 14031 in after
    assert len(site.world.eventlog.events(54)) > 100
    assert 54 in after
    assert _findings(site)[0].cause == "corrupt-message"


def test_corrupt_message_fix_alone_leaves_event_14015(tmp_path: Path) -> None:
    """Inbound mail flows again, but every dirsync still stops with 14015."""
    site = _broken(CORRUPT_AND_CONTAINER, tmp_path)
    assert _queued(site) > 1  # the corrupt message and the mail stuck behind it
    after = _fix_and_watch(site, "delete-corrupt-message")
    assert 54 not in after
    assert 14015 in after
    assert _queued(site) == 0
    assert [f.cause for f in _findings(site)] == ["export-container-deleted"]


def _queued(site: Site) -> int:
    from sim.postoffice.postoffice import Postoffice

    po = Postoffice(site.po_path)
    entry = po.find(site.site)
    return len(po.refs(entry)) if entry is not None else 0
