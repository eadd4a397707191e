"""Random sequences of mail, time, restarts, breakage and repair never lose or duplicate mail.

A Hypothesis ``RuleBasedStateMachine`` drives the standard site through the plain
sim API only: mail both ways, time passing, service restarts, a wrong PO
password and back, share rights revoked and granted, ``CCPODOWN`` added and
removed, the programs taken off the system PATH and put back, and an EXPORT
killed mid-file through the export module's ``opener`` seam. After every step:
every tracked message is somewhere, nowhere too often, never twice in one
mailbox, and the event log's times never go backwards.
"""

from __future__ import annotations

import contextlib
import dataclasses
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from sim.access import SharePermission
from sim.connector.setup import SERVICE_ACCOUNT, send_to_ccmail, send_to_exchange, standard_world
from sim.connector.store import Folder
from sim.conservation import check
from sim.exchange import DEFAULT_PATH
from sim.programs.export import export_messages
from sim.world import World
from tests.support.killed import KilledError, dying_opener

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=20,
    stateful_step_count=25,
    suppress_health_check=[HealthCheck.too_slow],
)


class ConnectorMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self._tmp = tempfile.TemporaryDirectory()
        self.world = World(seed=11, root=Path(self._tmp.name))
        self.site = standard_world(
            self.world, users=4, messages=3, exchange_users=2, dirsync_done=True
        )
        self.good = self.site.service.settings

    def teardown(self) -> None:
        self.site.service.stop()
        self._tmp.cleanup()

    # -- mail and time ---------------------------------------------------------------------

    @rule(n=st.integers(1, 20))
    def mail_to_exchange(self, n: int) -> None:
        send_to_exchange(self.world, n)

    @rule(n=st.integers(1, 12))
    def mail_to_ccmail(self, n: int) -> None:
        send_to_ccmail(self.world, n)

    @rule(seconds=st.sampled_from([1, 15, 16, 60, 300, 901]))
    def time_passes(self, seconds: int) -> None:
        self.world.clock.advance(seconds)

    @rule()
    def restart_service(self) -> None:
        self.site.service.restart()

    # -- breaking and repairing the world ----------------------------------------------------

    @rule(wrong=st.booleans())
    def po_password(self, wrong: bool) -> None:
        post_office = dataclasses.replace(self.good.post_office, password="WRONG")
        new = dataclasses.replace(self.good, post_office=post_office) if wrong else self.good
        self.site.service.configure(new)
        self.site.service.restart()

    @rule(granted=st.booleans())
    def share_rights(self, granted: bool) -> None:
        share = self.world.access.share("POSRV", "CCDATA")
        assert share is not None
        if granted:
            self.world.access.grant(SERVICE_ACCOUNT, share, SharePermission.CHANGE)
        else:
            self.world.access.revoke(SERVICE_ACCOUNT, share)

    @rule(down=st.booleans())
    def ccpodown(self, down: bool) -> None:
        if down:
            self.site.postoffice.shut_down()
        else:
            self.site.postoffice.reopen()

    @rule(present=st.booleans())
    def programs_on_path(self, present: bool) -> None:
        self.site.exchange.system_path = list(DEFAULT_PATH) if present else ["C:\\WINNT"]

    @rule()
    def export_killed_mid_file(self) -> None:
        service = self.site.service
        po = self.site.postoffice
        queue = po.find("EX1")
        if queue is None or not po.refs(queue):
            return
        service.prepare()
        name = service.store.next_name(service.store.names(Folder.EXPORT))
        target = service.store.path(Folder.EXPORT, name)
        with contextlib.suppress(KilledError):
            export_messages(po, queue, target, limit=16, opener=dying_opener(20))
        assert not target.exists()

    # -- what must always hold -------------------------------------------------------------

    @invariant()
    def nothing_lost_or_duplicated(self) -> None:
        report = check(self.world)
        assert not report.lost, report.summary()
        assert not report.duplicated, report.summary()
        assert not report.delivered_twice, report.summary()

    @invariant()
    def event_times_never_go_back(self) -> None:
        times = [r.when for r in self.world.eventlog.records]
        assert times == sorted(times)


ConnectorMachine.TestCase.settings = settings.get_profile("ci")
TestConnectorMachine = ConnectorMachine.TestCase
