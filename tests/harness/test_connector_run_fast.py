"""``ccsim connector run`` against a real post office directory, exact and fast (issue 16).

The same post office is built twice; the connector runs against each, once with
``CCSIM_EXACT=1`` and once with the fast path (``sim.programs.replay``), and the
event logs (NT text export) and the console output must be the same bytes. In the
second test a person edits the post office by hand, from another process, while
the connector runs (the copy it runs on, kept in ``--exchange DIR``): between the
60th and the 61st EXPORT poll a byte of ``CLANDATA`` is flipped in place (same
size, same inode). Every later poll must see the damage in both modes, also
after quiet stretches were skipped (``sim.connector.quiet``).
"""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import _build_app
from sim.connector.service import ConnectorService
from sim.postoffice import Postoffice
from sim.postoffice.populate import populate
from sim.programs import replay

FLIP = (
    "import sys; f = open(sys.argv[1], 'r+b'); f.seek(60); b = f.read(1); f.seek(60); "
    "f.write(bytes([b[0] ^ 255])); f.close()"
)


def _postoffice(path: Path) -> Path:
    from faker import Faker

    faker = Faker("en_US")
    faker.seed_instance(5)
    po = Postoffice.create(path, name="PO1", password="SECRET")
    populate(po, faker, random.Random(5), users=5, messages=5)
    return path


def _connector(tmp: Path, monkeypatch: pytest.MonkeyPatch, exact: bool) -> tuple[str, bytes]:
    monkeypatch.setenv(replay.EXACT_ENV, "1" if exact else "0")
    po = _postoffice(tmp / "ccdata")
    log = tmp / "app.txt"
    args = ["connector", "run", "--postoffice", str(po), "--po-name", "PO1"]
    args += ["--po-password", "SECRET", "--for", "1h", "--eventlog", str(log)]
    args += ["--exchange", str(tmp / "exchange")]
    result = CliRunner().invoke(_build_app(), args)
    assert result.exit_code == 0, result.output
    # the console wraps the post office path where it falls: compare without blanks
    return "".join(result.output.split()).replace(str(tmp), "<tmp>"), log.read_bytes()


def _hand_edit_at(monkeypatch: pytest.MonkeyPatch, when: float, target: Path) -> list[int]:
    """Another process flips a CLANDATA byte at the virtual instant ``when`` (between two
    polls); returns [polls skipped before it, polls skipped after it] (fast mode)."""
    skipped = [0, 0]
    real = ConnectorService.start

    def start(self: ConnectorService) -> None:
        real(self)

        def edit() -> None:
            skipped[0] = replay.stats(self.world).skipped
            subprocess.run([sys.executable, "-c", FLIP, str(target)], check=True)

        def done() -> None:
            skipped[1] = replay.stats(self.world).skipped - skipped[0]

        self.world.clock.call_at(when, edit)
        self.world.clock.call_at(3599.5, done)

    monkeypatch.setattr(ConnectorService, "start", start)
    return skipped


def test_exact_and_fast_give_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = replay.TOTALS.replayed
    exact = _connector(tmp_path / "exact", monkeypatch, exact=True)
    assert replay.TOTALS.replayed == before
    fast = _connector(tmp_path / "fast", monkeypatch, exact=False)
    assert replay.TOTALS.replayed > before
    assert fast == exact


def test_a_hand_edit_during_the_run_is_seen_by_the_next_poll(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The edit comes between the 60th and the 61st EXPORT poll, after a skipped quiet
    stretch; the polls after it see the damage (they log other events), in both modes."""
    runs = {}
    for mode in ("exact", "fast"):
        target = tmp_path / mode / "exchange" / "POSRV" / "CCDATA" / "CLANDATA"
        skipped = _hand_edit_at(monkeypatch, 60 * 15 + 7.5, target)
        runs[mode] = _connector(tmp_path / mode, monkeypatch, exact=mode == "exact")
        if mode == "fast":
            assert skipped[0] > 0, "a quiet stretch before the edit must have been skipped"
            assert skipped[1] > 0, "and one after it"
        else:
            assert skipped == [0, 0]
        monkeypatch.undo()
    assert runs["fast"] == runs["exact"]
    untouched = _connector(tmp_path / "untouched", monkeypatch, exact=True)
    assert runs["exact"][1] != untouched[1], "the edit must change what the polls log"
