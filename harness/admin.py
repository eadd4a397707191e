"""Running a cc:Mail program by hand, as the people on site do.

The cc:Mail administrator runs ANALYZE, CHKSTAT and RECLAIM at the post office
server's console (no access checks); support runs EXPORT as the service account
on the Exchange server, found on its system PATH (KB Q282172, Q233164).
"""

from __future__ import annotations

from harness.build import Site
from sim.programs.runner import ProgramRun, run_at_console, run_program

__all__ = ["ADMIN_VERSION", "run_as_admin", "run_as_service"]

#: the admin utilities' release per DB version (ADM512-RM for DB6; modelled for DB8)
ADMIN_VERSION = {6: "5.12", 8: "8.0"}


def run_as_admin(site: Site, program: str, args: str) -> ProgramRun:
    """ADMIN / ANALYZE / CHKSTAT / RECLAIM at the post office server's console."""
    from sim.postoffice.postoffice import Postoffice
    from sim.programs.cmdline import split_command_line

    db = Postoffice(site.po_path).identity().db_version
    code, output = run_at_console(site.world, program, ADMIN_VERSION[db], split_command_line(args))
    return ProgramRun(program, args, code, output)


def admin_switches(site: Site) -> str:
    """``/N<po> /P<pw> /D<real path>`` with what the cc:Mail administrator knows."""
    return f"/N{site.po_name} /P{site.po_password} /D{site.po_unc}"


def run_as_service(site: Site, program_file: str, args: str) -> ProgramRun:
    """A program found on the Exchange server's PATH, run as the service account."""
    exchange = site.exchange
    account = exchange.service_account
    search = site.service.search_path()
    return run_program(
        site.world,
        program_file,
        args,
        account=account.name if account is not None else None,
        search_path=search,
        date_style=exchange.date_style,
    )
