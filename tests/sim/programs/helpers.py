"""A small post office and a way to run EXPORT/IMPORT against it (program tests only)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sim.access import Share, SharePermission
from sim.message import DateStyle, Message
from sim.postoffice import Location, Postoffice
from sim.programs import export, import_
from sim.programs.cmdline import split_command_line
from sim.programs.runner import ProgramContext
from sim.world import World

PO_DIR = "C:\\CCDATA"
UNC = "\\\\POSRV\\CCDATA"
ACCOUNT = "svc-exch"
LOGIN = f"/NPO1 /PSECRET /D{PO_DIR}"


@dataclass(frozen=True)
class Run:
    code: int
    output: str


def run(
    world: World,
    program: str,
    args: str,
    *,
    version: str = "",
    account: str | None = None,
    date_style: DateStyle = DateStyle.US,
    options: Mapping[str, str] | None = None,
    bits32: bool = False,
) -> Run:
    """Run EXPORT or IMPORT in-process with a DOS command line."""
    version = version or ("5.14" if program == "EXPORT" else "5.15")
    name = program + ("32" if bits32 else "")
    out = io.StringIO()
    ctx = ProgramContext(world, account, name, version, out, "", date_style, dict(options or {}))
    main = export.main if program == "EXPORT" else import_.main
    code = main(split_command_line(args), ctx)
    return Run(int(code), out.getvalue())


def message(i: int, to: str = "Someone at EX1", **kw: object) -> Message:
    fields: dict[str, object] = {
        "sender": "Smith, Fred at PO1",
        "date": datetime(1998, 6, 2, 8, i % 60),
        "to": (to,),
        "subject": f"Subject {i}",
        "body": f"Body of message {i}\nsecond line",
        "ident": f"T-{i:04d}",
    }
    fields.update(kw)
    return Message(**fields)  # type: ignore[arg-type]


def make_po(world: World, *, db_version: int = 6, language: str = "US English") -> Postoffice:
    """PO1 (password SECRET) at C:\\CCDATA with users, an Exchange P entry and more."""
    po = Postoffice.create(
        world.path(PO_DIR), name="PO1", password="SECRET", db_version=db_version, language=language
    )
    po.add_entries(
        [
            ("EX1", Location.POST_OFFICE, "", "MSExchangeCCMC EXSRV1"),
            ("HUB2", Location.POST_OFFICE, "", "Router"),
            ("FAR3", Location.INDIRECT_PO, "HUB2", ""),
            ("Smith, Fred", Location.LOCAL, "", "Sales"),
            ("Jones, Al", Location.LOCAL, "", ""),
            ("Remote, Rita", Location.REMOTE, "EX1 rita.remote", "Exchange user"),
            ("Mobile, Mo", Location.MOBILE, "HUB2", ""),
            ("Fred", Location.ALIAS, "Smith, Fred", ""),
            ("General", Location.BULLETIN_BOARD, "", "Company news"),
        ]
    )
    po.add_list("Sales", ["Smith, Fred", "Jones, Al"])
    return po


def share(world: World, po: Postoffice, permission: SharePermission) -> None:
    """Share the post office as \\\\POSRV\\CCDATA with one permission for the service account."""
    world.access.add_account(ACCOUNT, "pw")
    s = world.access.add_share(Share("POSRV", "CCDATA", po.path))
    world.access.grant(ACCOUNT, s, permission)


def queue(po: Postoffice, entry: str = "EX1") -> list[Message]:
    return [s.message for s in po.mailbox(entry)]


def files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir()) if directory.is_dir() else []
