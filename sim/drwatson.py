r"""Dr. Watson for Windows NT 4.0: what is left behind when a program takes an unhandled exception.

Source: ccmail-reference.md §4.8 "Related events" (DrWatson 4097 for ccmc, KB Q168556;
NTVDM access violations, KB Q165404, Q187769), §8 row 20 ("Dr. Watson log shows ntvdm
DpmiFreeXmem"). KB Q165404 quotes the ``Drwtsn32.log`` entry of an NTVDM access
violation: "Application exception occurred: App: exe\ntvdm.dbg (pid=66) When: ...
Exception number: c0000005 (access violation)", the System Information and Task List
sections (``ccmc.exe`` and ``ntvdm.exe`` among the tasks), "function: DpmiFreeXmem" with
the faulting instruction ``FAULT ->0f0471ba 8b06 mov eax,[esi]``, and the Stack Back
Trace ``ntvdm!DpmiFreeXmem``, ``ntvdm!DpmiDispatch``, ... ``kernel32!BaseProcessStart``.

:func:`application_error` writes both traces of one such exception: the Application-log
event 4097 and the entry appended to ``%SystemRoot%\Drwtsn32.log`` (``C:\WINNT``).
It is shared by every cause whose program dies this way.

Modelled, not documented:

* event 4097 is the catalogue's (``sim.connector.events``: source ``DrWatson``, type
  Information, category None, KB Q168556's text "The application, ccmc.dbg, generated
  an application error The error occurred on <date> @ <time> The exception generated
  was c0000005 at address 0041930a (<nosymbols>)"); its application name is the
  program's ``<name>.dbg``, the log's ``exe\<name>.dbg`` (KB Q165404), and date and
  time are written as the log writes them;
* the log entry keeps Q165404's layout and wording but only the lines named above (no
  register dump, no raw stack words); the Task List is the Exchange server's usual
  processes plus the ones the caller names; the process ids come from the number of
  records in the Application log (deterministic, not NT's);
* the log is written in the ANSI code page (cp1252) with CRLF line ends, appended to.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PureWindowsPath
from typing import TYPE_CHECKING

from sim.connector import events
from sim.eventlog import EventRecord

if TYPE_CHECKING:
    from sim.world import World

__all__ = [
    "EVENT_ID",
    "EXCEPTIONS",
    "LOG_FILE",
    "NTVDM_STACK",
    "SOURCE",
    "app_name",
    "application_error",
    "event_name",
]

#: Dr. Watson's event source and the event ID of "generated an application error"
SOURCE = events.DRWATSON
EVENT_ID = 4097
#: ``%SystemRoot%\Drwtsn32.log`` on the Exchange server (KB Q165404)
LOG_FILE = "C:\\WINNT\\Drwtsn32.log"
#: exception code -> the name Dr. Watson prints after it (KB Q165404)
EXCEPTIONS = {"c0000005": "access violation"}
#: what runs on an Exchange server beside the programs named by the caller (KB Q165404's list)
_TASKS = (
    "Idle.exe",
    "System.exe",
    "smss.exe",
    "csrss.exe",
    "winlogon.exe",
    "services.exe",
    "lsass.exe",
    "spoolss.exe",
    "RpcSs.exe",
    "mad.exe",
    "dsamain.exe",
    "store.exe",
    "emsmta.exe",
)
#: the Stack Back Trace of KB Q165404's NTVDM access violation, innermost first
NTVDM_STACK = (
    "ntvdm!DpmiFreeXmem",
    "ntvdm!DpmiDispatch",
    "ntvdm!EventVdmBop",
    "ntvdm!cpu_simulate",
    "ntvdm!host_main",
    "ntvdm!main",
    "ntvdm!mainCRTStartup",
    "kernel32!BaseProcessStart",
)


def app_name(image: str) -> str:
    r"""The name Dr. Watson gives a program: ``ntvdm.exe`` -> ``exe\ntvdm.dbg`` (KB Q165404)."""
    stem = PureWindowsPath(image).stem.lower()
    return f"exe\\{stem}.dbg"


def event_name(image: str) -> str:
    """The name event 4097 gives a program: ``ccmc.exe`` -> ``ccmc.dbg`` (KB Q168556)."""
    return f"{PureWindowsPath(image).stem.lower()}.dbg"


def application_error(
    world: World,
    image: str,
    exception: str,
    function: str,
    *,
    address: str = "00000000",
    user: str = "SYSTEM",
    tasks: Sequence[str] = (),
    stack: Sequence[str] = (),
) -> EventRecord:
    """``image`` took ``exception`` in ``function``: event 4097 and a ``Drwtsn32.log`` entry.

    ``address`` is the faulting instruction's, ``user`` the account the program ran as,
    ``tasks`` the processes of the caller's own to show in the Task List (the faulting
    ``image`` is added last, then ``drwtsn32.exe``), ``stack`` the Stack Back Trace
    (``module!function`` frames, innermost first; e.g. :data:`NTVDM_STACK`). Returns the
    event written.
    """
    when = world.clock.datetime
    date = f"{when.month}/{when.day}/{when.year}"
    time = f"{when.hour}:{when.minute}:{when.second}.{when.microsecond // 1000:03d}"
    app = app_name(image)
    pid = 40 + 2 * len(world.eventlog)
    entry = _log_entry(world, app, pid, f"{date} @ {time}", exception, address, function, user)
    entry += _task_list(pid, [*tasks, image.lower()])
    entry += _fault(function, address, stack)
    path = world.path(LOG_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("ab") as log:
        log.write(entry.replace("\n", "\r\n").encode("cp1252", "replace"))
    strings = (event_name(image), date, time, exception, address, function)
    record = events.log(world.eventlog, EVENT_ID, *strings, computer=world.exchange.name, levels={})
    if record is None:  # a level-None event passes every logging level
        raise RuntimeError("event 4097 was filtered out")
    return record


def _log_entry(
    world: World,
    app: str,
    pid: int,
    when: str,
    exception: str,
    address: str,
    function: str,
    user: str,
) -> str:
    name = EXCEPTIONS.get(exception.lower(), "")
    number = f"{exception} ({name})" if name else exception
    return (
        "\n"
        "Application exception occurred:\n"
        f"        App: {app} (pid={pid})\n"
        f"        When: {when}\n"
        f"        Exception number: {number}\n"
        "\n"
        "*----> System Information <----*\n"
        f"        Computer Name: {world.exchange.name}\n"
        f"        User Name: {user}\n"
        "        Number of Processors: 1\n"
        "        Windows Version: 4.0\n"
        "        Current Build: 1381\n"
        "        Current Type: Uniprocessor Free\n"
        "\n"
    )


def _task_list(pid: int, tasks: Sequence[str]) -> str:
    names = [*_TASKS, *tasks, "drwtsn32.exe"]
    rows = [f"{(pid if n == tasks[-1] else 4 * i):3d} {n}" for i, n in enumerate(names)]
    return "*----> Task List <----*\n" + "".join(f"{row}\n" for row in rows) + "\n"


def _fault(function: str, address: str, stack: Sequence[str]) -> str:
    frames = "".join(f"{frame}\n" for frame in stack)
    return (
        f"function: {function}\n"
        f"FAULT ->{address.lower()}\n"
        "\n"
        "*----> Stack Back Trace <----*\n" + frames + "\n"
    )
