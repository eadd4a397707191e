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

from pathlib import Path

from harness.customerlog import CustomerLog, read_eventlog
from harness.evidence import Evidence
from harness.inputs import InputSummary, summarise_log
from harness.pocopy import ADMIN_ACCOUNT, CustomerFilesError, PoFacts, infer_site, read_copy
from sim.fsutil import listdir_sorted

__all__ = [
    "ANALYZE_ACCOUNT",
    "CustomerFilesError",
    "evidence_from_files",
    "infer_site",
    "log_summary",
    "read_case",
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
    log = read_eventlog(eventlog)
    summary = summarise_log(log)
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
    )
    return evidence, (summary,)


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
