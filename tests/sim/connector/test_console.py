"""``ccmc >output.txt``: the connector in a console, as KB Q294947 shows its output."""

import re

from sim.connector.console import console_run
from sim.connector.service import MAX_RESTARTS, ServiceState
from sim.connector.setup import standard_world
from sim.world import World


def test_console_run_prints_the_q294947_layout(real_world: World) -> None:
    """Start lines, then ``[00000125] (Debug): KEY = value.`` lines with a blank after each."""
    site = standard_world(real_world, dirsync_done=True, start=False)
    site.exchange.registry["Connector Store Path"] = "C:\\Exchange Server\\CCMCDATA"
    code, text = console_run(site.service)
    lines = text.split("\n")
    assert code == 0
    assert lines[:3] == [
        "Service Start Pending",
        "Service Running",
        "[000001C9]: Microsoft Exchange Connector for Lotus cc:Mail v5.5 has successfully started",
    ]
    assert "[00000125] (Debug): CONFIG_CCMAIL_PO_NAME = PO1." in lines
    assert "[00000125] (Debug): CONFIG_CCMAIL_PO_NAME[ascii] = PO1." in lines
    assert (
        "[00000125] (Debug): CONFIG_EXPORT_CMD_LINE = /ITEMSIZE /FORMAT/FAN /BATCH /FILES/MACBIN2."
        in lines
    )
    assert (
        "[00000125] (Debug): CONFIG_IMPORT_CMD_LINE = /ITEMSIZE /PARTIAL /BATCH /FILES/MACBIN2."
        in lines
    )
    shortened = "[00000125] (Debug): CONFIG_CONNECTOR_STORE(shortened) = C:\\EXCHAN~1\\CCMCDATA."
    assert shortened in lines
    assert lines[lines.index(shortened) + 1] == ""
    assert any(
        ln.startswith("[00000125] (Debug): CONFIG_GATEWAY_DN[ascii] = /o=CORP/") for ln in lines
    )


def test_console_run_never_shows_the_password(real_world: World) -> None:
    site = standard_world(real_world, dirsync_done=True, start=False)
    password = site.service.settings.post_office.password
    _, text = console_run(site.service)
    assert password
    assert password.upper() not in text.upper()
    assert f"/P{password}" not in text.upper()


def test_console_run_shows_43_again_after_each_restart(real_world: World) -> None:
    """Q294947: 43 under thread 34, the restart line, 43 again under thread 59; then 85."""
    site = standard_world(real_world, dirsync_done=True, start=False)
    site.exchange.system_path = ["C:\\WINNT"]
    _, text = console_run(site.service)
    events = [ln for ln in text.split("\n") if re.match(r"\[[0-9A-F]{8}\]: ", ln)][1:]
    assert events[0].startswith("[00000034]: The Lotus cc:Mail IMPORT/EXPORT.EXE programs could")
    assert events[1].startswith(
        "[00000034]: Microsoft Exchange Connector for Lotus cc:Mail restarted"
    )
    assert events[2].startswith("[00000059]: The Lotus cc:Mail IMPORT/EXPORT.EXE programs could")
    assert sum("could not be executed" in ln for ln in events) == MAX_RESTARTS + 1
    assert "maximum number the thread restarts" in events[-1]
    assert site.service.state is ServiceState.STOPPED


def test_console_run_ends_with_the_service_stopped_and_refuses_a_running_one(
    real_world: World,
) -> None:
    site = standard_world(real_world, dirsync_done=True, start=False)
    console_run(site.service)
    assert site.service.state is ServiceState.STOPPED
    site.service.start()
    mark = len(real_world.eventlog)
    code, text = console_run(site.service)
    assert (code, text) == (
        1,
        "The Microsoft Exchange Connector for Lotus cc:Mail service is already running.",
    )
    assert site.service.state is ServiceState.RUNNING
    assert len(real_world.eventlog) == mark
