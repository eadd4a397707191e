"""What the connector hands the cc:Mail programs, and how it runs them.

Source: ccmail-reference.md §4.1-§4.2 (programs on the system PATH, the cc:Mail
Admin file path first), §4.3 (the Import/Export version choice), §4.8 (result code
-> event), §5 (KB Q164695 space in the path, Q181186 the path of ``Export.ini`` and
short names, Q294947 event 43 after each restart).

:class:`ProgramRuns` is the part of :class:`sim.connector.service.ConnectorService`
that builds a program's command line and parameter files from the property pages
and the registry, runs the program as the service account, and logs the event its
result calls for. The modelled facts are in the service's docstring.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.connector import events
from sim.connector.constants import EXPORT_SWITCHES, IMPORT_SWITCHES
from sim.connector.ntvdm import CRASH_DETAIL, CRASHED, Ntvdm
from sim.connector.store import EXPORT_INI, IMPORT_INI, Store
from sim.connector.threads import Threads, WorkerError
from sim.programs.runner import WAITING, ProgramRun, run_program
from sim.winpath import short_form

if TYPE_CHECKING:
    from sim.connector.settings import Settings
    from sim.eventlog import EventLog
    from sim.exchange import ExchangeServer
    from sim.world import World

__all__ = ["ProgramRuns"]

_NOT_FOUND = ("2", "The system cannot find the file specified.")


class ProgramRuns:
    """The connector's program runs (mixed into ``ConnectorService``)."""

    world: World
    exchange: ExchangeServer
    active: Settings
    store: Store
    threads: Threads
    last_run: ProgramRun | None
    eventlog: EventLog
    ntvdm: Ntvdm

    @property
    def account_name(self) -> str | None:
        """The service account the connector's programs run as (None: not set up)."""
        account = self.exchange.service_account
        return account.name if account is not None else None

    def reg_int(self, name: str) -> int:
        """A whole-number value of the connector's registry key (0 when absent)."""
        value = self.exchange.registry.get(name, 0)
        return value if isinstance(value, int) else int(str(value) or 0)

    def log(self, event_id: int, *strings: str) -> None:
        """Write a catalogue event if the active Diagnostics Logging levels let it through."""
        levels = self.active.logging.levels
        events.log(self.eventlog, event_id, *strings, computer=self.exchange.name, levels=levels)

    def po_switches(self, name: str | None = None) -> str:
        """``/N`` and ``/P``; the post office directory is in the parameter file."""
        po = self.active.post_office
        return f"/N{name or po.name} /P{po.password}"

    def search_path(self) -> list[str]:
        admin = str(self.exchange.registry.get("cc:Mail Admin file path", "") or "")
        return ([admin] if admin else []) + self.exchange.system_path

    def _ini(self) -> dict[str, dict[str, dict[str, str]]]:
        po = self.active.post_office
        common = {"PostOffice": po.name, "Path": po.path, "DBVersion": str(po.version.db_version)}
        export = {**common, "Switches": EXPORT_SWITCHES, "MaxMessages": str(self.max_export)}
        imp = {**common, "Switches": IMPORT_SWITCHES, "UndFile": "*.und"}  # one per file
        buffer = self.reg_int("Max Address Buffer Size")
        if buffer:
            imp["MaxAddressBuffer"] = str(buffer)
        return {EXPORT_INI: {"Export": export}, IMPORT_INI: {"Import": imp}}

    @property
    def max_export(self) -> int:
        return self.reg_int("Maximum number of messages to EXPORT")

    @property
    def max_import(self) -> int:
        return self.reg_int("Maximum number of messages to IMPORT")

    def passed(self, windows: str) -> str:
        """A store path as the connector hands it to the programs: before 5.5 SP1 as
        configured; from SP1 in 8.3 short names ("the CCMC only passes short-path
        names", KB Q181186)."""
        if not self.exchange.at_least("5.5", 1):
            return windows
        root = self.store.windows_path
        short = short_form(root, self.world.root)
        return short + windows[len(root) :] if windows.startswith(root) else windows

    def command_line(self, kind: str, switches: str) -> str:
        """The parameter file's path, then the switches, store paths as :meth:`passed`.

        KB Q181186: "Exchange Server provides the path to the Export.ini file"; the
        post office directory and the other settings are in it (:meth:`_ini`). With a
        space in the path the DOS program splits it and finds no file; with a long
        name a DOS program cannot open it (Q164695, Q181186). Modelled, not
        documented: the path is the first bare argument (``sim.programs.paramfile``).
        """
        ini = self.store.win(EXPORT_INI if kind == "EXPORT" else IMPORT_INI)
        root = self.store.windows_path
        text = f"{ini} {switches}"
        return text.replace(root, self.passed(root)) if self.passed(root) != root else text

    def run(
        self, kind: str, label: str, command_line: str, thread: str, *, resource_code: bool = False
    ) -> int | None:
        """Run EXPORT or IMPORT, log its result event, return its code.

        ``resource_code`` (the dirsync, KB Q233164): a program that ended with result
        code 1 at start-up because a resource file is missing returns 1 and logs
        nothing; the caller reports it (:meth:`outcome`).

        None: it failed to run (event 65/64), or it waits for an answer (KB Q164695:
        NTVDM at 95 % CPU). Exchange 5.5 waits for it for ever (the thread is
        blocked; KB Q181186: no event at all); Exchange 5.0 gives up after
        ``PROGRAM_TIMEOUT`` and reports error 3 (event 70, KB Q164695, Q166045;
        :meth:`timed_out`). Modelled, not documented: that the build decides which.
        Raises WorkerError when the program is not on the PATH (event 43).

        A 16-bit program runs in the service's NTVDM, which on NT 4.0 before SP4 may
        end it with an access violation (``sim.connector.ntvdm``, KB Q165404, Q187769).
        """
        program = str(self.exchange.registry.get(kind.title(), f"{kind}.EXE"))
        line = self.command_line(kind, command_line)
        search_path = self.search_path()
        result = self.ntvdm.run(
            program,
            line,
            thread,
            search_path,
            lambda: run_program(
                self.world,
                program,
                line,
                account=self.account_name,
                search_path=search_path,
                date_style=self.exchange.date_style,
                cwd=self.store.windows_path,
                console=False,
            ),
        )
        if result.failure == WAITING:
            self.last_run = None  # nothing ended: no quiet stretch to skip (sim.connector.quiet)
            self.threads.waiting[thread] = f"{kind}\t{label}"
            if self.exchange.version != "5.0":
                self.threads.blocked.add(thread)
            return None
        self.last_run = result
        return self.outcome(kind, label, result, resource_code=resource_code)

    def outcome(
        self, kind: str, label: str, result: ProgramRun, *, resource_code: bool = False
    ) -> int | None:
        """Log the event of a run's result and return its code (as :meth:`run`)."""
        if result.failure == "not found":
            self.log(43, *_NOT_FOUND)  # after each restart too (KB Q294947)
            raise WorkerError(f"{result.program} could not be executed")
        detail = CRASH_DETAIL if result.failure == CRASHED else _console_detail(result.output)
        if resource_code and result.failure == "failed to run" and result.code == 1:
            return 1
        if result.failure == "failed to run" or result.code is None:
            export = kind == "EXPORT"
            failed = events.EXPORT_FAILED_TO_RUN if export else events.IMPORT_FAILED_TO_RUN
            self.log(failed, label, detail)
            return None
        table = events.EXPORT_EVENTS if kind == "EXPORT" else events.IMPORT_EVENTS
        event_id = table.get(result.code)
        if event_id in (62, 71):
            self.log(event_id, label, detail)
        elif event_id is not None:
            self.log(event_id, label)
        return result.code


def _console_detail(output: str) -> str:
    """The program's own lines: no banner, no path line, no "process ended" line."""
    lines = [ln.strip() for ln in output.splitlines() if ln.strip()]
    keep = [
        ln
        for ln in lines
        if not ln.startswith("Post office directory:")
        and "process ended" not in ln
        and "Copyright(c)" not in ln
    ]
    return " ".join(keep)
