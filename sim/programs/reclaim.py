"""The cc:Mail RECLAIM utility: recover unused space; rebuild the directory index.

Source: ccmail-reference.md §3 (RECLAIM recovers unused space and defragments
the post office, KB Q166045 lists it as the fix for a "fragmented" post office;
``DIRECTORY DIAGNOSTICS/A``, undocumented, rebuilds the directory index, GSS-DB6;
step 5 of the GSS-DB6 order comes before the plain RECLAIM of step 6).

Modelled, not documented: the console text; that ``DIRECTORY`` and
``DIAGNOSTICS/A``, together or alone, rebuild CLANDATA (its chain and its free
space) and leave MLANDATA alone, while RECLAIM without them compacts MLANDATA
and re-points every mailbox file. The work is in :mod:`sim.postoffice.repair`.
"""

from __future__ import annotations

from collections.abc import Sequence

from sim.postoffice.postoffice import Postoffice
from sim.postoffice.repair import rebuild_directory, reclaim
from sim.programs.admin import AdminTool, run_admin
from sim.programs.cmdline import Switches
from sim.programs.common import ProgramSpec
from sim.programs.results import AdminResult
from sim.programs.runner import ProgramContext

__all__ = ["TOOL", "main"]

USAGE = """\
Usage: RECLAIM /N<post office> /P<password> /D<post office directory> [options]
   or: RECLAIM <post office> <password> <directory> [options]
  (no option)               recover the space of deleted messages
  DIRECTORY DIAGNOSTICS/A   rebuild the directory index
  /BATCH  /?
"""

TOOL = AdminTool(
    ProgramSpec(
        "RECLAIM",
        {"DIRECTORY": frozenset(), "DIAGNOSTICS": frozenset({"A"}), "BATCH": frozenset()},
        USAGE,
    ),
    exclusive=True,
)


def _work(po: Postoffice, switches: Switches, ctx: ProgramContext) -> AdminResult:
    directory = switches.has("DIRECTORY") or switches.has("DIAGNOSTICS")
    title = "DIRECTORY DIAGNOSTICS/A" if directory else "RECLAIM"
    log = rebuild_directory(po) if directory else reclaim(po)
    lines = [f"  {f}" for f in log.fixed] + [f"  Not repaired: {u}" for u in log.unrepaired]
    ctx.stdout.write(f"{title}:\n" + "".join(line + "\n" for line in lines))
    return AdminResult.ERRORS if log.unrepaired else AdminResult.OK


def main(argv: Sequence[str], ctx: ProgramContext) -> AdminResult:
    """Run RECLAIM with an argument vector (the runner has printed the banner)."""
    return run_admin(argv, ctx, TOOL, _work)
