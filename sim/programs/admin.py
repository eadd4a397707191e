"""What ANALYZE, CHKSTAT and RECLAIM share: their command line and opening the post office.

Source: ccmail-reference.md §3 (the admin utilities; switch syntax as for
Import/Export, ``CHKSTAT /NSILVER-HQ /PREMEMBER /DM:\\CCDATA ...``, ADM512-RM;
GSS-DB6 writes them positionally, ``CHKSTAT <PO> <PW> <Dir> DIAGNOSTICS/M``, and
warns the syntaxes differ; CHKSTAT 5.11 processes its options left to right;
ANALYZE "checks the database without shutting the PO down", AN50; "Stop the
connector service before CHKSTAT/RECLAIM", EX50-RN 2.6.9), §6 and the access
model's docstring (CHKSTAT and RECLAIM need Create).

Both syntaxes are accepted: ``/N<po> /P<pw> /D<dir>`` and up to three leading
positional values (name, password, directory); options may carry a slash or not
(``/NFT/C`` or ``NFT/C``). Options are kept in the order given.

Modelled, not documented (§3 "Unknown: exact console output and exit codes",
§7 item 5): every console text; the result codes (``AdminResult``); that a
command line the tool cannot read ends with code 1 after the usage text; that
/N must name the post office (AN50's user login, which limits ANALYZE to one's
own mailbox, is not modelled); that the tools ignore ``CCPODOWN`` (they are what
runs while a post office is shut down for maintenance, and whether they create
the file is unknown, §3); that CHKSTAT and RECLAIM refuse with code 4 while
anyone else holds the post office, the running connector service included,
and hold it exclusively while they run; that ANALYZE minds only an exclusive
holder.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from sim.errors import PostofficeError
from sim.postoffice.postoffice import Postoffice
from sim.programs.cmdline import SwitchError, Switches, parse_switches
from sim.programs.common import ProgramSpec, Refusal, Refused, end, refuse
from sim.programs.results import AdminResult
from sim.programs.runner import ProgramContext
from sim.programs.session import reach_postoffice

__all__ = ["AdminTool", "open_admin", "parse_admin", "run_admin"]

#: what each refusal ends with (modelled, ``AdminResult`` docstring)
_CODES: Mapping[Refusal, AdminResult] = {
    Refusal.USAGE: AdminResult.ERRORS,
    Refusal.NOT_ACCESSIBLE: AdminResult.NOT_CONFIGURED,
    Refusal.NOT_A_POSTOFFICE: AdminResult.NOT_CONFIGURED,
    Refusal.BAD_LOGIN: AdminResult.NOT_CONFIGURED,
    Refusal.DAMAGED: AdminResult.NOT_CONFIGURED,
    Refusal.LOCKED: AdminResult.LOCKED,
    Refusal.SHUT_DOWN: AdminResult.LOCKED,
    Refusal.WRONG_VERSION: AdminResult.NOT_CONFIGURED,
}


@dataclass(frozen=True, slots=True)
class AdminTool:
    """One admin utility: its switches (``ProgramSpec``; ``"*"`` = any qualifier)."""

    spec: ProgramSpec
    #: CHKSTAT and RECLAIM: need Create rights and the post office to themselves
    exclusive: bool

    @property
    def name(self) -> str:
        return self.spec.name


def _normalise(argv: Sequence[str], known: frozenset[str]) -> tuple[list[str], list[str]]:
    """Split positional values from options; give bare options their slash."""
    options: list[str] = []
    positional: list[str] = []
    for arg in argv:
        if arg.startswith("/"):
            options.append(arg)
        elif arg.upper().split("/", 1)[0] in known:
            options.append("/" + arg)
        else:
            positional.append(arg)
    return options, positional


def _check_qualifiers(spec: ProgramSpec, switches: Switches) -> None:
    for keyword, quals in switches.flags:
        allowed = spec.qualifiers.get(keyword, frozenset())
        for qual in quals:
            if not (
                "*" in allowed or qual.upper() in allowed or ("#" in allowed and qual.isdigit())
            ):
                raise SwitchError(f"/{keyword} does not take /{qual}")


def parse_admin(argv: Sequence[str], spec: ProgramSpec) -> Switches | Refused:
    """Both syntaxes: ``/N /P /D`` switches or leading positional name, password, directory."""
    options, positional = _normalise(argv, spec.known)
    try:
        switches = parse_switches(options, known=spec.known)
        _check_qualifiers(spec, switches)
    except SwitchError as exc:
        return Refused(Refusal.USAGE, f"{exc}.")
    for value in positional:
        slot = next((a for a in ("name", "password", "path") if getattr(switches, a) is None), None)
        if slot is None:
            return Refused(Refusal.USAGE, f"Unexpected argument: {value}")
        setattr(switches, slot, value)
    return switches


def _reach(switches: Switches, ctx: ProgramContext, tool: AdminTool) -> Postoffice | Refused:
    reached = reach_postoffice(switches, ctx, empty_password=False)
    if isinstance(reached, Refused):
        return reached
    location, check = reached
    ctx.stdout.write(f"Post office directory: {location.text}\n")
    if check is not None and not (check.can_write if tool.exclusive else check.can_read):
        need = "Read, File Scan, Modify and Create" if tool.exclusive else "Read and File Scan"
        return Refused(Refusal.NOT_ACCESSIBLE, f"Insufficient rights: {tool.name} needs {need}.")
    return Postoffice(location.host, cached=True)


def _in_use(po: Postoffice, ctx: ProgramContext, tool: AdminTool) -> Refused | None:
    if tool.exclusive:
        others = ctx.world.locks.others(po.path, tool.name)
    else:
        holder = ctx.world.locks.exclusive_holder(po.path)
        others = [holder] if holder not in (None, tool.name) else []
    if others:
        text = f"The post office is in use by {', '.join(o for o in others if o)}."
        return Refused(Refusal.LOCKED, text, po)
    return None


def open_admin(switches: Switches, ctx: ProgramContext, tool: AdminTool) -> Postoffice | Refused:
    """Path, rights, post office, login, then who else holds it."""
    po = _reach(switches, ctx, tool)
    if isinstance(po, Refused):
        return po
    if not po.is_postoffice():
        return Refused(Refusal.NOT_A_POSTOFFICE, "The directory is not a cc:Mail post office.")
    try:
        identity = po.identity()
    except (PostofficeError, ValueError, UnicodeDecodeError, struct.error):
        return Refused(Refusal.DAMAGED, "Post office damaged: CCPOMBOX cannot be read.", po)
    name_ok = (switches.name or "").casefold() == identity.name.casefold()
    if not name_ok or not identity.password_matches(switches.password or ""):
        return Refused(Refusal.BAD_LOGIN, "Invalid post office name or password.", po)
    return _in_use(po, ctx, tool) or po


Work = Callable[[Postoffice, Switches, ProgramContext], AdminResult]


def run_admin(argv: Sequence[str], ctx: ProgramContext, tool: AdminTool, work: Work) -> AdminResult:
    """Parse, open, hold the post office as the tool needs, do the work, print the end line."""
    parsed = parse_admin(argv, tool.spec)
    if isinstance(parsed, Refused):
        return AdminResult(refuse(ctx, tool.spec, parsed, _CODES[parsed.reason]))
    if parsed.has("?"):
        ctx.stdout.write(tool.spec.usage)
        return AdminResult.OK
    po = open_admin(parsed, ctx, tool)
    if isinstance(po, Refused):
        return AdminResult(refuse(ctx, tool.spec, po, _CODES[po.reason]))
    if tool.exclusive:
        ctx.world.locks.acquire(po.path, tool.name, exclusive=True)
    try:
        code = work(po, parsed, ctx)
    finally:
        if tool.exclusive:
            ctx.world.locks.release(po.path, tool.name)
    return AdminResult(end(ctx, tool.spec, code))
