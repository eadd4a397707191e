"""The path jail: no program argument, scenario path or symlink reaches outside the world root.

A sandbox directory holds the world root and, beside it, ``outside`` with a real
post office (the one a hostile ``/D`` would aim at) and a file a hostile ``/@``
would overwrite. Inside the root, symlinks lead out (to ``outside``, to its post
office, to ``/dev/zero``). Hypothesis builds hostile path strings; each is given
to every program as ``/D`` and ``/@``, to the scenario models as a path, and
straight to ``sim.winpath.resolve``. The outside tree must be byte-identical
afterwards, and every path ``resolve`` places must lie inside the root.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from harness.model_steps import RunSpec
from harness.model_types import WinPath
from sim.access import AccessModel
from sim.errors import PathError
from sim.programs import analyze, chkstat, export, import_, reclaim
from sim.programs.cmdline import split_command_line
from sim.programs.runner import ProgramContext
from sim.winpath import resolve
from sim.world import World
from tests.sim.programs.helpers import make_po, message

PROGRAMS = {
    "EXPORT": export.main,
    "IMPORT": import_.main,
    "ANALYZE": analyze.main,
    "CHKSTAT": chkstat.main,
    "RECLAIM": reclaim.main,
}
_VERSIONS = {"EXPORT": "5.14", "IMPORT": "5.15"}


class Sandbox:
    def __init__(self, base: Path) -> None:
        self.base = base
        self.root = base / "root"
        self.outside = base / "outside"
        self.world = World(seed=1998, root=self.root)
        make_po(self.world).deliver("EX1", [message(1)])
        make_po(World(seed=1998, root=self.outside)).deliver("EX1", [message(2)])
        (self.outside / "p.txt").write_text("keep\n")
        c_drive = self.root / "C"
        (c_drive / "OUT").symlink_to(self.outside)
        (c_drive / "OUTPO").symlink_to(self.outside / "C" / "CCDATA")
        (c_drive / "ZERO").symlink_to("/dev/zero")
        self.before = self.snapshot()

    def snapshot(self) -> dict[str, tuple[int, str]]:
        seen: dict[str, tuple[int, str]] = {}
        for folder, dirs, files in os.walk(self.outside):
            for name in dirs + files:
                path = Path(folder, name)
                data = path.read_bytes() if path.is_file() else b""
                seen[str(path)] = (path.stat().st_mtime_ns, hashlib.sha256(data).hexdigest())
        return seen


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with tempfile.TemporaryDirectory() as base:
        yield Sandbox(Path(base))


_PIECES = [
    "..",
    ".",
    "...",
    "\u2024\u2024",  # one dot leader, twice
    "\uff0e\uff0e",  # fullwidth full stops
    "/",
    "\\",
    "//",
    "\\\\",
    "\t",
    "\n",
    "\r",
    "\x00",
    "\x0b",
    "\xa0",
    "\u2028",
    "\u200b",
    " ",
    '"',
    "C:",
    "c:",
    "D:",
    "\\\\POSRV\\CCDATA",
    "\\\\POSRV\\..",
    "\\\\..\\..",
    "OUT",
    "OUTPO",
    "ZERO",
    "CCDATA",
    "p.txt",
    "x.txt",
    "tmp",
]


@st.composite
def hostile(draw: st.DrawFn, sandbox_outside: str) -> str:
    pieces = draw(
        st.lists(
            st.sampled_from([*_PIECES, sandbox_outside, sandbox_outside + "/p.txt"]),
            min_size=1,
            max_size=8,
        )
    )
    return "".join(pieces)


def _run_all(sandbox: Sandbox, path: str) -> None:
    for program, main in PROGRAMS.items():
        for args in (
            f'/NPO1 /PSECRET "/D{path}"',
            f'/NPO1 /PSECRET /DC:\\CCDATA "/@{path}"',
            f'/NPO1 /PSECRET "/D{path}" /DELETE /MSGS',
        ):
            ctx = ProgramContext(
                sandbox.world, None, program, _VERSIONS.get(program, "6.0"), io.StringIO()
            )
            main(split_command_line(args), ctx)  # any result code; only the outside matters


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_hostile_paths_touch_nothing_outside_the_root(
    sandbox: Sandbox, data: st.DataObject
) -> None:
    outside = str(sandbox.outside)
    path = data.draw(hostile(outside))
    try:
        placed = resolve(path, root=sandbox.root, access=sandbox.world.access)
    except PathError:
        pass
    else:
        assert _inside(placed.host, sandbox.root)
    _run_all(sandbox, path)
    assert sandbox.snapshot() == sandbox.before


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_what_the_models_accept_resolves_inside_the_root(
    sandbox: Sandbox, data: st.DataObject
) -> None:
    """validate == run: a path the scenario models accept is one the jail places inside."""
    path = data.draw(hostile(str(sandbox.outside)))
    accepted = []
    try:
        TypeAdapter(WinPath).validate_python(path)
        accepted.append(path)
    except ValidationError:
        pass
    for switch in ("/D", "/@"):
        args = f'"{switch}{path}"'
        try:
            RunSpec.model_validate({"program": "EXPORT", "args": args})
        except ValidationError:
            continue
        accepted += [a[2:] for a in split_command_line(args) if a[:2].upper() == switch]
    for text in accepted:
        try:
            placed = resolve(text, root=sandbox.root, access=AccessModel())
        except PathError:
            continue
        assert _inside(placed.host, sandbox.root)


def _inside(path: Path, root: Path) -> bool:
    real, real_root = os.path.realpath(path), os.path.realpath(root)
    return real == real_root or real.startswith(real_root + os.sep)


@pytest.mark.parametrize(
    "value",
    [
        "\t/tmp/x/p.txt",
        "\n/tmp/x/p.txt",
        "\xa0/tmp/x/p.txt",
        "C:\\OUT\\p.txt",
        "C:\\OUTPO",
        "C:\\ZERO",
        "C:\\CCDATA\\..\\..\\..",
        "\\\\POSRV\\..\\..\\x",
        "\\\\..\\..",
    ],
)
def test_the_red_team_values_are_refused_by_the_programs(sandbox: Sandbox, value: str) -> None:
    """Issue values: ``"/@<TAB>/tmp/x/p.txt"`` wrote a host file; symlinks led out."""
    with pytest.raises(PathError):
        resolve(value, root=sandbox.root, access=sandbox.world.access)
    _run_all(sandbox, value)
    assert sandbox.snapshot() == sandbox.before


@pytest.mark.parametrize(
    "value", ["\t/tmp/x/p.txt", "\xa0/etc", "\n/tmp", "C:\\A\tB", "\\\\S\\..\\x"]
)
def test_validate_refuses_what_run_refuses(value: str) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(WinPath).validate_python(value)
    with pytest.raises(ValidationError):
        RunSpec.model_validate({"program": "EXPORT", "args": f'"/@{value}"'})
