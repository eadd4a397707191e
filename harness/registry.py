"""The ``@fault``, ``@fix`` and ``@rule`` registries: named functions, listable as data.

After Hypothesis's ``@rule`` (a marker the class collects): each decorator
records a spec in a module-level ``Registry`` at definition time, so the
catalogue of faults, fixes and rules is data that ``ccsim list`` can print and
the loader can check scenario files against (STYLE.md §8, §9). A duplicate name
raises ``RegistryError`` where it is defined, not when a scenario runs.

Checks made at definition:

* names are kebab-case (``wrong-po-password``), as scenario files spell them;
* ``cures=`` and ``@rule(cause)`` name causes of reference §8 (``harness.causes``);
* ``params=`` is a pydantic model with ``extra="forbid"``, so a misspelt
  parameter in a scenario file is an error, not silently ignored.

A ``Registry`` is also an instance the loader accepts, and ``scoped()`` restores
it afterwards, so tests can register throw-away faults without leaking them.

This module imports neither pydantic nor ``sim``: rules and the CLI load it cheaply.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from harness.errors import NotRegisteredError, RegistryError

if TYPE_CHECKING:
    from pydantic import BaseModel

__all__ = [
    "FAULTS",
    "FIXES",
    "RULES",
    "FaultSpec",
    "FixSpec",
    "Registry",
    "RuleSpec",
    "did_you_mean",
    "fault",
    "fix",
    "rule",
]

SpecT = TypeVar("SpecT")
FuncT = TypeVar("FuncT", bound=Callable[..., Any])

_KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def did_you_mean(name: str, choices: Iterable[str]) -> str | None:
    """The closest choice to a misspelt ``name`` (``difflib``), or None."""
    close = difflib.get_close_matches(name, sorted(choices), n=1, cutoff=0.6)
    return close[0] if close else None


@dataclass(frozen=True, slots=True)
class FaultSpec:
    """A named change that breaks the world through its normal API (STYLE.md §8)."""

    name: str
    function: Callable[..., Any]
    summary: str
    #: the KB article (or reference section) the fault reproduces
    article: str
    #: the pydantic model of the fault's parameters, or None if it takes none
    params: type[BaseModel] | None = None


@dataclass(frozen=True, slots=True)
class FixSpec:
    """A named change that repairs the world, and the §8 causes it cures."""

    name: str
    function: Callable[..., Any]
    cures: tuple[str, ...]
    summary: str
    article: str
    params: type[BaseModel] | None = None


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """The diagnosis rule for one §8 cause: reads evidence, returns a finding or None."""

    cause: str
    function: Callable[..., Any]
    article: str
    #: event IDs the rule explains (§4.8), for the catalogue page
    explains: tuple[int, ...] = ()
    summary: str = ""

    @property
    def name(self) -> str:
        """Rules are registered under their cause id (one rule per cause)."""
        return self.cause


class Registry(Generic[SpecT]):
    """Name -> spec, in definition order; duplicates refused; lookups with did-you-mean."""

    def __init__(self, kind: str, *, listing: str, autoload: bool = False) -> None:
        #: "fault", "fix" or "rule": used in messages
        self.kind = kind
        #: where a user finds the names, e.g. "ccsim list faults"
        self.listing = listing
        self._specs: dict[str, SpecT] = {}
        #: the first read imports the cause modules (``harness.causes.load``)
        self._autoload = autoload

    def _ensure(self) -> dict[str, SpecT]:
        """The specs, after loading the cause modules if this registry is filled by them."""
        if self._autoload:
            from harness import causes

            if not causes.is_loading():
                causes.load()
        return self._specs

    def add(self, name: str, spec: SpecT) -> None:
        """Record ``spec`` under ``name``; RegistryError if the name is taken."""
        if name in self._specs:
            raise RegistryError(f"duplicate {self.kind} {name!r}: already registered")
        self._specs[name] = spec

    def get(self, name: str) -> SpecT | None:
        return self._ensure().get(name)

    def hint(self, name: str) -> str:
        """``did you mean 'x'?`` or where to find the names."""
        close = did_you_mean(name, self._ensure())
        return f"did you mean {close!r}?" if close else f"see `{self.listing}`"

    def lookup(self, name: str) -> SpecT:
        """The spec for ``name``; NotRegisteredError with a did-you-mean hint."""
        found = self._ensure().get(name)
        if found is None:
            raise NotRegisteredError(f"unknown {self.kind} {name!r} ({self.hint(name)})")
        return found

    def names(self) -> list[str]:
        """Registered names, sorted."""
        return sorted(self._ensure())

    def specs(self) -> list[SpecT]:
        """Registered specs, sorted by name."""
        return [self._specs[n] for n in self.names()]

    def __contains__(self, name: object) -> bool:
        return name in self._ensure()

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self._ensure())

    @contextmanager
    def scoped(self) -> Iterator[Registry[SpecT]]:
        """Register freely inside the block; the registry is restored on exit."""
        saved = dict(self._ensure())
        try:
            yield self
        finally:
            self._specs.clear()
            self._specs.update(saved)


#: every fault, by name (filled by the modules of ``harness.causes``)
FAULTS: Registry[FaultSpec] = Registry("fault", listing="ccsim list faults", autoload=True)
#: every fix, by name (filled by the modules of ``harness.causes``)
FIXES: Registry[FixSpec] = Registry("fix", listing="ccsim list fixes", autoload=True)
#: one diagnosis rule per cause id (filled by the modules of ``harness.causes``)
RULES: Registry[RuleSpec] = Registry("rule", listing="ccsim list rules", autoload=True)


def _check_name(kind: str, name: str) -> None:
    if not isinstance(name, str) or not _KEBAB.match(name):
        raise RegistryError(f"{kind} name {name!r} is not kebab-case (e.g. 'wrong-po-password')")


def _check_cause(kind: str, cause: str, module: str) -> None:
    """A name of a loaded cause. ``load`` checks afterwards while the cause modules load,
    and for a built-in cause module's own registrations: one imported on its own (a module
    of a cause's package, say) is then only part-way through its import, and the table
    cannot be built from it yet."""
    from harness import causes

    if causes.is_loading() or module.startswith(f"{causes.__name__}."):
        return
    if cause not in causes.CAUSES:
        hint = causes.cause_hint(cause, include_healthy=False)
        raise RegistryError(f"{kind} names unknown cause {cause!r} ({hint})")


def _check_params(kind: str, name: str, params: object) -> None:
    if params is None:
        return
    config = getattr(params, "model_config", None)
    if not isinstance(params, type) or not hasattr(params, "model_validate"):
        raise RegistryError(f"{kind} {name!r}: params must be a pydantic model class")
    if not isinstance(config, dict) or config.get("extra") != "forbid":
        raise RegistryError(f"{kind} {name!r}: params model needs extra='forbid'")


def fault(
    name: str,
    *,
    summary: str,
    article: str,
    params: type[BaseModel] | None = None,
    registry: Registry[FaultSpec] | None = None,
) -> Callable[[FuncT], FuncT]:
    """Register the decorated function as the fault ``name``."""
    _check_name("fault", name)
    _check_params("fault", name, params)
    target = FAULTS if registry is None else registry

    def decorate(function: FuncT) -> FuncT:
        target.add(name, FaultSpec(name, function, summary, article, params))
        return function

    return decorate


def fix(
    name: str,
    *,
    cures: str | Sequence[str],
    summary: str,
    article: str,
    params: type[BaseModel] | None = None,
    registry: Registry[FixSpec] | None = None,
) -> Callable[[FuncT], FuncT]:
    """Register the decorated function as the fix ``name`` for the §8 causes ``cures``."""
    _check_name("fix", name)
    _check_params("fix", name, params)
    cured = (cures,) if isinstance(cures, str) else tuple(cures)
    if not cured:
        raise RegistryError(f"fix {name!r} cures no cause")
    target = FIXES if registry is None else registry

    def decorate(function: FuncT) -> FuncT:
        for cause in cured:
            _check_cause(f"fix {name!r}", cause, function.__module__)
        target.add(name, FixSpec(name, function, cured, summary, article, params))
        return function

    return decorate


def rule(
    cause: str,
    *,
    article: str,
    explains: int | Sequence[int] = (),
    explains_event: int | None = None,
    summary: str = "",
    registry: Registry[RuleSpec] | None = None,
) -> Callable[[FuncT], FuncT]:
    """Register the decorated function as the diagnosis rule for ``cause`` (one per cause).

    ``explains_event=70`` (the spelling of STYLE.md §9) is short for ``explains=(70,)``.
    """
    events = (explains,) if isinstance(explains, int) else tuple(explains)
    if explains_event is not None and explains_event not in events:
        events = (explains_event, *events)
    target = RULES if registry is None else registry

    def decorate(function: FuncT) -> FuncT:
        _check_cause("rule", cause, function.__module__)
        target.add(cause, RuleSpec(cause, function, article, events, summary))
        return function

    return decorate
