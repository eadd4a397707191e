"""What ``ccsim connector run`` shows: its summary and, on a terminal, its progress.

The summary: a head line (virtual time, server, post office, the service's state at
the end), the messages moved each way and the NDRs, each event ID logged with its
source, count and the text of its last record (``%1`` filled in, wrapped at words on
a terminal, whole on its line when piped), then whether dirsync completed and what
the copy of the post office left out. The progress line is drawn on stderr and gone
when the run ends (``harness.commands.connector``).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness.commands.connector import ConnectorRun, RunOptions

__all__ = ["Meter", "print_summary", "summary_rows"]


def summary_rows(result: ConnectorRun) -> tuple[list[list[str]], list[list[str]]]:
    """The messages and events tables, header rows first."""
    from sim.connector.events import CATALOGUE

    moved = [
        ["direction", "messages"],
        ["cc:Mail -> Exchange", str(result.to_exchange)],
        ["Exchange -> cc:Mail", str(result.to_ccmail)],
        ["NDRs returned", str(result.ndrs)],
    ]
    texts = dict(result.texts)
    events = [["ID", "source", "count", "text"]]
    for event_id, count in result.events:
        spec = CATALOGUE.get(event_id)
        text = " ".join(texts.get(event_id, spec.template if spec else "").split())
        events.append([str(event_id), spec.source if spec else "", str(count), text])
    return moved, events


def print_summary(result: ConnectorRun, options: RunOptions) -> None:
    from rich.console import Console
    from rich.table import Table

    from harness.model_types import format_duration
    from harness.report import plain_table

    console = Console()
    head = (
        f"MSExchangeCCMC ran {format_duration(result.seconds)} (virtual) on {options.server} "
        f"against {options.po_name} (a copy of {options.postoffice}): "
        f"service {result.service_state} at the end."
    )
    done = "completed" if result.dirsync_completed else "did not complete"
    tail = f"Directory synchronization {done}."
    tail += "".join(f"\nNot copied: {why}" for why in result.skipped)
    moved, events = summary_rows(result)
    if not console.is_terminal:  # piped: plain text, every text whole on its line
        sys.stdout.write(f"{head}\n\nMessages\n{plain_table(moved)}\nEvents\n")
        listed = plain_table(events) if len(events) > 1 else "(none)\n"
        sys.stdout.write(f"{listed}\n{tail}\n")
        return
    console.print(head)
    for title, rows, right in (("Messages", moved, {1}), ("Events", events, {0, 2})):
        table = Table(title=title)
        for i, column in enumerate(rows[0]):
            # wrapped at words; a word longer than the column folds, it is never cut off
            table.add_column(column, justify="right" if i in right else "left", overflow="fold")
        for row in rows[1:]:
            table.add_row(*row)
        console.print(table)
    console.print(tail)


class Meter:
    """The progress line on stderr: virtual time reached of the whole, events so far."""

    def __init__(self, seconds: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn

        self.seconds = seconds
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[status]}"),
            console=Console(stderr=True),
            transient=True,
        )
        self.task = self.progress.add_task("virtual time", total=seconds, status="")

    def __call__(self, reached: int, events: int) -> None:
        from harness.model_types import format_duration

        status = f"{format_duration(reached)} of {format_duration(self.seconds)}, {events} events"
        self.progress.update(self.task, completed=reached, status=status)
