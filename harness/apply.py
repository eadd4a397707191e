"""A scenario's faults applied to its site, and a fault or fix its world refuses.

``run`` applies the faults first (:func:`apply_faults`); ``validate`` does the same in
a scratch folder (:func:`check_faults_apply`), so that a scenario whose own world
refuses one of its faults (a NetWare fault on an NT share) is the file's error at
``validate``, not a surprise at ``run``. A fault's or fix's ``ValueError`` (it does
not apply here) becomes :class:`~harness.errors.NotApplicableError` at the entry
that names it (:func:`refusal`): exit 2, ``file:line:col``, never an internal error.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness.build import Site, build_site
from harness.errors import NotApplicableError
from harness.registry import FAULTS, FaultSpec

if TYPE_CHECKING:
    from harness.model import Scenario

__all__ = ["Positions", "apply_faults", "check_faults_apply", "refusal", "source_positions"]

#: (line, column) of each value of a scenario file, by its YAML path
Positions = dict[tuple[Any, ...], tuple[int, int]]


def source_positions(path: Path) -> Positions:
    """(line, column) of each value of the scenario file; empty when it cannot be read
    (the positions are a courtesy: the file already loaded)."""
    from harness.yamlsafe import decode, parse, read_limited

    if not path.is_file():
        return {}
    name = str(path)
    try:
        doc = parse(decode(read_limited(path, name=name), name=name), name=name)
    except Exception:  # noqa: BLE001 - see the docstring
        return {}
    return {loc: (pos[0], pos[1]) for loc, pos in doc.values.items()}


@contextlib.contextmanager
def refusal(file: str, positions: Positions, loc: tuple[Any, ...], what: str) -> Iterator[None]:
    """A ``ValueError`` inside the block (``what`` does not apply to this world) as the
    scenario's error at the entry ``loc``."""
    try:
        yield
    except NotApplicableError:
        raise
    except ValueError as exc:
        line, col = positions.get(loc, (1, 1))
        raise NotApplicableError(
            file, line, col, f"{what} does not apply to this world: {exc}"
        ) from None


def apply_faults(
    site: Site,
    scenario: Scenario,
    file: str,
    positions: Positions,
    applied: Callable[[int, FaultSpec], None] = lambda i, spec: None,
) -> None:
    """Each fault of the scenario, in order; ``applied(i, spec)`` after each."""
    for i, use in enumerate(scenario.faults):
        spec = FAULTS.lookup(use.name)
        with refusal(file, positions, ("faults", i), f"fault {use.name!r}"):
            spec.function(site, use.params)
        applied(i, spec)


def check_faults_apply(scenario: Scenario, file: str, *, source: Path | None = None) -> None:
    """Build the scenario's world in a scratch folder and apply its faults, as ``run``
    does first; NotApplicableError at the first fault the world refuses."""
    if not scenario.faults:
        return
    seed = scenario.seed if scenario.seed is not None else 0
    positions = source_positions(source if source is not None else Path(file))
    with tempfile.TemporaryDirectory(prefix="ccsim-") as tmp:
        site = build_site(scenario, seed=seed, root=Path(tmp) / "world")
        apply_faults(site, scenario, file, positions)
