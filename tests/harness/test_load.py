"""The documented load maximum: a healthy world at it passes; one more is refused.

A healthy world that sent 10,000 messages to Exchange at once logged Event 70 and
left 2,449 in transit: EXPORT freed a record of MLANDATA for each message it took,
and past about 4,000 the modelled fragmentation limit (over 1 MiB and 75% free)
made the next EXPORT refuse the post office. The maximum to Exchange is therefore
3,000 messages per scenario; to cc:Mail (IMPORT frees nothing) it stays 10,000.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import ScenarioError
from harness.loader import load_text
from harness.model import MAX_TO_EXCHANGE, MAX_TOTAL_MESSAGES
from harness.runner import run

AT_THE_MAXIMUM = f"""\
id: load-at-the-maximum
title: The documented maximum each way
cause: healthy
steps:
  - start: connector
  - send: {{direction: to-exchange, count: {MAX_TO_EXCHANGE}, recipients: 10}}
  - send: {{direction: to-ccmail, count: {MAX_TOTAL_MESSAGES - MAX_TO_EXCHANGE}, recipients: 10}}
  - advance: 2h
verify: {{for: 1h}}
"""


def test_a_healthy_world_at_the_maximum_delivers_everything(tmp_path: Path) -> None:
    scenario = load_text(AT_THE_MAXIMUM, name="load.scenario.yaml")
    result = run(scenario, file="load.scenario.yaml", root=tmp_path)
    assert result.passed, result.failures
    assert not [r for r in result.events if r.event_id == 70]
    assert result.conserved


def test_one_more_message_to_exchange_is_refused_at_validate() -> None:
    text = AT_THE_MAXIMUM.replace(f"count: {MAX_TO_EXCHANGE},", f"count: {MAX_TO_EXCHANGE + 1},")
    with pytest.raises(ScenarioError) as exc:
        load_text(text, name="load.scenario.yaml")
    assert str(exc.value).startswith(
        f"load.scenario.yaml:6:43: {MAX_TO_EXCHANGE + 1} messages to Exchange so far: at most "
        f"{MAX_TO_EXCHANGE} in all"
    )
