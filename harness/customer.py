"""Evidence from the files a customer sends: the Application log, the post office, Ccmcdata.

Source: ccmail-reference.md §8 "How a support engineer confirms it" (ANALYZE on
the post office, cc:Mail ADMIN's directory, ``dir`` of the connector store),
§3 (ANALYZE checks a post office; run at the console), §1.4 and §4.6 (the P entry
dirsync makes carries the comment ``MSExchangeCCMC <server>``, KB Q167830),
§4.8 (the events, read by :mod:`harness.customerlog`).

What each file gives (every part but the events optional, as in
:class:`harness.evidence.Evidence`):

* ``eventlog``: the records, oldest first, every source;
* ``postoffice`` (a copy of the customer's post office directory): its listing,
  the post office's name, DB version and release (``CCVER.TB``, KB Q248195),
  its P and indirect-P entries, and ANALYZE run on a
  *second* copy in a temporary directory, so the customer's files are never
  touched. ANALYZE needs the post office password, which support does not know:
  without ``po_password`` it is not run and ``Evidence.notes`` says so; with a
  password that does not match, likewise;
* ``ccmcdata`` (a copy of ``Exchsrvr\\Ccmcdata``): each folder's file names, and
  the store's own listing (a missing ``Import`` folder, KB Q202178).

The Exchange site (whose P entry dirsync creates) is ``site`` when given, else
inferred: the P entry whose comment is ``MSExchangeCCMC <server>`` for a server
that logged the connector's events, else the site named in events 11001
("From: <user> at <site>"), 14013 and 14018. Modelled, not documented: that
these texts name the customer's own site (they name the Exchange side of the
address, §4.8).

The programs run in a throw-away ``World(seed=0, root=<temp dir>)`` as the
console user (account None), as ``ccsim analyze`` does on a real directory.
"""

from __future__ import annotations

import io
import shutil
import struct
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from harness.customerlog import CustomerLog, read_eventlog
from harness.errors import HarnessError
from harness.evidence import Evidence, ProgramOutput
from sim.eventlog import EventRecord
from sim.fsutil import listdir_sorted

__all__ = [
    "ANALYZE_ACCOUNT",
    "CustomerFilesError",
    "evidence_from_files",
    "infer_site",
    "log_summary",
]

#: who runs ANALYZE on the copy (§3: the cc:Mail administrator, at the console)
ANALYZE_ACCOUNT = "cc:Mail administrator (on a copy)"
#: where the copy lives in the throw-away world: ``<temp>/C/CCDATA``
_COPY_WIN = "C:\\CCDATA"
_MADE_BY_CONNECTOR = "MSExchangeCCMC"
#: events whose insertion strings name the Exchange site, and which string (§4.8)
_SITE_STRINGS = {11001: 0, 14013: 1, 14018: 1}


class CustomerFilesError(HarnessError, ValueError):
    """A ``--postoffice`` or ``--ccmcdata`` path that cannot be used; ``str()`` names it."""


@dataclass(slots=True)
class _PoFacts:
    """What the post office copy showed (filled step by step)."""

    listing: tuple[tuple[str, int], ...] | None = None
    entries: tuple[tuple[str, str, str], ...] | None = None
    name: str | None = None
    db_version: int | None = None
    #: the cc:Mail release in ``CCVER.TB`` ("" unless 8.5, KB Q248195)
    release: str | None = None
    #: a CCPOMBOX.* file is there (§0.1 fact 1)
    is_postoffice: bool = False
    analyze: ProgramOutput | None = None
    notes: list[str] = field(default_factory=list)


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
    log = read_eventlog(eventlog)
    for option, path in (("--postoffice", postoffice), ("--ccmcdata", ccmcdata)):
        if path is not None and not path.is_dir():
            raise CustomerFilesError(f"{path}: {option} wants a directory (a copy of it)")
    notes = [log_summary(log)]
    po = _PoFacts() if postoffice is None else _postoffice(postoffice, po_password)
    notes += po.notes
    folders, store_root = (None, None) if ccmcdata is None else _ccmcdata(ccmcdata)
    if not site:
        site, how = infer_site(log.records, po.entries)
    else:
        how = "given with --site"
    notes.append(f"Exchange site {site}: {how}" if site else how)
    return Evidence(
        events=log.records,
        po_listing=po.listing,
        ccmcdata=folders,
        analyze=po.analyze,
        po_entries=po.entries,
        po_name=po.name,
        site=site,
        notes=tuple(notes),
        po_db=po.db_version,
        po_release=po.release,
        store_root=store_root,
    )


def log_summary(log: CustomerLog) -> str:
    """One line on how the log was read: form, encoding, records, time span, dates."""
    records = log.records
    ccmc = len(log.ccmc())
    span = ""
    if records:
        first, last = records[0].when, records[-1].when
        span = f", {first:%m/%d/%Y %H:%M:%S} to {last:%m/%d/%Y %H:%M:%S}"
    rebuilt = f"; {len(log.rebuilt)} description(s) rebuilt from the catalogue" * bool(log.rebuilt)
    return (
        f"{log.path.name}: {log.format.value} ({log.encoding}), {len(records)} record(s), "
        f"{ccmc} from MSExchangeCCMC{span}; dates {log.date_order_note}{rebuilt}"
    )


# -- the Exchange site -------------------------------------------------------------------------


def infer_site(
    records: Sequence[EventRecord], entries: Sequence[tuple[str, str, str]] | None
) -> tuple[str | None, str]:
    """The Exchange site, and how it was found (or why not)."""
    servers = sorted({r.computer for r in records if r.source == _MADE_BY_CONNECTOR and r.computer})
    for server in servers:
        comment = f"{_MADE_BY_CONNECTOR} {server}".casefold()
        for name, code, comments in entries or ():
            if code == "P" and comments.strip().casefold() == comment:
                return name, f"the P entry {name} carries the comment {comments.strip()!r}"
    for record in records:
        index = _SITE_STRINGS.get(record.event_id)
        if record.source != _MADE_BY_CONNECTOR or index is None or len(record.strings) <= index:
            continue
        text = record.strings[index].strip()
        if record.event_id == 11001:  # "From: <user> at <site>"
            text = text.rsplit(" at ", 1)[1].strip() if " at " in text else ""
        if text:
            return text, f"named by Event {record.event_id} ({record.line()[:19]})"
    return None, "Exchange site unknown (no P entry or event names it; give --site NAME)"


# -- the post office ---------------------------------------------------------------------------


def _postoffice(directory: Path, password: str | None) -> _PoFacts:
    """Listing, name, entries and ANALYZE, all from a temporary copy of ``directory``."""
    with tempfile.TemporaryDirectory(prefix="ccsim-customer-") as tmp:
        root = Path(tmp)
        copy = root / "C" / "CCDATA"
        try:
            shutil.copytree(directory, copy)
        except OSError as exc:
            raise CustomerFilesError(f"{directory}: cannot be copied: {exc}") from None
        facts = _read_postoffice(copy)
        if facts.entries is not None:
            facts.notes.append(_po_note(facts, directory))
        if facts.is_postoffice:
            _run_analyze(facts, root, password, directory)
    return facts


def _po_note(facts: _PoFacts, directory: Path) -> str:
    """``post office PO1 (DB6) in po: P entries HQ (MSExchangeCCMC EXSRV1)``."""
    release = f", release {facts.release}" if facts.release else ""
    shown = [f"{name} ({comments})" if comments else name for name, code, comments in
             facts.entries or () if code == "P"]  # fmt: skip
    listed = ", ".join(shown[:5]) + (f" and {len(shown) - 5} more" if len(shown) > 5 else "")
    return (
        f"post office {facts.name} (DB{facts.db_version}{release}) in {directory.name}: "
        f"P entries {listed or 'none'}"
    )


def _read_postoffice(copy: Path) -> _PoFacts:
    from sim.errors import PathError, PostofficeError
    from sim.postoffice.postoffice import Location, Postoffice

    po = Postoffice(copy)
    facts = _PoFacts(listing=tuple(po.listing()))
    facts.is_postoffice = po.is_postoffice()
    if not facts.is_postoffice:
        facts.notes.append("the --postoffice directory is not a post office (no CCPOMBOX.*)")
        return facts
    try:
        identity = po.identity()
        facts.name, facts.db_version = identity.name, identity.db_version
        facts.release = _release(copy)
        kinds = (Location.POST_OFFICE, Location.INDIRECT_PO)
        facts.entries = tuple(
            (e.name, e.location.value, e.comments) for e in po.entries() if e.location in kinds
        )
    except (OSError, PostofficeError, PathError, ValueError, struct.error) as exc:
        facts.notes.append(f"cc:Mail ADMIN could not read the post office directory: {exc}")
    return facts


def _release(copy: Path) -> str | None:
    """The release line of ``CCVER.TB`` as cc:Mail ADMIN shows it (as harness.collect)."""
    from sim.postoffice.postoffice import CCVER

    try:
        lines = (copy / CCVER).read_bytes().decode("cp850", "replace").splitlines()
    except OSError:
        return None
    return lines[1].strip() if len(lines) > 1 else ""


def _run_analyze(facts: _PoFacts, root: Path, password: str | None, directory: Path) -> None:
    """ANALYZE /N /P /D /BATCH /DIAGNOSTICS at the console, on the copy (§3, AN50).

    With the identity unreadable ANALYZE still runs (under the directory's name):
    it then reports the damage itself.
    """
    if password is None:
        facts.notes.append("ANALYZE not run: the post office password is unknown (--po-password)")
        return
    if facts.name is not None and not _password_matches(root / "C" / "CCDATA", password):
        why = "the --po-password given is not the post office's password"
        facts.notes.append(f"ANALYZE not run: {why}")
        return
    facts.analyze = _analyze(root, facts.name or directory.name, password, facts.db_version)
    lines = [ln.strip() for ln in facts.analyze.output.splitlines()]
    verdict = next((ln for ln in reversed(lines) if ln.endswith("found.")), lines[-1])
    facts.notes.append(f"ANALYZE on a copy: result code {facts.analyze.code}, {verdict}")


def _password_matches(copy: Path, password: str) -> bool:
    from sim.postoffice.postoffice import Postoffice

    return Postoffice(copy).identity().password_matches(password)


def _analyze(root: Path, name: str, password: str, db_version: int | None) -> ProgramOutput:
    from harness.admin import ADMIN_VERSION
    from sim.programs import analyze
    from sim.programs.runner import ProgramContext, banner
    from sim.world import World

    version = ADMIN_VERSION.get(db_version or 6, ADMIN_VERSION[6])
    out = io.StringIO()
    out.write(banner("ANALYZE", version) + "\n")
    argv = [f"/N{name}", f"/P{password}", f"/D{_COPY_WIN}", "/BATCH", "/DIAGNOSTICS"]
    ctx = ProgramContext(World(seed=0, root=root), None, "ANALYZE", version, out)
    code = int(analyze.main(argv, ctx))
    shown = f"ANALYZE /N{name} /P{'*' * len(password)} /D{_COPY_WIN} /BATCH /DIAGNOSTICS"
    return ProgramOutput(shown, ANALYZE_ACCOUNT, code, out.getvalue())


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
