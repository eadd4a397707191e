"""EXPORT and IMPORT of 1,000 / 10,000 / 100,000 messages against raw file I/O.

For each size, on real disk (a temporary directory):

* EXPORT /ITEMSIZE of a queue holding every message into one file (as the
  connector's command line does, without the 16-message cap);
* IMPORT /ITEMSIZE of that file into a second post office (one local user);
* raw I/O of the same bytes: writing them from memory and reading them back,
  in 64 KB chunks.

Printed per size: wall times, program time over raw time, cost per message,
and the peak traced memory (tracemalloc, in a second, separate run so that
tracing does not inflate the times).

Usage: ``python -m bench programs`` or ``python bench/programs.py [sizes...]``.
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

from sim.message import Message
from sim.postoffice import Location, Postoffice
from sim.programs import export, import_
from sim.programs.runner import ProgramContext
from sim.world import World

SIZES = (1_000, 10_000, 100_000)
CHUNK = 1 << 16
BODY = "\n".join(
    f"Line {i} of a typical message body, about sixty characters long." for i in range(6)
)
EXPORT_ARGS = (
    "/NEX1 /PSECRET /DC:\\A /ITEMSIZE /FORMAT/FAN /BATCH /FILES/MACBIN2 /@C:\\X\\msg0001.ccm"
)
IMPORT_ARGS = "/NEX1 /PSECRET /DC:\\B /ITEMSIZE /PARTIAL /BATCH /FILES/MACBIN2 /@C:\\X\\msg0001.ccm"


def _messages(count: int) -> Iterator[Message]:
    start = datetime(1998, 6, 2, 8, 0)
    for i in range(count):
        yield Message(
            sender=f"Sender{i % 97:02d}, Some at PO1",
            date=start + timedelta(minutes=i),
            to=("Smith, Fred at EX1",),
            cc=("Other, Olga at EX1",) if i % 3 == 0 else (),
            subject=f"Benchmark message {i}",
            body=BODY,
            ident=f"B0-{i:07d}",
        )


def _world(root: Path, count: int) -> World:
    """PO1 at C:\\A with ``count`` messages queued for EX1; EX1 at C:\\B with Smith, Fred."""
    world = World(seed=0, root=root)
    source = Postoffice.create(world.path("C:\\A"), name="PO1", password="SECRET")
    source.add_entry("EX1", Location.POST_OFFICE)
    source.deliver("EX1", _messages(count))
    target = Postoffice.create(world.path("C:\\B"), name="EX1", password="SECRET")
    target.add_entry("Smith, Fred", Location.LOCAL)
    target.add_entry("Other, Olga", Location.LOCAL)
    world.path("C:\\X").mkdir(parents=True)
    return world


def _program(world: World, main: Callable[..., int], name: str, version: str, args: str) -> int:
    ctx = ProgramContext(world, None, name, version, io.StringIO())
    return int(main(args.split(), ctx))


def _export(world: World) -> int:
    return _program(world, export.main, "EXPORT", "5.14", EXPORT_ARGS)


def _import(world: World) -> int:
    return _program(world, import_.main, "IMPORT", "5.15", IMPORT_ARGS)


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _raw(data: bytes, path: Path) -> tuple[float, float]:
    """Seconds to write ``data`` to ``path`` and to read it back, 64 KB at a time."""

    def write() -> None:
        with path.open("wb") as fh:
            for i in range(0, len(data), CHUNK):
                fh.write(data[i : i + CHUNK])

    def read() -> None:
        with path.open("rb") as fh:
            while fh.read(CHUNK):
                pass

    return _timed(write), _timed(read)


def measure(count: int) -> dict[str, float]:
    """Times, sizes and peak memory for one message count."""
    with tempfile.TemporaryDirectory() as tmp:
        world = _world(Path(tmp), count)
        file = world.path("C:\\X\\msg0001.ccm")
        codes: list[int] = []
        t_export = _timed(lambda: codes.append(_export(world)))
        data = file.read_bytes()
        t_import = _timed(lambda: codes.append(_import(world)))
        raw_write, raw_read = _raw(data, Path(tmp) / "raw.bin")
        target = Postoffice(world.path("C:\\B"))
        delivered = len(target.refs(target.find("Smith, Fred")))  # type: ignore[arg-type]
    if codes != [0, 0] or delivered != count:
        raise SystemExit(f"bench: unexpected outcome {codes}, {delivered} of {count} delivered")
    with tempfile.TemporaryDirectory() as tmp:
        world = _world(Path(tmp), count)
        tracemalloc.start()
        _export(world)
        peak_export = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        _import(world)
        peak_import = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return {
        "bytes": len(data),
        "export": t_export,
        "import": t_import,
        "raw_write": raw_write,
        "raw_read": raw_read,
        "peak_export": peak_export,
        "peak_import": peak_import,
    }


def report(count: int, m: dict[str, float]) -> str:
    mib = 1 << 20
    lines = [
        f"{count:>7,} messages, {m['bytes'] / mib:7.1f} MiB file",
        f"  EXPORT {m['export']:8.3f} s  raw write {m['raw_write']:7.3f} s  "
        f"ratio {m['export'] / m['raw_write']:6.1f}x  {m['export'] / count * 1e6:6.1f} us/msg  "
        f"peak {m['peak_export'] / mib:6.1f} MiB",
        f"  IMPORT {m['import']:8.3f} s  raw read  {m['raw_read']:7.3f} s  "
        f"ratio {m['import'] / m['raw_read']:6.1f}x  {m['import'] / count * 1e6:6.1f} us/msg  "
        f"peak {m['peak_import'] / mib:6.1f} MiB",
    ]
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or list(SIZES)
    for count in sizes:
        print(report(count, measure(count)), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:] if sys.argv[0].endswith("programs.py") else [])
