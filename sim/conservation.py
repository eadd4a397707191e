"""Where every tracked message is: no message lost, none duplicated.

Principle 4 of the project: a failure at any point loses and duplicates no
message. Each message the simulation creates carries an identity (the last
body line ``ccsim-id: <id>``, ``sim.message``) recorded in ``world.ledger``.
:func:`check` looks in every place a message can be:

* every post office on the world's shares and NetWare volumes: every mailbox
  (``USRnnnnn`` references into ``MLANDATA``, user mailboxes and the ``P``
  queues), and live message records no mailbox references (read past a gap in a
  damaged file to the records after it, ``sim.postoffice.records.scan(resync=True)``:
  a message a user wrote into a post office whose header claims more than the file
  holds is still there);
* the connector store: ``.ccm`` and ``.und`` files in ``Export``, ``Import``,
  ``Submit`` and ``Bad`` (``.$$$`` partial files and the ``.bak`` copies,
  kept by design when "Save a copy" is set, KB Q192516, do not count; a
  ``.und`` counts each message once and not beside the ``.ccm`` that still
  holds it, KB Q223772: :func:`_und_copies`);
* Exchange: MTS-IN, MTS-OUT and every mailbox (NDRs included, §4.5);
* directories an administrator parked files in (``elsewhere``).

A message is *lost* when it is in no place, *duplicated* when it is in more
places than it has recipients (an NDR stands for the recipients it reports),
and *delivered twice* when one mailbox holds it twice (NDRs apart).

Files are read whole, once each; the post office costs one read of
``MLANDATA`` and one per mailbox file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sim.fsutil import listdir_sorted
from sim.message import CODEPAGE, TRACE, Message
from sim.postoffice import records as rf
from sim.postoffice.layout import MLANDATA, T_MESSAGE, T_OWNER, T_REF, Ref

if TYPE_CHECKING:
    from sim.world import World

__all__ = ["ConservationReport", "check", "postoffices", "scan_text"]

#: store folders that hold messages in transit (§4.4); the .bak copies are not places
STORE_FOLDERS = ("Export", "Import", "Submit", "Bad")
_SKIP_SUFFIXES = (".$$$", ".exp", ".imp", ".ini")
NDR_PREFIX = "Undeliverable:"


@dataclass(frozen=True, slots=True)
class ConservationReport:
    """Places per identity, and the identities that break conservation."""

    places: Mapping[str, tuple[str, ...]]
    recipients: Mapping[str, int]
    lost: tuple[str, ...]
    duplicated: tuple[str, ...]
    delivered_twice: tuple[str, ...]
    #: identities found that are not in the ledger
    unknown: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not (self.lost or self.duplicated or self.delivered_twice)

    def summary(self) -> str:
        """A few lines for a report or an assertion message (sorted, deterministic)."""
        lines = [f"{len(self.places)} tracked message(s) found"]
        for title, idents in (
            ("lost", self.lost),
            ("duplicated", self.duplicated),
            ("delivered twice", self.delivered_twice),
        ):
            for ident in idents:
                where = ", ".join(self.places.get(ident, ())) or "nowhere"
                lines.append(f"{title}: {ident} in {where}")
        return "\n".join(lines)


@dataclass(slots=True)
class _Found:
    places: dict[str, list[str]] = field(default_factory=dict)
    recipients: dict[str, int] = field(default_factory=dict)

    def add(self, ident: str, place: str, recipients: int, ndr: bool) -> None:
        self.places.setdefault(ident, []).append(place + (" (NDR)" if ndr else ""))
        self.recipients[ident] = max(self.recipients.get(ident, 1), recipients)


def scan_text(text: str) -> list[tuple[str, int, bool]]:
    """(ident, recipients, is NDR) of each message in Import/Export text, tolerant of damage."""
    found: list[tuple[str, int, bool]] = []
    recipients, in_header, ndr = 0, False, False
    for line in text.splitlines():
        if line == "Message:":
            recipients, in_header, ndr = 0, True, False
        elif in_header and line == "Contents:":
            in_header = False
        elif in_header and line.startswith(("To:", "Cc:")):
            recipients += 1
        elif in_header and line.startswith("Subject:"):
            ndr = line[len("Subject:") :].strip().startswith(NDR_PREFIX)
        elif line.startswith(TRACE):
            found.append((line[len(TRACE) :].strip(), max(recipients, 1), ndr))
    return found


def _scan_postoffice(found: _Found, po: Path) -> None:
    """Every mailbox's messages, and live message records nobody references."""
    try:
        names = [p.name for p in listdir_sorted(po)]
        mlan = rf.scan((po / MLANDATA).read_bytes(), resync=True)
    except (OSError, rf.RecordFileError):
        return
    texts = {
        r.offset: r.payload[4:].decode(CODEPAGE, "replace")
        for r in mlan.records
        if r.live and r.rtype == T_MESSAGE
    }
    for name in names:
        if not name.upper().startswith("USR"):
            continue
        try:
            usr = rf.scan((po / name).read_bytes(), resync=True)
        except (OSError, rf.RecordFileError):
            continue
        owner = next((r.payload[4:] for r in usr.records if r.live and r.rtype == T_OWNER), b"")
        place = f"po:{owner.decode(CODEPAGE, 'replace') or name}"
        for record in usr.records:
            if record.live and record.rtype == T_REF:
                text = texts.pop(Ref.decode(record.payload).offset, "")
                for ident, count, ndr in scan_text(text):
                    found.add(ident, place, count, ndr)
    for text in texts.values():
        for ident, count, ndr in scan_text(text):
            found.add(ident, "po:MLANDATA", count, ndr)


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode(CODEPAGE, "replace")
    except OSError:
        return ""


def _scan_store(found: _Found, store: Path) -> None:
    """Each file of the store folders; a ``.und`` as :func:`_und_copies` counts it."""
    for folder in STORE_FOLDERS:
        try:
            files = [p for p in listdir_sorted(store / folder) if p.is_file()]
        except OSError:
            continue
        kept = [p for p in files if not p.name.casefold().endswith(_SKIP_SUFFIXES)]
        _scan_files(found, [(p, f"store:{folder}\\{p.name}") for p in kept])


def _scan_files(found: _Found, files: Sequence[tuple[Path, str]]) -> None:
    """The files of one folder, each with the place it names: a ``.und`` after the
    ``.ccm`` files beside it, whose messages it does not count again (:func:`_und_copies`)."""
    waiting: dict[str, set[str]] = {}
    for path, place in files:
        name = path.name.casefold()
        if name.endswith(".und"):
            continue
        scanned = scan_text(_read_text(path))
        if name.endswith(".ccm"):
            waiting[name[:-4]] = {ident for ident, _, _ in scanned}
        for ident, count, ndr in scanned:
            found.add(ident, place, count, ndr)
    for path, place in files:
        if path.name.casefold().endswith(".und"):
            held = waiting.get(path.name.casefold()[:-4], set())
            for ident, count, ndr in _und_copies(_read_text(path), held):
                found.add(ident, place, count, ndr)


def _und_copies(text: str, kept: set[str]) -> list[tuple[str, int, bool]]:
    """The messages of a ``.und`` that count as places: each once, however often IMPORT
    wrote it, and none the ``.ccm`` of the same name still holds.

    KB Q223772: before 5.5 SP3, IMPORT ends with code 1 on such a message, keeps the
    ``.ccm`` and writes "a non-delivery report ... to the .und file for each attempt".
    The message is one message still waiting in its ``.ccm``; the reports beside it
    are IMPORT's record of the attempts, not deliveries, so they are neither a second
    place nor a duplicate. Once the ``.ccm`` is gone the ``.und`` is one place for
    the message (the connector returns one NDR for it, ``sim.connector.flow``).
    """
    seen: dict[str, tuple[str, int, bool]] = {}
    for ident, count, ndr in scan_text(text):
        if ident not in kept and ident not in seen:
            seen[ident] = (ident, count, ndr)
    return list(seen.values())


def _add_messages(found: _Found, messages: Iterable[Message], place: str) -> None:
    for m in messages:
        if m.ident is not None:
            ndr = m.subject.startswith(NDR_PREFIX)
            found.add(m.ident, place, 1 if ndr else len(m.recipients), ndr)


def _scan_exchange(found: _Found, world: World) -> None:
    exchange = world.exchange
    _add_messages(found, exchange.mts_in, "exchange:MTS-IN")
    _add_messages(found, exchange.mts_out, "exchange:MTS-OUT")
    for key in sorted(exchange.mailboxes):
        box = exchange.mailboxes[key]
        _add_messages(found, box.items, f"exchange:{box.alias}")


def _scan_parked(found: _Found, folders: Sequence[Path]) -> None:
    for folder in folders:
        by_folder: dict[Path, list[Path]] = {}
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.name.endswith(".$$$"):
                by_folder.setdefault(path.parent, []).append(path)
        for files in by_folder.values():  # a .und beside its .ccm, per folder (KB Q223772)
            _scan_files(found, [(p, f"parked:{p}") for p in files])


def _is_postoffice(path: Path) -> bool:
    try:
        return any(p.name.upper().startswith("CCPOMBOX.") for p in path.iterdir())
    except OSError:
        return False


def postoffices(world: World) -> list[Path]:
    """Every post office the world holds: share and volume roots and their subdirectories.

    Found from world state, not from the connector's Post Office page, which a
    wrong path can point elsewhere.
    """
    roots = [s.path for s in world.access.shares.values()]
    roots += [v for nw in world.access.netware.values() for v in nw.volumes.values()]
    if (host := world.connector.po_host()) is not None:
        roots.append(host)
    found: dict[str, Path] = {}
    for root in roots:
        try:
            candidates = [root, *(p for p in listdir_sorted(root) if p.is_dir())]
        except OSError:
            continue
        for path in candidates:
            if str(path) not in found and _is_postoffice(path):
                found[str(path)] = path
    return [found[k] for k in sorted(found)]


def check(
    world: World, *, postoffice: Path | None = None, elsewhere: Sequence[Path] = ()
) -> ConservationReport:
    """Find every tracked message; ``postoffice`` defaults to every one in the world."""
    found = _Found()
    for po in [postoffice] if postoffice is not None else postoffices(world):
        _scan_postoffice(found, po)
    _scan_store(found, world.connector.store.root)
    _scan_exchange(found, world)
    _scan_parked(found, elsewhere)
    places = {k: tuple(sorted(v)) for k, v in sorted(found.places.items())}
    lost = tuple(sorted(i for i in world.ledger if i not in places))
    dup = tuple(i for i, p in places.items() if len(p) > found.recipients[i])
    twice = tuple(i for i, p in places.items() if max(Counter(p).values()) > 1)
    unknown = tuple(i for i in places if i not in world.ledger)
    recipients = {k: found.recipients[k] for k in places}
    return ConservationReport(places, recipients, lost, dup, twice, unknown)
