"""``ccsim connector run``: the simulated connector and Exchange server on a copy of a post office.

Source: ccmail-reference.md §4 (the connector: transfer cycle every 15 s,
dirsync on its schedule, the event catalogue), §4.3 (the Post Office tab needs a
UNC path: the directory is shared as ``\\\\POSRV\\CCDATA``), §2.1 (the programs
matching the post office's DB version are put on the system PATH).

The folder given is copied (``harness.pocopy.copy_folder``: no link followed, no
device opened) and never written; the run works on the copy, placed as the
standard site places a post office (``\\\\POSRV\\CCDATA``, or ``\\\\NW1\\SYS\\CCDATA``
with ``--host netware``). ``--site``, ``--traffic``, ``--host`` and the rights options
take the scenario world fields' names and values (``harness.commands.connector_world``).

The run is virtual time: ``--for 1d`` simulates a day in seconds. The Exchange
server's drives (and so the connector store ``C:\\EXCHSRVR\\CCMCDATA``) live in
a temporary directory, or in ``--exchange DIR`` together with ``exchange.json``
(the private store) so that mail in transit survives between runs. Exit codes:
0 it ran, 2 bad arguments (one line on stderr).

On a terminal a long run shows its progress on stderr (virtual time reached,
events logged so far), redrawn in place and gone when the run ends; piped or
redirected, nothing is drawn (``--progress``/``--no-progress`` overrule). The
run is the same either way: the clock runs to the same end in steps, and the
steps change nothing (``sim.clock.Clock.run_until`` runs every action due). The
summary's event table shows each event's text as logged, ``%1`` filled in, wrapped
at words; piped, the tables are plain text.

Typer reads the command's annotations at run time, so this module does not use
``from __future__ import annotations``.
"""

import re
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from harness.commands.connector_world import UsageError, WorldOptions, WorldPlan

if TYPE_CHECKING:
    from collections.abc import Sequence

    import typer

    from sim.connector.setup import Site
    from sim.eventlog import EventRecord
    from sim.exchange import ExchangeServer
    from sim.world import World

__all__ = ["ConnectorRun", "RunOptions", "UsageError", "register", "run_connector"]

EXCHANGE_FILE = "exchange.json"
LEVELS = ("none", "minimum", "medium", "maximum")
#: how far the clock runs between two progress reports (virtual seconds)
PROGRESS_STEP = 900
#: ``progress(virtual seconds reached, events logged so far)``
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class RunOptions:
    postoffice: Path
    po_name: str
    po_password: str
    duration: str = "1h"
    eventlog: Path | None = None
    format: str | None = None
    server: str = "EXSRV1"
    install_path: str = "C:\\EXCHSRVR"
    exchange: Path | None = None
    seed: int = 0
    logging: str = "maximum"
    #: the scenario ``world`` fields given on the command line (``connector_world``)
    world: WorldOptions = field(default_factory=WorldOptions)


@dataclass(frozen=True, slots=True)
class ConnectorRun:
    """What a run did, for the summary table."""

    seconds: int
    to_exchange: int
    to_ccmail: int
    ndrs: int
    events: tuple[tuple[int, int], ...]
    dirsync_completed: bool
    service_state: str
    #: event ID -> the description of its last record, insertion strings filled in
    texts: tuple[tuple[int, str], ...] = ()
    #: what the copy of the post office left out, one ``name: why`` each
    skipped: tuple[str, ...] = ()


def _check(options: RunOptions) -> tuple[int, str, WorldPlan]:
    """Validate the arguments: (seconds, event-log format, the world options checked)."""
    from harness.commands.connector_world import plan_world
    from harness.model_types import parse_duration

    try:
        seconds = parse_duration(options.duration)
    except ValueError as exc:
        raise UsageError(f"--for: {exc}") from None
    if not options.postoffice.is_dir():
        raise UsageError(f"--postoffice: {options.postoffice} is not a directory")
    if not re.match(r"^[A-Za-z]:\\", options.install_path):
        raise UsageError("--install-path must be a drive path such as C:\\EXCHSRVR")
    if options.logging not in LEVELS:
        raise UsageError(f"--logging must be one of {', '.join(LEVELS)}")
    fmt = options.format
    if fmt is None:
        is_evt = options.eventlog is not None and options.eventlog.suffix.lower() == ".evt"
        fmt = "evt" if is_evt else "text"
    if fmt not in ("text", "evt"):
        raise UsageError("--format must be text or evt")
    if options.exchange is not None and options.exchange.exists() and not options.exchange.is_dir():
        raise UsageError(f"--exchange: {options.exchange} is not a directory")
    _check_outputs(options)
    return seconds, fmt, plan_world(options.world)


def _check_outputs(options: RunOptions) -> None:
    """Refuse, before the run, an output inside the post office it reads or one that
    cannot be written: the event log and the ``--exchange`` folder."""
    from harness.outputs import inside, output_problem

    log, exchange = options.eventlog, options.exchange
    if exchange is not None and inside(exchange, options.postoffice):
        raise UsageError(f"--exchange: {exchange} is inside the post office {options.postoffice}")
    if exchange is not None and inside(options.postoffice, exchange):
        raise UsageError(f"--postoffice: {options.postoffice} is inside --exchange {exchange}")
    store = None if exchange is None else exchange / EXCHANGE_FILE
    problem = None if log is None else output_problem(log, (options.postoffice, store))
    if problem is not None:
        raise UsageError(f"--eventlog: {problem}")


def _exchange(options: RunOptions, world: "World", root: Path, site: str) -> "ExchangeServer":
    """The Exchange server: loaded from ``--exchange`` if saved there, else a few mailboxes."""
    from sim.connector.setup import SERVICE_ACCOUNT, add_exchange_users
    from sim.exchange_file import load_exchange

    account = world.access.accounts[SERVICE_ACCOUNT.casefold()]
    exchange = world.exchange
    exchange.install(
        name=options.server, site=site, install_path=options.install_path,
        service_account=account,
    )  # fmt: skip
    stored = root / EXCHANGE_FILE
    if options.exchange is not None and stored.exists():
        load_exchange(exchange, stored)
    else:
        add_exchange_users(exchange, world, 5)
    return exchange


def _copy(source: Path, target: Path, root: Path) -> list[str]:
    """The post office copied to ``target`` (the copy of an earlier run in ``--exchange``
    replaced; the input is only read): what was left out."""
    import shutil

    from harness.pocopy import CustomerFilesError, copy_folder

    for part in (target.parent, target):
        if part.is_symlink() or (part.exists() and not part.is_dir()):
            raise UsageError(f"--exchange: {part.relative_to(root)} is not a folder of this tool")
    if target.exists():
        shutil.rmtree(target)
    try:
        return copy_folder(source, target)
    except CustomerFilesError as exc:
        raise UsageError(f"--postoffice: {exc}") from None
    except OSError as exc:
        raise UsageError(f"--postoffice: cannot copy {source}: {exc.strerror or exc}") from None


def _build(options: RunOptions, root: Path, plan: WorldPlan) -> "tuple[Site, list[str]]":
    """The site for the run (world, Exchange server, connector, the copied post office)
    and what the copy left out."""
    from harness.commands.connector_world import apply_world
    from sim.connector.events import LoggingLevel
    from sim.connector.setup import (
        SERVICE_ACCOUNT,
        Site,
        install_programs,
        place_postoffice,
        standard_settings,
    )
    from sim.errors import SimError
    from sim.eventlog import EventLog
    from sim.postoffice import Postoffice
    from sim.world import World

    world = World(seed=options.seed, root=root)
    account = world.access.add_account(SERVICE_ACCOUNT, "Exch4nge")
    path, unc = place_postoffice(world, account, plan.netware)
    skipped = _copy(options.postoffice, path, root)
    apply_world(world, plan, account.name, unc)
    postoffice = Postoffice(path)
    try:
        db = postoffice.identity().db_version
    except (SimError, ValueError, OSError):
        db = 6  # not (yet) a post office: the connector will say so (event 70)
    try:
        _exchange(options, world, root, plan.site)
        install_programs(world, db)
        level = LoggingLevel[options.logging.upper()]
        settings = standard_settings(
            options.po_name, options.po_password, unc, db=db, logging=level
        )
        world.connector.install(settings)
    except (SimError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    site = Site(world, postoffice, unc, account, EventLog(world.clock), options.po_name,
                options.po_password, plan.site)  # fmt: skip
    return site, skipped


def run_connector(options: RunOptions, progress: Progress | None = None) -> ConnectorRun:
    """Run the connector for the virtual duration on a copy of the post office; write the
    event log; UsageError if refused.

    ``progress`` is called every PROGRESS_STEP virtual seconds and at the end."""
    from harness.steps import schedule_flow

    seconds, fmt, plan = _check(options)
    with tempfile.TemporaryDirectory(prefix="ccsim-exchange-") as scratch:
        root = options.exchange if options.exchange is not None else Path(scratch)
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"--exchange: cannot create {root}: {exc.strerror or exc}") from None
        site, skipped = _build(options, root.resolve(), plan)
        world, service = site.world, site.service
        service.start()
        for direction, flow in plan.flows:
            schedule_flow(site, flow, direction)
        if progress is None:
            world.clock.run_until(float(seconds))
        else:
            for reached in [*range(PROGRESS_STEP, seconds, PROGRESS_STEP), seconds]:
                world.clock.run_until(float(reached))
                progress(reached, len(world.eventlog.records))
        state = service.state.value
        service.stop()
        if options.exchange is not None:
            from sim.exchange_file import save_exchange

            save_exchange(service.exchange, root / EXCHANGE_FILE)
        records = world.eventlog.records
        if options.eventlog is not None:
            _write_log(records, options.eventlog, fmt)
    counters = service.counters
    return ConnectorRun(
        seconds=seconds,
        to_exchange=counters.messages_in,
        to_ccmail=counters.messages_out,
        ndrs=counters.ndrs,
        events=tuple(sorted(Counter(r.event_id for r in records).items())),
        dirsync_completed=counters.dirsync_completed > 0,
        service_state=state,
        texts=tuple(sorted({r.event_id: r.description for r in records}.items())),
        skipped=tuple(skipped),
    )


def _write_log(records: "Sequence[EventRecord]", path: Path, fmt: str) -> None:
    from sim.evtformat import write_evt, write_nt_text

    try:
        if fmt == "evt":
            write_evt(records, path)
        else:
            write_nt_text(records, path)
    except OSError as exc:
        raise UsageError(f"--eventlog: cannot write {path}: {exc.strerror}") from None


def register(app: "typer.Typer") -> None:
    import typer

    group = typer.Typer(help="Run the simulated Exchange Connector for Lotus cc:Mail.")
    app.add_typer(group, name="connector")

    @group.command("run")
    def run(
        postoffice: Annotated[Path, typer.Option(help="Post office directory (CCDATA).")],
        po_name: Annotated[str, typer.Option(help="Post office name (Post Office tab).")],
        po_password: Annotated[str, typer.Option(help="Post office password (<= 10).")],
        duration: Annotated[str, typer.Option("--for", help="Virtual time: 30m, 2h, 1d.")] = "1h",
        eventlog: Annotated[
            Path | None, typer.Option(help="Write the event log (.evt binary, else NT text).")
        ] = None,
        fmt: Annotated[str | None, typer.Option("--format", help="text or evt.")] = None,
        server: Annotated[str, typer.Option(help="Exchange server name.")] = "EXSRV1",
        install_path: Annotated[str, typer.Option(help="Exchange install path.")] = (
            "C:\\EXCHSRVR"
        ),
        exchange: Annotated[
            Path | None,
            typer.Option(help="Keep the Exchange store, drives and post office copy here."),
        ] = None,
        seed: Annotated[int, typer.Option(help="Seed for names and ids.")] = 0,
        logging: Annotated[
            str, typer.Option(help="Diagnostics Logging level: none..maximum.")
        ] = "maximum",
        site: Annotated[
            str, typer.Option(help="Exchange site (world.exchange.site): its P entry's name.")
        ] = "EX1",
        traffic: Annotated[
            list[str] | None,
            typer.Option(
                metavar="DIRECTION=COUNT[/EVERY]",
                help="Background mail as world.traffic: to_exchange=10/1m, to_ccmail=5/30s "
                "(EVERY defaults to 1m); once per direction.",
            ),
        ] = None,
        host: Annotated[
            str,
            typer.Option(
                help="Where the post office lives: nt (\\\\POSRV\\CCDATA) or "
                "netware (\\\\NW1\\SYS\\CCDATA), as world.postoffice.host.kind."
            ),
        ] = "nt",
        netware_access: Annotated[
            str | None,
            typer.Option(help="NetWare: gsnw-gateway (default) or netware-account (§6)."),
        ] = None,
        share_permission: Annotated[
            str | None,
            typer.Option(
                help="NT: the service account's share permission: 'No Access', "
                "Read, Change (default), 'Full Control'."
            ),
        ] = None,
        gsnw: Annotated[
            bool | None,
            typer.Option(
                "--gsnw/--no-gsnw",
                help="NetWare: Gateway Services for NetWare on the Exchange server.",
            ),
        ] = None,
        trustees: Annotated[
            str | None,
            typer.Option(
                help="NetWare: trustee rights on SYS:CCDATA, e.g. 'Read, File Scan' "
                "or RF (default: Read, File Scan, Modify, Create)."
            ),
        ] = None,
        show_progress: Annotated[
            bool | None,
            typer.Option(
                "--progress/--no-progress",
                help="Show virtual time and events so far on stderr (default: on a terminal).",
            ),
        ] = None,
    ) -> None:
        """Run the connector and Exchange server against a copy of a post office for a virtual
        duration.

        The post office folder is copied (no link followed) and never written; the copy
        lives in a temporary folder, or in --exchange DIR. --site, --traffic, --host and
        the rights options take the names and values of the scenario world fields."""
        world = WorldOptions(
            site, tuple(traffic or ()), host, netware_access, share_permission, gsnw, trustees
        )
        options = RunOptions(
            postoffice, po_name, po_password, duration, eventlog, fmt, server, install_path,
            exchange, seed, logging, world,
        )  # fmt: skip
        from rich.console import Console

        from harness.commands.connector_summary import Meter, print_summary

        wanted = Console(stderr=True).is_terminal if show_progress is None else show_progress
        try:
            if wanted:
                seconds, _, _ = _check(options)
                meter = Meter(seconds)
                with meter.progress:
                    result = run_connector(options, meter)
            else:
                result = run_connector(options)
        except UsageError as exc:
            typer.echo(f"ccsim: {exc}", err=True)
            raise typer.Exit(2) from None
        print_summary(result, options)
