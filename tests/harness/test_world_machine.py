"""Random days in the whole world: mail, faults, fixes, restarts, a killed EXPORT.

A Hypothesis ``RuleBasedStateMachine`` over a site built the harness's way
(``harness.build.build_site``, an NT or a NetWare post office of DB6 or DB8, Exchange
5.5 SP2, 5.5 SP4 or 5.0 SP1, first dirsync done or pending), driven through the harness
fault library: mail both ways, time passing, the service stopped, started and
restarted, any registered fault (``harness.registry.FAULTS``; one that does not apply
to this world, such as a NetWare fault on an NT share, refuses with ValueError and
changes nothing), the
registered fixes that cure a cause of an applied fault (``FIXES``, matched by
``cures`` through the catalogue's scenarios, which pair each fault with its
cause; a fix that cannot be applied in this world refuses with ValueError too),
and EXPORT killed at a random byte of its file (the
``sim.programs.export.export_messages`` opener seam). tests/sim's connector
machine covers the same mail in the plain sim API; this one covers the fault
library.

After every step: conservation (``sim.conservation.check(world,
postoffice=site.po_path).ok``: nothing lost, nothing duplicated, no mailbox
holding a message twice; a Ccmcdata folder the connector used before its store
path changed counts as a place, ``elsewhere``), and the event log in clock order (times never
decrease, none after the clock).

Profiles (registered with Hypothesis under these names, used from
:data:`PROFILES` so that another module's profile of the same name cannot
change them): ``ci`` (default; derandomized, a few sequences, for the normal
test run) and ``soak`` (10,000 sequences, or ``CCSIM_SOAK_EXAMPLES``; ``tox -e
soak`` sets ``HYPOTHESIS_PROFILE=soak``). The soak is split into ``CCSIM_SOAK_SHARDS``
shards (2 under ``tox -e soak``, which runs them with ``pytest -n 2``): each shard is one
test of its own share of the sequences, drawn independently, so the two cores share the
work. The run prints what it covered, summed over the shards: sequences, steps, faults,
fixes, kills and messages.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import tempfile
import typing
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from harness.build import Site, build_site
from harness.loader import import_registries, load_text
from harness.registry import FAULTS, FIXES, FaultSpec
from harness.selection import load_selection
from sim.clock import Clock, Timer
from sim.connector.store import Folder
from sim.conservation import check
from sim.postoffice.postoffice import Postoffice
from sim.programs.export import export_messages
from tests.harness.conftest import COVERAGE_PROPERTY
from tests.support.killed import KilledError, dying_opener

import_registries()

#: how many tests the soak's sequences are split into (one per pytest-xdist worker)
SOAK_SHARDS = max(1, int(os.environ.get("CCSIM_SOAK_SHARDS", "1")))

PROFILES = {
    "ci": settings(
        derandomize=True,
        database=None,  # never replay a soak's failures in the normal run
        deadline=None,
        max_examples=10,
        stateful_step_count=25,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        print_blob=True,
    ),
    "soak": settings(
        deadline=None,
        max_examples=-(-int(os.environ.get("CCSIM_SOAK_EXAMPLES", "10000")) // SOAK_SHARDS),
        stateful_step_count=40,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    ),
}
for _name, _profile in PROFILES.items():
    settings.register_profile(_name, _profile)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")

#: fault name -> the cause of the catalogue scenario that uses it (reference §8)
CAUSE_OF = {
    use.name: scenario.cause
    for _, scenario in load_selection([], None, None)
    for use in scenario.faults
}

WORLD = """\
id: world-machine
title: The world of the state machine
cause: healthy
world:
  postoffice:
    users: 4
    messages: 3
    db: {db}
    host: {host}
  exchange: {{mailboxes: 2, version: '{version}', service_pack: {service_pack}}}
  connector:
    first_dirsync: {dirsync}
    logging: {{general: maximum, inbound: maximum, outbound: maximum, dir_synch: maximum}}
"""
HOSTS = {
    "nt": "{kind: nt}",
    "netware": "{kind: netware, access: netware-account}",
}
#: the Exchange releases the machine's worlds run (version, service pack): the standard
#: 5.5 SP2, 5.5 SP4 (where 'Max Address Buffer Size' exists, KB Q266711) and 5.0 SP1
#: (before the last 5.0 service pack: KB Q176375, Q178758), so that the faults and fixes
#: of every release apply somewhere
RELEASES = {"5.5 SP2": ("5.5", 2), "5.5 SP4": ("5.5", 4), "5.0 SP1": ("5.0", 1)}

#: the most actions the clock may run within one rule: far above what a step needs (a
#: virtual hour of polls, dirsync and a drained backlog is a few thousand); past it the
#: world is in a loop that never lets time move, and the step fails with its sequence
#: instead of hanging the soak
STEP_ACTIONS = 100_000


def _watch(clock: Clock) -> Callable[[], None]:
    """Fail an action run more than :data:`STEP_ACTIONS` after the current rule began;
    returns what marks a rule's end (the next one's count starts there)."""
    schedule = clock.call_at
    start = [clock.steps]

    def call_at(when: float, action: Callable[[], None]) -> Timer:
        def watched() -> None:
            if clock.steps - start[0] > STEP_ACTIONS:
                raise AssertionError(
                    f"the clock ran {clock.steps - start[0]:,} actions in one step without "
                    f"reaching its end (now t={clock.now:g} s): a loop that never lets time move"
                )
            action()

        return schedule(when, watched)

    def begin() -> None:
        start[0] = clock.steps

    clock.call_at = call_at  # type: ignore[method-assign]
    return begin


#: what the machines covered in this process (printed after the run)
COVERAGE: Counter[str] = Counter()


def _param_values(spec: FaultSpec) -> st.SearchStrategy[Any]:
    """Parameters for a fault: each Literal field drawn from its choices, the rest defaults."""
    model = spec.params
    if model is None:
        return st.none()
    fields: dict[str, st.SearchStrategy[Any]] = {}
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if typing.get_origin(annotation) is typing.Literal:
            fields[name] = st.sampled_from(typing.get_args(annotation))
        elif typing.get_origin(annotation) is list:
            (inner,) = typing.get_args(annotation)
            if typing.get_origin(inner) is typing.Literal:
                choices = typing.get_args(inner)
                fields[name] = st.lists(st.sampled_from(choices), min_size=1, unique=True)
    return st.fixed_dictionaries(fields).map(lambda values: model(**values))


FAULT_USES = st.sampled_from(FAULTS.names()).flatmap(
    lambda name: st.tuples(st.just(name), _param_values(FAULTS.lookup(name)))
)


class WorldMachine(RuleBasedStateMachine):
    """One site, built as a scenario builds it, through a random sequence of days."""

    def __init__(self) -> None:
        super().__init__()
        self._tmp = tempfile.TemporaryDirectory(prefix="ccsim-machine-")
        self.site: Site | None = None
        #: marks the end of a rule for the clock's watch (:func:`_watch`)
        self._stepped: Callable[[], None] = lambda: None
        #: causes of the faults applied and not yet cured
        self.broken: set[str] = set()
        #: every Ccmcdata the connector has used: a new "Connector Store Path" leaves the
        #: old folder's files where they are (install-path-space), not lost
        self.stores: set[Path] = set()
        COVERAGE["sequences"] += 1

    @initialize(
        host=st.sampled_from(sorted(HOSTS)),
        dirsync=st.sampled_from(["done", "pending"]),
        release=st.sampled_from(sorted(RELEASES)),
        db=st.sampled_from([6, 8]),
    )
    def build(self, host: str, dirsync: str, release: str = "5.5 SP2", db: int = 6) -> None:
        version, service_pack = RELEASES[release]
        text = WORLD.format(
            host=HOSTS[host], dirsync=dirsync, db=db, version=version, service_pack=service_pack
        )
        scenario = load_text(text, name="world-machine.scenario.yaml")
        self.site = build_site(scenario, seed=11, root=Path(self._tmp.name) / "world")
        self._stepped = _watch(self.site.world.clock)
        self.site.service.start()
        COVERAGE[f"world {host}, first dirsync {dirsync}"] += 1
        COVERAGE[f"world Exchange {release}, DB{db}"] += 1

    @property
    def s(self) -> Site:
        assert self.site is not None
        return self.site

    def teardown(self) -> None:
        if self.site is not None:
            with contextlib.suppress(Exception):  # a failed step may leave it half started
                self.site.service.stop()
        self._tmp.cleanup()

    def _step(self, what: str) -> None:
        COVERAGE["steps"] += 1
        COVERAGE[what] += 1
        self._stepped()

    # -- mail and time ---------------------------------------------------------------------

    @rule(direction=st.sampled_from(["to-exchange", "to-ccmail"]), n=st.integers(1, 20))
    def send(self, direction: str, n: int) -> None:
        sent = self.s.send(direction, n)
        self._step(f"send {direction}")
        COVERAGE["messages"] += len(sent)

    @rule(seconds=st.sampled_from([1, 15, 16, 60, 300, 901, 3600]))
    def time_passes(self, seconds: int) -> None:
        self.s.world.clock.advance(seconds)
        self._step("time passes")

    # -- the service -------------------------------------------------------------------------

    @rule()
    def restart(self) -> None:
        self.s.service.restart()
        self._step("restart")

    @precondition(lambda self: self.site is not None and self.site.service.running)
    @rule()
    def stop(self) -> None:
        self.s.service.stop()
        self._step("stop")

    @precondition(lambda self: self.site is not None and not self.site.service.running)
    @rule()
    def start(self) -> None:
        self.s.service.start()
        self._step("start")

    # -- faults and fixes --------------------------------------------------------------------

    @rule(use=FAULT_USES)
    def fault(self, use: tuple[str, Any]) -> None:
        name, params = use
        try:
            FAULTS.lookup(name).function(self.s, params)
        except ValueError:
            self._step(f"fault {name} (does not apply)")
            return
        self._step(f"fault {name}")
        COVERAGE["faults"] += 1
        if name in CAUSE_OF:
            self.broken.add(CAUSE_OF[name])

    @precondition(lambda self: bool(self.broken))
    @rule(data=st.data())
    def fix(self, data: st.DataObject) -> None:
        cures = [s for s in FIXES.specs() if self.broken & set(s.cures)]
        spec = data.draw(st.sampled_from(sorted(cures, key=lambda s: s.name)), label="fix")
        try:
            spec.function(self.s, None)
        except ValueError:  # e.g. a fix that needs another Exchange service pack
            self._step(f"fix {spec.name} (does not apply)")
            return
        self.broken -= set(spec.cures)
        self._step(f"fix {spec.name}")
        COVERAGE["fixes"] += 1

    # -- a crash ----------------------------------------------------------------------------

    @precondition(lambda self: self.site is not None and self.site.service.running)
    @rule(queued=st.integers(1, 20), at=st.integers(0, 6000))
    def export_killed(self, queued: int, at: int) -> None:
        """Mail arrives for Exchange; the connector's EXPORT dies after ``at`` bytes of its file.

        Only while no fault is in force: a broken connector's EXPORT would not get
        as far as writing (what it does then is the faults' business).
        """
        sent = self.s.send("to-exchange", queued)
        COVERAGE["messages"] += len(sent)
        service = self.s.service
        po = Postoffice(self.s.po_path)
        queue = po.find(self.s.exchange.site_address)
        if self.broken or queue is None or not queue.mailbox or not po.refs(queue):
            self._step("export killed (nothing to export)")
            return
        name = service.store.next_name(service.store.names(Folder.EXPORT))
        target = service.store.path(Folder.EXPORT, name)
        with contextlib.suppress(KilledError):
            export_messages(po, queue, target, limit=service.max_export, opener=dying_opener(at))
            self._step("export killed (after the file was complete)")
            return
        assert not target.exists()
        self._step("export killed")
        COVERAGE["kills"] += 1

    # -- what must always hold -------------------------------------------------------------

    @invariant()
    def nothing_lost_or_duplicated(self) -> None:
        if self.site is None:
            return
        current = self.s.service.store.root
        self.stores.add(current)
        old = sorted(root for root in self.stores if root != current and root.exists())
        report = check(self.s.world, postoffice=self.s.po_path, elsewhere=old)
        assert report.ok, report.summary()

    @invariant()
    def event_log_follows_the_clock(self) -> None:
        if self.site is None:
            return
        times = [r.when for r in self.s.world.eventlog.records]
        assert times == sorted(times)
        assert not times or times[-1] <= self.s.world.clock.datetime


@pytest.fixture
def coverage_recorded(record_property: Callable[[str, object], None]) -> Iterator[None]:
    """After the run, record what the machine covered (the soak's record).

    The counts travel as a test property, so that under pytest-xdist the workers'
    records reach the main process; ``tests/harness/conftest.py`` prints their sum in a soak.
    """
    before = Counter(COVERAGE)
    yield
    record_property(COVERAGE_PROPERTY, dict(COVERAGE - before))


@pytest.mark.parametrize("shard", range(SOAK_SHARDS if PROFILE == "soak" else 1))
def test_world_machine(shard: int, coverage_recorded: None) -> None:
    run_state_machine_as_test(WorldMachine, settings=PROFILES[PROFILE])
    assert COVERAGE["steps"] > 0


# -- the invariants can fail ---------------------------------------------------------------


def _machine(host: str = "nt") -> WorldMachine:
    machine = WorldMachine()
    machine.build(host=host, dirsync="done")
    return machine


def test_a_message_taken_out_of_the_queue_is_caught_as_lost() -> None:
    machine = _machine()
    try:
        machine.send("to-exchange", 3)
        machine.nothing_lost_or_duplicated()
        po = Postoffice(machine.s.po_path)
        queue = po.find(machine.s.exchange.site_address)
        assert queue is not None
        po.remove_messages(queue, [r.number for r in po.refs(queue)][:1])
        with pytest.raises(AssertionError, match="lost: "):
            machine.nothing_lost_or_duplicated()
    finally:
        machine.teardown()


def test_an_export_file_copied_back_is_caught_as_duplicated() -> None:
    machine = _machine("netware")
    try:
        machine.send("to-exchange", 2)
        folder = machine.s.service.store.path(Folder.EXPORT, "x").parent
        machine.export_killed(queued=1, at=10**9)  # a complete file, messages leave the queue
        (complete,) = [p for p in folder.iterdir() if p.suffix == ".ccm"]
        machine.nothing_lost_or_duplicated()
        (folder.parent / "Submit" / complete.name).write_bytes(complete.read_bytes())
        with pytest.raises(AssertionError, match="duplicated: "):
            machine.nothing_lost_or_duplicated()
    finally:
        machine.teardown()


@pytest.mark.parametrize("shift", [timedelta(hours=1), -timedelta(hours=1)], ids=["future", "back"])
def test_an_event_out_of_clock_order_is_caught(shift: timedelta) -> None:
    machine = _machine()
    try:
        machine.time_passes(3600)
        machine.event_log_follows_the_clock()
        records = machine.s.world.eventlog.records
        assert records, "the started service logs events"
        last = records[-1]
        records.append(dataclasses.replace(last, when=last.when + shift))
        with pytest.raises(AssertionError):
            machine.event_log_follows_the_clock()
    finally:
        machine.teardown()
