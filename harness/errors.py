"""Errors the harness raises: bad scenario files, registry misuse, failed scenarios.

After Tavern (one-line docstrings, messages that name file and document),
Hypothesis (``InvalidArgument(..., TypeError)``) and pluggy (the culprit kept
on the error): STYLE.md §10. Every ``ScenarioError`` prints as one line,
``path:line:col: message``, so an editor or CI log can jump to it.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "MAX_LINES",
    "HarnessError",
    "NotApplicableError",
    "NotRegisteredError",
    "RegistryError",
    "ScenarioError",
    "ScenarioErrors",
    "ScenarioFailed",
    "ScenarioSchemaError",
    "ScenarioSyntaxError",
    "UnknownCauseError",
    "UnknownFaultError",
    "UnknownFixError",
    "UnknownNameError",
]


#: the most lines one file's errors print: the first MAX_LINES - 1, then "and N more"
MAX_LINES = 20
#: the longest message printed (a value quoted from a 1 MB file is cut, not echoed)
MAX_MESSAGE = 400


def _one_line(text: str) -> str:
    """Collapse whitespace (newlines included) so every message is a single, bounded line."""
    text = " ".join(text.split())
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 3] + "..."


class HarnessError(Exception):
    """Base class of every error the harness raises on purpose."""


class ScenarioError(HarnessError, ValueError):
    """A scenario file that cannot be used; ``str()`` is ``path:line:col: message``."""

    def __init__(self, path: str, line: int, col: int, message: str) -> None:
        self.path = path
        self.line = line
        self.col = col
        self.message = _one_line(message)
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


class ScenarioSyntaxError(ScenarioError):
    """The file is not acceptable YAML: encoding, tabs, syntax, aliases, tags, size."""


class ScenarioSchemaError(ScenarioError):
    """The YAML is fine but a key or value does not fit the scenario format."""


class UnknownNameError(ScenarioError):
    """A name (fault, fix, cause, rule) that no registry holds."""


class UnknownFaultError(UnknownNameError):
    """A fault name the fault registry does not hold."""


class UnknownFixError(UnknownNameError):
    """A fix name the fix registry does not hold."""


class UnknownCauseError(UnknownNameError):
    """A cause id not in the cause table (reference §8)."""


class NotApplicableError(ScenarioError):
    """A fault or fix that the scenario's own world refuses: it does not apply there
    (a NetWare fault on an NT share, a fix for another Exchange version)."""


class ScenarioErrors(ScenarioError):  # noqa: N818 - name fixed by STYLE.md §10
    """Every error found in one file, in file order; ``str()`` has one line per error."""

    def __init__(self, errors: Iterable[ScenarioError]) -> None:
        self.errors = tuple(sorted(errors, key=lambda e: (e.line, e.col)))
        if not self.errors:
            raise ValueError("ScenarioErrors needs at least one error")
        first = self.errors[0]
        super().__init__(first.path, first.line, first.col, first.message)

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def lines(self) -> list[str]:
        """One ``path:line:col: message`` line per error, at most MAX_LINES lines in all."""
        shown = self.errors if len(self.errors) <= MAX_LINES else self.errors[: MAX_LINES - 1]
        lines = [ScenarioError.__str__(e) for e in shown]
        if len(shown) < len(self.errors):
            lines.append(f"{self.path}: and {len(self.errors) - len(shown)} more errors")
        return lines


class NotRegisteredError(HarnessError, LookupError):
    """A name looked up in code (not in a file) that no registry or table holds."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class RegistryError(HarnessError, TypeError):
    """A ``@fault``, ``@fix`` or ``@rule`` definition the registry refuses (e.g. a duplicate)."""


class ScenarioFailed(HarnessError, AssertionError):  # noqa: N818 - name fixed by STYLE.md §10
    """A scenario ran but did not pass; ``result`` is the run's result object."""

    def __init__(self, result: object, message: str = "scenario failed") -> None:
        self.result = result
        super().__init__(message)
