"""cc:Mail command-line switches: ``/N<name> /P<password> /D<path> /@<file> /BATCH ...``.

Source: ccmail-reference.md §2.2: a switch is ``/`` + letter(s) + value with no
space; qualifiers chain with further slashes (``/DELETE/123456``,
``/FORMAT/FAN``); values may be quoted (``/N"lastname, firstname"``).

DOS programs get one command-line string and split it at spaces outside quotes;
that is why a path with a space breaks them (KB Q164695): the part after the
space becomes a stray argument. :func:`split_command_line` does that split.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["SwitchError", "Switches", "parse_switches", "split_command_line"]

#: switches that carry a value glued to a one-letter key
VALUE_KEYS = ("N", "P", "D", "@")


class SwitchError(ValueError):
    """A command line the program cannot understand; the program prints its usage text."""


def split_command_line(text: str) -> list[str]:
    """Split a DOS command line at spaces outside double quotes, dropping the quotes."""
    args: list[str] = []
    current: list[str] = []
    quoted = False
    started = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
            started = True
        elif ch.isspace() and not quoted:
            if started:
                args.append("".join(current))
                current, started = [], False
        else:
            current.append(ch)
            started = True
    if started:
        args.append("".join(current))
    return args


@dataclass(slots=True)
class Switches:
    """A parsed command line. Keyword switches are upper-cased, e.g. ``DIRECTORY``."""

    name: str | None = None
    password: str | None = None
    path: str | None = None
    file: str | None = None
    #: keyword switches with their qualifiers: "/DELETE/123" -> ("DELETE", ("123",))
    flags: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    #: arguments that are not switches at all (e.g. the tail of a path split at a space)
    stray: list[str] = field(default_factory=list)

    def has(self, keyword: str) -> bool:
        return any(k == keyword for k, _ in self.flags)

    def qualifiers(self, keyword: str) -> tuple[str, ...] | None:
        for k, quals in self.flags:
            if k == keyword:
                return quals
        return None


def _strip_quotes(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def parse_switches(argv: Sequence[str], *, known: frozenset[str]) -> Switches:
    """Parse an argument vector; keyword switches outside ``known`` raise SwitchError.

    ``/?`` is returned as the keyword ``?``.
    """
    result = Switches()
    for arg in argv:
        if not arg.startswith("/"):
            result.stray.append(arg)
            continue
        body = arg[1:]
        if not body:
            raise SwitchError("empty switch '/'")
        key = body[0].upper()
        upper = body.upper()
        keyword = upper.split("/", 1)[0]
        if keyword in known or keyword == "?":
            quals = tuple(q for q in body.split("/")[1:])
            result.flags.append((keyword, quals))
        elif key in VALUE_KEYS:
            value = _strip_quotes(body[1:])
            attr = {"N": "name", "P": "password", "D": "path", "@": "file"}[key]
            if getattr(result, attr) is not None:
                raise SwitchError(f"switch /{key} given twice")
            setattr(result, attr, value)
        else:
            raise SwitchError(f"unknown switch {arg!r}")
    return result
