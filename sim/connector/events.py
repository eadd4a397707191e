"""The MSExchangeCCMC event catalogue, its logging levels and categories.

Source: ccmail-reference.md §4.8 (IDs and texts), §4.3 (Diagnostics Logging
categories and levels), §2.5 and §0.1 fact 4 (result code -> event), §4.5, §4.6.
Where the reference paraphrases with "…", the wording of the KB article it cites
is used (Q181186 for 14001/14031, Q294947 and Q176375 for 85/86, Q168556 for 82/87,
Q186235 for MTA 142, Q170535 for MTA 290, Q175480 for SA 2034, Q168556 for DrWatson 4097).

Templates use ``%1``, ``%2``… insertion strings as the message DLL does. An entry
whose ``modelled`` note is not empty holds a choice the reference marks [U]
("Modelled, not documented"): its type, level, category or text.

Modelled, not documented (§4.3, §7 item 7): the full list of Diagnostics Logging
categories is unknown; General, Inbound, Outbound and Dir-Synch are confirmed.
The numbers the categories carry in a ``.evt`` file are modelled as well.
Events 60, 66, 69 and 72 have no known meaning (§2.5) and are not in the catalogue.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import KW_ONLY, dataclass
from enum import IntEnum, StrEnum

from sim.eventlog import EventLog, EventRecord, EventType

__all__ = [
    "CATALOGUE",
    "CATEGORY_NUMBERS",
    "CCMC",
    "DRWATSON",
    "EXPORT_EVENTS",
    "EXPORT_FAILED_TO_RUN",
    "IMPORT_EVENTS",
    "IMPORT_FAILED_TO_RUN",
    "MTA",
    "SA",
    "Category",
    "EventSpec",
    "LoggingLevel",
    "category_name",
    "category_number",
    "describe",
    "log",
    "lookup",
    "parse_description",
    "should_log",
    "spec",
]

#: the connector's event source (§4.1)
CCMC = "MSExchangeCCMC"
#: the Exchange message transfer agent (§4.8 "Related events")
MTA = "MSExchangeMTA"
#: the Exchange system attendant (§4.8 "Related events", KB Q175480)
SA = "MSExchangeSA"
#: the Windows NT debugger that logs an application's crash (§4.8 "Related events", KB Q168556)
DRWATSON = "DrWatson"


class LoggingLevel(IntEnum):
    """Diagnostics Logging levels (§4.3; EX55-DOC xog08014). Values are Exchange's."""

    #: default: critical and error events only
    NONE = 0
    MINIMUM = 1
    MEDIUM = 3
    MAXIMUM = 5


class Category(StrEnum):
    """Event categories as Event Viewer shows them.

    General, Inbound, Outbound and Dir-Synch are the connector's confirmed
    categories (§4.3); its full list is unknown (§7 item 7). "X.400 Service" is the
    MTA category of event 290 (KB Q170535). "Routing" for MTA event 142 is
    modelled, not documented (KB Q186235 names no category). "None" is what Event
    Viewer shows for a record without a category (DrWatson 4097, KB Q168556); its
    number is 0 (:func:`category_number`).
    """

    NONE = "None"

    GENERAL = "General"
    INBOUND = "Inbound"
    OUTBOUND = "Outbound"
    DIRSYNC = "Dir-Synch"
    X400_SERVICE = "X.400 Service"
    ROUTING = "Routing"


#: Category -> number in a ``.evt`` record. Modelled, not documented.
CATEGORY_NUMBERS: Mapping[Category, int] = {
    Category.GENERAL: 1,
    Category.INBOUND: 2,
    Category.OUTBOUND: 3,
    Category.DIRSYNC: 4,
    Category.X400_SERVICE: 5,
    Category.ROUTING: 6,
}
_CATEGORY_BY_NUMBER = {number: category for category, number in CATEGORY_NUMBERS.items()}


@dataclass(frozen=True, slots=True)
class EventSpec:
    """One catalogue entry: what the event looks like and when it is logged."""

    event_id: int
    type: EventType
    category: Category
    template: str
    #: the lowest Diagnostics Logging level of ``category`` at which it is logged
    level: LoggingLevel
    source: str = CCMC
    _: KW_ONLY
    #: the KB article(s) the entry comes from
    article: str
    #: what is modelled rather than documented ("" = all documented)
    modelled: str = ""

    @property
    def arity(self) -> int:
        """How many insertion strings the template uses (its highest ``%n``)."""
        return max((int(n) for n in _PLACEHOLDER.findall(self.template)), default=0)

    def fill(self, strings: tuple[str, ...], *, strict: bool = True) -> str:
        """The description with ``%n`` replaced by ``strings[n-1]``.

        ``strict`` refuses a wrong number of strings. Otherwise, as Windows'
        FormatMessage does, extra strings are ignored and a missing one leaves
        its ``%n`` in the text.
        """
        if strict and len(strings) != self.arity:
            raise ValueError(
                f"event {self.event_id} takes {self.arity} insertion string(s), got {len(strings)}"
            )

        def one(match: re.Match[str]) -> str:
            index = int(match.group(1))
            return strings[index - 1] if index <= len(strings) else match.group(0)

        return _PLACEHOLDER.sub(one, self.template)


_PLACEHOLDER = re.compile(r"%(\d+)")

_E, _W, _I = EventType.ERROR, EventType.WARNING, EventType.INFORMATION
_GEN, _IN, _OUT, _DS = Category.GENERAL, Category.INBOUND, Category.OUTBOUND, Category.DIRSYNC
_NONE, _MIN, _MED, _MAX = LoggingLevel  # NONE, MINIMUM, MEDIUM, MAXIMUM

_TYPE_U = "type not stated (§4.8); errors log at level None so they always log"
_MAX_NOTE = "type [U], modelled Information; logged at Maximum (KB Q181186)"
_NOT_CONFIGURED = (
    "The Microsoft Exchange Connector for Lotus cc:Mail has not been configured correctly "
    "or the Post Office it is configured to connect to is not accessible at this time."
)
_CCMC_NAME = "Microsoft Exchange Connector for Lotus cc:Mail"

# fmt: off
_SPECS = (
    EventSpec(43, _E, _GEN, "The Lotus cc:Mail IMPORT/EXPORT.EXE programs could not be executed. "
              "Check to see that they exist on the server and are in the system path. "
              "The system error code is %1. %2", _NONE, article="Q294947",
              modelled="category; the error code and its text as insertion strings"),
    EventSpec(45, _W, _GEN, "Optional configuration value is missing. The index of the value "
              "is %1. Default values are assumed.", _MED, article="Q167807",
              modelled="the index (2a) as an insertion string"),
    EventSpec(54, _E, _GEN, "Conversion of message failed and the message was moved to the "
              "Bad directory.", _NONE, article="Q202240, Q212759, Q197363"),
    EventSpec(58, _I, _GEN, "Lotus cc:Mail IMPORT from file %1 completed successfully.", _MAX,
              article="Q181186", modelled=f"{_MAX_NOTE}; category"),
    EventSpec(59, _E, _GEN, "Lotus cc:Mail IMPORT from file %1 returned result code 1. "
              "Program did not complete successfully.", _NONE,
              article="Q168670, Q179072, Q223772", modelled=_TYPE_U),
    EventSpec(61, _E, _GEN, f"Lotus cc:Mail IMPORT from file %1 returned result code 3. "
              f"{_NOT_CONFIGURED}", _NONE, article="Q195649",
              modelled="text unknown: modelled like event 70 for IMPORT; type, category"),
    EventSpec(62, _E, _GEN, "Lotus cc:Mail IMPORT from file %1 returned result code 4. "
              "The Lotus cc:Mail post office is locked by another process. %2", _NONE,
              article="Q179072", modelled=f"{_TYPE_U}; category"),
    EventSpec(63, _E, _GEN, "Lotus cc:Mail IMPORT from file %1 returned result code 5. "
              "Undeliverable message or updates.", _NONE, article="Q180641",
              modelled=f"{_TYPE_U}; category"),
    EventSpec(64, _E, _GEN, "Lotus cc:Mail IMPORT from file %1 failed to run. %2", _NONE,
              article="Q190275", modelled="whole entry: the IMPORT twin of 65 (§2.5 [I])"),
    EventSpec(65, _E, _GEN, "Lotus cc:Mail EXPORT to file %1 failed to run. %2", _NONE,
              article="Q190275"),
    EventSpec(67, _I, _GEN, "Lotus cc:Mail EXPORT to file %1 completed successfully.", _MAX,
              article="Q181186", modelled=f"{_MAX_NOTE}; category"),
    EventSpec(68, _E, _GEN, "Lotus cc:Mail EXPORT to file %1 returned result code 1. "
              "Could not access the Lotus cc:Mail Post Office.", _NONE,
              article="Q168465, Q179072"),
    EventSpec(70, _E, _GEN, f"Lotus cc:Mail EXPORT to file %1 returned result code 3. "
              f"{_NOT_CONFIGURED}", _NONE, article="Q166045"),
    EventSpec(71, _E, _GEN, "Lotus cc:Mail EXPORT to file %1 returned result code 4. "
              "The Lotus cc:Mail Post Office is locked by another process %2", _NONE,
              article="Q179072", modelled=f"{_TYPE_U}; category"),
    EventSpec(82, _E, _GEN, "An exception has occurred. The information is as follows: "
              "Exception code %1. Exception flags: %2. Exception address %3. "
              "Number of parameters: %4. Exception information %5.", _NONE,
              article="Q176375, Q168556", modelled=_TYPE_U),
    EventSpec(83, _E, _GEN, "The exception %1 was caught in function %2.", _NONE,
              article="Q176375", modelled=f"{_TYPE_U}; category"),
    EventSpec(85, _E, _GEN, f"The maximum number the thread restarts has been reached and the "
              f"{_CCMC_NAME} will be shutdown. Try restarting the {_CCMC_NAME} service.", _NONE,
              article="Q176375, Q294947", modelled="category"),
    EventSpec(86, _I, _GEN, f"{_CCMC_NAME} restarted thread after taking exception. The number "
              "of threads started so far is %1. The thread function is %2.", _NONE,
              article="Q294947", modelled="category; level None; the function as %2"),
    EventSpec(87, _E, _GEN, "Conversion from Lotus cc:Mail message format to Microsoft Exchange "
              "format failed due to an exception. Message file name is %1. If the problem "
              "persists, please move the file from EXPORT directory and contact Microsoft "
              "Product Support Services.", _NONE, article="Q168556", modelled=_TYPE_U),
    EventSpec(98, _E, _GEN, "Insufficient Disk Space.", _NONE, article="Q178758",
              modelled="type, category, exact wording"),
    EventSpec(11001, _I, _OUT, "The following message was sent from Microsoft Exchange to "
              "Lotus cc:Mail, From: %1 Date: %2 To: %3", _MAX, article="Q181186",
              modelled=_MAX_NOTE),
    EventSpec(14001, _I, _DS, f"{_CCMC_NAME} directory synchronization has started. Now "
              "exporting Lotus cc:Mail directory entries, mailing lists, and bulletin board "
              "titles.", _MIN, article="Q181186", modelled="type Information; level Minimum"),
    EventSpec(14005, _E, _DS, f"{_CCMC_NAME} directory synchronization failed. %1", _NONE,
              article="Q197258, Q233164", modelled="text unknown; the cause as %1"),
    EventSpec(14013, _W, _DS, "The Microsoft Exchange directory entry with CCMAIL e-mail "
              "address %1 at %2 could not be written to Lotus cc:Mail because it conflicts "
              "with an existing Lotus cc:Mail entry named %3. Choose a unique name and update "
              "the CCMAIL e-mail address for this entry.", _NONE, article="Q167830"),
    EventSpec(14015, _E, _DS, "MS exchange ccmc directory synchronization service return "
              "ds_name_error, error %1", _NONE, article="Q212773",
              modelled="the error number as %1"),
    EventSpec(14018, _W, _DS, f"The {_CCMC_NAME} failed to add %1 to the Microsoft Exchange "
              "directory. This CCMAIL e-mail address already exists: CCMAIL:%1 at %2", _NONE,
              article="Q167830"),
    EventSpec(14031, _I, _DS, f"{_CCMC_NAME} directory synchronization has finished.", _MIN,
              article="Q181186", modelled="type Information; level Minimum"),
    EventSpec(142, _E, Category.ROUTING, "The MTA was unable to route to recipient %1. The "
              "message (MTS-ID): %2, recipient: %1, recipient number %3. Check the routing "
              "table for a possible incorrect routing configuration. [MTA DISP:ROUTER 10 119] "
              "(12)", _NONE, MTA, article="Q186235", modelled="type; category Routing"),
    EventSpec(290, _E, Category.X400_SERVICE, "A non-delivery report (reason code "
              "unable-to-transfer and diagnostic code unrecognized-OR-name) is being generated "
              "for message %1. It was originally destined for DN:%2 (recipient number %3); and "
              "was to be redirected to%4. (MTA DISP:RESULT 21 136)(12)", _NONE, MTA,
              article="Q170535", modelled="type"),
    EventSpec(2034, _E, _GEN, "Unable to generate an e-mail address. The '%1' Address type was "
              "returned by address generation DLL '%2'.", _NONE, SA, article="Q175480"),
    EventSpec(4097, _I, Category.NONE, "The application, %1, generated an application error "
              "The error occurred on %2 @ %3 The exception generated was %4 at address %5 (%6)",
              _NONE, DRWATSON, article="Q168556",
              modelled="type not stated: Information; level None; the insertion strings"),
)
# fmt: on

#: which sources use each category: the connector's four (§4.3), plus the catalogue's
_CATEGORY_SOURCES = {
    c: {CCMC.casefold()} if c in (_GEN, _IN, _OUT, _DS) else set() for c in Category
}
for _entry in _SPECS:
    _CATEGORY_SOURCES[_entry.category].add(_entry.source.casefold())

#: event ID -> entry (the IDs of the sources do not collide)
CATALOGUE: Mapping[int, EventSpec] = {s.event_id: s for s in _SPECS}

#: EXPORT result code -> event ID (§2.5; §0.1 fact 4)
EXPORT_EVENTS: Mapping[int, int] = {0: 67, 1: 68, 3: 70, 4: 71}
#: IMPORT result code -> event ID (§2.5; §0.1 fact 4)
IMPORT_EVENTS: Mapping[int, int] = {0: 58, 1: 59, 3: 61, 4: 62, 5: 63}
#: "EXPORT to file X failed to run." (KB Q190275)
EXPORT_FAILED_TO_RUN = 65
#: the IMPORT equivalent. Modelled, not documented (§2.5 "probably 64" [I]).
IMPORT_FAILED_TO_RUN = 64


def spec(event_id: int) -> EventSpec:
    """The catalogue entry for ``event_id``; ``ValueError`` if there is none."""
    found = CATALOGUE.get(event_id)
    if found is None:
        known = ", ".join(str(i) for i in sorted(CATALOGUE))
        raise ValueError(f"event {event_id} is not in the catalogue (known: {known})")
    return found


def lookup(source: str, event_id: int) -> EventSpec | None:
    """The entry for ``event_id`` logged by ``source`` (case-insensitive), if catalogued."""
    found = CATALOGUE.get(event_id)
    if found is None or found.source.casefold() != source.casefold():
        return None
    return found


def describe(event_id: int, *strings: str) -> str:
    """The description of ``event_id`` with its insertion strings filled in.

    Raises ``ValueError`` for an unknown event or the wrong number of strings.
    """
    return spec(event_id).fill(strings)


def should_log(entry: EventSpec, levels: Mapping[Category, LoggingLevel]) -> bool:
    """Whether Diagnostics Logging lets ``entry`` through (§4.3).

    A category missing from ``levels`` is at None, the default, which still logs
    critical and error events (entries whose level is None).
    """
    return levels.get(entry.category, LoggingLevel.NONE) >= entry.level


def log(
    eventlog: EventLog,
    event_id: int,
    *strings: str,
    computer: str,
    levels: Mapping[Category, LoggingLevel],
) -> EventRecord | None:
    """Write ``event_id`` to ``eventlog`` if the logging levels let it through."""
    entry = spec(event_id)
    if not should_log(entry, levels):
        return None
    return eventlog.write(
        source=entry.source,
        event_id=entry.event_id,
        type=entry.type,
        category=entry.category.value,
        description=entry.fill(strings),
        computer=computer,
        strings=strings,
    )


def _pattern(template: str) -> re.Pattern[str]:
    """A regex matching ``template`` filled with any strings (a repeated ``%n`` must match)."""
    parts: list[str] = []
    seen: set[str] = set()
    last = 0
    for match in _PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[last : match.start()]))
        number = match.group(1)
        parts.append(f"(?P=s{number})" if number in seen else f"(?P<s{number}>.*?)")
        seen.add(number)
        last = match.end()
    parts.append(re.escape(template[last:]))
    return re.compile("".join(parts), re.DOTALL)


_PATTERNS = {event_id: _pattern(entry.template) for event_id, entry in CATALOGUE.items()}
#: each entry's arity, counted once (a customer's log is parsed a row at a time)
_ARITIES = {event_id: entry.arity for event_id, entry in CATALOGUE.items()}


def parse_description(event_id: int, text: str) -> tuple[str, ...] | None:
    """The insertion strings ``describe(event_id, ...)`` would have filled into ``text``.

    The inverse of :func:`describe`: ``None`` when ``text`` is not a filled
    template of ``event_id`` (or the event is not catalogued). When a string
    contains the template's own wording the split is ambiguous; the shortest
    leading strings are chosen.
    """
    pattern = _PATTERNS.get(event_id)
    match = pattern.fullmatch(text) if pattern else None
    if match is None:
        return None
    return tuple(match.group(f"s{n}") for n in range(1, _ARITIES[event_id] + 1))


def category_number(name: str) -> int:
    """The ``.evt`` number of a category name; "None" is 0. Modelled, not documented."""
    if name == "None":
        return 0
    try:
        return CATEGORY_NUMBERS[Category(name)]
    except ValueError:
        known = ", ".join(c.value for c in Category)
        raise ValueError(f"unknown event category {name!r} (known: {known})") from None


def category_name(source: str, number: int) -> str:
    """What Event Viewer shows for category ``number`` of ``source``.

    0 is "None"; the numbers of the catalogued sources map back to their names;
    any other, as Event Viewer shows a category it has no message file for, is
    "(n)".
    """
    if number == 0:
        return "None"
    category = _CATEGORY_BY_NUMBER.get(number)
    if category is not None and source.casefold() in _CATEGORY_SOURCES[category]:
        return category.value
    return f"({number})"
