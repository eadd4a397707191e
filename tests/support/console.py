"""Run the ``console`` blocks of a page in docs/ and check what each command prints.

A block is a fenced ``console`` block. A line ``$ ccsim ...`` is a command; it is
split as a POSIX shell would (``shlex``) and run through ``harness.cli.main`` in
the current folder. The lines after it, up to the next ``$`` line, are what it
prints (stdout, then stderr): each must appear in that order; a line ``...``
stands for any number of lines, so a long listing can be cut; a command with
no lines under it may print anything. A last line ``[exit N]`` is the exit
status the command must end with (0 when absent).

Besides ``ccsim``, a page may change files by hand as a person would, with
``mkdir -p DIR``, ``mv SOURCE... TARGET`` and ``cp SOURCE TARGET`` (a source may
be a glob); the test does the same with :mod:`shutil`. Any other ``$`` line is
refused: the page shows only what the test runs.
"""

from __future__ import annotations

import glob
import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.cli import main

__all__ = ["Step", "run_page", "sections", "steps"]

_BLOCK = re.compile(r"^```console\n(.*?)^```", re.DOTALL | re.MULTILINE)
_EXIT = re.compile(r"^\[exit (\d+)\]$")


@dataclass(frozen=True, slots=True)
class Step:
    """One command of a page: its words, the lines it must print, its exit status."""

    line: str
    words: list[str]
    expected: list[str]
    code: int


def sections(page: Path) -> dict[str, str]:
    """The page's text under each ``### `` heading, by the heading's first word."""
    parts = page.read_text(encoding="utf-8").split("\n### ")[1:]
    return {part.split()[0]: part.split("\n## ", 1)[0] for part in parts}


def steps(page: Path, text: str | None = None) -> list[Step]:
    """The commands of the page (or of ``text``, a part of it) in order."""
    found: list[Step] = []
    source = page.read_text(encoding="utf-8") if text is None else text
    for text in _BLOCK.findall(source):
        current: Step | None = None
        for raw in text.splitlines():
            if raw.startswith("$ "):
                command = raw[2:].split("  #", 1)[0].strip()
                words = shlex.split(command)
                if words[:1] != ["ccsim"] and words[:1] not in (["mkdir"], ["mv"], ["cp"]):
                    raise AssertionError(f"{page.name}: not a command the test runs: {raw}")
                current = Step(raw, words, [], 0)
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
    if not expected:
        return True
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
        if step.words[0] != "ccsim":
            _by_hand(step.words)
            continue
        with pytest.raises(SystemExit) as exc:
            main(step.words[1:])
        out, err = capsys.readouterr()
        got = (out + err).splitlines()
        code = int(exc.value.code or 0)
        shown = "\n".join(got)
        assert code == step.code, f"{step.line}\nexit {code}, the page says {step.code}\n{shown}"
        assert _matches(step.expected, got), f"{step.line}\nprinted:\n{shown}"


def _by_hand(words: list[str]) -> None:
    """``mkdir -p``, ``mv`` and ``cp`` as the shell would do them (globs expanded, sorted)."""
    if words[0] == "mkdir":
        assert words[1] == "-p", words
        for name in words[2:]:
            Path(name).mkdir(parents=True, exist_ok=True)
        return
    *sources, target = words[1:]
    paths = [hit for pattern in sources for hit in sorted(glob.glob(pattern)) or [pattern]]
    missing = [p for p in paths if not Path(p).exists()]
    assert not missing, f"no such file: {missing}"
    for path in paths:
        if words[0] == "mv":
            shutil.move(path, target)
        else:
            shutil.copy(path, target)
