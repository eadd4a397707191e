r"""The NTVDM the connector's 16-bit programs run in, and NT 4.0's DPMI bug (KB Q165404, Q187769).

Source: ccmail-reference.md §8 row 20 ("ntvdm.exe access violation ... NT service pack
level; Dr. Watson log shows ntvdm DpmiFreeXmem | Install NT4 SP4 | No AV; manual Export
works"), §2.1 (Import/Export are MS-DOS programs, run under NTVDM on NT).

* KB Q165404: on NT 4.0 with the cc:Mail connector, "NTVDM.EXE APPLICATION.... The
  memory can not be read"; ``Drwtsn32.log`` shows ``exe\ntvdm.dbg``, exception c0000005
  (access violation) in ``DpmiFreeXmem``, with ``ccmc.exe`` and ``ntvdm.exe`` in the task
  list. "Windows NT Virtual DOS Machine does not check the DPMI function for invalid
  handles that free extended memory before those handles are passed to DPMI. The
  DpmiFreeXmem() function will try to free the memory pointed to by the invalid handle,
  which causes an unhandled access violation." First corrected in NT 4.0 SP4.
* KB Q187769: when Import.exe and Export.exe are scheduled to synchronize users with
  the post office, "the NTVDM those utilities runs in may begin running out of resources
  and may cause an application error in Ntvdm.exe". First corrected in NT 4.0 SP4.

Only a DOS image runs in NTVDM: the 32-bit Import32/Export32 of cc:Mail 8.5 (KB Q248195)
do not, whatever name they were started by (``sim.programs.image``).

Modelled, not documented (neither article gives numbers, an event of the connector's,
or what the resource is tied to):

* the connector's 16-bit programs run in an NTVDM whose DPMI extended-memory handles
  last as long as the service: a service start (a new ``ccmc.exe``) begins with all
  :data:`POOL` handles free, and the NT code it runs is that of the service pack
  installed when the service started (a service pack takes effect at the restart the
  articles' resolution implies);
* before SP4 each program run of a directory synchronization (the directory EXPORT and
  the two directory IMPORTs, KB Q187769's "scheduled to synchronize users") leaves
  :data:`LEAK_PER_RUN` handle behind that is never freed; the mail runs leak nothing.
  With the default "Always" schedule (a cycle every 15 minutes from the first minute,
  three runs each) the pool is gone after the fourth cycle, 46 minutes after the start,
  so a restart alone does not hold for an hour;
* with the pool gone, the next 16-bit program the service starts (mail or directory)
  gets an invalid handle at start-up, before it opens the post office, and
  ``DpmiFreeXmem`` takes the access violation (KB Q165404): Dr. Watson writes event 4097
  and its ``Drwtsn32.log`` entry (``sim.drwatson``), the program ends without a result
  code and nothing it would have read or written is touched. Every later 16-bit run of
  that service ends the same way until the service is restarted; a restart helps for
  another 46 minutes on SP3;
* the connector logs such a run as one that failed to run (65 for EXPORT, 64 for IMPORT;
  a directory run's cycle then ends with 14005 as for any failed run), with
  :data:`CRASH_DETAIL` as the detail, and tries again at its next poll: the messages
  stay in the post office queue (EXPORT) or in ``Ccmcdata\Import`` (IMPORT);
* a program run by hand (``ccmc ccdir``, EXPORT at a command prompt) gets an NTVDM of
  its own, so the manual Export works.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from sim import drwatson
from sim.connector.constants import DIRSYNC_THREAD
from sim.programs.image import read_image
from sim.programs.runner import ProgramRun, find_program

if TYPE_CHECKING:
    from sim.connector.service import ConnectorService

__all__ = [
    "CRASHED",
    "CRASH_DETAIL",
    "EXCEPTION",
    "FAULT_ADDRESS",
    "FAULT_FUNCTION",
    "FIXED_IN",
    "LEAK_PER_RUN",
    "POOL",
    "Ntvdm",
]

#: DPMI extended-memory handles of the connector's NTVDM (modelled)
POOL = 12
#: handles one directory run leaves behind before SP4 (modelled)
LEAK_PER_RUN = 1
#: the NT 4.0 service pack that checks the handles (KB Q165404, Q187769)
FIXED_IN = 4
#: ``ProgramRun.failure`` of a program that died in the access violation
CRASHED = "application error"
#: the exception, its instruction and function (KB Q165404's ``Drwtsn32.log``)
EXCEPTION = "c0000005"
FAULT_ADDRESS = "0f0471ba"
FAULT_FUNCTION = "DpmiFreeXmem"
#: the detail of the connector's 65/64 for such a run (modelled: the process's exit code)
CRASH_DETAIL = "The program ended with exception c0000005 (access violation) in NTVDM."


class Ntvdm:
    """The NTVDM of one connector service: its DPMI handles and the NT code it runs."""

    def __init__(self, service: ConnectorService) -> None:
        self.service = service
        #: the NT 4.0 service pack the NTVDM runs (taken at each service start)
        self.service_pack = service.world.access.nt_service_pack
        #: DPMI extended-memory handles lost since the service started
        self.leaked = 0

    def start(self) -> None:
        """A service start: a new NTVDM, every handle free, the NT code installed now."""
        self.service_pack = self.service.world.access.nt_service_pack
        self.leaked = 0

    @property
    def buggy(self) -> bool:
        """The NT code before SP4, which neither frees nor checks the handles."""
        return self.service_pack < FIXED_IN

    @property
    def exhausted(self) -> bool:
        return self.buggy and self.leaked >= POOL

    def dos_image(self, file_name: str, search_path: Sequence[str]) -> bool:
        """The program found on the path is an MS-DOS image (it runs in NTVDM)."""
        found = find_program(self.service.world, file_name, search_path)
        return found is not None and not read_image(found[1]).win32

    def run(
        self,
        file_name: str,
        command_line: str,
        thread: str,
        search_path: Sequence[str],
        execute: Callable[[], ProgramRun],
    ) -> ProgramRun:
        """Run a program the service starts: ``execute`` it, or the access violation."""
        if not self.buggy or not self.dos_image(file_name, search_path):
            return execute()
        if self.exhausted:
            return self._crash(file_name, command_line, search_path)
        result = execute()
        if thread == DIRSYNC_THREAD and result.failure != "not found":
            self.leaked += LEAK_PER_RUN
        return result

    def _crash(self, file_name: str, command_line: str, search_path: Sequence[str]) -> ProgramRun:
        """``DpmiFreeXmem`` frees an invalid handle: Dr. Watson's traces, no result code."""
        svc = self.service
        drwatson.application_error(
            svc.world,
            "ntvdm.exe",
            EXCEPTION,
            FAULT_FUNCTION,
            address=FAULT_ADDRESS,
            user=svc.account_name or "SYSTEM",
            tasks=("ccmc.exe",),
            stack=drwatson.NTVDM_STACK,
        )
        found = find_program(svc.world, file_name, search_path)
        banner = read_image(found[1]).banner if found is not None else ""
        return ProgramRun(file_name, command_line, None, f"{banner}\n", CRASHED)
