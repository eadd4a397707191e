"""Reading the Application event log a customer sends to support.

Source: ccmail-reference.md §4.8 (the events), §5 (what support reads); the
formats are those of ``sim/evtformat.py``. The format is chosen from the file's
content, never its name:

* a binary NT ``.evt`` file (signature ``LfLe``), dirty, wrapped or archived, read
  through ``pyevt`` (libevt) with recovered records (``harness.evtread``);
* every text form the viewers wrote (``harness.textlog``): NT 4.0 comma-delimited
  text without quoting, tab-delimited text, quoted CSV, with or without a header
  row, and the Vista-era CSV.

A row that cannot be read is skipped and named in :attr:`CustomerLog.skipped`; the
file is refused only when no row can be read or more than half of them cannot.
Only regular files are read (a device, FIFO or directory is refused before it is
opened), and at most :data:`MAX_LOG_BYTES`.

Text is decoded as :mod:`harness.logbytes` says (UTF-8, UTF-16, cp1252, cp850).
Dates may be US (``M/D/YY``, ``M/D/YYYY``, 12-hour with AM/PM) or not (``D/M/YYYY``,
``D.M.YYYY``, ``YYYY-MM-DD``, 24-hour). The day/month order of slash dates is decided per file:
a first number above 12 means D/M, a second above 12 means M/D; failing that, the
order that keeps the records in time order; failing that, US, and the result says
so (``CustomerLog.date_order_note``).

A description Event Viewer could not format ("The description for Event ID ( 70 )
in Source ( MSExchangeCCMC ) could not be found. … The following information is
part of the event: msg4A01.ccm, 3.") is rebuilt from the catalogue; the strings
are split at ", " (a string that itself holds ", " cannot be told apart), and,
as Windows' FormatMessage does, strings beyond the template's are ignored.
Modelled, not documented: the exact wording of those messages in each Windows
version, and mapping Vista's "Critical" to Error and "Verbose" to Information.
"""

from __future__ import annotations

import itertools
import re
from array import array
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from harness.customer_text import read_text_rows
from harness.errors import HarnessError
from harness.eventtable import EventTable, EventView, Template
from harness.evtread import EvtFacts, EvtUnreadableError, looks_like_evt, read_evt_records
from harness.logbytes import head_bytes, open_checked, sniff_text, text_lines
from harness.textlog import Skipped, TextForm
from sim.connector.events import CCMC, category_name, lookup, parse_description
from sim.eventlog import EventType
from sim.evtformat import DateOrder

__all__ = [
    "MAX_LOG_BYTES",
    "CustomerLog",
    "DateOrder",
    "EventLogError",
    "LogFormat",
    "LogKind",
    "Skipped",
    "read_eventlog",
]

#: the largest log read (a larger file is refused, not read in part)
MAX_LOG_BYTES = 1 << 30
#: how much of a file is read to tell a binary .evt from text (a damaged header's first
#: records are in it)
_SNIFF_BYTES = 1 << 16


class EventLogError(HarnessError, ValueError):
    """A customer's event log that cannot be read; ``str()`` is ``path:line: message``."""

    def __init__(self, path: Path | str, line: int, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        super().__init__(f"{self.path}:{line}: {message}")


class LogFormat(StrEnum):
    """Which kind of file the customer sent."""

    EVT = "NT binary .evt"
    NT_TEXT = "NT Event Viewer comma-delimited text"
    NT_TEXT_HEADER = "NT Event Viewer comma-delimited text with a header row"
    NT_TAB = "Event Viewer tab-delimited text"
    QUOTED = "Event Viewer CSV (quoted)"
    VIEWER_CSV = "Event Viewer CSV (Level,Date and Time,...)"


class LogKind(StrEnum):
    """Which of the three NT logs the file is, judged from its sources (modelled)."""

    APPLICATION = "Application"
    SYSTEM = "System"
    SECURITY = "Security"


#: sources that write to the System log of NT 4.0 / Windows 2000 (a sample; modelled)
_SYSTEM_SOURCES = frozenset(
    s.casefold()
    for s in (
        "EventLog", "Service Control Manager", "Srv", "Rdr", "Tcpip", "Disk", "atapi",
        "NETLOGON", "Dhcp", "W32Time", "Print", "BROWSER", "Application Popup", "Save Dump",
        "nbf", "NetBT", "LsaSrv", "Ntfs", "MRxSmb", "Workstation", "Server", "Eventlog",
    )
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class CustomerLog:
    """The records of a customer's log, oldest first, and how they were read."""

    path: Path
    format: LogFormat
    #: "binary", "utf-8", "utf-16", "cp1252" or "cp850"
    encoding: str
    #: None for a binary file (its times are numbers)
    date_order: DateOrder | None
    #: how the order was decided, e.g. "D/M/Y (13/6/1998 on line 4)"
    date_order_note: str
    #: the records as columns, made when read (:mod:`harness.eventtable`)
    records: EventTable
    #: record numbers of events from sources other than MSExchangeCCMC (kept, flagged)
    foreign: AbstractSet[int]
    #: record numbers whose description was rebuilt from the catalogue
    rebuilt: AbstractSet[int]
    #: rows (text) that could not be read, in file order
    skipped: tuple[Skipped, ...] = ()
    #: record numbers (as numbered here) recovered from a damaged or dirty .evt
    recovered: frozenset[int] = frozenset()
    #: records the .evt header's record numbers call for but that were not found
    missing: int = 0
    #: what else the reader noticed (stale header values, a header row...)
    notes: tuple[str, ...] = field(default=())

    def ccmc(self) -> EventView:
        """The connector's own records (a view: made when read)."""
        ccmc = CCMC.casefold()
        mine = {t for t, tpl in enumerate(self.records.templates) if tpl[0].casefold() == ccmc}
        which = self.records.which
        at = itertools.compress(range(len(which)), map(mine.__contains__, which))
        return EventView(self.records, array("I", at))

    @property
    def kind(self) -> LogKind:
        """Application, System or Security, from the sources seen (see :class:`LogKind`)."""
        counts = self.records.sources()
        sources = {name.casefold() for name in counts}
        if CCMC.casefold() in sources or not sources:
            return LogKind.APPLICATION
        if sources == {"security"}:
            return LogKind.SECURITY
        system = sum(n for name, n in counts.items() if name.casefold() in _SYSTEM_SOURCES)
        return LogKind.SYSTEM if 2 * system > len(self.records) else LogKind.APPLICATION

    def sources(self) -> list[tuple[str, int]]:
        """Each source seen and its number of records, most first."""
        counts = self.records.sources()
        return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))


def read_eventlog(path: Path) -> CustomerLog:
    """Read a customer's Application log, whatever form it was saved in.

    Raises :class:`EventLogError` (``path:line: message``) for a file that
    cannot be read or holds nothing usable.
    """
    head = head_bytes(path, _SNIFF_BYTES, MAX_LOG_BYTES, EventLogError)
    if looks_like_evt(head):
        return _read_evt(path)
    _refuse_later_forms(path, head)
    return _read_text(path, sniff_text(path, MAX_LOG_BYTES, EventLogError))


def _refuse_later_forms(path: Path, head: bytes) -> None:
    """A Vista-and-later log saved in a form this reader does not take: say which, and
    what to ask for, instead of the text reader's complaint about its bytes."""
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"ElfFile\x00"):
        form = "a Windows Vista or later .evtx log"
    elif (
        text.startswith((b"<?xml", b"<Events", b"<Event ")) or b"<\x00?\x00x\x00m\x00l" in head[:16]
    ):
        form = "an Event Viewer XML export"
    else:
        return
    raise EventLogError(
        path,
        1,
        f"{form}, which is not read here: save the log from Event Viewer as CSV "
        "(comma delimited) or text, or send the .evt of an NT 4.0 / 2000 / 2003 server",
    )


# --- binary .evt -------------------------------------------------------------------


def _read_evt(path: Path) -> CustomerLog:
    with open_checked(path, MAX_LOG_BYTES, EventLogError) as stream:
        try:
            read = read_evt_records(stream)
        except EvtUnreadableError as exc:
            raise EventLogError(path, 1, str(exc)) from None
        except OSError as exc:
            raise EventLogError(path, 0, f"cannot read the file: {exc.strerror or exc}") from None
    notes = _evt_notes(read.facts)
    log = _result(path, LogFormat.EVT, "binary", None, "binary times (UTC)", read.records,
                  read.rebuilt)  # fmt: skip
    return replace(log, recovered=read.recovered, missing=read.facts.missing, notes=notes)


def _evt_notes(facts: EvtFacts) -> tuple[str, ...]:
    flags = ", ".join(facts.flags) if facts.flags else "none"
    found = f"header flags: {flags}; libevt read {facts.read}, recovered {facts.recovered}"
    return (found + f", signature scan found {facts.scanned}", *facts.notes)


# --- text forms ------------------------------------------------------------------------

_FORMS = {
    (TextForm.NT_TEXT, False): LogFormat.NT_TEXT,
    (TextForm.NT_TEXT, True): LogFormat.NT_TEXT_HEADER,
}


def _read_text(path: Path, encoding: str) -> CustomerLog:
    """A text export, streamed line by line (:mod:`harness.customer_text`)."""
    lines = text_lines(path, encoding, MAX_LOG_BYTES, EventLogError)
    read = read_text_rows(lines, _text_template)
    if read.form is None:
        raise EventLogError(path, 1, "no events in the file")
    records, skipped = read.records, read.skipped
    total = len(records) + len(skipped)
    if not records:
        if read.header and not skipped:
            raise EventLogError(path, 1, "no events in the file (a header row only)")
        first = skipped[0] if skipped else Skipped(1, "no events in the file")
        raise EventLogError(path, first.line, first.why)
    if 2 * len(skipped) > total:
        first = skipped[0]
        why = f"{len(skipped)} of {total} rows unreadable; the first: {first.why}"
        raise EventLogError(path, first.line, why)
    kind = _FORMS.get((read.form, read.header), LogFormat(read.form.value))
    notes = ("a header row",) if read.header else ()
    log = _result(path, kind, encoding, read.order, read.note, records, read.rebuilt)
    return replace(log, skipped=tuple(skipped), notes=notes)


# --- records ----------------------------------------------------------------------------

#: the head of Event Viewer's "could not be found" text; the rest is found with str.find
#: (a pattern over the whole description backtracks quadratically on long texts)
_NOT_FOUND_HEAD = re.compile(
    r"The description for Event ID \(?[ \t]*(?P<id>\d{1,10})[ \t]*\)? (?:in|from) [Ss]ource \(?"
)
_MISSING = (" could not be found.", " cannot be found.")
_LISTS = (
    ("list", "following information is part of the event:"),
    ("list", "following information was included with the event:"),
    ("nt4", "following insertion string(s):"),
)


@dataclass(frozen=True, slots=True)
class _NotFound:
    """The parts of a "could not be found" description."""

    event_id: int
    source: str
    kind: str
    listed: str


def _parse_not_found(text: str) -> _NotFound | None:
    """Event Viewer's text for an event without its message file, in linear time."""
    head = _NOT_FOUND_HEAD.match(text)
    if head is None:
        return None
    hits = [(at, kind, marker) for kind, marker in _LISTS if (at := text.find(marker)) >= 0]
    if not hits:
        return None
    at, kind, marker = min(hits)
    ends = [(end, m) for m in _MISSING if (end := text.rfind(m, head.end(), at)) >= 0]
    if not ends:
        return None
    end, _ = min(ends)
    source = text[head.end() : end].strip()
    source = source[:-1].rstrip() if source.endswith(")") else source
    listed = text[at + len(marker) :].lstrip().rstrip()
    listed = listed[:-1] if listed.endswith(".") else listed
    return _NotFound(int(head.group("id")), source, kind, listed)


def _listed_strings(missing: _NotFound) -> tuple[str, ...]:
    """The insertion strings Event Viewer lists after a "could not be found" text."""
    listed = missing.listed
    if not listed.strip():
        return ()
    if "\n" in listed.strip():  # Vista: one string a line
        return tuple(s.strip() for s in listed.strip().split("\n"))
    return tuple(s.strip() for s in listed.split(", "))  # "*.ccm, ." keeps the empty %2


def _text_template(source: str, kind: EventType, category: str, event_id: int, user: str,
                   computer: str, description: str) -> tuple[Template, bool]:  # fmt: skip
    """:func:`_make` for a text row, whose strings are in its description. The reader
    remembers what each distinct row gave (:mod:`harness.customer_text`), so a repeated
    description is parsed once."""
    return _make(source, kind, category, event_id, user, computer, description, strings=None)


def _make(
    source: str,
    kind: EventType,
    category: str,
    event_id: int,
    user: str,
    computer: str,
    description: str,
    *,
    strings: tuple[str, ...] | None,
) -> tuple[Template, bool]:
    """A record's template, its description rebuilt and strings recovered when the
    catalogue can (``strings`` None: not given by the file); and whether the description
    was rebuilt."""
    if category.startswith("(") and (m := re.fullmatch(r"\((\d{1,5})\)", category)):
        category = category_name(source, int(m.group(1)))
    entry = lookup(source, event_id)
    missing = _parse_not_found(description)
    if strings is None and missing is not None:
        strings = _listed_strings(missing)
    if entry is not None and strings is not None:
        description = entry.fill(strings, strict=False)
    elif entry is not None:
        strings = parse_description(event_id, description)
    template = (source, kind, category, event_id, user, computer, description, strings or ())
    return template, entry is not None and missing is not None


def _result(
    path: Path,
    kind: LogFormat,
    encoding: str,
    order: DateOrder | None,
    note: str,
    records: EventTable,
    rebuilt: AbstractSet[int],
) -> CustomerLog:
    ccmc = CCMC.casefold()
    foreign = records.numbers_where(lambda source, _: source.casefold() != ccmc)
    return CustomerLog(path, kind, encoding, order, note, records, foreign, rebuilt)
