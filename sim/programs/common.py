"""What every cc:Mail program shares: its spec, the refusals, the command line and the
parameter file, and the last console line.

Source: ccmail-reference.md §2.2 (switch syntax, paths with a space, KB Q164695), §2.5
(result codes). Opening the post office itself (steps 3-9 below) is
:mod:`sim.programs.session`.

The checks run in this order; the first that fails decides the outcome
(:class:`Refusal`; each program maps it to its own result code):

1. the switches parse (an unknown switch prints the usage text);
2. no space in a /D or /@ path; bare arguments name the parameter file
   (``Export.ini`` / ``Import.ini``, :mod:`sim.programs.paramfile`, KB Q181186);
   with no /D and no parameter file giving ``Path`` the program asks for the
   post office directory (KB Q164695, :func:`load_parameters`);
3.-9. :func:`sim.programs.session.open_postoffice`.

Modelled, not documented: every console text except "Post office is temporarily
shut down." and the "... process ended with error: N." line (KB Q282172); that a
missing post office directory is asked for even with /BATCH (KB Q164695: the
programs "prompt for the path" though the connector passes /BATCH), and that at a
console with nothing more to read the program ends as if the path were wrong (code
3), while under a service, where no one answers, it waits for ever
(``ProgramWaiting``; NTVDM spins); that ``/?`` prints the usage text and ends with
0 (KB Q152500 only says it shows the version).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import replace as dc_replace
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path

from sim.access import AccessCheck
from sim.errors import PathError
from sim.postoffice.layout import PoIdentity
from sim.postoffice.postoffice import Postoffice
from sim.programs.cmdline import SwitchError, Switches, parse_switches
from sim.programs.paramfile import read_parameter_file, section_for
from sim.programs.runner import ProgramContext, ProgramWaiting
from sim.winpath import Location, has_space

__all__ = [
    "ProgramSpec",
    "Refusal",
    "Refused",
    "Session",
    "end",
    "host_file",
    "int_option",
    "load_parameters",
    "parse_command_line",
    "refuse",
    "version_number",
]


class Refusal(StrEnum):
    """Why a program stopped before doing its work."""

    USAGE = "usage"
    NOT_ACCESSIBLE = "not accessible"
    NOT_A_POSTOFFICE = "not a post office"
    SHUT_DOWN = "shut down"
    LOCKED = "locked"
    WRONG_VERSION = "wrong version"
    BAD_LOGIN = "bad name or password"
    DAMAGED = "damaged"


@dataclass(frozen=True, slots=True)
class ProgramSpec:
    """What one program accepts: its keyword switches, their qualifiers, its usage text.

    ``qualifiers`` maps a keyword to the qualifiers it takes (upper case); ``"#"``
    stands for a number. A keyword missing from it takes none.
    """

    name: str
    qualifiers: Mapping[str, frozenset[str]]
    usage: str

    @property
    def known(self) -> frozenset[str]:
        return frozenset(self.qualifiers)


@dataclass(frozen=True, slots=True)
class Refused:
    """A program stopped by world state (or its command line) before its work."""

    reason: Refusal
    detail: str
    #: set once the post office was found (IMPORT writes NFTERROR.LOG into it)
    po: Postoffice | None = None


@dataclass(frozen=True, slots=True)
class Session:
    """A post office opened by a program."""

    switches: Switches
    po: Postoffice
    identity: PoIdentity
    location: Location
    #: the access check made for ``ctx.account`` on a UNC path; None = not checked
    access: AccessCheck | None


def version_number(version: str) -> Decimal:
    """``"5.15"`` -> 5.15, ``"8.50.00.14"`` -> 8.50, ``"6.0"`` -> 6.0 (major.minor)."""
    parts = version.split(".")
    try:
        return Decimal(f"{int(parts[0])}.{parts[1] if len(parts) > 1 else '0'}")
    except (ValueError, InvalidOperation):
        return Decimal(0)


def _check_qualifiers(spec: ProgramSpec, switches: Switches) -> None:
    for keyword, quals in switches.flags:
        allowed = spec.qualifiers.get(keyword, frozenset())
        for qual in quals:
            ok = qual.upper() in allowed or ("#" in allowed and qual.isdigit())
            if not ok:
                raise SwitchError(f"/{keyword} does not take /{qual}")


def parse_command_line(argv: Sequence[str], spec: ProgramSpec) -> Switches | Refused:
    """Steps 1 and 2: switches that parse, no /D or /@ path with a space.

    Bare arguments are kept in ``stray``: :func:`load_parameters` takes them as
    parameter files."""
    try:
        switches = parse_switches(argv, known=spec.known)
        _check_qualifiers(spec, switches)
    except SwitchError as exc:
        return Refused(Refusal.USAGE, f"{exc}.")
    for what, value in (("directory", switches.path), ("file", switches.file)):
        if value is not None and has_space(value):
            return Refused(Refusal.USAGE, f"Invalid {what} name: {value}")
    return switches


#: what EXPORT and IMPORT ask when they have no post office directory (modelled)
ASK_PATH = "Post office directory: "


def load_parameters(
    switches: Switches, ctx: ProgramContext, spec: ProgramSpec
) -> tuple[Switches, ProgramContext] | Refused:
    """Read the parameter file named by a bare argument; ask for a missing /D.

    The file's ``Path`` fills a missing /D; its other values join ``ctx.options``
    (the caller's own win). Raises :class:`sim.programs.runner.ProgramWaiting` when the path must be
    asked for and ``ctx.console`` is False.
    """
    values = read_parameter_file(
        ctx.world, switches.stray, section_for(spec.name), dos=not ctx.is_32bit
    )
    if values:
        if switches.path is None and values.get("Path"):
            switches = dc_replace(switches, path=values["Path"])
        options = {k: v for k, v in values.items() if k != "Path"}
        ctx = dc_replace(ctx, options={**options, **ctx.options})
    if switches.path is None:
        ctx.stdout.write(ASK_PATH)
        if not ctx.console:
            raise ProgramWaiting(ASK_PATH)
        ctx.stdout.write("\n")
        return Refused(Refusal.BAD_LOGIN, "No post office directory given.")
    return switches, ctx


def end(ctx: ProgramContext, spec: ProgramSpec, code: int, done: str = "") -> int:
    """The last console line: "EXPORT process ended with error: 4." (KB Q282172)."""
    if code:
        ctx.stdout.write(f"{spec.name} process ended with error: {code}.\n")
    else:
        ctx.stdout.write(done or f"{spec.name} process completed successfully.\n")
    return code


def refuse(ctx: ProgramContext, spec: ProgramSpec, refused: Refused, code: int) -> int:
    """Print why the program stopped (and the usage text for a bad command line)."""
    ctx.stdout.write(refused.detail + "\n")
    if refused.reason is Refusal.USAGE:
        ctx.stdout.write(spec.usage)
    return end(ctx, spec, code)


def host_file(ctx: ProgramContext, text: str) -> Path | None:
    """Where a /@ file lives; None when the path cannot be placed."""
    try:
        return ctx.world.path(text)
    except PathError:
        return None


def int_option(ctx: ProgramContext, key: str) -> int | None:
    """A whole-number value from the parameter file; None when absent.

    Raises ValueError with a readable message for a value that is not a number.
    """
    text = ctx.options.get(key)
    if text is None:
        return None
    value = text.strip()
    if not value.isdigit():
        raise ValueError(f"Invalid {key} value in the parameter file: {text!r}.")
    return int(value)
