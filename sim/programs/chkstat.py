"""The cc:Mail CHKSTAT utility: repair NFT errors, the message index and the counters; purge.

Source: ccmail-reference.md §3 (GSS-DB6: ``NFT/C`` repairs NFT errors,
``DIAGNOSTICS/M`` rebuilds the message index, ``DIAGNOSTICS/R`` reconciles
counters and message pointers; ADM512-RM: ``/MESSAGES/DELETE/FOLDER/MSGLOG/
DAYS/90`` purges Message Log items older than 90 days, the same for
``TRASHFOLD``, and CHKSTAT 5.11 processes options left to right; PMDF 38.5.6:
CHKSTAT produces directory listings that show FANs), §8 row 3.

Modelled, not documented: the console text; that CHKSTAT without a repair or
purge option prints the directory listing (name, location, address, so FANs
show); that ``NFT`` without ``/C`` only reports NFT errors; that ``DIAGNOSTICS``
needs ``/M`` and/or ``/R`` (run in the order given); exit code 1 when something
could not be repaired; the folder names ``MSGLOG`` = "Message Log" and
``TRASHFOLD`` = "Trash". The repairs are in :mod:`sim.postoffice.repair`.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Sequence
from datetime import timedelta

from sim.errors import PostofficeError
from sim.postoffice.check import Area, ProblemKind, analyze
from sim.postoffice.postoffice import Postoffice
from sim.postoffice.repair import RepairLog, rebuild_index, reconcile, repair_nft
from sim.programs.admin import AdminTool, run_admin
from sim.programs.cmdline import Switches
from sim.programs.common import ProgramSpec
from sim.programs.results import AdminResult
from sim.programs.runner import ProgramContext

__all__ = ["FOLDERS", "TOOL", "main"]

USAGE = """\
Usage: CHKSTAT /N<post office> /P<password> /D<post office directory> [options]
   or: CHKSTAT <post office> <password> <directory> [options]
  NFT/C                                  repair NFT errors
  DIAGNOSTICS/M                          rebuild the message index
  DIAGNOSTICS/R                          reconcile counters and message pointers
  /MESSAGES/DELETE/FOLDER/<f>/DAYS/<n>   purge folder <f> items older than <n> days
  /BATCH  /?
Options are processed left to right.
"""

TOOL = AdminTool(
    ProgramSpec(
        "CHKSTAT",
        {
            "NFT": frozenset({"C"}),
            "DIAGNOSTICS": frozenset({"M", "R"}),
            "MESSAGES": frozenset({"*"}),
            "BATCH": frozenset(),
        },
        USAGE,
    ),
    exclusive=True,
)

#: folder keywords of /MESSAGES/DELETE/FOLDER/<f> (ADM512-RM) -> folder names (modelled)
FOLDERS = {"MSGLOG": "Message Log", "TRASHFOLD": "Trash"}

Step = Callable[[Postoffice], RepairLog]
_DIAGNOSTICS: dict[str, tuple[str, Step]] = {
    "M": ("DIAGNOSTICS/M", rebuild_index),
    "R": ("DIAGNOSTICS/R", reconcile),
}


def _print(ctx: ProgramContext, title: str, log: RepairLog) -> bool:
    """Print one step's log; True when everything was repaired."""
    lines = [f"  {f}" for f in log.fixed] + [f"  Not repaired: {u}" for u in log.unrepaired]
    ctx.stdout.write(
        f"{title}:\n" + "".join(line + "\n" for line in lines or ["  No problems found."])
    )
    return not log.unrepaired


def _nft_report(po: Postoffice) -> RepairLog:
    found = [p for p in analyze(po, {Area.SYSTEM}).problems if p.kind is ProblemKind.NFT_ERROR]
    return RepairLog([], [f"{p.detail} (run NFT/C)" for p in found])


def _purge(po: Postoffice, ctx: ProgramContext, quals: tuple[str, ...]) -> RepairLog:
    """/MESSAGES/DELETE/FOLDER/<f>/DAYS/<n>: drop items of one folder older than n days."""
    words = [q.upper() for q in quals]
    shape = len(quals) == 5 and [words[0], words[1], words[3]] == ["DELETE", "FOLDER", "DAYS"]
    if not shape or not quals[4].isdigit():
        return RepairLog([], ["/MESSAGES needs /DELETE/FOLDER/<folder>/DAYS/<days>"])
    folder = FOLDERS.get(words[2], quals[2]).casefold()
    cutoff = ctx.world.clock.datetime - timedelta(days=int(quals[4]))
    log = RepairLog()
    for entry in po.entries():
        if not entry.mailbox:
            continue
        refs = [r for r in po.refs(entry) if r.folder.casefold() == folder]
        try:
            old = [s.number for s in po.read_messages(refs) if s.message.date < cutoff]
        except PostofficeError as exc:
            log.unrepaired.append(f"{entry.name}: {exc} (run DIAGNOSTICS/M)")
            continue
        if old:
            po.remove_messages(entry, old)
            log.fixed.append(f"{entry.name}: {len(old)} items deleted from {quals[2]}")
    return log


def _listing(po: Postoffice, ctx: ProgramContext) -> None:
    """The directory listing, FANs included (PMDF 38.5.6 columns)."""
    rows = [f"{'Mailbox Name':<32} {'Locn':<4} cc:Mail Address"]
    rows += [f"{e.name:<32} {e.location.value:<4} {e.address}".rstrip() for e in po.entries()]
    ctx.stdout.write("".join(row + "\n" for row in rows))


def _work(po: Postoffice, switches: Switches, ctx: ProgramContext) -> AdminResult:
    ok, acted = True, False
    for keyword, quals in switches.flags:
        if keyword == "NFT":
            log = repair_nft(po) if "C" in (q.upper() for q in quals) else _nft_report(po)
            ok &= _print(ctx, "NFT/C" if quals else "NFT", log)
        elif keyword == "DIAGNOSTICS":
            if not quals:
                ok &= _print(ctx, "DIAGNOSTICS", RepairLog([], ["DIAGNOSTICS needs /M or /R"]))
            for qual in quals:
                title, step = _DIAGNOSTICS[qual.upper()]
                ok &= _print(ctx, title, step(po))
        elif keyword == "MESSAGES":
            try:
                log = _purge(po, ctx, quals)
            except (ValueError, struct.error) as exc:
                log = RepairLog([], [f"the post office cannot be read: {exc} (run ANALYZE)"])
            ok &= _print(ctx, "MESSAGES/DELETE", log)
        else:
            continue
        acted = True
    if not acted:
        try:
            _listing(po, ctx)
        except (ValueError, struct.error) as exc:
            ok = _print(ctx, "Directory", RepairLog([], [f"cannot be read: {exc}"]))
    return AdminResult.OK if ok else AdminResult.ERRORS


def main(argv: Sequence[str], ctx: ProgramContext) -> AdminResult:
    """Run CHKSTAT with an argument vector (the runner has printed the banner)."""
    return run_admin(argv, ctx, TOOL, _work)
