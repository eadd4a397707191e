"""Choosing scenarios: the built-in catalogue, paths given, ``-k`` expressions, shards."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

__all__ = ["SelectionError", "builtin_dir", "display_name", "matches", "parse_shard", "shard"]


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


def matches(expression: str, words: set[str]) -> bool:
    """pytest-like ``-k``: substrings joined by ``and`` / ``or`` / ``not`` and parentheses."""
    tokens = _TOKEN.findall(expression)
    if not tokens:
        raise SelectionError("empty -k expression")
    position = 0

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
        token = take()
        if token == "not":
            return not atom()
        if token == "(":
            value = disjunction()
            if take() != ")":
                raise SelectionError(f"-k expression {expression!r}: missing ')'")
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
    """``K/N`` with 1 <= K <= N."""
    match = re.fullmatch(r"(\d+)/(\d+)", text.strip())
    if not match:
        raise SelectionError(f"--shard {text!r}: expected K/N, e.g. 1/4")
    k, n = int(match.group(1)), int(match.group(2))
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
