"""Property pages and registry values changed by hand, as in the Exchange Administrator."""

from __future__ import annotations

import dataclasses
import importlib
import io

from sim.connector.service import ConnectorService
from sim.connector.settings import PostOfficeSettings, Settings
from sim.connector.setup import Site, send_to_ccmail, send_to_exchange
from sim.postoffice.postoffice import Postoffice
from sim.programs import setup
from sim.programs.cmdline import split_command_line
from sim.programs.runner import ProgramContext
from sim.world import World
from tests.kb.hand import ids_since, mail_flows


def change(service: ConnectorService, **pages: object) -> Settings:
    """Apply a property page change (``address_spaces=...``) and click OK."""
    settings = dataclasses.replace(service.settings, **pages)  # type: ignore[arg-type]
    service.configure(settings)
    return settings


def post_office_page(service: ConnectorService, **fields: object) -> PostOfficeSettings:
    """Change fields of the Post Office tab (``password=``, ``path=``, ``version=``...)."""
    page = dataclasses.replace(service.settings.post_office, **fields)  # type: ignore[arg-type]
    change(service, post_office=page)
    return page


def setup_kit(world: World, command_line: str) -> str:
    """``SETUP <kit> [directory]`` at the Exchange server's console; its output (code 0)."""
    out = io.StringIO()
    code = setup.main(
        split_command_line(command_line), ProgramContext(world, None, "SETUP", "", out)
    )
    assert code == setup.SetupResult.OK, out.getvalue()
    return out.getvalue()


#: the post office server's console programs and their modules
_CONSOLE = {"ADMIN": "ccadmin", "ANALYZE": "analyze", "CHKSTAT": "chkstat", "RECLAIM": "reclaim"}


def console(world: World, po: Postoffice, program: str, command_line: str) -> tuple[int, str]:
    """ADMIN, ANALYZE, CHKSTAT or RECLAIM typed at the post office server's console."""
    version = "8.0" if po.identity().db_version == 8 else "5.12"
    out = io.StringIO()
    module = importlib.import_module(f"sim.programs.{_CONSOLE[program]}")
    ctx = ProgramContext(world, None, program, version, out)
    return int(module.main(split_command_line(command_line), ctx)), out.getvalue()


def dirsync_and_mail_flow(
    site: Site, *, none_of: set[int], all_of: frozenset[int] = frozenset()
) -> set[int]:
    """After the steps: a dirsync completes, mail goes both ways, nothing is lost; the
    events since then hold none of ``none_of`` and all of ``all_of``."""
    world = site.world
    mark = len(world.eventlog.records)
    assert site.service.dirsync_now()
    inbound = send_to_exchange(world, 2)
    outbound = send_to_ccmail(world, 2)
    world.clock.advance(300)
    seen = ids_since(world, mark)
    assert not seen & none_of
    assert {14031, *all_of} <= seen
    mail_flows(site, inbound, outbound)
    return seen
