"""The records of a ``.evt`` file as read, before they are ordered (:mod:`harness.evtread`).

Three columns: record number, seconds since 1970 and template index (4 bytes each a
record). A clean log is read in record-number and time order, and then neither sort
below copies anything; only a wrapped or damaged one is permuted.
"""

from __future__ import annotations

import bisect
import itertools
import operator
from array import array
from dataclasses import dataclass, field

__all__ = ["Rows", "ascending", "distinct", "has", "sorted_by"]


@dataclass(slots=True)
class Rows:
    """Records as read: record number, seconds since 1970 and template, a column each
    (4 bytes each: the format's record numbers and times are DWORDs)."""

    numbers: array[int] = field(default_factory=lambda: array("I"))
    seconds: array[int] = field(default_factory=lambda: array("I"))
    which: array[int] = field(default_factory=lambda: array("I"))

    def add(self, number: int, seconds: int, template: int) -> None:
        self.numbers.append(number)
        self.seconds.append(seconds)
        self.which.append(template)


def ascending(values: array[int], strictly: bool) -> bool:
    """Whether ``values`` only rise (``strictly``) or never fall."""
    step = operator.lt if strictly else operator.le
    return all(map(step, values, itertools.islice(values, 1, None)))


def _permuted(rows: Rows, order: list[int]) -> Rows:
    """The rows in the order of their positions ``order``."""
    done = Rows()
    for column, into in ((rows.numbers, done.numbers), (rows.seconds, done.seconds),
                         (rows.which, done.which)):  # fmt: skip
        into.extend(map(column.__getitem__, order))
    return done


def sorted_by(rows: Rows, key: array[int]) -> Rows:
    """The rows by ``key`` (one of their columns), a stable sort: equal keys keep their order."""
    if ascending(key, strictly=False):
        return rows
    return _permuted(rows, sorted(range(len(key)), key=key.__getitem__))


def distinct(rows: Rows) -> Rows:
    """The rows by record number, the first of each number kept."""
    numbers = rows.numbers
    if ascending(numbers, strictly=True):
        return rows
    order = sorted(range(len(numbers)), key=numbers.__getitem__)  # stable: the first stays first
    kept = [at for at, before in zip(order, [-1, *order], strict=False)
            if before < 0 or numbers[before] != numbers[at]]  # fmt: skip
    return _permuted(rows, kept)


def has(numbers: array[int], number: int) -> bool:
    """Whether the sorted ``numbers`` hold ``number``."""
    at = bisect.bisect_left(numbers, number)
    return at < len(numbers) and numbers[at] == number
