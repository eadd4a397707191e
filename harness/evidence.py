"""What a support engineer can see, collected from the world or from a customer's files.

Diagnosis reads only this (STYLE.md §9): the event log, the connector's settings,
directory listings of the post office and ``Ccmcdata``, the output and result code
of ANALYZE and of a manual EXPORT run as the service account (KB Q282172,
Q233164 ``ccmc ccdir``), an access check of the service account on the post
office path (§6 verification procedure), what cc:Mail ADMIN shows of the
directory, the Exchange server's facts (install path, registry, system PATH), and the
end of Dr. Watson's log on it (KB Q165404).
It never sees which fault was injected.

Every part but the events may be missing: a customer who sent only
``AppEvent.Evt`` gives events alone, and the rules then say what to check next.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from harness.eventtable import EventView, Positions, merged, newest
from sim.eventlog import EventRecord

__all__ = [
    "DRWATSON_TAIL",
    "AccessView",
    "Evidence",
    "ExchangeView",
    "ProgramOutput",
    "ProgramView",
    "SettingsView",
    "drwatson_tail",
]


@dataclass(frozen=True, slots=True)
class ProgramOutput:
    """A program run by hand, as support would run it (command, account, code, console)."""

    command: str
    account: str
    code: int | None
    output: str
    #: "" when it ran; "not found" or "failed to run" otherwise
    failure: str = ""

    def quote(self) -> str:
        shown = "did not run" if self.code is None else f"result code {self.code}"
        last = [line for line in self.output.splitlines() if line.strip()][-1:] or [""]
        return f"{self.command} as {self.account}: {shown} {last[0]}".rstrip()


@dataclass(frozen=True, slots=True)
class SettingsView:
    """The connector's property pages as the Exchange Administrator shows them (§4.3)."""

    po_name: str
    po_password: str
    po_path: str
    version_choice: str
    language: str
    address_space: tuple[str, ...]
    export_containers: tuple[str, ...]
    dirsync_schedule: str


@dataclass(frozen=True, slots=True)
class ProgramView:
    """A program file found on the system PATH (``export /?`` shows the version)."""

    name: str
    directory: str
    version: str
    ie_ri_beside: bool


@dataclass(frozen=True, slots=True)
class ExchangeView:
    """Facts of the Exchange server: install path, registry, PATH, locale, NT level."""

    server: str
    version: str
    service_pack: int
    install_path: str
    connector_store_path: str
    system_path: tuple[str, ...]
    programs: tuple[ProgramView, ...]
    registry: tuple[tuple[str, str], ...]
    nt_date_order: str
    nt_service_pack: int
    lsa2_hotfix: bool
    service_running: bool
    existing_containers: tuple[str, ...] = ()
    #: free bytes of the drive holding Exchsrvr, as ``dir`` shows them (KB Q178758);
    #: None where nobody looked
    disk_free: int | None = None

    def registry_value(self, name: str) -> str | None:
        for key, value in self.registry:
            if key.casefold() == name.casefold():
                return value
        return None


@dataclass(frozen=True, slots=True)
class AccessView:
    """An access check of the service account on a post office path (§6)."""

    account: str
    path: str
    reachable: bool
    can_read: bool
    can_export: bool
    can_write: bool
    text: str


@dataclass(frozen=True, slots=True)
class Evidence:
    """Everything collected for one diagnosis. Only ``events`` is always present."""

    #: the Application log, oldest first, every source: a tuple, or for a customer's log
    #: an :class:`~harness.eventtable.EventTable` (records made when read)
    events: Sequence[EventRecord]
    settings: SettingsView | None = None
    exchange: ExchangeView | None = None
    #: ``dir`` of the post office directory at its real location: (name, size)
    po_listing: tuple[tuple[str, int], ...] | None = None
    #: ``dir`` of each Ccmcdata folder: folder name -> file names
    ccmcdata: tuple[tuple[str, tuple[str, ...]], ...] | None = None
    #: ANALYZE run by the cc:Mail administrator on the post office
    analyze: ProgramOutput | None = None
    #: EXPORT /DIRECTORY with the connector's own settings, as the service account
    export_configured: ProgramOutput | None = None
    #: the same with the name, password and path the cc:Mail administrator knows
    export_admin: ProgramOutput | None = None
    access: AccessView | None = None
    #: cc:Mail ADMIN's directory: (name, location code, comments) of post office entries
    po_entries: tuple[tuple[str, str, str], ...] | None = None
    #: the post office name as cc:Mail ADMIN shows it
    po_name: str | None = None
    #: the Exchange site's name (whose P entry dirsync creates)
    site: str | None = None
    notes: tuple[str, ...] = field(default=())
    #: when the evidence was collected (virtual time); None for a customer's log
    collected_at: datetime | None = None
    #: who holds the post office's files open (server "open files" view): (holder, exclusive)
    po_holders: tuple[tuple[str, bool], ...] | None = None
    #: the post office's DB version (6 or 8) and cc:Mail release ("" unless 8.5), as
    #: cc:Mail ADMIN shows them (``CCVER.TB``, KB Q248195)
    po_db: int | None = None
    po_release: str | None = None
    #: the Exchange queues (Administrator / MDBVU32, §4.1) and the site's P-entry queue:
    #: (queue, messages waiting)
    queues: tuple[tuple[str, int], ...] | None = None
    #: the reasons of the non-delivery reports users received: (reason, how many)
    ndr_reasons: tuple[tuple[str, int], ...] | None = None
    #: ``dir`` of Ccmcdata itself: entry names, folders with a trailing backslash
    store_root: tuple[str, ...] | None = None
    #: ``EXPORT /N<site> /MSG# /@file`` as the service account (KB Q212759): the listing
    #: of the messages queued for Exchange, in ``output``
    msg_list: ProgramOutput | None = None
    #: Task Manager on the Exchange server: (image name, CPU %) of the connector's
    #: processes (KB Q234745 ccmc.exe, Q164695 ntvdm.exe)
    processes: tuple[tuple[str, int], ...] | None = None
    #: the ``.ccm`` files in ``Ccmcdata\\Export`` that have no ``Contents:`` line, read
    #: as a support engineer opens them in Notepad (KB Q234745)
    export_no_contents: tuple[str, ...] | None = None
    #: the ``.ccm`` files in ``Ccmcdata\\Bad`` that carry a PC Paintbrush (``.PCX``) File
    #: item, read as a support engineer opens them in Notepad (KB Q202240 step 1)
    bad_pcx: tuple[str, ...] | None = None
    #: the ``.und`` files in ``Ccmcdata\\Import`` with the non-delivery reports each holds,
    #: read as a support engineer opens them in Notepad (KB Q223772: one more at each
    #: attempt to import the same message): (name, reports)
    import_und_reports: tuple[tuple[str, int], ...] | None = None
    #: ``%SystemRoot%\\Drwtsn32.log`` on the Exchange server as Notepad shows it, its last
    #: ``DRWATSON_TAIL`` characters (KB Q165404); "" when there is none, None when not read
    drwatson_log: str | None = None
    #: filled on first use (never compared or shown): where each source's events are, the
    #: newest
    _where: Positions | None = field(default=None, init=False, repr=False, compare=False)
    _newest: tuple[datetime | None] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    # -- helpers the rules share --------------------------------------------------------------

    def ccmc(self, *event_ids: int) -> EventView:
        """MSExchangeCCMC events with these IDs (all IDs when none given), oldest first."""
        return self.from_source("MSExchangeCCMC", *event_ids)

    def from_source(self, source: str, *event_ids: int) -> EventView:
        """Events of one source with these IDs (all IDs when none given), oldest first: a
        read-only view of :attr:`events` whose records are made when read. The rules ask
        for the same few IDs many times; each is looked for once (4 bytes an event)."""
        if self._where is None:
            object.__setattr__(self, "_where", Positions(self.events))
        assert self._where is not None
        if not event_ids:
            return EventView(self.events, self._where(source, None))
        found = [at for n in dict.fromkeys(event_ids) if (at := self._where(source, n))]
        if len(found) <= 1:
            return EventView(self.events, found[0] if found else array("I"))
        return EventView(self.events, merged(found))

    def newest(self) -> datetime | None:
        """The time of the newest event, or None when there is none."""
        if self._newest is None:
            object.__setattr__(self, "_newest", (newest(self.events),))
        assert self._newest is not None
        return self._newest[0]

    def folder(self, name: str) -> tuple[str, ...] | None:
        """File names in one Ccmcdata folder, or None when no listing was collected."""
        if self.ccmcdata is None:
            return None
        for folder, names in self.ccmcdata:
            if folder.casefold() == name.casefold():
                return names
        return ()

    def po_has(self, name: str) -> bool | None:
        if self.po_listing is None:
            return None
        return any(n.casefold() == name.casefold() for n, _ in self.po_listing)

    def queue(self, name: str) -> int | None:
        """Messages waiting in one queue, or None when the queues were not collected."""
        if self.queues is None:
            return None
        return next((n for q, n in self.queues if q.casefold() == name.casefold()), 0)


#: how much of the end of ``Drwtsn32.log`` is kept: the last entries, a few dozen of them
DRWATSON_TAIL = 1 << 16


def drwatson_tail(path: Path) -> str:
    """The end of a Dr. Watson log (ANSI text, KB Q165404); "" when it cannot be read."""
    try:
        with path.open("rb") as fh:
            size = fh.seek(0, 2)
            fh.seek(max(0, size - DRWATSON_TAIL))
            raw = fh.read(DRWATSON_TAIL)
    except OSError:
        return ""
    return raw.decode("cp1252", "replace").replace("\r\n", "\n")


#: what ``without_contents`` reads: this many files, each in chunks of this size
MAX_FILES = 200
CHUNK = 1 << 16
_CONTENTS = b"\r\nContents:\r\n"


def _has_contents(path: Path) -> bool:
    tail = b""
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            if _CONTENTS in tail + chunk:
                return True
            tail = chunk[-len(_CONTENTS) :]
    return False


def _ccm_files_where(folder: Path, test: Callable[[Path], bool]) -> tuple[str, ...]:
    """Names of the ``.ccm`` files in ``folder`` that pass ``test``: at most ``MAX_FILES``
    regular files (no links); a file that cannot be read is left out."""
    found: list[str] = []
    try:
        names = sorted(p for p in folder.iterdir() if p.name.casefold().endswith(".ccm"))
    except OSError:
        return ()
    for path in names[:MAX_FILES]:
        try:
            if path.is_symlink() or not path.is_file() or not test(path):
                continue
        except OSError:
            continue
        found.append(path.name)
    return tuple(found)


def without_contents(folder: Path) -> tuple[str, ...]:
    """Names of the ``.ccm`` files in ``folder`` with no ``Contents:`` line (KB Q234745),
    each read in chunks."""
    return _ccm_files_where(folder, lambda path: not _has_contents(path))


#: a File item whose name ends in .PCX (KB Q202240); names are short, so the match is too
_PCX_ITEM = re.compile(rb"\r\nFile item: ?[^\r\n]{0,250}\.pcx[ \t]*\r\n", re.IGNORECASE)


def _has_pcx(path: Path) -> bool:
    tail = b""
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            if _PCX_ITEM.search(tail + chunk):
                return True
            tail = chunk[-300:]
    return False


def with_pcx_item(folder: Path) -> tuple[str, ...]:
    """Names of the ``.ccm`` files in ``folder`` with a ``.PCX`` File item (KB Q202240),
    each read in chunks."""
    return _ccm_files_where(folder, _has_pcx)


_REASON = b"\nReason:"


def _reports(path: Path) -> int:
    """``Reason:`` lines of a ``.und`` (one per report IMPORT wrote), read in chunks."""
    count, tail = 0, b"\n"  # a match never lies wholly in the carried tail
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            joined = tail + chunk
            count += joined.count(_REASON)
            tail = joined[-(len(_REASON) - 1) :]
    return count


def und_reports(folder: Path) -> tuple[tuple[str, int], ...]:
    """(name, reports) of the ``.und`` files in ``folder`` (KB Q223772): at most
    ``MAX_FILES`` regular files (no links); a file that cannot be read is left out."""
    found: list[tuple[str, int]] = []
    try:
        paths = sorted(p for p in folder.iterdir() if p.name.casefold().endswith(".und"))
    except OSError:
        return ()
    for path in paths[:MAX_FILES]:
        try:
            if path.is_symlink() or not path.is_file():
                continue
            found.append((path.name, _reports(path)))
        except OSError:
            continue
    return tuple(found)
