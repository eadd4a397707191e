"""Users cannot send through a directory that does not decode (no Python error reaches anyone)."""

from __future__ import annotations

from harness.damage import _patch_record
from sim.postoffice.layout import CLANDATA, T_ENTRY
from tests.harness.test_world_machine import WorldMachine


def _damage_every_entry(m: WorldMachine) -> None:
    path = m.s.po_path / CLANDATA
    for index in range(3):
        _patch_record(path, index, lambda payload: b"\xff" * len(payload), T_ENTRY)


def test_mail_is_sent_while_the_directory_reads(machine: WorldMachine) -> None:
    assert machine.s.send("to-exchange", 2)
    assert machine.s.send("to-ccmail", 2)


def test_a_directory_that_does_not_decode_sends_nothing(machine: WorldMachine) -> None:
    _damage_every_entry(machine)
    assert machine.s.send("to-exchange", 2) == []
    assert machine.s.send("to-ccmail", 2) == []
    machine.time_passes(120)  # the connector's own runs meet the damage, as ever
    machine.nothing_lost_or_duplicated()
