"""The soak's minimal failing sequences (issue: messages lost), each a named regression.

Each runs the world machine of ``test_world_machine`` step by step, checking after
every step what the soak checks: nothing lost or duplicated, the event log in
clock order.
"""

from __future__ import annotations

import contextlib
from typing import Any

import pytest

from harness.registry import FAULTS, FIXES
from sim.connector.store import Folder
from tests.harness.test_world_machine import WorldMachine


def _fault(m: WorldMachine, name: str, params: Any = None) -> None:
    spec = FAULTS.lookup(name)
    if params is not None and spec.params is not None:
        params = spec.params(**params)
    m.fault((name, params))
    _check(m)


def _fix(m: WorldMachine, name: str) -> None:
    with contextlib.suppress(ValueError):  # refused: changes nothing
        FIXES.lookup(name).function(m.s, None)
    _check(m)


def _check(m: WorldMachine) -> None:
    m.nothing_lost_or_duplicated()
    m.event_log_follows_the_clock()


def test_rebuild_ccmcdata_three_times(machine: WorldMachine) -> None:
    for _ in range(3):
        _fix(machine, "rebuild-ccmcdata")


def test_index_damage_then_delete_corrupt_message_loses_nothing(machine: WorldMachine) -> None:
    """EXPORT /DELETE of a reference whose offset was damaged frees no record: the
    message it pointed into stays in MLANDATA (it was overwritten before)."""
    machine.send("to-exchange", 3)
    _check(machine)
    _fault(machine, "damage-postoffice", {"kind": "index"})
    _fix(machine, "delete-corrupt-message")
    machine.time_passes(3600)
    _check(machine)


def test_index_damage_delete_corrupt_message_then_repair_loses_nothing(
    machine: WorldMachine,
) -> None:
    """The 10,000-sequence soak's find: with a reference's offset damaged, EXPORT /MSG#
    listed that healthy message as unreadable and the Q212759 fix deleted its reference;
    CHKSTAT DIAGNOSTICS/M then freed the message as in no mailbox. EXPORT now refuses a
    queue whose index is broken, for /MSG# and /DELETE as for an export (code 3), so
    the fix deletes nothing and the repair re-points the reference."""
    machine.send("to-exchange", 6)
    machine.stop()
    _fault(machine, "damage-postoffice", {"kind": "index"})
    _fault(machine, "corrupt-message-body")
    machine.start()
    machine.time_passes(60)
    _check(machine)
    _fix(machine, "delete-corrupt-message")
    _fix(machine, "repair-postoffice")
    machine.time_passes(3600)
    _check(machine)


def test_rebuild_ccmcdata_keeps_the_mail_waiting_in_import(machine: WorldMachine) -> None:
    """The 10,000-sequence soak's find: mail converted for cc:Mail waits in ``Import``
    while IMPORT fails (a wrong password); the Q202178 rebuild parked the old store and
    brought back only Submit, Export and Bad, so those messages stayed parked."""
    _fault(machine, "wrong-po-password")
    machine.restart()
    machine.send("to-ccmail", 5)
    machine.time_passes(120)
    _check(machine)
    assert machine.s.service.store.names(Folder.IMPORT), "IMPORT should fail and leave mail"
    _fix(machine, "rebuild-ccmcdata")
    _fix(machine, "rebuild-ccmcdata")
    _fix(machine, "correct-po-settings")
    machine.time_passes(3600)
    _check(machine)


def test_und_file_in_a_damaged_import_folder_is_refused(machine: WorldMachine) -> None:
    _fault(machine, "damage-import-folder")
    with pytest.raises(ValueError, match="Import is not a folder"):
        FAULTS.lookup("leave-und-file").function(machine.s, None)
    _check(machine)


def test_short_store_path_after_a_damaged_import_folder(machine: WorldMachine) -> None:
    _fault(machine, "damage-import-folder")
    _fault(machine, "install-path-space")
    machine.restart()
    _check(machine)
    FIXES.lookup("short-store-path").function(machine.s, None)  # the same folder, nothing moves
    _check(machine)


def test_rebuilds_around_a_damaged_import_folder_lose_nothing(machine: WorldMachine) -> None:
    _fault(machine, "large-recipient-list")
    _fix(machine, "rebuild-ccmcdata")
    _fault(machine, "damage-import-folder")
    machine.time_passes(1)
    _check(machine)
    _fix(machine, "rebuild-ccmcdata")


@pytest.mark.parametrize("host", ["nt", "netware"])
def test_a_looping_import_file_left_in_the_old_store_counts_once(host: str) -> None:
    """The soak's find after Q223772: IMPORT keeps a .ccm beside its growing .und (5.5
    before SP3); a new Connector Store Path leaves both in the old Ccmcdata\\Import,
    checked as a parked folder, where the .und's copy was counted a second place. A .und
    beside its .ccm now counts there as in the store: not again."""
    m = WorldMachine()
    m.build(host=host, dirsync="done")
    try:
        _check(m)
        _fault(m, "overlong-recipient-name")
        _fault(m, "install-path-space")
        m.time_passes(1)
        _check(m)
        m.restart()
        _check(m)
        m.time_passes(900)
        _check(m)
    finally:
        m.teardown()


def test_a_loop_that_never_lets_time_move_fails_the_step_instead_of_hanging(
    machine: WorldMachine,
) -> None:
    """The soak once hung inside one step: a thread re-armed at the same instant, again
    and again. The machine's clock watch now fails such a step, naming it, so the soak
    prints the sequence that leads there."""
    clock = machine.s.world.clock

    def again() -> None:
        clock.call_later(0, again)

    clock.call_later(0, again)
    with pytest.raises(AssertionError, match="a loop that never lets time move"):
        machine.time_passes(60)


def test_rebuild_ccmcdata_keeps_a_looping_import_files_report_with_it(
    machine: WorldMachine,
) -> None:
    """The soak's find after Q223772: IMPORT keeps a .ccm beside its growing .und (5.5
    before SP3); the Q202178 rebuild sent the .ccm back to Submit and the .und to Bad,
    where its copy of the message counted as a second place. The .und is IMPORT's record
    of the attempts on the message its .ccm still holds: it stays in the parked folder."""
    _fault(machine, "overlong-recipient-name")
    machine.send("to-ccmail", 3)
    machine.time_passes(900)
    _check(machine)
    names = machine.s.service.store.names(Folder.IMPORT)
    assert any(n.casefold().endswith(".und") for n in names), names
    _fix(machine, "rebuild-ccmcdata")
    assert not machine.s.service.store.names(Folder.BAD)
    machine.time_passes(900)
    _check(machine)


def test_an_import_run_that_takes_none_of_a_full_batch_waits_for_the_next_poll(
    machine: WorldMachine,
) -> None:
    """The soak's hang: IMPORT ended with code 0 and left every file of a full batch
    (``Maximum number of messages to IMPORT``) where it was, and the connector, draining
    a backlog, ran it again at the same instant, for ever. Here the batch is folders
    named like message files, which ``*.ccm`` lists and IMPORT does not open."""
    store = machine.s.service.store
    batch = machine.s.service.max_import
    for n in range(batch):
        store.path(Folder.IMPORT, f"msg{n:04X}.ccm").mkdir()
    runs = machine.s.service.counters.import_runs
    machine.time_passes(60)
    _check(machine)
    assert machine.s.service.counters.import_runs - runs <= 60 // 15 + 1
    assert machine.s.service.counters.files_imported == 0


@pytest.mark.parametrize("release", ["5.5 SP2", "5.0 SP1"])
def test_mail_written_into_a_post_office_16_bit_tools_damaged_survives_the_repair(
    release: str,
) -> None:
    """The soak's find once its worlds included DB8 and Exchange 5.0: a 16-bit EXPORT on a
    cc:Mail 8.5 post office leaves MLANDATA's header claiming 512 bytes more than the
    file holds (KB Q248195); mail users write next lands after a gap of zeros. The
    count stopped at the gap (the messages were 'lost' at once) and the repair dropped
    everything after it (lost for good). Both now read on past the gap."""
    m = WorldMachine()
    m.build(host="nt", dirsync="done", release=release, db=8)
    try:
        _fault(m, "upgrade-to-ccmail85")
        m.time_passes(300)
        m.send("to-exchange", 3)
        _check(m)
        _fix(m, "use-32bit-tools")
        _fix(m, "repair-postoffice")
        m.time_passes(900)
        _check(m)
        assert not m.s.world.connector.exchange.mts_in
        delivered = [i for box in m.s.exchange.mailboxes.values() for i in box.items]
        assert len([x for x in delivered if x.ident and x.ident.startswith("C")]) >= 3
    finally:
        m.teardown()


def test_a_und_reporting_one_message_for_two_reasons_returns_one_ndr() -> None:
    """The soak's find in the wider worlds: before 5.5 SP3 IMPORT keeps the .ccm of a
    message with an over-long recipient name and reports it in the .und at each attempt
    (KB Q223772); once the locale's date order changed too (KB Q180641) the next attempt
    reported it for its date, and the connector returned one NDR per distinct report:
    two for one message. It now returns one, with the last attempt's reason."""
    m = WorldMachine()
    m.build(host="nt", dirsync="pending")
    try:
        _fault(m, "overlong-recipient-name", {"subject": "Order confirmation"})
        m.time_passes(901)
        _check(m)
        _fault(m, "nt-locale-mismatch", {"locale": "JP"})
        m.time_passes(300)
        _check(m)
    finally:
        m.teardown()
