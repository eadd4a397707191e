"""The layers of the tree, checked from the source of every module.

* ``sim/`` is the simulated world: it knows nothing of scenarios, the harness, the
  test tools or the terminal, so it imports none of ``harness``, ``pytest``,
  ``hypothesis``, ``typer`` or ``rich``.
* The engine of ``harness/`` (everything but the CLI: ``harness/commands/`` and
  ``harness/cli.py``) never imports ``harness.commands``: the CLI is built on the
  engine, not the other way round.

Imports are read with ``ast``, so one inside a function or under ``TYPE_CHECKING``
counts as well.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SIM_FORBIDDEN = ("harness", "pytest", "hypothesis", "typer", "rich")
CLI = ("harness/commands/", "harness/cli.py")


def imports(path: Path) -> set[str]:
    """Every module name ``path`` imports, at any depth of its code."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _under(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


@pytest.mark.parametrize("path", _modules("sim"), ids=_rel)
def test_sim_imports_nothing_of_the_harness_or_the_tools(path: Path) -> None:
    bad = sorted(n for n in imports(path) if any(_under(n, p) for p in SIM_FORBIDDEN))
    assert not bad, f"{_rel(path)} imports {bad}"


ENGINE = [p for p in _modules("harness") if not _rel(p).startswith(CLI)]


@pytest.mark.parametrize("path", ENGINE, ids=_rel)
def test_the_harness_engine_does_not_import_the_cli(path: Path) -> None:
    bad = sorted(n for n in imports(path) if _under(n, "harness.commands") or n == "harness.cli")
    assert not bad, f"{_rel(path)} imports {bad}"


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    """The reader finds an import inside a function and under TYPE_CHECKING."""
    module = tmp_path / "m.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from harness.commands import catalogue\n"
        "def f():\n    import rich.console\n"
    )
    found = imports(module)
    assert "harness.commands" in found
    assert "rich.console" in found
