"""The cc:Mail ANALYZE utility: check the database and say what to run to fix it.

Source: ccmail-reference.md §3, AN50 (checks without shutting the post office
down; tells the administrator what to run for each problem; options /BATCH,
/DIAGNOSTICS, /DIRECTORY, /MESSAGES, /USERS, /USR/xxxxx, /?), GSS-DB6 (the
repair order its recommendations follow), KB Q166045 (run ANALYZE again after
every CHKSTAT/RECLAIM).

Modelled, not documented (§3 "Model: ANALYZE prints a per-file error count and
'recommended action' lines"): the console text below, exit code 1 when errors
are found, and that /DIAGNOSTICS adds one line per problem. The check itself is
:func:`sim.postoffice.check.analyze`.
"""

from __future__ import annotations

from collections.abc import Sequence

from sim.postoffice.check import AnalysisReport, Area, analyze
from sim.postoffice.postoffice import Postoffice
from sim.programs.admin import AdminTool, run_admin
from sim.programs.cmdline import Switches
from sim.programs.common import ProgramSpec
from sim.programs.results import AdminResult
from sim.programs.runner import ProgramContext

__all__ = ["TOOL", "main", "render_report"]

USAGE = """\
Usage: ANALYZE /N<post office> /P<password> /D<post office directory> [options]
  /BATCH         run without prompts
  /DIAGNOSTICS   detailed information about each error
  /DIRECTORY     check only the directory (CLANDATA)
  /MESSAGES      check only the message store (MLANDATA)
  /USERS         check only the mailbox files (USRxxxxx)
  /USR/xxxxx     check one mailbox file
  /?             this text
"""

TOOL = AdminTool(
    ProgramSpec(
        "ANALYZE",
        {
            "BATCH": frozenset(),
            "DIAGNOSTICS": frozenset(),
            "DIRECTORY": frozenset(),
            "MESSAGES": frozenset(),
            "USERS": frozenset(),
            "USR": frozenset({"#"}),
        },
        USAGE,
    ),
    exclusive=False,
)

_AREA_SWITCHES = {"DIRECTORY": Area.DIRECTORY, "MESSAGES": Area.MESSAGES, "USERS": Area.USERS}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def render_report(report: AnalysisReport, *, diagnostics: bool) -> str:
    """Per-file error counts (mailbox files summed unless they have errors), actions, total."""
    lines: list[str] = []
    mailboxes = [f for f in report.files if f.upper().startswith("USR")]
    for name in report.files:
        found = report.problems_in(name)
        if name in mailboxes and not found:
            continue
        lines.append(f"Checking {name:<14} {_plural(len(found), 'error')}")
        if diagnostics:
            lines += [f"    {p.kind}: {p.detail}" for p in found]
    if mailboxes:
        hurt = sum(1 for f in mailboxes if report.problems_in(f))
        lines.append(f"Checked {_plural(len(mailboxes), 'mailbox file')}, {hurt} with errors")
    if report.clean:
        lines.append("No errors found.")
    else:
        lines += [f"Recommended action: {action}" for action in report.actions]
        lines.append(f"{_plural(len(report.problems), 'error')} found.")
    return "".join(line + "\n" for line in lines)


def _work(po: Postoffice, switches: Switches, ctx: ProgramContext) -> AdminResult:
    areas = {area for key, area in _AREA_SWITCHES.items() if switches.has(key)}
    boxes: set[int] | None = None
    for keyword, quals in switches.flags:
        if keyword == "USR":
            areas.add(Area.USERS)
            if quals:
                boxes = (boxes or set()) | {int(q) for q in quals}
    report = analyze(po, areas or None, mailboxes=boxes)
    ctx.stdout.write(render_report(report, diagnostics=switches.has("DIAGNOSTICS")))
    return AdminResult.OK if report.clean else AdminResult.ERRORS


def main(argv: Sequence[str], ctx: ProgramContext) -> AdminResult:
    """Run ANALYZE with an argument vector (the runner has printed the banner)."""
    return run_admin(argv, ctx, TOOL, _work)
