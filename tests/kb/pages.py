"""Property pages and registry values changed by hand, as in the Exchange Administrator."""

from __future__ import annotations

import dataclasses
import importlib
import io

from sim.connector.service import ConnectorService
from sim.connector.settings import PostOfficeSettings, Settings
from sim.postoffice.postoffice import Postoffice
from sim.programs import setup
from sim.programs.cmdline import split_command_line
from sim.programs.runner import ProgramContext
from sim.world import World


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
