"""A small hand-built post office for the damage tests (no Faker, fixed content)."""

from __future__ import annotations

import importlib
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sim.message import Message
from sim.postoffice import Location, Postoffice
from sim.programs.cmdline import split_command_line
from sim.programs.runner import ProgramContext
from sim.world import World

USERS = ("Adams, Ann", "Baker, Bob", "Clark, Cy")


def message(i: int, to: str = "Baker, Bob at PO1") -> Message:
    return Message(
        "Adams, Ann at PO1",
        datetime(1998, 6, 2, 8, i % 60),
        (to,),
        f"Subject {i}",
        f"Body of message {i}\r\nsecond line",
        ident=f"T-{i:04d}",
    )


def build(path: Path) -> Postoffice:
    """PO1 with three users, an Exchange P entry and a remote entry; 12 messages."""
    po = Postoffice.create(path, name="PO1", password="SECRET")
    specs = [(u, Location.LOCAL, "", "") for u in USERS]
    specs += [("EX1", Location.POST_OFFICE, "", "MSExchangeCCMC EXSRV1")]
    specs += [("Far, Away", Location.REMOTE, "PO2", "")]
    po.add_entries(specs)
    po.deliver("Baker, Bob", [message(i) for i in range(4)])
    po.deliver("Clark, Cy", [message(i, "Clark, Cy at PO1") for i in range(4, 7)])
    po.deliver("EX1", [message(i, "Jones, Jo at EX1") for i in range(7, 12)])
    po.remove_messages("Baker, Bob", [2])
    return po


def idents(po: Postoffice) -> dict[str, set[str]]:
    """Mailbox name -> idents of the messages in it."""
    return {
        e.name: {s.message.ident or "" for s in po.mailbox(e)} for e in po.entries() if e.mailbox
    }


PO_DIR = "C:\\CCDATA"
LOGIN = f"/NPO1 /PSECRET /D{PO_DIR}"


@dataclass(frozen=True)
class ToolRun:
    code: int
    output: str


def build_in(world: World) -> Postoffice:
    """The sample post office at C:\\CCDATA of a world."""
    return build(world.path(PO_DIR))


def run_tool(world: World, program: str, args: str, *, account: str | None = None) -> ToolRun:
    """Run ANALYZE, CHKSTAT or RECLAIM in-process with a DOS command line."""
    module = importlib.import_module(f"sim.programs.{program.lower()}")
    out = io.StringIO()
    ctx = ProgramContext(world, account, program, "5.12", out)
    code = module.main(split_command_line(args), ctx)
    return ToolRun(int(code), out.getvalue())
