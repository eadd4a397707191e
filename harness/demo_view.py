"""What trainer mode shows: the world between steps, findings, the verdict (rich).

A :class:`WorldView` prints to one rich console. Between steps it shows a
:class:`Snapshot` of what a support engineer could look at on site, with the
change since the previous one: the queues (cc:Mail's queue for the Exchange
site, MTS-IN and MTS-OUT, the connector store folders: ``harness.steps.
queue_sizes``, reference §4.4, §4.5), the files of interest (the post office
directory, §1.3; ``.und`` files in the connector store, KB Q212788; the files the
scenario's ``expect`` names) and the event log (new records by event ID, then
the last ones, §4.8).

``Style(plain=True)`` is for terminals without colour and for recordings: no
ANSI codes, ASCII boxes.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from harness.causes import SCENARIO_CAUSES, Cause

if TYPE_CHECKING:
    from harness.build import Site
    from harness.diagnosis import Finding
    from harness.model import Scenario
    from harness.runner import Line, RunResult

__all__ = ["Snapshot", "Style", "WorldView", "explain_findings", "make_console"]

_MAILBOX = re.compile(r"USR[0-9A-F]+", re.IGNORECASE)
_QUEUES = (
    ("to_exchange", "PO queue to Exchange"),
    ("mts_in", "MTS-IN"),
    ("mts_out", "MTS-OUT"),
    ("submit", "Submit"),
    ("import", "Import"),
    ("export", "Export"),
    ("bad", "Bad"),
)
_TAIL = 3
_LONGEST = 200


@dataclass(frozen=True, slots=True)
class Style:
    """How to print: ``plain`` means no colour, no ANSI codes, ASCII boxes."""

    plain: bool = False

    @property
    def box(self) -> box.Box:
        return box.ASCII if self.plain else box.ROUNDED


def make_console(style: Style) -> Console:
    """A console on stdout; the plain one never writes an escape sequence."""
    if style.plain:
        return Console(
            color_system=None, force_terminal=False, no_color=True, highlight=False, emoji=False
        )
    return Console(highlight=False, emoji=False)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The world as support could see it at one moment."""

    queues: tuple[tuple[str, int], ...]
    files: tuple[str, ...]
    events: int
    #: messages written by users so far (``world.ledger``)
    messages: int = 0


def _short(text: str) -> str:
    return text if len(text) <= _LONGEST else text[: _LONGEST - 3] + "..."


def _files(site: Site, scenario: Scenario) -> tuple[str, ...]:
    """The post office directory (mailbox files counted), ``.und`` files, expected files."""
    from sim.connector.store import Folder
    from sim.fsutil import listdir_sorted

    try:
        names = [p.name for p in listdir_sorted(site.po_path)]
    except OSError:
        names = ["(post office directory cannot be listed)"]
    mailboxes = [n for n in names if _MAILBOX.fullmatch(n)]
    found = [f"PO {n}" for n in names if not _MAILBOX.fullmatch(n)]
    if mailboxes:
        found.append(f"PO {len(mailboxes)} mailbox file(s) USRnnnnn")
    store = site.service.store
    for folder in (Folder.IMPORT, Folder.EXPORT):
        found += [
            f"Ccmcdata\\{folder.value}\\{n}" for n in store.names(folder) if n.endswith(".und")
        ]
    for want in scenario.expect.files:
        path = site.world.path(want.path)
        if path.parent != site.po_path and path.exists():  # PO files are listed already
            found.append(want.path)
    return tuple(found)


def take_snapshot(site: Site, scenario: Scenario) -> Snapshot:
    from harness.steps import queue_sizes

    sizes = queue_sizes(site)
    queues = tuple((key, sizes[key]) for key, _ in _QUEUES)
    world = site.world
    return Snapshot(queues, _files(site, scenario), len(world.eventlog), len(world.ledger))


class WorldView:
    """Prints the lesson: headings, plain words, transcript lines and the world."""

    def __init__(self, console: Console, style: Style) -> None:
        self.console = console
        self.style = style

    def heading(self, text: str) -> None:
        self.console.print()
        self.console.rule(Text(text, style="bold"), characters="-" if self.style.plain else "─")

    def say(self, text: str) -> None:
        self.console.print(Text(text))

    def panel(self, title: str, body: list[str]) -> None:
        content = Text("\n".join(body))
        self.console.print(Panel(content, title=Text(title, style="bold"), box=self.style.box))

    def lines(self, lines: tuple[Line, ...] | list[Line]) -> None:
        for line in lines:
            colour = {True: "green", False: "bold red", None: ""}[line.ok]
            self.console.print(Text(line.render(), style=colour))

    def show(
        self, site: Site, scenario: Scenario, last: Snapshot | None, unchanged: str | None = None
    ) -> Snapshot:
        """Print the world now, against ``last``; return the new snapshot. ``unchanged`` is
        said instead of the default when nothing support can see has changed."""
        now = take_snapshot(site, scenario)
        if now == last:
            self.say(unchanged or "The world is unchanged: same queues, same files, no new event.")
            return now
        self._queues(now, last)
        self._file_changes(now, last)
        self._events(site, now, last)
        return now

    def _queues(self, now: Snapshot, last: Snapshot | None) -> None:
        title = f"Queues (messages waiting; {now.messages} written by users so far)"
        table = Table(title=title, box=self.style.box, title_justify="left")
        before = dict(last.queues) if last else {}
        cells = []
        for (key, count), (_, label) in zip(now.queues, _QUEUES, strict=True):
            table.add_column(label, justify="right")
            change = count - before.get(key, count)
            cells.append(f"{count} ({change:+d})" if change else str(count))
        table.add_row(*cells)
        self.console.print(table)

    def _file_changes(self, now: Snapshot, last: Snapshot | None) -> None:
        if last is None:
            self.say("Files of interest: " + ", ".join(now.files))
            return
        added = [f for f in now.files if f not in last.files]
        gone = [f for f in last.files if f not in now.files]
        for name in added:
            self.say(f"New file: {name}")
        for name in gone:
            self.say(f"File gone: {name}")

    def _events(self, site: Site, now: Snapshot, last: Snapshot | None) -> None:
        records = site.world.eventlog.records
        new = records[last.events if last else 0 :]
        if not new:
            self.say("Event log: nothing new.")
            return
        counts = Counter((r.event_id, r.type.value) for r in new)
        summary = ", ".join(f"{eid} {kind} x{n}" for (eid, kind), n in sorted(counts.items()))
        self.say(f"Event log: {len(new)} new record(s): {summary}. Last ones:")
        for record in new[-_TAIL:]:
            colour = {"Error": "red", "Warning": "yellow"}.get(record.type.value, "")
            self.console.print(Text("  " + _short(record.line()), style=colour))

    def verdict(self, result: RunResult) -> None:
        """The closing panel: verified or not, conservation, the failures."""
        if result.verified:
            body = [f"The fix is verified ({result.status.value})."]
        else:
            body = [f"The fix is NOT verified ({result.status.value})."]
        if result.conserved:
            body.append(f"{result.messages} tracked message(s): none lost, none duplicated.")
        else:
            body.append("Conservation check FAILED: a message was lost or duplicated.")
        body += [f"FAILED {f}" for f in result.failures]
        self.panel("Verdict", body)


def explain_findings(view: WorldView, cause: Cause, findings: tuple[Finding, ...]) -> None:
    """Each finding: cause, score, article, each quoted evidence, the fix, how to confirm."""
    if not findings:
        view.say("The rules find nothing wrong: no finding.")
        return
    for rank, f in enumerate(findings, 1):
        row: Any = SCENARIO_CAUSES.get(f.cause)
        mine = " (the cause this lesson is about)" if f.cause == cause.id else ""
        view.say(f"Finding {rank}: {f.cause}, score {f.score:.2f}, {f.article}{mine}")
        if row is not None:
            view.say(f"  {row.title}")
        for number, quote in enumerate(f.evidence, 1):
            view.say(f"  Evidence {number}: {_short(quote)}")
        view.say(f"  Fix: {f.fix}")
        confirm = f.confirm or (row.confirm if row is not None else "")
        if confirm:
            view.say(f"  To confirm: {confirm}")
