"""The failure causes of the Exchange Connector for Lotus cc:Mail: one module per §8 row.

Source: ccmail-reference.md §8 "Failure-cause catalogue" (20 rows). Each cause
lives in one module of this package named after its id (``po-settings-invalid``
→ ``harness/causes/po_settings_invalid.py``). The module holds the cause's §8
row as ``CAUSE`` (a :class:`Cause`: the cause text, the cited articles, the
symptoms, how a support engineer confirms it, the fix and how to verify it), the
faults that reproduce it (``@fault``), the rule that diagnoses it from evidence
only (``@rule``), its fix (``@fix``) and, where the evidence decides between its
catalogue scenarios, ``reproduce_with(evidence)`` for ``ccsim reproduce``. What
two or more causes share lives in :mod:`harness.causes._shared`.

The table :data:`CAUSES` is built from the modules, in row order; it is not a
second source. An installed package can add causes of its own: each entry point
of the group ``ccsim.causes`` names a module laid out like the built-in ones, and
it is loaded after them (:data:`ENTRY_POINT_GROUP`).

``healthy`` is not a §8 row: it names the baseline scenario, a connector with
nothing wrong (§4.5 describes the working transfer cycle).

Importing this package is cheap; the cause modules (and with them pydantic and
``sim``) are imported the first time :data:`CAUSES`, :data:`SCENARIO_CAUSES`, a
registry or :func:`load` is read.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from importlib import metadata
from types import ModuleType
from typing import TYPE_CHECKING

from harness.errors import NotRegisteredError, RegistryError

if TYPE_CHECKING:
    from harness.evidence import Evidence

__all__ = [
    "CAUSES",
    "ENTRY_POINT_GROUP",
    "HEALTHY",
    "SCENARIO_CAUSES",
    "SECTION_8_ROWS",
    "Cause",
    "cause_hint",
    "cause_module",
    "get_cause",
    "load",
    "module_name",
    "reproduce_with",
]

#: how many rows the reference's §8 catalogue has; a cause numbered past them is the
#: catalogue's own (``disk-space-miscalculated``) or a package's
SECTION_8_ROWS = 20

#: the entry-point group through which an installed package adds causes
ENTRY_POINT_GROUP = "ccsim.causes"


@dataclass(frozen=True, slots=True)
class Cause:
    """One row of reference §8, quoted."""

    #: the row number in §8 (0 for ``healthy``; past :data:`SECTION_8_ROWS` a cause the
    #: reference's §8 has no row for, numbered by the catalogue or by its package)
    number: int
    #: stable kebab-case id used in scenario files
    id: str
    #: the "Cause" column, without the article list
    title: str
    #: the KB articles / sources the "Cause" column cites
    articles: tuple[str, ...]
    #: "Observable symptoms (events, texts, codes, mail-flow effects)"
    symptoms: str
    #: "How a support engineer confirms it"
    confirm: str
    #: "Fix"
    fix: str
    #: "How to verify the fix"
    verify: str

    @property
    def row(self) -> str:
        """Where the reference has it: ``§8 row N``, or why it has no §8 row."""
        if self.number == 0:
            return "the baseline, not a §8 row"
        if self.number <= SECTION_8_ROWS:
            return f"§8 row {self.number}"
        return f"catalogue cause {self.number}, not a §8 row"


#: the baseline: nothing is wrong (not a §8 row)
HEALTHY = Cause(
    0,
    "healthy",
    title="Nothing wrong: the connector transfers mail both ways",
    articles=("Q168211",),
    symptoms="Events 67 and 58 at Maximum logging; dirsync logs 14001 then 14031 (§4.5, §4.6)",
    confirm="No error events; queues drain every 15 s (§4.5)",
    fix="None needed",
    verify="Mail delivered both ways; no error events",
)


def module_name(cause_id: str) -> str:
    """The module a built-in cause lives in: ``po-settings-invalid`` → ``po_settings_invalid``."""
    return cause_id.replace("-", "_")


@dataclass(slots=True)
class _Table:
    """The loaded causes: rows in order, and the module each came from."""

    rows: dict[str, Cause]
    modules: dict[str, ModuleType]


_table: _Table | None = None
_loading = False


def _cause_modules() -> Iterator[tuple[ModuleType, str]]:
    """Every cause module with where it came from: built-in first, then entry points."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            yield importlib.import_module(f"{__name__}.{info.name}"), "built-in"
    points = metadata.entry_points(group=ENTRY_POINT_GROUP)
    for point in sorted(points, key=lambda p: (p.name, p.value)):
        try:
            module = point.load()
        except Exception as exc:  # noqa: BLE001 - a package's own error, named and refused
            raise RegistryError(
                f"entry point {point.name!r} ({point.value}) of {ENTRY_POINT_GROUP}: "
                f"cannot be loaded: {type(exc).__name__}: {exc}"
            ) from None
        if not isinstance(module, ModuleType):
            raise RegistryError(
                f"entry point {point.name!r} of {ENTRY_POINT_GROUP} names {point.value!r}, "
                "not a module"
            )
        yield module, f"entry point {point.name!r}"


def _row_of(module: ModuleType, origin: str) -> Cause:
    row = getattr(module, "CAUSE", None)
    if not isinstance(row, Cause):
        raise RegistryError(
            f"{module.__name__} ({origin}): a cause module defines CAUSE = Cause(...)"
        )
    if origin == "built-in" and module.__name__.rpartition(".")[2] != module_name(row.id):
        raise RegistryError(
            f"{module.__name__}: cause {row.id!r} belongs in "
            f"harness/causes/{module_name(row.id)}.py"
        )
    return row


def load() -> Mapping[str, Cause]:
    """Import every cause module once and build the table; the §8 rows by id, in order.

    The faults, rules and fixes register as their modules are imported. After
    the import, every ``@rule`` and ``@fix(cures=...)`` must name a loaded cause.
    A module without a ``CAUSE``, a built-in module not named after its id, or a
    cause id defined twice raises :class:`RegistryError` naming the module.
    """
    global _table, _loading
    if _table is not None:
        return _table.rows
    if _loading:
        raise RegistryError(
            "the cause table was read while the cause modules were still loading: "
            "read harness.causes.CAUSES inside a function, not at import time"
        )
    _loading = True
    try:
        found: list[tuple[Cause, ModuleType]] = []
        seen: dict[str, str] = {HEALTHY.id: "harness.causes (the baseline)"}
        for module, origin in _cause_modules():
            row = _row_of(module, origin)
            if row.id in seen:
                raise RegistryError(
                    f"cause {row.id!r} of {module.__name__} is already defined by {seen[row.id]}"
                )
            seen[row.id] = module.__name__
            found.append((row, module))
        found.sort(key=lambda item: (item[0].number, item[0].id))
        table = _Table({row.id: row for row, _ in found}, {row.id: module for row, module in found})
        _check_references(table.rows)
        _table = table
    finally:
        _loading = False
    return table.rows


def _check_references(rows: Mapping[str, Cause]) -> None:
    """Every rule and fix registered so far names a loaded cause (RegistryError if not)."""
    from harness.registry import FIXES, RULES

    for spec in RULES.specs():
        if spec.cause not in rows:
            raise RegistryError(
                f"rule {spec.cause!r}: no cause module defines it ({_hint(spec.cause, rows)})"
            )
    for fix in FIXES.specs():
        for cured in fix.cures:
            if cured not in rows:
                raise RegistryError(
                    f"fix {fix.name!r} cures {cured!r}, which no cause module defines "
                    f"({_hint(cured, rows)})"
                )


def is_loading() -> bool:
    """True while the cause modules are being imported (the registries check later)."""
    return _loading


class _LazyCauses(Mapping[str, Cause]):
    """A read-only view of the loaded causes; the first read loads them."""

    def __init__(self, *, healthy: bool) -> None:
        self._healthy = healthy

    def _rows(self) -> Mapping[str, Cause]:
        rows = load()
        return {HEALTHY.id: HEALTHY, **rows} if self._healthy else rows

    def __getitem__(self, key: str) -> Cause:
        if self._healthy and key == HEALTHY.id:
            return HEALTHY
        return self._rows()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows())

    def __len__(self) -> int:
        return len(self._rows())

    def __contains__(self, key: object) -> bool:
        return (self._healthy and key == HEALTHY.id) or key in load()

    def __repr__(self) -> str:
        return f"<causes {list(self)}>"


#: the causes of §8 (and any an installed package adds), by id, in row order
CAUSES: Mapping[str, Cause] = _LazyCauses(healthy=False)

#: every id a scenario's ``cause:`` may name: ``healthy`` first, then the causes in order
SCENARIO_CAUSES: Mapping[str, Cause] = _LazyCauses(healthy=True)


def _hint(name: str, names: Mapping[str, Cause] | list[str]) -> str:
    close = difflib.get_close_matches(name, list(names), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else "see `ccsim list causes` or reference §8"


def cause_hint(name: str, *, include_healthy: bool = True) -> str:
    """``did you mean 'x'?`` for a misspelt cause id, else where to look."""
    return _hint(name, list(SCENARIO_CAUSES if include_healthy else CAUSES))


def get_cause(cause_id: str) -> Cause:
    """The cause with this id (``healthy`` included); NotRegisteredError with a hint."""
    try:
        return SCENARIO_CAUSES[cause_id]
    except KeyError:
        hint = cause_hint(cause_id)
        raise NotRegisteredError(f"unknown cause {cause_id!r} ({hint})") from None


def cause_module(cause_id: str) -> ModuleType:
    """The module a loaded cause lives in (NotRegisteredError for an unknown id)."""
    get_cause(cause_id)
    assert _table is not None
    if cause_id not in _table.modules:
        raise NotRegisteredError(f"cause {cause_id!r} has no module (it is the baseline)")
    return _table.modules[cause_id]


def reproduce_with(cause_id: str) -> Callable[[Evidence], str | None] | None:
    """The cause's ``reproduce_with(evidence)``: the catalogue scenario to reproduce from."""
    chooser = getattr(cause_module(cause_id), "reproduce_with", None)
    return chooser if callable(chooser) else None
