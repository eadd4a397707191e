"""Run the ``console`` blocks of a page in docs/ and check what each command prints.

A block is a fenced ``console`` block. A line ``$ ccsim ...`` is a command; it is
split as a POSIX shell would (``shlex``) and run through ``harness.cli.main`` in
the current folder. The lines after it, up to the next ``$`` line, are what it
prints (stdout, then stderr): each must appear in that order; a line ``...``
stands for any number of lines, so a long listing can be cut. A last line
``[exit N]`` is the exit status the command must end with (0 when absent).
A ``$`` line that is not a ``ccsim`` command is refused: the page must show
only what the test runs.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.cli import main

__all__ = ["Step", "run_page", "steps"]

_BLOCK = re.compile(r"^```console\n(.*?)^```", re.DOTALL | re.MULTILINE)
_EXIT = re.compile(r"^\[exit (\d+)\]$")


@dataclass(frozen=True, slots=True)
class Step:
    """One command of a page: its words, the lines it must print, its exit status."""

    line: str
    words: list[str]
    expected: list[str]
    code: int


def steps(page: Path, *, block: int | None = None) -> list[Step]:
    """The page's commands in order (all blocks, or the ``block``-th only)."""
    found: list[Step] = []
    blocks = _BLOCK.findall(page.read_text(encoding="utf-8"))
    chosen = blocks if block is None else [blocks[block]]
    for text in chosen:
        current: Step | None = None
        for raw in text.splitlines():
            if raw.startswith("$ "):
                command = raw[2:].split("  #", 1)[0].strip()
                words = shlex.split(command)
                if words[:1] != ["ccsim"]:
                    raise AssertionError(f"{page.name}: not a ccsim command: {raw}")
                current = Step(raw, words[1:], [], 0)
                found.append(current)
            elif current is not None:
                found[-1] = current = _expect(current, raw.rstrip())
    return found


def _expect(step: Step, line: str) -> Step:
    exit_line = _EXIT.match(line)
    if exit_line:
        return Step(step.line, step.words, step.expected, int(exit_line.group(1)))
    return Step(step.line, step.words, [*step.expected, line], step.code)


def _matches(expected: list[str], got: list[str]) -> bool:
    """Every expected line in order; ``...`` skips any number of lines."""
    at = 0
    gap = False
    for want in expected:
        if want == "...":
            gap = True
            continue
        while at < len(got) and got[at] != want:
            if not gap:
                return False
            at += 1
        if at == len(got):
            return False
        at += 1
        gap = False
    return gap or at == len(got)


def run_page(capsys: pytest.CaptureFixture[str], found: list[Step]) -> None:
    """Run each command; fail naming the first one whose output or status differs."""
    capsys.readouterr()
    for step in found:
        with pytest.raises(SystemExit) as exc:
            main(step.words)
        out, err = capsys.readouterr()
        got = (out + err).splitlines()
        code = int(exc.value.code or 0)
        shown = "\n".join(got)
        assert code == step.code, f"{step.line}\nexit {code}, the page says {step.code}\n{shown}"
        assert _matches(step.expected, got), f"{step.line}\nprinted:\n{shown}"
