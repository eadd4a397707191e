"""``ccmc >output.txt``: the connector run in a console with its debug output.

Source: ccmail-reference.md §4.1 and KB Q294947, which shows the file such a run
writes: "Service Start Pending", "Service Running", the "has successfully
started" line, one ``[00000125] (Debug): CONFIG_... = <value>.`` line per setting
(a blank line after each), then the texts the service also logs as events, each
after the bracketed number of the thread that wrote it.

What Q294947 shows and the sim follows:

* ``CONFIG_EXPORT_CMD_LINE`` and ``CONFIG_IMPORT_CMD_LINE`` are the switches the
  connector adds (``/ITEMSIZE /FORMAT/FAN /BATCH /FILES/MACBIN2.``), without the
  post office name, password and path: the password is never printed;
* ``CONFIG_CCMAIL_PO_NAME`` is printed twice, the second time as ``[ascii]``;
  the gateway DN only as ``CONFIG_GATEWAY_DN[ascii]``;
* the thread numbers: the start line ``000001C9``, the settings ``00000125``, and
  the worker thread ``00000034`` whose first restart is followed by the same text
  under ``00000059``.

Modelled, not documented: the numbers are fixed (a restarted worker gets the
previous number plus 0x25, which gives Q294947's 0x34 then 0x59); every event of
the run is shown under the worker number current when it was logged, with its
event-log description on one line; the run lasts a fixed virtual time
(:data:`CONSOLE_SECONDS`, long enough for Q294947's 25 restarts) unless the
service stops itself first, and then ends as if the person pressed Ctrl+C (the
service stops); a console run while the service is running prints one line and
changes nothing (the service holds the connector's store and post office).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.connector.constants import DISPLAY_NAME, EXPORT_SWITCHES, IMPORT_SWITCHES
from sim.connector.store import short_path

if TYPE_CHECKING:
    from sim.connector.service import ConnectorService
    from sim.eventlog import EventRecord

__all__ = ["CONSOLE_SECONDS", "config_lines", "console_run", "event_lines"]

#: how long a console run lasts (virtual seconds) unless the service stops itself
CONSOLE_SECONDS = 60
_STARTED = 0x1C9
_CONFIG = 0x125
_WORKER = 0x34
_NEXT_WORKER = 0x25
_RESTARTED = 86


def _tag(number: int) -> str:
    return f"[{number:08X}]"


def config_lines(service: ConnectorService) -> list[str]:
    """The ``(Debug): CONFIG_...`` lines, each followed by a blank line (KB Q294947)."""
    po = service.settings.post_office
    registry = service.exchange.registry
    store = str(registry["Connector Store Path"])
    values = (
        ("CONFIG_CONNECTOR_STORE", store),
        ("CONFIG_CCMAIL_PO_PATH", po.path),
        ("CONFIG_CCMAIL_PO_NAME", po.name),
        ("CONFIG_CCMAIL_PO_NAME[ascii]", po.name),
        ("CONFIG_DSA_COMPUTER", service.exchange.name),
        ("CONFIG_EXPORT_CMD_LINE", EXPORT_SWITCHES),
        ("CONFIG_IMPORT_CMD_LINE", IMPORT_SWITCHES),
        ("CONFIG_EXPORT_EXE", str(registry.get("Export", "EXPORT.EXE"))),
        ("CONFIG_IMPORT_EXE", str(registry.get("Import", "IMPORT.EXE"))),
        ("CONFIG_GATEWAY_DN[ascii]", service.exchange.gateway_dn),
        ("CONFIG_CONNECTOR_STORE(shortened)", short_path(store)),
    )
    lines: list[str] = []
    for key, value in values:
        lines += [f"{_tag(_CONFIG)} (Debug): {key} = {value}.", ""]
    return lines


def event_lines(records: list[EventRecord]) -> list[str]:
    """The texts of the events a console run logged, under their thread's number."""
    lines: list[str] = []
    worker = _WORKER
    for record in records:
        lines += [f"{_tag(worker)}: {record.description}", ""]
        if record.event_id == _RESTARTED:
            worker += _NEXT_WORKER
    return lines


def console_run(service: ConnectorService, seconds: float = CONSOLE_SECONDS) -> tuple[int, str]:
    """Run the connector in a console: (exit code, the text ``>output.txt`` receives)."""
    if service.running:
        return 1, f"The {DISPLAY_NAME} service is already running."
    world = service.world
    mark = len(world.eventlog)
    lines = ["Service Start Pending"]
    service.start()
    lines += [
        "Service Running",
        f"{_tag(_STARTED)}: {DISPLAY_NAME} v{service.exchange.version} has successfully started",
        "",
        *config_lines(service),
    ]
    end = world.clock.now + seconds
    while service.running and world.clock.now < end:
        world.clock.advance(min(15.0, end - world.clock.now))
    service.stop()
    lines += event_lines(world.eventlog.since(mark))
    return 0, "\n".join(lines).rstrip("\n")
