"""Import what a scenario run imports, before any in-process ``pytester`` run.

``pytester.runpytest`` forgets the modules a run imported once it ends. The next
run would import them again and mix two copies: the fault and fix modules
would register their names a second time (``RegistryError``: duplicate),
``isinstance`` checks would fail between a class and its re-imported twin, and
the yaml C extension, never re-initialised, would build nodes of the forgotten
module's classes. Importing every module of ``sim`` and ``harness`` first (the
command line aside) keeps one copy of each.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import harness
import sim

__all__ = ["preload", "run_inprocess"]

_SKIP = ("harness.cli", "harness.commands")


def preload() -> None:
    """Import every module of ``sim`` and ``harness`` except the command line."""
    importlib.import_module("yaml")
    for package in (sim, harness):
        prefix = f"{package.__name__}."
        for info in pkgutil.walk_packages(package.__path__, prefix):
            if not info.name.startswith(_SKIP):
                importlib.import_module(info.name)


def run_inprocess(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """``pytester.runpytest`` without the warnings only an in-process run gives.

    Modules already imported cannot be assertion-rewritten; pytest warns about
    the ones its plugin entry point names (``sim``, ``harness``, ``scenarios``).
    A fresh ``pytest`` process imports them after marking them, and gives none.
    """
    return pytester.runpytest(*args, "-W", "ignore::pytest.PytestAssertRewriteWarning")
