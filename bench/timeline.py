"""The HTML timeline: a day, three days and a month of polls, against one escaping pass.

A connector whose EXPORT fails logs Event 70 at every poll: every 15 seconds
that is 5,760 events a day and 172,800 in a month (issue target: a page under
2 MB, in time linear in the events). Each log also holds an Event 67 every 97
polls and a dirsync (14001, then 14031 a minute later) each night, so the runs
of identical events are broken up as in a real log.

For each size, the median of three runs of:

* baseline: one pass escaping every description (``timeline.clean``), the
  least any renderer of the texts must do;
* ``render_svg``: the picture alone;
* the whole ``ccsim diagnose --html`` page (``render_diagnosis_html``): the
  picture, the findings and the folded, capped event table.

Printed: wall times, time per event, the page over the baseline, and the page's
size. Usage: ``python -m bench timeline`` or ``python bench/timeline.py [days...]``.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta

from harness.diagnosis import diagnose
from harness.evidence import Evidence
from harness.html_diagnose import render_diagnosis_html
from harness.timeline import clean, render_svg
from sim.clock import DEFAULT_EPOCH
from sim.connector.events import CATALOGUE
from sim.eventlog import EventRecord

DAYS = (1, 3, 30)
POLL = 15


def _record(number: int, seconds: int, event_id: int, *strings: str) -> EventRecord:
    spec = CATALOGUE[event_id]
    text = spec.fill(strings, strict=False)
    return EventRecord(
        record_number=number,
        when=DEFAULT_EPOCH + timedelta(seconds=seconds),
        source="MSExchangeCCMC",
        type=spec.type,
        category="General",
        event_id=event_id,
        user="N/A",
        computer="EXSRV1",
        description=text,
        strings=strings,
    )


def polls(days: int) -> list[EventRecord]:
    """``days`` of polls every 15 s: Event 70, an Event 67 every 97th, a nightly dirsync."""
    log: list[EventRecord] = []
    for i in range(days * 86400 // POLL):
        at = i * POLL
        if at % 86400 == 3600:
            log.append(_record(len(log) + 1, at, 14001))
            log.append(_record(len(log) + 1, at + 60, 14031))
        event_id = 67 if i % 97 == 0 else 70
        log.append(_record(len(log) + 1, at, event_id, f"msg{i % 0xFFFF:04X}.ccm"))
    return log


def _median(work: Callable[[], object]) -> float:
    times = []
    for _ in range(3):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str]) -> int:
    days = tuple(int(a) for a in argv) or DAYS
    print(
        f"{'days':>4} {'events':>8} {'baseline':>9} {'svg':>8} {'page':>8} "
        f"{'us/event':>8} {'page/base':>9} {'page size':>10}"
    )
    for n in days:
        log = polls(n)
        evidence = Evidence(events=tuple(log), notes=(f"{len(log)} record(s)",))
        findings = diagnose(evidence)
        base = _median(lambda: [clean(r.description) for r in log])  # noqa: B023
        svg = _median(lambda: render_svg(log, DEFAULT_EPOCH))  # noqa: B023
        page = _median(lambda: render_diagnosis_html(evidence, findings, "polls"))  # noqa: B023
        size = len(render_diagnosis_html(evidence, findings, "polls").encode("utf-8"))
        print(
            f"{n:>4} {len(log):>8} {base:>8.3f}s {svg:>7.3f}s {page:>7.3f}s "
            f"{page / len(log) * 1e6:>8.1f} {page / base:>8.2f}x {size / 1e6:>8.2f} MB",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] if sys.argv[0].endswith("timeline.py") else []))
