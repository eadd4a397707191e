"""Choosing scenarios: the built-in catalogue, paths given, ``-k`` expressions, shards.

``@catalogue`` among the paths stands for the built-in catalogue, so that
``ccsim run @catalogue my-suite/`` runs both (a folder really named
``@catalogue`` is written ``./@catalogue``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness.errors import ScenarioError
    from harness.model import Scenario

__all__ = [
    "CATALOGUE_ALIAS",
    "PATTERN",
    "SelectionError",
    "builtin_dir",
    "display_name",
    "expand_paths",
    "load_selection",
    "matches",
    "parse_shard",
    "shard",
]

#: the scenario files a directory stands for
PATTERN = "*.scenario.yaml"
#: the name of the built-in catalogue on the command line
CATALOGUE_ALIAS = "@catalogue"


class SelectionError(ValueError):
    """A ``-k`` expression or ``--shard`` value that cannot be used."""


def builtin_dir() -> Path:
    """Where the installed catalogue lives (the ``scenarios`` package)."""
    import scenarios

    return Path(scenarios.__file__).parent


def display_name(path: Path) -> str:
    """``scenarios/<file>`` for the built-in catalogue, else the path as given."""
    try:
        return f"scenarios/{path.resolve().relative_to(builtin_dir().resolve())}"
    except ValueError:
        return str(path)


_TOKEN = re.compile(r"\(|\)|[^\s()]+")
#: the longest ``-k`` expression and its deepest nesting of ``(`` and ``not``
MAX_EXPRESSION = 1000
MAX_NESTING = 32
#: the most shards ``--shard K/N`` may name (the catalogue has tens of scenarios)
MAX_SHARDS = 1000


def matches(expression: str, words: set[str]) -> bool:
    """pytest-like ``-k``: substrings joined by ``and`` / ``or`` / ``not`` and parentheses."""
    if len(expression) > MAX_EXPRESSION:
        raise SelectionError(
            f"-k expression of {len(expression)} characters: at most {MAX_EXPRESSION}"
        )
    tokens = _TOKEN.findall(expression)
    if not tokens:
        raise SelectionError("empty -k expression")
    position = depth = 0

    def peek() -> str | None:
        return tokens[position] if position < len(tokens) else None

    def take() -> str:
        nonlocal position
        if position >= len(tokens):
            raise SelectionError(f"-k expression {expression!r} ends too early")
        position += 1
        token: str = tokens[position - 1]
        return token

    def atom() -> bool:
        nonlocal depth
        token = take()
        if token in ("not", "("):
            depth += 1
            if depth > MAX_NESTING:
                raise SelectionError(f"-k expression nested deeper than {MAX_NESTING} levels")
            value = not atom() if token == "not" else disjunction()
            if token == "(" and take() != ")":
                raise SelectionError(f"-k expression {expression!r}: missing ')'")
            depth -= 1
            return value
        if token in ("and", "or", ")"):
            raise SelectionError(f"-k expression {expression!r}: unexpected {token!r}")
        return any(token.casefold() in w.casefold() for w in words)

    def conjunction() -> bool:
        value = atom()
        while peek() == "and":
            take()
            value = atom() & value
        return value

    def disjunction() -> bool:
        value = conjunction()
        while peek() == "or":
            take()
            value = conjunction() | value
        return value

    result = disjunction()
    if peek() is not None:
        raise SelectionError(f"-k expression {expression!r}: unexpected {peek()!r}")
    return result


def parse_shard(text: str) -> tuple[int, int]:
    """``K/N`` with 1 <= K <= N <= MAX_SHARDS."""
    match = re.fullmatch(r"(\d{1,9})/(\d{1,9})", text.strip())
    if not match:
        raise SelectionError(
            f"--shard {text[:40]!r}: expected K/N, e.g. 1/4 (N at most {MAX_SHARDS})"
        )
    k, n = int(match.group(1)), int(match.group(2))
    if n > MAX_SHARDS:
        raise SelectionError(f"--shard {text!r}: N may be at most {MAX_SHARDS}")
    if not 1 <= k <= n:
        raise SelectionError(f"--shard {text!r}: K must be between 1 and N")
    return k, n


def shard(items: Sequence[tuple[str, float]], k: int, n: int) -> list[str]:
    """Names of shard ``k`` of ``n``: greedy by recorded cost, ties by name (deterministic)."""
    loads = [0.0] * n
    buckets: list[list[str]] = [[] for _ in range(n)]
    for name, cost in sorted(items, key=lambda item: (-item[1], item[0])):
        target = min(range(n), key=lambda i: (loads[i], i))
        loads[target] += cost
        buckets[target].append(name)
    return sorted(buckets[k - 1])


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given; a directory stands for its ``*.scenario.yaml`` files, sorted.

    The walk follows no directory symlink (a link ``UP -> ..`` cannot loop it) and
    skips folders that vanish or cannot be listed while it runs.
    """
    import fnmatch
    import os

    result: list[Path] = []
    for given in paths:
        path = builtin_dir() if str(given) == CATALOGUE_ALIAS else given
        if _is_dir(path):
            found = [
                Path(folder, name)
                for folder, _, names in os.walk(path)
                for name in fnmatch.filter(names, PATTERN)
            ]
            result.extend(sorted(found))
        else:
            result.append(path)
    return result


def _is_dir(path: Path) -> bool:
    """``path.is_dir()``, but a name the system refuses (too long ...) is no directory."""
    try:
        return path.is_dir()
    except OSError:
        return False


def _words(scenario: Scenario, path: Path) -> set[str]:
    return {
        scenario.id,
        scenario.cause,
        scenario.title,
        path.name,
        *scenario.tags,
        *scenario.articles,
    }


def load_selection(
    paths: list[Path],
    keyword: str | None,
    shard_text: str | None,
    *,
    invalid: list[tuple[Path, ScenarioError]] | None = None,
) -> list[tuple[Path, Scenario]]:
    """Load every selected scenario; ScenarioError/SelectionError on bad input.

    With ``invalid`` given, a file that does not load is put there instead of
    raising and the others are still selected. Its id cannot be read, so ``-k``
    does not filter it out; a shard takes it as it takes a scenario (by file
    name, at no cost), so the shards of a split report it exactly once.
    """
    from harness.costs import scenario_cost
    from harness.errors import ScenarioError
    from harness.loader import load_scenario

    files = list({p.resolve(): p for p in expand_paths(paths or [builtin_dir()])}.values())
    for path in files:
        try:
            path.stat()
        except FileNotFoundError:
            raise SelectionError(f"no such file or directory: {path}") from None
        except OSError as exc:  # a name too long, a loop of links, no permission
            raise SelectionError(f"{str(path)[:200]}: {exc.strerror or exc}") from None
    loaded: list[tuple[Path, Scenario]] = []
    broken: list[tuple[Path, ScenarioError]] = []
    for path in files:
        try:
            loaded.append((path, load_scenario(path)))
        except ScenarioError as exc:
            if invalid is None:
                raise
            broken.append((path, exc))
    _refuse_duplicates(loaded)
    if keyword:
        loaded = [(p, s) for p, s in loaded if matches(keyword, _words(s, p))]
    if shard_text:
        k, n = parse_shard(shard_text)
        costs = [(s.id, scenario_cost(s)) for _, s in loaded]
        costs += [(f"{_FILE_KEY}{p}", 0.0) for p, _ in broken]
        chosen = set(shard(costs, k, n))
        loaded = [(p, s) for p, s in loaded if s.id in chosen]
        broken = [(p, e) for p, e in broken if f"{_FILE_KEY}{p}" in chosen]
    if invalid is not None:
        invalid.extend(broken)
    return loaded


#: how an invalid file is named among scenario ids when shards are dealt (no id has a space)
_FILE_KEY = "invalid file "


def _id_line(path: Path) -> int:
    """The line of the file's top-level ``id:`` key (1 when it cannot be found)."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return 1
    return next((n for n, line in enumerate(lines, 1) if line.startswith("id:")), 1)


def _refuse_duplicates(loaded: Sequence[tuple[Path, Scenario]]) -> None:
    """Two files with one scenario id: SelectionError naming both ``file:line``."""
    first: dict[str, Path] = {}
    for path, scenario in loaded:
        if scenario.id in first:
            a, b = first[scenario.id], path
            raise SelectionError(
                f"duplicate scenario id {scenario.id!r}: {a}:{_id_line(a)} and {b}:{_id_line(b)}"
            )
        first[scenario.id] = path
