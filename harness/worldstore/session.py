"""What the ``ccsim world`` commands do to an open world, apart from the command line.

Each function takes a :class:`~harness.build.Site` (restored from its folder)
and returns the text the command prints; the command saves the world after.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from harness.build import Site, build_site
from harness.worldstore.store import WorldError

if TYPE_CHECKING:
    from harness.model import Scenario

__all__ = [
    "accounted",
    "build_world",
    "find_scenario",
    "run_for",
    "run_program",
    "status_lines",
]

_ADMIN = ("ADMIN", "ANALYZE", "CHKSTAT", "RECLAIM")
_PROGRAMS = ("EXPORT", "IMPORT", "EXPORT32", "IMPORT32", *_ADMIN, "SETUP", "CCMC")


def find_scenario(name: str) -> Path:
    """A scenario file by path, or a catalogue scenario by its id."""
    from harness.selection import builtin_dir

    path = Path(name)
    if path.is_file():
        return path
    builtin = builtin_dir() / f"{name}.scenario.yaml"
    if builtin.is_file():
        return builtin
    raise WorldError(f"--from: no scenario file or catalogue id {name!r}")


def build_world(scenario: Scenario, seed: int, root: Path) -> Site:
    """The scenario's site with its faults applied; steps, fixes, verification not run."""
    from harness.registry import FAULTS

    site = build_site(scenario, seed=seed, root=root)
    for use in scenario.faults:
        FAULTS.lookup(use.name).function(site, use.params)
    return site


def accounted(site: Site) -> str:
    """Conservation in one line: every tracked message is somewhere, once."""
    from sim.conservation import check

    report = check(site.world)
    total = len(site.world.ledger)
    if report.ok:
        return f"all {total} messages accounted for"
    lost, dup = len(report.lost), len(report.duplicated) + len(report.delivered_twice)
    return f"{total} messages: {lost} lost, {dup} duplicated ({report.summary().splitlines()[1]})"


def _stamp(seconds: float) -> str:
    s = int(seconds)
    return f"t={s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"


def queues(site: Site) -> str:
    from harness.steps import queue_sizes

    try:
        q = queue_sizes(site)
    except Exception as exc:  # noqa: BLE001 - a broken post office is worth showing, not fatal
        return f"cannot be counted ({type(exc).__name__}: {exc})"
    return (
        f"to Exchange: {q['to_exchange']} in {site.site}, {q['export']} in Export, "
        f"{q['mts_in']} in MTS-IN; to cc:Mail: {q['mts_out']} in MTS-OUT, "
        f"{q['submit']} in Submit, {q['import']} in Import; {q['bad']} in Bad"
    )


def status_lines(site: Site, last: int = 5) -> list[str]:
    world, service = site.world, site.service
    lines = [
        f"clock        {world.clock.datetime:%m/%d/%Y %H:%M:%S} ({_stamp(world.clock.now)})",
        f"service      MSExchangeCCMC {service.state.value}",
        f"post office  {site.po_name} at {site.po_unc}",
        f"connector    -> {service.settings.post_office.name} at "
        f"{service.settings.post_office.path}",
        f"queues       {queues(site)}",
        f"events       {len(world.eventlog)} in the Application log",
    ]
    lines += [f"  {r.line()}" for r in world.eventlog.records[-last:]]
    lines.append(accounted(site))
    return lines


def run_for(site: Site, seconds: int) -> str:
    """Advance the virtual clock; one line on what was logged."""
    world = site.world
    mark = len(world.eventlog)
    before = site.service.counters
    moved = (before.messages_in, before.messages_out)
    world.clock.advance(seconds)
    new = world.eventlog.since(mark)
    counts = Counter(r.event_id for r in new)
    shown = ", ".join(f"Event {i} x{n}" for i, n in sorted(counts.items())) or "nothing logged"
    after = site.service.counters
    mail = f"{after.messages_in - moved[0]} to Exchange, {after.messages_out - moved[1]} to cc:Mail"
    return f"ran to {world.clock.datetime:%H:%M:%S} ({_stamp(world.clock.now)}): {shown}; {mail}"


def run_program(site: Site, program: str, args: list[str], as_: str) -> tuple[int, str]:
    """A cc:Mail program by hand: (result code, console text)."""
    from harness.admin import run_as_admin
    from sim.programs.runner import run_program as run

    name = program.upper().removesuffix(".EXE")
    if name not in _PROGRAMS:
        raise WorldError(f"unknown program {program!r} ({', '.join(_PROGRAMS)})")
    line = " ".join(args)
    if name == "CCMC":
        return _ccmc(site, args)
    if (name == "SETUP") != (as_ == "admin"):
        raise WorldError(
            "SETUP runs as the Exchange server's administrator: --as admin"
            if name == "SETUP"
            else f"--as admin is for SETUP; {name} runs --as service or --as console"
        )
    if name == "SETUP":
        return _setup(site, line)
    if name in _ADMIN:
        if as_ == "service":
            raise WorldError(f"{name} runs at the post office server's console: --as console")
        result = run_as_admin(site, name, line)
        if name == "ADMIN" and result.code == 0:
            _known_name(site)
    else:
        account = site.exchange.service_account if as_ == "service" else None
        result = run(
            site.world,
            f"{name}.EXE",
            line,
            account=account.name if account is not None else None,
            search_path=site.service.search_path(),
            date_style=site.exchange.date_style,
        )
        if result.failure == "not found":
            return 9009, f"'{name}' is not recognized as an internal or external command."
    code = result.code if result.code is not None else 1
    return code, result.output.rstrip("\n")


def _setup(site: Site, line: str) -> tuple[int, str]:
    """An installation kit at the Exchange server's console (:mod:`sim.programs.setup`)."""
    import io

    from sim.programs import setup
    from sim.programs.cmdline import split_command_line
    from sim.programs.runner import ProgramContext

    out = io.StringIO()
    code = setup.main(split_command_line(line), ProgramContext(site.world, None, "SETUP", "", out))
    return int(code), out.getvalue().rstrip("\n")


def _known_name(site: Site) -> None:
    """After ADMIN, the administrator knows the post office's name as it now is (RENAME)."""
    from sim.errors import PostofficeError
    from sim.postoffice.postoffice import Postoffice

    try:
        site.po_name = Postoffice(site.po_path).identity().name
    except (PostofficeError, OSError, ValueError):
        return


def _ccmc(site: Site, args: list[str]) -> tuple[int, str]:
    """The connector's console: ``ccmc ccdir`` (KB Q233164), ``ccmc`` debug lines (Q294947)."""
    if [a.casefold() for a in args] == ["ccdir"]:
        result = site.service.ccdir()
        return (result.code if result.code is not None else 1), result.output.rstrip("\n")
    if args:
        raise WorldError("ccmc: only 'ccmc' and 'ccmc ccdir' are modelled")
    from sim.connector.console import console_run

    return console_run(site.service)
