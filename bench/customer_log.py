"""``ccsim diagnose`` on large customer logs, against the least any reader must do.

Two generated logs, written once into a temporary folder:

* a 100 MB NT 4.0 comma-delimited text export (reference §9.2), newest first: Event
  70 at every 15-second poll, its ``msgXXXX.ccm`` name counting up and wrapping at
  0x10000 as the connector's counter does (``sim/connector/store.py``), a Srv 2013
  warning every fourth row, and a Print event (a description with commas, never
  repeated) every tenth;
* a 1,000,000-record ``.evt`` of the same events, built record by record in the SDK
  layout (``ELF_LOGFILE_HEADER``, ``EVENTLOGRECORD``, ``ELF_EOF_RECORD``).

Each figure is the median of ``RUNS`` runs, interleaved, each in its own process, so
the peak RSS is that run's own (``getrusage`` of the child):

* text: ``ccsim diagnose --eventlog FILE`` against one ``csv.reader`` pass over the
  same file (target <= 3x, peak RSS <= 200 MB);
* ``.evt``: the same command against a bare pyevt iteration (each record's
  identifier read; target <= 3x).

CPU time (user + system of the child) is the figure compared, as the machine is shared;
wall time is printed too. Usage: ``python -m bench customer_log`` or
``python bench/customer_log.py [MB] [records] [runs]``.
"""

from __future__ import annotations

import resource
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

TEXT_MB = 100
EVT_RECORDS = 1_000_000
RUNS = 3
T0 = datetime(1998, 6, 2, 8, 0, tzinfo=UTC)
SEVENTY = (
    "Lotus cc:Mail EXPORT to file msg{n:04X}.ccm returned result code 3. The Microsoft "
    "Exchange Connector for Lotus cc:Mail has not been configured correctly or the Post "
    "Office it is configured to connect to is not accessible at this time."
)
DISK = "The D: disk is at or near capacity. You may need to delete some files."
PRINTED = "Document {n}, Report {n}.doc owned by jsmith was printed on HP4, via port LPT1:."


def _event(n: int) -> tuple[str, str, str, int, str, tuple[str, ...]]:
    """Row ``n``: (source, type, category, event ID, description, insertion strings)."""
    if n % 10 == 0:
        return "Print", "Information", "None", 10, PRINTED.format(n=n), (str(n),)
    if n % 4 == 0:
        return "Srv", "Warning", "None", 2013, DISK, ("D:",)
    name = f"msg{n & 0xFFFF:04X}.ccm"
    return "MSExchangeCCMC", "Error", "General", 70, SEVENTY.format(n=n & 0xFFFF), (name,)


def _stamp(seconds: int) -> tuple[str, str]:
    when = datetime.fromtimestamp(T0.timestamp() + seconds, UTC)
    hour = when.hour % 12 or 12
    half = "AM" if when.hour < 12 else "PM"
    return f"{when.month}/{when.day}/{when.year % 100:02d}", (
        f"{hour}:{when.minute:02d}:{when.second:02d} {half}"
    )


def write_text(path: Path, megabytes: int) -> int:
    """An NT 4.0 comma-delimited export of about ``megabytes`` MB, newest first; rows."""
    rows: list[str] = []
    size = 0
    target = megabytes * 1_000_000
    n = 0
    while size < target:
        source, kind, category, event, text, _ = _event(n)
        date, clock = _stamp(15 * n)
        row = f"{date},{clock},{source},{kind},{category},{event},N/A,EXSRV1,{text}\r\n"
        rows.append(row)
        size += len(row)
        n += 1
    rows.reverse()
    with path.open("w", encoding="ascii", newline="") as out:
        out.writelines(rows)
    return n


_HEADER = struct.Struct("<I4sIIIIIIIIII")
_RECORD = struct.Struct("<I4sIIIIHHHHIIIIII")
_EOF = struct.Struct("<IIIIIIIIII")
_TYPES = {"Error": 1, "Warning": 2, "Information": 4}


def _utf16z(text: str) -> bytes:
    return text.encode("utf-16-le") + b"\0\0"


def _evt_record(number: int) -> bytes:
    source, kind, category, event, _, strings = _event(number)
    names = _utf16z(source) + _utf16z("EXSRV1")
    names += b"\0" * (-len(names) % 4)
    texts = b"".join(_utf16z(s) for s in strings)
    texts += b"\0" * (-len(texts) % 4)
    length = _RECORD.size + len(names) + len(texts) + 4
    seconds = int(T0.timestamp()) + 15 * number
    head = _RECORD.pack(length, b"LfLe", number, seconds, seconds, event, _TYPES[kind],
                        len(strings), 1 if category == "General" else 0, 0, 0,
                        _RECORD.size + len(names), 0, 0, 0, 0)  # fmt: skip
    return head + names + texts + struct.pack("<I", length)


def write_evt(path: Path, records: int) -> None:
    """A clean (not dirty, not wrapped) log of ``records`` records, numbered from 1."""
    with path.open("wb") as out:
        out.write(b"\0" * _HEADER.size)
        end = _HEADER.size
        for number in range(1, records + 1):
            record = _evt_record(number)
            out.write(record)
            end += len(record)
        eof = _EOF.pack(_EOF.size, 0x11111111, 0x22222222, 0x33333333, 0x44444444,
                        _HEADER.size, end, records + 1, 1, _EOF.size)  # fmt: skip
        out.write(eof)
        size = end + len(eof)
        out.seek(0)
        out.write(_HEADER.pack(_HEADER.size, b"LfLe", 1, 1, _HEADER.size, end, records + 1, 1,
                               size, 0, 0, _HEADER.size))  # fmt: skip


CSV_PASS = (
    "import csv,sys\nwith open(sys.argv[1], newline='') as f:\n  for _ in csv.reader(f): pass"
)
PYEVT_PASS = (
    "import pyevt,sys\nf = pyevt.file()\nf.open(sys.argv[1])\n"
    "for r in f.records: r.identifier\nf.close()"
)


def _measured(argv: list[str]) -> tuple[float, float, float]:
    """One child, its own peak RSS read from a wrapper that reports ``ru_maxrss``."""
    wrapper = (
        "import resource,subprocess,sys\n"
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", wrapper, *argv], capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"bench: {argv} failed: {done.stderr[-400:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, int(done.stdout.split()[-1]) / 1024


def _compare(name: str, baseline: list[str], command: list[str], runs: int, target: float) -> None:
    bare, full = [], []
    for _ in range(runs):  # interleaved: a busier moment slows both alike
        bare.append(_measured(baseline))
        full.append(_measured(command))
    b_cpu, b_wall = (statistics.median(x[i] for x in bare) for i in (0, 1))
    f_cpu, f_wall = (statistics.median(x[i] for x in full) for i in (0, 1))
    peak = max(x[2] for x in full)
    ratio = f_cpu / b_cpu
    verdict = "ok" if ratio <= target else "MISSED"
    print(f"{name}: medians of {runs} runs each (CPU s, wall s)")
    print(f"  baseline:        {b_cpu:7.2f} CPU  {b_wall:7.2f} wall")
    print(f"  ccsim diagnose:  {f_cpu:7.2f} CPU  {f_wall:7.2f} wall  peak RSS {peak:.0f} MB")
    print(f"  ratio:           {ratio:7.2f}x CPU ({f_wall / b_wall:.2f}x wall)  "
          f"target <= {target:g}x: {verdict}")  # fmt: skip


def main(argv: list[str]) -> None:
    megabytes = int(argv[0]) if argv else TEXT_MB
    records = int(argv[1]) if len(argv) > 1 else EVT_RECORDS
    runs = int(argv[2]) if len(argv) > 2 else RUNS
    ccsim = [sys.executable, "-m", "harness.cli", "diagnose", "--eventlog"]
    with tempfile.TemporaryDirectory() as tmp:
        text = Path(tmp) / "AppEvent.txt"
        rows = write_text(text, megabytes)
        print(f"text: {text.stat().st_size / 1e6:.0f} MB, {rows} rows")
        baseline = [sys.executable, "-c", CSV_PASS, str(text)]
        _compare("NT text vs csv.reader", baseline, [*ccsim, str(text)], runs, 3)
        text.unlink()
        evt = Path(tmp) / "AppEvent.Evt"
        write_evt(evt, records)
        print(f".evt: {evt.stat().st_size / 1e6:.0f} MB, {records} records")
        baseline = [sys.executable, "-c", PYEVT_PASS, str(evt)]
        _compare(".evt vs pyevt iteration", baseline, [*ccsim, str(evt)], runs, 3)


if __name__ == "__main__":
    main(sys.argv[1:] if sys.argv[0].endswith("customer_log.py") else [])
