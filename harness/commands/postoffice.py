"""``ccsim postoffice create|show`` and ``ccsim analyze|chkstat|reclaim`` on a real directory.

Source: ccmail-reference.md §1 (the post office: files, DB6/DB8, entries and
location codes; the connector accepts a PO password of at most 10 characters,
EX55-DOC xog08007, §1.4), §3 (the admin utilities and their switches, passed
through exactly: ``ccsim chkstat PO1 SECRET po DIAGNOSTICS/M``), §2.5 (the
command exits with the program's result code).

The admin programs run as the console user (no access checks) in
``World(seed=0, root=<current directory>)``; a relative /D path (or positional
directory) is made absolute against the current directory. Modelled: the
tools play version 5.12 (ADM512-RM) whatever the database version.
"""

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

if TYPE_CHECKING:
    import typer

    from sim.postoffice.postoffice import Postoffice
    from sim.postoffice.problems import Problem

__all__ = [
    "ADMIN_VERSION",
    "MAX_MESSAGES",
    "MAX_PASSWORD",
    "MAX_QUEUED",
    "MAX_USERS",
    "CreateError",
    "create_postoffice",
    "register",
    "run_admin_tool",
    "show_rows",
]

_CONTEXT = {"allow_extra_args": True, "ignore_unknown_options": True}
#: EX55-DOC xog08007: the connector accepts a PO password of up to 10 characters (§1.4)
MAX_PASSWORD = 10
#: the PO name may be up to 256 characters (§1.4)
MAX_NAME = 256
#: the most users, local messages and messages queued per P entry one command creates:
#: each is linear (about 25, 10 and 20 s at these counts), so a mistyped count cannot
#: run for hours
MAX_USERS = 100_000
MAX_MESSAGES = 100_000
MAX_QUEUED = 10_000
ADMIN_VERSION = "5.12"
_MODULES = {"ANALYZE": "analyze", "CHKSTAT": "chkstat", "RECLAIM": "reclaim"}


class CreateError(ValueError):
    """A post office that ``ccsim postoffice create`` refuses to make (one line)."""


def _absolute(args: Sequence[str], cwd: Path, known: frozenset[str]) -> list[str]:
    """Make the /D value, or the third positional value, an absolute host /D path."""
    out: list[str] = []
    positional = 0
    for arg in args:
        head = arg.lstrip("/").upper().split("/", 1)[0]
        is_option = arg.startswith("/") or head in known
        if arg[:2].upper() == "/D" and head not in known and len(arg) > 2:
            out.append("/D" + str(cwd / Path(arg[2:].strip('"'))))
        elif not is_option:
            positional += 1
            # a host path may start with "/": pass the directory as /D so it cannot
            # be taken for a switch (the program reads both forms alike)
            out.append("/D" + str(cwd / Path(arg)) if positional == 3 else arg)
        else:
            out.append(arg)
    return out


def run_admin_tool(
    program: str, args: Sequence[str], cwd: Path, root: Path | None = None
) -> tuple[int, str]:
    """Run ANALYZE, CHKSTAT or RECLAIM on a real directory: (result code, console text).

    ``root``: the folder the program may reach (default ``cwd``)."""
    import importlib

    from sim.programs.runner import run_at_console
    from sim.world import World

    module = importlib.import_module(f"sim.programs.{_MODULES[program]}")
    argv = _absolute(args, cwd, module.TOOL.spec.known)
    return run_at_console(World(seed=0, root=root or cwd), program, ADMIN_VERSION, argv)


def create_postoffice(
    directory: Path,
    *,
    name: str,
    password: str,
    users: int,
    messages: int,
    db: int,
    seed: int,
    queued_for: Sequence[str],
    queued: int,
) -> str:
    """Create and populate a post office; returns a one-line summary (CreateError if refused).

    It is built in a temp folder beside ``directory`` and renamed into place, so an
    interrupt leaves no half-built post office (the temp folder is removed).
    """
    import shutil
    import tempfile

    from sim.errors import PostofficeError
    from sim.fsutil import substream
    from sim.postoffice import Postoffice
    from sim.postoffice.populate import populate
    from sim.world import World

    _validate(directory, name, password, db, users, messages, queued)
    if queued * len(queued_for) > MAX_MESSAGES:
        raise CreateError(
            f"--queued {queued:,} for {len(queued_for):,} P entries is more than "
            f"{MAX_MESSAGES:,} messages"
        )
    world = World(seed=seed, root=directory.parent)
    try:
        building = Path(tempfile.mkdtemp(prefix=f".{directory.name}.ccsim-", dir=directory.parent))
    except OSError as exc:
        raise CreateError(f"cannot create {directory}: {exc.strerror or exc}") from None
    try:
        po = Postoffice.create(building, name=name, password=password, db_version=db)
        summary = populate(
            po,
            world.faker,
            substream(seed, "populate"),
            users=users,
            messages=messages,
            post_offices=queued_for,
            queued=queued,
            new_ident=lambda sender, subject: world.new_ident("ccmail", sender, subject),
        )
        building.chmod(0o777 & ~_umask())
        building.rename(directory)  # replaces an empty directory: all or nothing
    except PostofficeError as exc:
        raise CreateError(str(exc)) from None
    except OSError as exc:
        raise CreateError(f"cannot create {directory}: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(building, ignore_errors=True)
    waiting = ", ".join(f"{po_name} {n}" for po_name, n in summary.queued) or "none"
    return (
        f"Created post office {name} (DB{db}) in {directory}: {len(summary.users)} users, "
        f"{summary.messages} messages, queued: {waiting}"
    )


def _umask() -> int:
    import os

    mask = os.umask(0)
    os.umask(mask)
    return mask


def _validate(
    directory: Path, name: str, password: str, db: int, users: int, messages: int, queued: int
) -> None:
    if directory.exists() and not directory.is_dir():
        raise CreateError(f"{directory} is a file, not a directory")
    if directory.is_dir() and any(directory.iterdir()):
        raise CreateError(f"{directory} is not empty")
    if not name.strip() or len(name) > MAX_NAME:
        raise CreateError(f"post office name must be 1 to {MAX_NAME} characters")
    if not password or len(password) > MAX_PASSWORD:
        raise CreateError(
            f"password must be 1 to {MAX_PASSWORD} characters (the connector's limit)"
        )
    if db not in (6, 8):
        raise CreateError(f"--db must be 6 or 8, not {db}")
    if min(users, messages, queued) < 0:
        raise CreateError("--users, --messages and --queued must not be negative")
    for option, value, most in (
        ("--users", users, MAX_USERS),
        ("--messages", messages, MAX_MESSAGES),
        ("--queued", queued, MAX_QUEUED),
    ):
        if value > most:
            raise CreateError(f"{option} must be at most {most:,} (a post office made in seconds)")


def _counts(po: "Postoffice") -> tuple[dict[str, int], dict[str, int], int]:
    """Entries by location code, messages per P entry, mailbox files."""
    from sim.postoffice.layout import Location

    by_code: dict[str, int] = {}
    queued: dict[str, int] = {}
    boxes = 0
    for entry in po.entries():
        by_code[entry.location.value] = by_code.get(entry.location.value, 0) + 1
        if entry.mailbox:
            boxes += 1
            if entry.location is Location.POST_OFFICE:
                queued[entry.name] = len(po.refs(entry))
    return by_code, queued, boxes


def _unreadable(problems: "Sequence[Problem]", exc: Exception) -> str:
    """What ANALYZE says of the damage (file, record, kind), never Python's own words."""
    if problems:
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        return "cannot be read: " + "; ".join(str(p) for p in problems[:3]) + more
    if isinstance(exc, OSError):
        return f"cannot be read: {exc.strerror or 'the file system refused'}"
    return "cannot be read: damaged in a way ANALYZE does not name"


def show_rows(directory: Path) -> list[tuple[str, str]]:
    """The facts ``ccsim postoffice show`` prints, as (label, value) rows."""
    from sim.postoffice import Postoffice
    from sim.postoffice.check import analyze
    from sim.postoffice.records import read_record_file

    po = Postoffice(directory)
    if not po.is_postoffice():
        raise CreateError(f"{directory} is not a cc:Mail post office (no CCPOMBOX.*)")
    report = analyze(po)
    rows = []
    try:
        ident = po.identity()
        rows += [
            ("Name", ident.name),
            ("DB", f"DB{ident.db_version}"),
            ("Language", ident.language),
        ]
        by_code, queued, boxes = _counts(po)
        codes = "  ".join(f"{code} {n}" for code, n in sorted(by_code.items()))
        rows += [("Entries", f"{sum(by_code.values())}  ({codes})"), ("Mailboxes", str(boxes))]
        messages = read_record_file(directory / "MLANDATA").counted_live
        rows.append(("Messages", str(messages)))
        rows += [(f"Queued for {name}", str(n)) for name, n in sorted(queued.items())]
    except (ValueError, OSError) as exc:
        rows.append(("Contents", _unreadable(report.problems, exc)))
    status = "No errors found." if report.clean else f"{len(report.problems)} errors: "
    rows.append(("ANALYZE", status + ", ".join(report.actions)))
    return rows


def register(app: "typer.Typer") -> None:
    """Add ``ccsim postoffice create|show`` and ``ccsim analyze|chkstat|reclaim``.

    No ``from __future__ import annotations`` here: typer reads the commands'
    annotations at run time, and ``typer`` is only imported inside this function.
    """
    import typer

    group = typer.Typer(help="Create and inspect simulated cc:Mail post offices.")
    app.add_typer(group, name="postoffice")
    _add_create(group)
    _add_show(group)
    for program in _MODULES:
        _add_tool(app, program)


def _add_create(group: "typer.Typer") -> None:
    import typer

    @group.command("create", help="Create a populated post office in an empty directory.")
    def create_command(
        directory: Annotated[Path, typer.Argument(help="Directory to create (must be empty).")],
        name: Annotated[str, typer.Option("--name", help="Post office name.")],
        password: Annotated[str, typer.Option("--password", help="PO password (at most 10).")],
        users: Annotated[int, typer.Option("--users", help="Local users to create.")] = 10,
        messages: Annotated[int, typer.Option("--messages", help="Local messages.")] = 50,
        db: Annotated[int, typer.Option("--db", help="Database version: 6 or 8.")] = 6,
        seed: Annotated[int, typer.Option("--seed", help="Same seed, same bytes.")] = 0,
        queued_for: Annotated[
            list[str] | None,
            typer.Option("--queued-for", help="P entry with mail queued for it (repeatable)."),
        ] = None,
        queued: Annotated[int, typer.Option("--queued", help="Messages per --queued-for.")] = 0,
    ) -> None:
        try:
            line = create_postoffice(
                directory.absolute(),
                name=name,
                password=password,
                users=users,
                messages=messages,
                db=db,
                seed=seed,
                queued_for=queued_for or [],
                queued=queued,
            )
        except CreateError as exc:
            typer.echo(f"ccsim: {exc}", err=True)
            raise typer.Exit(2) from None
        typer.echo(line)


def _add_show(group: "typer.Typer") -> None:
    import typer

    @group.command("show", help="Summarise a post office (and what ANALYZE finds).")
    def show_command(
        directory: Annotated[Path, typer.Argument(help="Post office directory.")],
    ) -> None:
        from rich.console import Console
        from rich.table import Table

        try:
            rows = show_rows(directory.absolute())
        except CreateError as exc:
            typer.echo(f"ccsim: {exc}", err=True)
            raise typer.Exit(2) from None
        table = Table(title=str(directory), show_header=False)
        table.add_column("", style="bold")
        table.add_column("")
        for label, value in rows:
            table.add_row(label, value)
        Console(width=100).print(table)


def _add_tool(app: "typer.Typer", program: str) -> None:
    import typer

    @app.command(
        program.lower(), context_settings=_CONTEXT, help=f"Run the simulated cc:Mail {program}."
    )
    def tool_command(ctx: typer.Context) -> None:
        code, text = run_admin_tool(program, ctx.args, Path.cwd())
        typer.echo(text, nl=False)
        raise typer.Exit(code)
