"""A copy of a customer's post office: what cc:Mail ADMIN shows, ANALYZE, ``EXPORT /MSG#``.

Source: ccmail-reference.md §1.3-1.4 (the files; P entries and the comment
``MSExchangeCCMC <server>`` dirsync gives the site's entry, KB Q167830), §3
(ANALYZE ``/BATCH /DIAGNOSTICS`` checks a post office, run at the console,
AN50), §8 row 12 (``EXPORT … /MSG# /@list.txt`` lists the messages queued for
the Exchange site and finds the one that cannot be read, KB Q212759), KB
Q248195 (``CCVER.TB`` holds the release).

The customer's directory is copied into a temporary directory and everything
reads or runs there: their files are never touched. The programs run in a
throw-away ``World(seed=0, root=<temp dir>)`` as the console user (account
None), as ``ccsim analyze`` does on a real directory. Both need the post office
password, which support does not know: without it (or with a wrong one) they do
not run and a note says so. ``EXPORT /MSG#`` also needs the Exchange site, whose
P entry's queue it lists.

The Exchange site is the one given, else inferred: the P entry whose comment is
``MSExchangeCCMC <server>`` for a server that logged the connector's events,
else the site named in events 11001 ("From: <user> at <site>"), 14013 and 14018.
Modelled, not documented: that these texts name the customer's own site (they
name the Exchange side of an address, §4.8); the EXPORT version played (5.14
for DB6, 6.0 for DB8, as the connector's defaults).
"""

from __future__ import annotations

import os
import stat
import struct
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from harness.errors import HarnessError
from harness.eventtable import texts_of, where
from harness.evidence import ProgramOutput
from sim.eventlog import EventRecord

__all__ = [
    "ADMIN_ACCOUNT",
    "MAX_COPY_BYTES",
    "CustomerFilesError",
    "PoFacts",
    "copy_folder",
    "infer_site",
    "read_copy",
]

#: who runs the programs on the copy (§3: the cc:Mail administrator, at the console)
ADMIN_ACCOUNT = "cc:Mail administrator (on a copy)"
#: where the copy lives in the throw-away world: ``<temp>/C/CCDATA``
_COPY_WIN = "C:\\CCDATA"
_LIST_WIN = "C:\\CCSIMCHK\\MSGLIST.TXT"
_MADE_BY_CONNECTOR = "MSExchangeCCMC"
#: events whose insertion strings name the Exchange site, and which string (§4.8)
_SITE_STRINGS = {11001: 0, 14013: 1, 14018: 1}
#: the most bytes copied from a customer's folder (a post office of 10,000 users and
#: their mail is well under this)
MAX_COPY_BYTES = 2 << 30
#: EXPORT version per DB version (the connector's defaults, sim.connector.setup)
_EXPORT_VERSION = {6: "5.14", 8: "6.0"}


class CustomerFilesError(HarnessError, ValueError):
    """A ``--postoffice`` or ``--ccmcdata`` path that cannot be used; ``str()`` names it."""


@dataclass(slots=True)
class PoFacts:
    """What the post office copy showed (filled step by step)."""

    listing: tuple[tuple[str, int], ...] | None = None
    #: (name, location code, comments) of the P and indirect-P entries
    entries: tuple[tuple[str, str, str], ...] | None = None
    name: str | None = None
    db_version: int | None = None
    #: the cc:Mail release in ``CCVER.TB`` ("" unless 8.5, KB Q248195)
    release: str | None = None
    #: a CCPOMBOX.* file is there (§0.1 fact 1)
    is_postoffice: bool = False
    analyze: ProgramOutput | None = None
    msg_list: ProgramOutput | None = None
    notes: list[str] = field(default_factory=list)


# -- the Exchange site -------------------------------------------------------------------------


def infer_site(
    records: Sequence[EventRecord], entries: Sequence[tuple[str, str, str]] | None
) -> tuple[str | None, str]:
    """The Exchange site, and how it was found (or why not)."""
    servers = sorted({t[5] for t in texts_of(records) if t[0] == _MADE_BY_CONNECTOR and t[5]})
    for server in servers:
        comment = f"{_MADE_BY_CONNECTOR} {server}".casefold()
        for name, code, comments in entries or ():
            if code == "P" and comments.strip().casefold() == comment:
                return name, f"the P entry {name} carries the comment {comments.strip()!r}"
    for record in where(records, _MADE_BY_CONNECTOR, *_SITE_STRINGS):
        index = _SITE_STRINGS.get(record.event_id)
        if record.source != _MADE_BY_CONNECTOR or index is None or len(record.strings) <= index:
            continue
        text = record.strings[index].strip()
        if record.event_id == 11001:  # "From: <user> at <site>"
            text = text.rsplit(" at ", 1)[1].strip() if " at " in text else ""
        if text:
            return text, f"named by Event {record.event_id} ({record.line()[:19]})"
    return None, "Exchange site unknown (no P entry or event names it; give --site NAME)"


# -- reading the copy ------------------------------------------------------------------------


def read_copy(
    directory: Path, password: str | None, records: Sequence[EventRecord], site: str | None
) -> PoFacts:
    """Listing, name, entries, ANALYZE and ``EXPORT /MSG#``, all on a temporary copy."""
    with tempfile.TemporaryDirectory(prefix="ccsim-customer-") as tmp:
        root = Path(tmp)
        copy = root / "C" / "CCDATA"
        try:
            skipped = copy_folder(directory, copy)
        except OSError as exc:
            raise CustomerFilesError(f"{directory}: cannot be copied: {exc}") from None
        facts = _read(copy)
        if skipped:
            more = f" and {len(skipped) - 5} more" if len(skipped) > 5 else ""
            facts.notes.append(f"not copied: {'; '.join(skipped[:5])}{more}")
        if facts.entries is not None:
            facts.notes.append(_summary(facts, directory))
        checked = _checked(facts, copy, password) if facts.is_postoffice else None
        if checked is not None:
            _run_analyze(facts, root, checked, facts.name or directory.name)
            queue = site or infer_site(records, facts.entries)[0]
            if facts.name is not None and queue:
                facts.msg_list = _msg_list(root, queue, checked, facts.db_version)
    return facts


def copy_folder(source: Path, target: Path, limit: int = MAX_COPY_BYTES) -> list[str]:
    """Copy ``source``'s folders and regular files to ``target`` (which must not exist);
    returns what was not copied, one ``name: why`` each.

    No symbolic link is followed (a link to ``/dev/zero`` or ``UP -> ..`` is named,
    not copied), nor is a device, FIFO or socket opened. Each file is opened without
    following links and checked again from ``fstat``, so one swapped in while the
    copy runs is refused too. More than ``limit`` bytes in all is a
    :class:`CustomerFilesError`.
    """
    skipped: list[str] = []
    total = 0
    target.mkdir(parents=True)
    pending = [(source, target, "")]
    while pending:
        folder, into, prefix = pending.pop()
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: e.name)
        for entry in entries:
            name = prefix + entry.name
            if entry.is_symlink():
                skipped.append(f"{name}: a symbolic link (not followed)")
            elif entry.is_dir(follow_symlinks=False):
                (into / entry.name).mkdir()
                pending.append((Path(entry.path), into / entry.name, name + "/"))
            elif not entry.is_file(follow_symlinks=False):
                skipped.append(f"{name}: not a regular file (a device, FIFO or socket)")
            else:
                flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK
                fd = os.open(entry.path, flags)
                try:
                    if not stat.S_ISREG(os.fstat(fd).st_mode):
                        skipped.append(f"{name}: not a regular file (a device, FIFO or socket)")
                        continue
                    total = _copy_bytes(fd, into / entry.name, total, limit, source)
                finally:
                    os.close(fd)
    return skipped


def _copy_bytes(fd: int, target: Path, total: int, limit: int, source: Path) -> int:
    with open(target, "xb") as out:
        while chunk := os.read(fd, 1 << 20):
            total += len(chunk)
            if total > limit:
                raise CustomerFilesError(
                    f"{source}: more than {limit} bytes to copy: copy only the post office files"
                )
            out.write(chunk)
    return total


def _summary(facts: PoFacts, directory: Path) -> str:
    """``post office PO1 (DB6) in po: P entries HQ (MSExchangeCCMC EXSRV1)``."""
    release = f", release {facts.release}" if facts.release else ""
    shown = [f"{name} ({comments})" if comments else name for name, code, comments in
             facts.entries or () if code == "P"]  # fmt: skip
    listed = ", ".join(shown[:5]) + (f" and {len(shown) - 5} more" if len(shown) > 5 else "")
    return (
        f"post office {facts.name} (DB{facts.db_version}{release}) in {directory.name}: "
        f"P entries {listed or 'none'}"
    )


def _read(copy: Path) -> PoFacts:
    from sim.errors import PathError, PostofficeError
    from sim.postoffice.layout import Location
    from sim.postoffice.postoffice import Postoffice

    po = Postoffice(copy)
    facts = PoFacts(listing=tuple(po.listing()))
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
    from sim.postoffice.layout import CCVER

    try:
        lines = (copy / CCVER).read_bytes().decode("cp850", "replace").splitlines()
    except OSError:
        return None
    return lines[1].strip() if len(lines) > 1 else ""


# -- the programs ------------------------------------------------------------------------------


def _checked(facts: PoFacts, copy: Path, password: str | None) -> str | None:
    """The password if the programs may run with it (the right one, when the identity
    can be read); else None and a note.

    With the identity unreadable the programs still run: ANALYZE then reports the
    damage itself.
    """
    from sim.postoffice.postoffice import Postoffice

    if password is None:
        why = "the post office password is unknown (--po-password)"
    elif facts.name is not None and not Postoffice(copy).identity().password_matches(password):
        why = "the --po-password given is not the post office's password"
    else:
        return password
    facts.notes.append(f"ANALYZE and EXPORT /MSG# not run: {why}")
    return None


def _run(root: Path, module_name: str, version: str, argv: list[str]) -> tuple[int, str]:
    """A cc:Mail program at the console of the throw-away world: (result code, console)."""
    from sim.programs.runner import run_at_console
    from sim.world import World

    return run_at_console(World(seed=0, root=root), module_name.upper(), version, argv)


def _run_analyze(facts: PoFacts, root: Path, password: str, name: str) -> None:
    """ANALYZE /N /P /D /BATCH /DIAGNOSTICS (§3, AN50), and a note with its verdict."""
    from harness.admin import ADMIN_VERSION

    version = ADMIN_VERSION.get(facts.db_version or 6, ADMIN_VERSION[6])
    argv = [f"/N{name}", f"/P{password}", f"/D{_COPY_WIN}", "/BATCH", "/DIAGNOSTICS"]
    code, output = _run(root, "analyze", version, argv)
    shown = f"ANALYZE /N{name} /P{'*' * len(password)} /D{_COPY_WIN} /BATCH /DIAGNOSTICS"
    facts.analyze = ProgramOutput(shown, ADMIN_ACCOUNT, code, output)
    lines = [ln.strip() for ln in output.splitlines()]
    verdict = next((ln for ln in reversed(lines) if ln.endswith("found.")), lines[-1])
    facts.notes.append(f"ANALYZE on a copy: result code {code}, {verdict}")


def _msg_list(root: Path, site: str, password: str, db_version: int | None) -> ProgramOutput:
    """``EXPORT /N<site> /P.. /D.. /MSG# /@file /BATCH``: the site's queue (KB Q212759)."""
    version = _EXPORT_VERSION.get(db_version or 6, _EXPORT_VERSION[6])
    listing = root / "C" / "CCSIMCHK" / "MSGLIST.TXT"
    listing.parent.mkdir(parents=True, exist_ok=True)
    argv = [f"/N{site}", f"/P{password}", f"/D{_COPY_WIN}", "/MSG#", f"/@{_LIST_WIN}", "/BATCH"]
    code, output = _run(root, "export", version, argv)
    text = listing.read_bytes().decode("cp850", "replace") if listing.is_file() else ""
    shown = f"EXPORT /N{site} /P{'*' * len(password)} /D{_COPY_WIN} /MSG# /@{_LIST_WIN} /BATCH"
    return ProgramOutput(shown, ADMIN_ACCOUNT, code, output + text)
