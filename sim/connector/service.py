"""The MSExchangeCCMC service: start, stop, polling, program runs.

Source: ccmail-reference.md §1.3 (start-up reads ``CCVER.TB``, ``NFTCHECK``,
``CCPODD.nn``, ``CCINTL.TB``, ``CCVER.TB``; on stop it touches ``CCPOMS``;
KB Q170011), §4.1-§4.2 (service, programs on the system PATH), §4.4 (store
recreated at start), §4.5 (the 15 s / 16 / 5 transfer cycle and backlog drain,
KB Q168211; thread restarts, event 86 and 85, are ``sim.connector.threads``),
§4.8 (result code -> event), §5 (KB Q164695 space in the path, Q181186 long
names, Q212788 leftover ``.und`` files, Q202178 damaged Import folder, Q234745
missing ``Contents:``, Q178758 the free-space check: ``sim.connector.diskspace``),
KB Q168556 (Dr. Watson: the process ends, :meth:`crash`).

Modelled, not documented:

* start-up reads that fail (no access, files missing) do not stop the service;
  the failure shows when EXPORT runs (event 70);
* the first poll of each thread runs at start;
* event 43 is logged each time a thread finds the program missing: at start and
  after every restart, so up to 26 times (the first try and the 25 restarts)
  before event 85. KB Q294947's ``ccmc >output.txt`` shows the 43 text again after
  the first "restarted thread" line, and Q176375 gives the 25 restarts before 85;
* the programs get the path of ``Export.ini`` / ``Import.ini`` (KB Q181186);
  before 5.5 SP1 it is passed as configured, so a space (split by the DOS
  command line) or, for a DOS program, a name longer than 8.3 hides the file:
  the program asks for the post office directory and waits, NTVDM at ~98 % CPU
  (KB Q164695, :meth:`ConnectorService.processes`). Exchange 5.5 waits with
  it, the thread never returns and nothing is logged (KB Q181186); Exchange 5.0
  ends it after ``PROGRAM_TIMEOUT`` seconds and logs error 3 (event 70 for
  EXPORT, 61 for IMPORT; KB Q164695 "or will stop responding with error 3
  reported in Event ID 70"), modelled: the articles do not say which build
  does which;
* before 5.5 SP3 a ``.ccm`` file without ``Contents:`` hangs the inbound
  thread (KB Q234745), ``ccmc.exe`` at 90 % CPU in Task Manager
  (:meth:`ConnectorService.processes`); later builds move it to ``Bad`` with
  event 54;
* a ``.und`` file already in ``Export`` (``Import``) when a run begins stops
  inbound (outbound) delivery without an event (KB Q212788); in ``Import`` not the
  ``.und`` of a ``.ccm`` IMPORT kept after code 1, which before 5.5 SP3 is imported
  again and again, the ``.und`` growing (KB Q223772, ``Flow.after_import``);
* outbound conversion keeps at most the IMPORT maximum waiting in ``Submit``
  and moves files to ``Import`` only when it holds no ``.ccm`` (so a failing
  IMPORT leaves files in Submit and MTS-OUT grows, KB Q168670);
* the connector's Import/Export version choice reaches the programs as
  ``DBVersion`` in their parameter file, and ``UndFile=*.und`` asks IMPORT for
  one ``.und`` per input file, as KB Q212788 and Q223772 show them, not the
  ``CCMAIL.UND`` of IMPORT run by hand (``sim.programs.import_.und_path``);
* the 16-bit programs run in one NTVDM for the service's lifetime, whose DPMI handles
  run out before NT 4.0 SP4 (KB Q165404, Q187769; the model is ``sim.connector.ntvdm``).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from sim import drwatson
from sim.access import AccessCheck
from sim.connector import diskspace, events
from sim.connector.constants import (
    DIRSYNC_THREAD,
    DISPLAY_NAME,
    EXPORT_THREAD,
    IMPORT_THREAD,
    MAX_RESTARTS,
    SERVICE_NAME,
)
from sim.connector.dirsync import Dirsync
from sim.connector.flow import Flow
from sim.connector.ntvdm import Ntvdm
from sim.connector.quiet import QuietPolls
from sim.connector.runs import ProgramRuns
from sim.connector.settings import Settings
from sim.connector.store import Folder, Store
from sim.connector.threads import Threads, WorkerError
from sim.errors import PathError
from sim.eventlog import EventLog
from sim.exchange import ExchangeServer
from sim.programs.runner import ProgramRun, run_program

if TYPE_CHECKING:
    from sim.world import World

__all__ = [
    "CRASH_EXCEPTION",
    "CRASH_IMAGE",
    "DISPLAY_NAME",
    "MAX_RESTARTS",
    "SERVICE_NAME",
    "ConnectorService",
    "Counters",
    "ServiceState",
]


#: what Dr. Watson names in event 4097 (KB Q168556, as quoted): the image, the exception
#: and its address
CRASH_IMAGE = "ccmc.exe"
CRASH_EXCEPTION = ("c0000005", "0041930a")


class ServiceState(StrEnum):
    STOPPED = "Stopped"
    RUNNING = "Running"


@dataclass(slots=True)
class Counters:
    """What the service did since it was built (for summaries and benches)."""

    export_runs: int = 0
    import_runs: int = 0
    messages_in: int = 0
    messages_out: int = 0
    files_imported: int = 0
    ndrs: int = 0
    bad_files: int = 0
    dirsync_started: int = 0
    dirsync_completed: int = 0


class ConnectorService(ProgramRuns):
    """``MSExchangeCCMC`` on one Exchange server, connected to one post office."""

    def __init__(self, world: World, exchange: ExchangeServer, settings: Settings) -> None:
        self.world = world
        self.exchange = exchange
        self.install(settings)

    def install(self, settings: Settings) -> None:
        """A fresh connector with these property pages, stopped, its store not yet made."""
        self.settings = settings
        #: the settings in effect (taken from ``settings`` at start)
        self.active = settings
        self.state = ServiceState.STOPPED
        self.eventlog: EventLog = self.world.eventlog
        self.store = Store(self.world, str(self.exchange.registry["Connector Store Path"]))
        self.counters = Counters()
        #: (file, succeeded) of the last start-up's reads of the PO (§1.3)
        self.startup_reads: list[tuple[str, bool]] = []
        self.threads = Threads(self)
        self.flow = Flow(self)
        self.dirsync = Dirsync(self)
        self.quiet = QuietPolls(self)
        #: the NTVDM its 16-bit programs run in (KB Q165404, Q187769)
        self.ntvdm = Ntvdm(self)
        #: the last EXPORT or IMPORT run's outcome
        self.last_run: ProgramRun | None = None
        self.exchange.ccmail_routes = settings.address_spaces

    # -- configuration ------------------------------------------------------------------

    def configure(self, settings: Settings) -> None:
        """Save new property pages: the address space at once, the rest at the next start."""
        self.settings = settings
        self.exchange.ccmail_routes = settings.address_spaces

    @property
    def running(self) -> bool:
        return self.state is ServiceState.RUNNING

    # -- start and stop -----------------------------------------------------------------

    def prepare(self) -> None:
        """Take the configured settings and recreate the store (the first part of a start)."""
        self.active = self.settings
        path = str(self.exchange.registry["Connector Store Path"])
        if path.rstrip("\\") != self.store.windows_path:  # the name counter runs on otherwise
            self.store = Store(self.world, path)
        self.store.ensure(self._ini())

    def start(self) -> None:
        """Start the service: store, start-up reads, PO held shared, first polls (§1.3, §4.4)."""
        if self.running:
            return
        self.prepare()
        if not diskspace.enough_space(self):
            return  # KB Q178758: event 98 and no start
        self.state = ServiceState.RUNNING
        self.threads.reset()
        self.ntvdm.start()
        self._startup_reads()
        po = self.po_host()
        if po is not None:
            self.world.locks.acquire(po, SERVICE_NAME, exclusive=False)
        self.threads.arm(EXPORT_THREAD, 0.0, self.flow.export_once)
        self.threads.arm(IMPORT_THREAD, 0.0, self.flow.import_once)
        first = self.dirsync.first_delay()
        if first is not None:
            self.threads.arm(DIRSYNC_THREAD, first, self.dirsync.run_scheduled)

    def stop(self) -> None:
        """Stop: touch ``CCPOMS`` (§1.3), release the PO, cancel the polls."""
        if not self.running:
            return
        po = self._end()
        if po is None:
            return
        check = self._access()
        if check is not None and check.can_export:
            with contextlib.suppress(OSError):
                (po / "CCPOMS").touch()

    def _end(self) -> Path | None:
        """The process ends: the polls cancelled, the post office let go; returns its host."""
        self.state = ServiceState.STOPPED
        self.threads.cancel()
        po = self.po_host()
        if po is not None:
            self.world.locks.release(po, SERVICE_NAME)
        return po

    def restart(self) -> None:
        self.stop()
        self.start()

    def crash(self) -> None:
        """The process ends on an exception it does not survive: Dr. Watson logs 4097 for
        ccmc (KB Q168556) and the service is stopped.

        Modelled, not documented: the insertion strings (the image ``ccmc.dbg``, the
        exception and address as the article quotes them, its date and time layout);
        that the post office is let go as at a stop (the process's handles close) but
        ``CCPOMS`` is not touched (no orderly stop); and that the service stays
        stopped until it is started again (Windows NT 4.0 does not restart it).
        """
        if not self.running:
            return
        exception, address = CRASH_EXCEPTION
        drwatson.application_error(
            self.world,
            CRASH_IMAGE,
            exception,
            "<nosymbols>",
            address=address,
            user=self.account_name or "SYSTEM",
        )
        self._end()

    def dirsync_now(self, eventlog: EventLog | None = None) -> bool:
        """Run one dirsync cycle at once (as ``ccmc ccdir`` would); True if it completed."""
        if not self.running:
            self.prepare()
        saved = self.eventlog
        self.eventlog = saved if eventlog is None else eventlog
        try:
            return self.dirsync.cycle()
        except (WorkerError, OSError):
            return False
        finally:
            self.eventlog = saved

    # -- support tools (KB Q233164, Q294947) ----------------------------------------------

    def ccdir(self) -> ProgramRun:
        """``ccmc ccdir`` as the service account: the directory EXPORT, no events (Q233164)."""
        if not self.running:
            self.prepare()
        target = self.store.win(Folder.EXPORT, "Ccmdir.exp")
        line = f"{self.po_switches()} /DIRECTORY /@{target} /FORMAT/FAN /BATCH"
        return run_program(
            self.world,
            str(self.exchange.registry.get("Export", "EXPORT.EXE")),
            self.command_line("EXPORT", line),
            account=self.account_name,
            search_path=self.search_path(),
            date_style=self.exchange.date_style,
            cwd=self.store.windows_path,
            console=False,
        )

    def timed_out(self, thread: str) -> None:
        """Exchange 5.0: the program waited on is ended; its run counts as error 3."""
        kind, _, label = self.threads.waiting.pop(thread, "").partition("\t")
        table = events.EXPORT_EVENTS if kind == "EXPORT" else events.IMPORT_EVENTS
        event_id = table.get(3)
        if kind and event_id is not None:
            self.log(event_id, label)

    def processes(self) -> list[tuple[str, int]]:
        """Task Manager on the Exchange server: (image name, CPU %) of the connector's processes.

        ``ccmc.exe`` while the service runs: "up to 90 percent of the CPU" while a
        thread loops on a ``.ccm`` without ``Contents:`` (KB Q234745), else idle.
        Modelled, not documented: the figures, and that processes spinning together
        share the CPU.
        """
        if not self.running:
            return []
        threads = self.threads
        looping = any(t not in threads.waiting for t in threads.blocked)
        spinning = int(looping) + len(threads.waiting)
        rows = [("ccmc.exe", 90 // spinning if looping else 0)]
        rows += [("ntvdm.exe", 98 // spinning) for _ in sorted(threads.waiting)]
        return rows

    # -- the PO as the service account sees it --------------------------------------------

    def po_host(self) -> Path | None:
        try:
            return self.world.resolve(self.active.post_office.path).host
        except PathError:
            return None

    def _access(self) -> AccessCheck | None:
        account = self.exchange.service_account
        try:
            unc = self.world.resolve(self.active.post_office.path).unc
        except PathError:
            return None
        if account is None or unc is None:
            return None
        return self.world.access.check_unc(account.name, *unc)

    def _startup_reads(self) -> None:
        """``Ccver.tb``, ``Nftcheck``, ``Ccpodd.nn``, ``Ccintl.tb``, ``Ccver.tb`` (KB Q170011)."""
        self.startup_reads = []
        check = self._access()
        po = self.po_host()
        names: dict[str, str] = {}
        if po is not None and check is not None and check.can_read:
            try:
                names = {p.name.casefold(): p.name for p in po.iterdir()}
            except OSError:
                names = {}
        podd = next((names[n] for n in sorted(names) if n.startswith("ccpodd.")), "CCPODD.00")
        for name in ("CCVER.TB", "NFTCHECK", podd, "CCINTL.TB", "CCVER.TB"):
            ok = name.casefold() in names
            if ok and po is not None and name.endswith(".TB"):
                try:
                    (po / names[name.casefold()]).read_bytes()
                except OSError:
                    ok = False
            self.startup_reads.append((name, ok))
