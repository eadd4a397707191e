"""Exact and fast mode give byte-identical results over the whole catalogue (issue 16).

``CCSIM_EXACT=1`` runs every program run (``sim.programs.replay``); without it a
repeated run whose inputs did not change is answered from the last one. For two
seeds the whole built-in catalogue runs both ways, and the JSON report, every
scenario's event log (NT text export) and every transcript must be the same bytes.
The fast runs must also have replayed runs and skipped quiet stretches of polls
(``sim.connector.quiet``): equal results from a fast path that never fired would
prove nothing.
"""

from __future__ import annotations

import pytest

from harness.report import render_json, render_transcript
from harness.runner import RunResult
from sim.evtformat import render_nt_text
from sim.programs import replay
from tests.harness.conftest import run_catalogue


def _catalogue(monkeypatch: pytest.MonkeyPatch, seed: int, exact: bool) -> list[RunResult]:
    monkeypatch.setenv(replay.EXACT_ENV, "1" if exact else "0")
    return run_catalogue(seed)


@pytest.mark.parametrize("seed", [0, 7])
def test_the_catalogue_gives_the_same_bytes_exact_and_fast(
    monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    before, skipped_before = replay.TOTALS.replayed, replay.TOTALS.skipped
    fast = _catalogue(monkeypatch, seed, exact=False)
    replayed = replay.TOTALS.replayed - before
    skipped = replay.TOTALS.skipped - skipped_before
    exact = _catalogue(monkeypatch, seed, exact=True)
    assert replay.TOTALS.replayed - before == replayed, "exact mode replayed a run"
    assert replay.TOTALS.skipped - skipped_before == skipped, "exact mode skipped a poll"
    assert replayed > 0, "the fast path never answered a run"
    assert skipped > 0, "no quiet stretch of polls was skipped"
    assert [r.id for r in fast] == [r.id for r in exact]
    assert render_json(fast) == render_json(exact)
    for f, e in zip(fast, exact, strict=True):
        assert render_nt_text(f.events) == render_nt_text(e.events), f.id
        assert render_transcript(f) == render_transcript(e), f.id
