"""``ccsim diagnose`` and ``ccsim reproduce``: a customer's files in, findings or a scenario out.

``ccsim diagnose --eventlog FILE [--postoffice DIR] [--ccmcdata DIR]
[--po-password PW] [--site NAME] [--format text|json] [--html REPORT.html]``
(or ``ccsim diagnose CASE``, a folder or ``.zip`` as the customer sent it, its pieces
found by content: :func:`harness.customer.read_case_folder`) reads the files
(:func:`harness.customer.evidence_from_files`), runs every rule
(:func:`harness.diagnosis.diagnose`) and prints the findings best first: the
quoted event lines, the article, the fix and, where the files cannot tell, the
check that would (reference §8 "How a support engineer confirms it"). JSON is
``{"inputs": [...], "findings": [{"cause", "score", "evidence", "article", "fix",
"confirm"}]}``, ``inputs`` being what was read from each file
(:class:`harness.inputs.InputSummary`).
``--html`` also writes the case as one page (:mod:`harness.html_diagnose`):
what was read, the log's timeline with the quoted events marked, the findings.

``ccsim reproduce ... -o case.scenario.yaml [--force]`` writes a scenario that
reproduces the top finding (:mod:`harness.reproduce` chooses the fault,
:mod:`harness.casefile` writes the file).

Exit codes (``harness.cli.ExitCode``): 0 it ran (findings or none); 2 a file
that cannot be read or is malformed, one line ``file:line: message``, or a case
that cannot be reproduced; 3 a bug in ccsim, one line. Never a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypeVar

from harness.commands.guard import guarded, refuse

if TYPE_CHECKING:
    import typer

    from harness.customer_case import CaseEntry
    from harness.diagnosis import Finding
    from harness.evidence import Evidence
    from harness.inputs import InputSummary

__all__ = ["OutputFormat", "register", "render_text"]

T = TypeVar("T")


class OutputFormat(StrEnum):
    """How ``ccsim diagnose`` prints its findings."""

    TEXT = "text"
    JSON = "json"


def _title(cause: str) -> str:
    from harness.causes import CAUSES

    row = CAUSES.get(cause)
    return row.title if row is not None else cause


def render_text(findings: list[Finding], notes: tuple[str, ...]) -> str:
    """Plain text: what was read, then each finding with evidence, article, fix, next check."""
    lines = ["Read:", *(f"  {note}" for note in notes), ""]
    if not findings:
        lines.append("No findings: the files show no failure pattern of the catalogue (§8).")
    for rank, f in enumerate(findings, 1):
        lines.append(f"{rank}. {f.cause}: {_title(f.cause)}")
        lines.append(f"   score {f.score:.2f}, article {f.article}")
        lines.append("   Evidence:")
        lines += [f"     > {quote}" for quote in f.evidence]
        lines.append(f"   Fix: {f.fix}")
        if f.confirm:
            lines.append(f"   Next check: {f.confirm}")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _print_rich(findings: list[Finding], notes: tuple[str, ...], out: TextIO) -> None:
    from rich.console import Console, Group
    from rich.panel import Panel
    from rich.text import Text

    console = Console(file=out)
    console.print(Panel(Text("\n".join(notes)), title="Read", expand=True))
    if not findings:
        console.print("No findings: the files show no failure pattern of the catalogue (§8).")
    for rank, f in enumerate(findings, 1):
        parts = [Text(f"{_title(f.cause)}  (article {f.article})", style="bold")]
        parts += [Text(f"> {quote}", style="cyan") for quote in f.evidence]
        parts.append(Text.assemble(("Fix: ", "bold green"), f.fix))
        if f.confirm:
            parts.append(Text.assemble(("Next check: ", "bold yellow"), f.confirm))
        style = "green" if f.score >= 0.9 else "yellow"
        title = Text(f"{rank}. {f.cause}  score {f.score:.2f}", style=style)
        console.print(Panel(Group(*parts), title=title, title_align="left"))


def _guarded(work: Callable[[], T]) -> T:
    """``work()``; unreadable customer files exit 2 with one line (``commands.guard``)."""
    from harness.customer import CustomerFilesError
    from harness.customerlog import EventLogError
    from harness.reproduce import ReproduceError

    return guarded(work, EventLogError, CustomerFilesError, ReproduceError)


def _evidence(
    eventlog: Path,
    postoffice: Path | None,
    ccmcdata: Path | None,
    po_password: str | None,
    site: str | None,
) -> tuple[Evidence, list[Finding], tuple[InputSummary, ...]]:
    """The evidence, the findings and what was read. A log that cannot show a
    connector failure (a System or Security log, or no MSExchangeCCMC event) gets no
    findings: its summary says what to ask the customer for."""
    from harness.customer import read_case

    evidence, inputs = read_case(eventlog, postoffice, ccmcdata, po_password=po_password, site=site)
    return _findings(evidence, inputs)


def _findings(
    evidence: Evidence, inputs: tuple[InputSummary, ...]
) -> tuple[Evidence, list[Finding], tuple[InputSummary, ...]]:
    from harness.diagnosis import diagnose

    if any(summary.advice for summary in inputs):
        return evidence, [], inputs
    return evidence, diagnose(evidence), inputs


def _case(
    case: Path, po_password: str | None, site: str | None
) -> tuple[Evidence, list[Finding], tuple[InputSummary, ...], tuple[CaseEntry, ...]]:
    """:func:`_evidence` for a case folder or zip (:func:`harness.customer.read_case_folder`)."""
    from harness.customer import read_case_folder

    evidence, inputs, entries = read_case_folder(case, po_password=po_password, site=site)
    evidence, findings, inputs = _findings(evidence, inputs)
    return evidence, findings, inputs, entries


def _write_html(
    out: Path, evidence: Evidence, findings: list[Finding], *inputs: Path | None
) -> None:
    """The HTML page; never over an input, and its folder must exist (exit 2 otherwise)."""
    from harness.html_diagnose import render_diagnosis_html
    from sim.fsutil import atomic_write_bytes

    _refuse_output(out, *inputs)
    text = render_diagnosis_html(evidence, findings, inputs[0].name if inputs[0] else str(out))
    atomic_write_bytes(out, text.encode("utf-8"))


def _refuse_output(out: Path, *inputs: Path | None) -> None:
    """CustomerFilesError (exit 2) for an output over an input or where it cannot go."""
    from harness.customer import CustomerFilesError
    from harness.outputs import output_problem

    problem = output_problem(out, inputs)
    if problem is not None:
        raise CustomerFilesError(problem)


def write_findings(
    findings: list[Finding],
    notes: tuple[str, ...],
    form: OutputFormat,
    out: TextIO,
    err: TextIO,
    inputs: Sequence[InputSummary] = (),
    case: Sequence[CaseEntry] | None = None,
) -> None:
    """JSON (``inputs`` next to ``findings``, and ``case``, every file of a case folder
    or zip; notes to ``err``), or text: rich on a terminal, plain otherwise."""
    from harness.diagnosis import findings_json

    if form is OutputFormat.JSON:
        doc: dict[str, object] = {"inputs": [summary.as_json() for summary in inputs]}
        if case is not None:
            doc["case"] = [entry.as_json() for entry in case]
        doc.update(findings_json(findings))
        out.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
        err.writelines(f"ccsim diagnose: {note}\n" for note in notes)
    elif out.isatty():
        _print_rich(findings, notes, out)
    else:
        out.write(render_text(findings, notes))


def _register_diagnose(app: typer.Typer) -> None:
    import typer

    @app.command("diagnose")
    def diagnose_command(
        case: Path | None = typer.Argument(
            None, help="A case folder or .zip as the customer sent it (pieces found by content)."
        ),
        eventlog: Path | None = typer.Option(
            None, "--eventlog", help="The customer's Application log (.evt, text or CSV)."
        ),
        postoffice: Path | None = typer.Option(
            None, "--postoffice", help="A copy of the post office directory (never modified)."
        ),
        ccmcdata: Path | None = typer.Option(
            None, "--ccmcdata", help="A copy of Exchsrvr\\Ccmcdata (its folders are listed)."
        ),
        po_password: str | None = typer.Option(
            None, "--po-password", help="The post office password: lets ANALYZE run on a copy."
        ),
        site: str | None = typer.Option(
            None, "--site", help="The Exchange site (default: inferred from the files)."
        ),
        form: OutputFormat = typer.Option(OutputFormat.TEXT, "--format", help="text or json."),
        html: Path | None = typer.Option(
            None, "--html", help="Also write the case as a self-contained HTML page here."
        ),
    ) -> None:
        """Diagnose a customer's case from the files they sent: ranked findings."""
        entries: tuple[CaseEntry, ...] | None = None
        if case is not None:
            if eventlog or postoffice or ccmcdata:
                refuse("give a case folder or zip, or --eventlog (with --postoffice, "
                       "--ccmcdata), not both")  # fmt: skip
            evidence, findings, inputs, entries = _guarded(lambda: _case(case, po_password, site))
        elif eventlog is None:
            refuse("give a case folder or zip, or --eventlog FILE")
        else:
            log = eventlog
            evidence, findings, inputs = _guarded(
                lambda: _evidence(log, postoffice, ccmcdata, po_password, site)
            )
        if html is not None:
            first = case or eventlog
            _guarded(lambda: _write_html(html, evidence, findings, first, postoffice))
        write_findings(findings, evidence.notes, form, sys.stdout, sys.stderr, inputs, entries)
        raise typer.Exit(0)


def _register_reproduce(app: typer.Typer) -> None:
    import typer

    @app.command("reproduce")
    def reproduce_command(
        eventlog: Path = typer.Option(..., "--eventlog", help="The customer's Application log."),
        output: Path = typer.Option(
            ..., "-o", "--output", help="The scenario file to write (*.scenario.yaml)."
        ),
        postoffice: Path | None = typer.Option(
            None, "--postoffice", help="A copy of the post office directory (never modified)."
        ),
        ccmcdata: Path | None = typer.Option(
            None, "--ccmcdata", help="A copy of Exchsrvr\\Ccmcdata."
        ),
        po_password: str | None = typer.Option(
            None, "--po-password", help="The post office password: lets ANALYZE run on a copy."
        ),
        site: str | None = typer.Option(None, "--site", help="The Exchange site."),
        force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
        world: Path | None = typer.Option(
            None, "--world", help="Also write the case as a saved world (FILE.ccworld)."
        ),
    ) -> None:
        """Write a scenario reproducing the top finding: a customer case as a regression test."""
        inputs = tuple(p for p in (eventlog, postoffice, ccmcdata, output) if p is not None)

        def work() -> str:
            from harness.casefile import build_scenario, write_scenario
            from harness.reproduce import check_world_target, write_world

            _refuse_output(output, eventlog, postoffice, ccmcdata)
            if world is not None:
                check_world_target(world, inputs, force=force)
            evidence, findings, _ = _evidence(eventlog, postoffice, ccmcdata, po_password, site)
            write_scenario(output, build_scenario(evidence, findings, eventlog), force=force)
            if world is not None:
                write_world(output, world, inputs=inputs[:-1], force=force)
            return findings[0].cause

        cause = _guarded(work)
        typer.echo(f"wrote {output}: reproduces {cause} (check it: ccsim run {output})")
        if world is not None:
            typer.echo(
                f"wrote {world}: the case as a world (open it: ccsim world load {world} DIR)"
            )
        raise typer.Exit(0)


def register(app: typer.Typer) -> None:
    """Add ``ccsim diagnose`` and ``ccsim reproduce`` to the application."""
    _register_diagnose(app)
    _register_reproduce(app)
