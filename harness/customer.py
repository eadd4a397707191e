"""Evidence from the files a customer sends: the Application log, the post office, Ccmcdata.

Source: ccmail-reference.md §8 "How a support engineer confirms it" (ANALYZE on
the post office, cc:Mail ADMIN's directory, ``dir`` of the connector store,
``EXPORT … /MSG#``), §4.4 (the connector store), §4.8 (the events, read by
:mod:`harness.customerlog`).

What each file gives (every part but the events optional, as in
:class:`harness.evidence.Evidence`):

* ``eventlog``: the records, oldest first, every source;
* ``postoffice`` (a copy of the customer's post office directory): its listing,
  the post office's name, DB version and release, its P and indirect-P entries,
  and, with ``po_password``, ANALYZE and ``EXPORT /MSG#`` run on a *second* copy
  in a temporary directory (:mod:`harness.pocopy`): the customer's files are
  never touched;
* ``ccmcdata`` (a copy of ``Exchsrvr\\Ccmcdata``): each folder's file names, and
  the store's own listing (a missing ``Import`` folder, KB Q202178).

The Exchange site is ``site`` when given, else inferred
(:func:`harness.pocopy.infer_site`). ``Evidence.notes`` says how each file was
read and what could not be done. There is no ``collected_at``: for a customer's
log, "now" is its newest record.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from harness.customer_case import CaseEntry, open_case
from harness.customerlog import CustomerLog, EventLogError, LogKind, read_eventlog
from harness.evidence import Evidence, und_reports, with_pcx_item, without_contents
from harness.inputs import InputSummary, summarise_log
from harness.pocopy import ADMIN_ACCOUNT, CustomerFilesError, PoFacts, infer_site, read_copy
from sim.fsutil import listdir_sorted

T = TypeVar("T")

__all__ = [
    "ANALYZE_ACCOUNT",
    "CustomerFilesError",
    "evidence_from_files",
    "infer_site",
    "log_summary",
    "read_case",
    "read_case_folder",
]

#: who runs ANALYZE and EXPORT /MSG# on the copy
ANALYZE_ACCOUNT = ADMIN_ACCOUNT


def evidence_from_files(
    eventlog: Path,
    postoffice: Path | None = None,
    ccmcdata: Path | None = None,
    *,
    po_password: str | None = None,
    site: str | None = None,
) -> Evidence:
    """Evidence from a customer's files (see the module docstring).

    Raises :class:`harness.customerlog.EventLogError` for a log that cannot be
    read and :class:`CustomerFilesError` for a directory that is not one.
    """
    return read_case(eventlog, postoffice, ccmcdata, po_password=po_password, site=site)[0]


def read_case(
    eventlog: Path,
    postoffice: Path | None = None,
    ccmcdata: Path | None = None,
    *,
    po_password: str | None = None,
    site: str | None = None,
) -> tuple[Evidence, tuple[InputSummary, ...]]:
    """:func:`evidence_from_files`, and the summary of what was read from each file."""
    return _evidence(read_eventlog(eventlog), postoffice, ccmcdata, po_password, site)


def _evidence(
    log: CustomerLog,
    postoffice: Path | None,
    ccmcdata: Path | None,
    po_password: str | None,
    site: str | None,
    summary: InputSummary | None = None,
) -> tuple[Evidence, tuple[InputSummary, ...]]:
    summary = summary or summarise_log(log)
    for option, path in (("--postoffice", postoffice), ("--ccmcdata", ccmcdata)):
        if path is not None and not path.is_dir():
            raise CustomerFilesError(f"{path}: {option} wants a directory (a copy of it)")
    notes = summary.lines()
    given = site or None
    po = PoFacts() if postoffice is None else read_copy(postoffice, po_password, log.records, given)
    notes += po.notes
    folders, store_root = (None, None) if ccmcdata is None else _ccmcdata(ccmcdata)
    if not site:
        site, how = infer_site(log.records, po.entries)
    else:
        how = "given with --site"
    notes.append(f"Exchange site {site}: {how}" if site else how)
    evidence = Evidence(
        events=log.records,
        po_listing=po.listing,
        ccmcdata=folders,
        analyze=po.analyze,
        msg_list=po.msg_list,
        po_entries=po.entries,
        po_name=po.name,
        site=site,
        notes=tuple(notes),
        po_db=po.db_version,
        po_release=po.release,
        store_root=store_root,
        export_no_contents=None if ccmcdata is None else _export_no_contents(ccmcdata),
        bad_pcx=None if ccmcdata is None else _in_folder(ccmcdata, "bad", with_pcx_item),
        import_und_reports=(
            None if ccmcdata is None else _in_folder(ccmcdata, "import", und_reports)
        ),
    )
    return evidence, (summary,)


def _export_no_contents(ccmcdata: Path) -> tuple[str, ...]:
    """The ``Export`` folder's ``.ccm`` files without ``Contents:`` (KB Q234745)."""
    return _in_folder(ccmcdata, "export", without_contents)


def _in_folder(ccmcdata: Path, name: str, read: Callable[[Path], tuple[T, ...]]) -> tuple[T, ...]:
    """``read`` applied to one Ccmcdata folder (``Bad`` for KB Q202240's PCX files,
    ``Import`` for KB Q223772's ``.und`` reports)."""
    folder = next((p for p in listdir_sorted(ccmcdata) if p.name.casefold() == name), None)
    return () if folder is None or folder.is_symlink() else read(folder)


def read_case_folder(
    case: Path, *, po_password: str | None = None, site: str | None = None
) -> tuple[Evidence, tuple[InputSummary, ...], tuple[CaseEntry, ...]]:
    """A folder or zip as the customer sent it (:mod:`harness.customer_case`): the
    evidence from the pieces found, the summary of the log diagnosed, and every file
    with what was done with it. Raises :class:`CustomerFilesError` when no event log
    can be read from it."""
    with tempfile.TemporaryDirectory(prefix="ccsim-case-") as scratch:
        found = open_case(case, Path(scratch))
        entries = list(found.entries)
        logs: list[tuple[str, CustomerLog]] = []
        for name, path in found.logs:
            try:
                logs.append((name, read_eventlog(path)))
            except EventLogError as exc:
                where = f", line {exc.line}" if exc.line else ""
                entries.append(
                    CaseEntry(name, "ignored", f"not an event log: {exc.message}{where}")
                )
        if not logs:
            why = "; ".join(e.line() for e in entries[:3]) or "the case is empty"
            raise CustomerFilesError(f"{case}: no event log could be read in it ({why})")
        logs.sort(key=lambda pair: (-len(pair[1].ccmc()), pair[1].kind is not LogKind.APPLICATION,
                                    pair[0]))  # fmt: skip
        for rank, (name, log) in enumerate(logs):
            use = "event log, diagnosed" if not rank else "event log, not diagnosed"
            why = f"{log.kind.value} log, {len(log.records)} record(s), {len(log.ccmc())} CCMC"
            entries.append(CaseEntry(name, use, why))
        name, log = logs[0]
        summary = replace(summarise_log(log), file=name)
        po = found.postoffice[1] if found.postoffice else None
        store = found.ccmcdata[1] if found.ccmcdata else None
        evidence, inputs = _evidence(log, po, store, po_password, site, summary)
    entries.sort(key=lambda e: e.file)
    listing = [f"case {case.name}: {len(entries)} item(s) found"]
    evidence = replace(evidence, notes=(*listing, *(e.line() for e in entries), *evidence.notes))
    return evidence, inputs, tuple(entries)


def log_summary(log: CustomerLog) -> str:
    """One line on how the log was read: form, encoding, records, time span, dates."""
    return summarise_log(log).lines()[0]


# -- Ccmcdata ----------------------------------------------------------------------------------


def _ccmcdata(
    directory: Path,
) -> tuple[tuple[tuple[str, tuple[str, ...]], ...], tuple[str, ...]]:
    """``dir`` of each folder of the connector store (§4.4): folder -> file names; and
    ``dir`` of the store itself, folders with a trailing backslash (KB Q202178)."""
    try:
        entries = listdir_sorted(directory)
        folders = [p for p in entries if p.is_dir()]
        root = tuple(p.name + ("\\" if p.is_dir() else "") for p in entries)
        return tuple((f.name, tuple(p.name for p in listdir_sorted(f))) for f in folders), root
    except OSError as exc:
        raise CustomerFilesError(f"{directory}: cannot be listed: {exc}") from None
