"""``ccsim world``: a world kept in a folder on disk, driven one command at a time.

Layout and guarantees: :mod:`harness.worldstore.store`; the saved-world file:
:mod:`harness.worldstore.archive`; keys of ``get``/``set``:
:mod:`harness.worldstore.keys`. Exit codes: 0 done, 2 bad input (one line on
stderr), 3 a bug; ``exec`` exits with the program's result code.

Typer reads the command's annotations at run time, so this module does not use
``from __future__ import annotations``.
"""

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

from harness.commands.guard import guarded

if TYPE_CHECKING:
    import typer

__all__ = ["SEND_MAX", "guarded_world", "register"]

T = TypeVar("T")
Dir = Annotated[Path, "world folder"]
#: the most messages one ``world send`` writes each way: a scenario's message budget
#: (``harness.model_checks.MAX_TOTAL_MESSAGES``), so one command is bounded in time
SEND_MAX = 10_000


def guarded_world(work: Callable[[], T]) -> T:
    """``work()``; a bad world, key or scenario exits 2 with one line (``commands.guard``)."""
    from harness.errors import ScenarioError
    from harness.worldstore.keys import WorldKeyError
    from harness.worldstore.store import WorldError

    return guarded(work, WorldError, WorldKeyError, ScenarioError)


def _duration(text: str, what: str) -> int:
    from harness.model_types import parse_duration
    from harness.worldstore.store import WorldError

    try:
        return parse_duration(text)
    except ValueError as exc:
        raise WorldError(f"{what}: {exc}") from None


def _new(directory: Path, source: str | None, seed: int) -> None:
    from harness.loader import load_scenario
    from harness.worldstore import session, store

    # without --from: the catalogue's healthy scenario, which is the standard site, no fault
    scenario = load_scenario(session.find_scenario(source or "healthy"))
    origin = scenario.id if source is not None else "standard"
    store.create(
        directory,
        lambda root: session.build_world(scenario, seed, root),
        {"origin": origin, "seed": seed},
    )
    print(f"world {origin} (seed {seed}) made in {directory}; the service is stopped")


def _register_basic(world: "typer.Typer") -> None:
    import typer

    from harness.worldstore.store import open_world

    @world.command("new")
    def new_command(
        directory: Dir,
        source: Annotated[str | None, typer.Option("--from", help="Scenario file or id.")] = None,
        seed: Annotated[int, typer.Option("--seed", help="Seed of the world.")] = 0,
    ) -> None:
        """Build the site under DIR (a scenario's faults applied; its steps not run)."""
        guarded_world(lambda: _new(directory, source, seed))

    @world.command("status")
    def status_command(directory: Dir) -> None:
        """Clock, service state, queues each way, the last events, conservation."""
        from harness.worldstore.session import status_lines

        def work() -> None:
            with open_world(directory, write=False) as h:
                print(f"world        {h.meta.get('origin')} (seed {h.meta.get('seed')})")
                print("\n".join(status_lines(h.site)))

        guarded_world(work)

    @world.command("run")
    def run_command(directory: Dir, duration: Annotated[str, typer.Argument()]) -> None:
        """Advance the virtual clock by DURATION (30s, 10m, 2h, 1d)."""
        from harness.worldstore.session import accounted, run_for

        def work() -> None:
            seconds = _duration(duration, "DURATION")
            with open_world(directory) as h:
                print(run_for(h.site, seconds))
                print(accounted(h.site))

        guarded_world(work)

    @world.command("service")
    def service_command(directory: Dir, action: Annotated[str, typer.Argument()]) -> None:
        """start, stop or restart MSExchangeCCMC."""
        from harness.worldstore.store import WorldError

        def work() -> None:
            if action not in ("start", "stop", "restart"):
                raise WorldError(f"service: {action!r} is not start, stop or restart")
            with open_world(directory) as h:
                getattr(h.site.service, action)()
                print(f"MSExchangeCCMC {h.site.service.state.value}")

        guarded_world(work)

    @world.command("send")
    def send_command(
        directory: Dir,
        to_exchange: Annotated[int, typer.Option("--to-exchange", min=0, max=SEND_MAX)] = 0,
        to_ccmail: Annotated[int, typer.Option("--to-ccmail", min=0, max=SEND_MAX)] = 0,
    ) -> None:
        """Users write mail: N (at most 10000) from cc:Mail to Exchange and/or back."""
        from harness.worldstore.store import WorldError

        def work() -> None:
            if not (to_exchange or to_ccmail):
                raise WorldError("send: give --to-exchange N or --to-ccmail N")
            with open_world(directory) as h:
                out = h.site.send("to-exchange", to_exchange) if to_exchange else []
                back = h.site.send("to-ccmail", to_ccmail) if to_ccmail else []
                print(f"queued {len(out)} to Exchange, {len(back)} to cc:Mail")

        guarded_world(work)


def _register_tools(world: "typer.Typer") -> None:
    import typer

    from harness.worldstore.store import WorldError, open_world

    @world.command(
        "exec", context_settings={"ignore_unknown_options": True, "allow_extra_args": True}
    )
    def exec_command(
        directory: Dir,
        program: Annotated[str, typer.Argument()],
        args: Annotated[list[str] | None, typer.Argument()] = None,
        as_: Annotated[
            str, typer.Option("--as", help="service, console (post office server) or admin.")
        ] = "service",
    ) -> None:
        """Run a program (EXPORT, IMPORT, ANALYZE, CHKSTAT, RECLAIM, ADMIN, SETUP, ccmc)."""
        from harness.worldstore.session import run_program

        def work() -> int:
            if as_ not in ("service", "console", "admin"):
                raise WorldError(f"--as: {as_!r} is not service, console or admin")
            with open_world(directory) as h:
                code, text = run_program(h.site, program, list(args or []), as_)
            print(text)
            return code

        raise typer.Exit(guarded_world(work))

    @world.command("set")
    def set_command(directory: Dir, pairs: Annotated[list[str], typer.Argument()]) -> None:
        """Change property pages, registry values, rights, the PATH: KEY=VALUE..."""
        from harness.worldstore.keys import get_value, set_value

        def work() -> None:
            with open_world(directory) as h:
                for pair in pairs:
                    key, eq, value = pair.partition("=")
                    if not eq:
                        raise WorldError(f"set: {pair!r} is not KEY=VALUE")
                    set_value(h.site, key.strip(), value)
                    print(f"{key.strip()} = {get_value(h.site, key.strip())}")

        guarded_world(work)

    @world.command("get")
    def get_command(directory: Dir, key: Annotated[str | None, typer.Argument()] = None) -> None:
        """One key's value, or every key."""
        from harness.worldstore.keys import get_all, get_value

        def work() -> None:
            with open_world(directory, write=False) as h:
                rows = [(key, get_value(h.site, key))] if key else get_all(h.site)
            for name, value in rows:
                print(f"{name} = {value}")

        guarded_world(work)

    @world.command("events")
    def events_command(
        directory: Dir,
        since: Annotated[str | None, typer.Option("--since", help="Virtual time.")] = None,
        export: Annotated[Path | None, typer.Option("--export")] = None,
    ) -> None:
        """The Application log (oldest first), or exported to .csv/.txt/.evt."""
        from harness.outputs import output_problem
        from sim.evtformat import write_evt, write_nt_text

        def work() -> None:
            start = _duration(since, "--since") if since else 0
            problem = output_problem(export, [directory]) if export else None
            if problem:
                raise WorldError(f"--export: {problem}")
            with open_world(directory, write=False) as h:
                epoch = h.site.world.clock.epoch
                records = [
                    r for r in h.site.world.eventlog.records
                    if (r.when - epoch).total_seconds() >= start
                ]  # fmt: skip
            if export is None:
                print("\n".join(r.line() for r in records))
                return
            writers = {".evt": write_evt, ".csv": write_nt_text, ".txt": write_nt_text}
            writer = writers.get(export.suffix.casefold())
            if writer is None:
                raise WorldError(f"--export: {export} must end in .csv, .txt or .evt")
            try:
                writer(records, export)
            except OSError as exc:
                raise WorldError(f"--export: {export}: cannot write: {exc.strerror}") from None

        guarded_world(work)

    @world.command("diagnose")
    def diagnose_command(directory: Dir) -> None:
        """The catalogue's rules on what support could see in this world."""
        from harness.collect import collect
        from harness.commands.diagnose import render_text
        from harness.diagnosis import diagnose

        def work() -> None:
            with open_world(directory, write=False) as h:
                evidence = collect(h.site)
                findings = diagnose(evidence)
            seen = (
                f"world {directory}: the Application log ({len(evidence.events)} event(s) to "
                f"{h.site.world.clock.datetime:%m/%d/%Y %H:%M:%S}), the connector's pages and "
                "registry, Ccmcdata, the post office and what its administrator sees",
            )
            print(render_text(findings, seen).rstrip("\n"))

        guarded_world(work)


def _register_files(world: "typer.Typer") -> None:
    @world.command("save")
    def save_command(directory: Dir, target: Path) -> None:
        """Write the world to one FILE.ccworld."""
        from harness.outputs import output_problem
        from harness.worldstore import archive
        from harness.worldstore.store import WorldError, open_world

        def work() -> None:
            problem = output_problem(target, [])
            if problem:
                raise WorldError(problem)
            with open_world(directory, write=False):  # locked: no command half-way through
                count = archive.save(directory, target)
            print(f"saved {count} files to {target}")

        guarded_world(work)

    @world.command("load")
    def load_command(source: Path, directory: Dir) -> None:
        """Unpack FILE.ccworld into DIR (new or empty), every digest checked."""
        from harness.worldstore import archive

        def work() -> None:
            count = archive.load(source, directory)
            print(f"loaded {count} files into {directory}")

        guarded_world(work)


def register(app: "typer.Typer") -> None:
    import typer

    world = typer.Typer(help="A world in a folder, one command at a time.", no_args_is_help=True)
    _register_basic(world)
    _register_tools(world)
    _register_files(world)
    app.add_typer(world, name="world")
