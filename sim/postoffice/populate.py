"""A populated, reproducible post office: users, post offices, lists, bulletin boards, mail.

Source: ccmail-reference.md §1.4 ("Last, First" is the recommended naming
convention; names are case-insensitive and unique in a directory; ``P`` entries
for connected post offices, whose mail waits locally until exported; bulletin
boards; mailing lists), §4.5 (mail queued for the Exchange site waits in its
``P`` entry's mailbox).

Modelled, not documented: the mix of subjects and bodies, one recipient per
stored message (MLANDATA keeps one copy per mailbox, ``postoffice.py``),
message dates spread over the 30 days before ``now``, and the names of lists and
bulletin boards. Randomness comes only from the ``faker`` and ``rng`` passed in,
so the same seeds give identical bytes on disk. Files are written in a handful
of operations: one directory write for all entries, one for all lists, and one
MLANDATA append plus one write per mailbox for all the mail.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sim.clock import DEFAULT_EPOCH
from sim.errors import PostofficeError
from sim.message import Message
from sim.postoffice.layout import DirectoryEntry, Location
from sim.postoffice.postoffice import Postoffice

__all__ = ["FakerLike", "PopulationSummary", "populate", "unique_names"]


class FakerLike(Protocol):
    """The Faker providers populate draws from (a seeded ``faker.Faker``)."""

    def last_name(self) -> str: ...
    def first_name(self) -> str: ...
    def random_uppercase_letter(self) -> str: ...
    def word(self) -> str: ...
    def catch_phrase(self) -> str: ...
    def bs(self) -> str: ...
    def day_of_week(self) -> str: ...
    def paragraph(self, nb_sentences: int) -> str: ...


#: ``new_ident(sender, subject) -> ident``: records each message in the world's ledger
NewIdent = Callable[[str, str], str]

_LIST_NAMES = (
    "All Staff", "Sales", "Marketing", "Engineering", "Finance", "Support",
    "Operations", "Purchasing", "Legal", "Facilities", "Training", "Managers",
)  # fmt: skip
_BB_NAMES = (
    "Announcements", "Company News", "Help Desk", "For Sale", "Social Club",
    "IT Notices", "Job Postings", "Travel", "Safety", "Suggestions",
)  # fmt: skip
_SUBJECTS = (
    "{phrase}",
    "Re: {phrase}",
    "Meeting about {bs}",
    "Status of {bs}",
    "FW: {phrase}",
    "Lunch on {day}?",
    "Q{quarter} figures",
)
_MAX_TRIES = 50


@dataclass(frozen=True, slots=True)
class PopulationSummary:
    """What :func:`populate` created."""

    users: tuple[str, ...]
    post_offices: tuple[str, ...]
    lists: tuple[str, ...]
    bulletin_boards: tuple[str, ...]
    #: messages stored in local users' mailboxes
    messages: int
    #: P entry name -> messages queued in its mailbox
    queued: tuple[tuple[str, int], ...]
    #: the identity of every message stored, in message-number order
    idents: tuple[str, ...]


def unique_names(faker: FakerLike, count: int, taken: set[str]) -> list[str]:
    """``count`` "Last, First" names unique case-insensitively (also against ``taken``)."""
    names: list[str] = []
    for _ in range(count):
        for attempt in range(_MAX_TRIES):
            name = f"{faker.last_name()}, {faker.first_name()}"
            if attempt > _MAX_TRIES // 2:
                name += f" {faker.random_uppercase_letter()}."
            if name.casefold() not in taken:
                break
        else:
            raise PostofficeError(f"could not find {count} unique user names")
        taken.add(name.casefold())
        names.append(name)
    return names


def _named(pool: Sequence[str], count: int, taken: set[str], faker: FakerLike) -> list[str]:
    """Names from a fixed pool, then "<Word> <n>" once the pool runs out."""
    names: list[str] = []
    candidates = iter(pool)
    while len(names) < count:
        name = next(candidates, None) or f"{faker.word().title()} {len(names) + 1}"
        if name.casefold() not in taken:
            taken.add(name.casefold())
            names.append(name)
    return names


def _subject(faker: FakerLike, rng: random.Random) -> str:
    template = rng.choice(_SUBJECTS)
    return (
        template.format(
            phrase=faker.catch_phrase(),
            bs=faker.bs(),
            day=faker.day_of_week(),
            quarter=rng.randint(1, 4),
        )
        .replace("[", "(")
        .replace("]", ")")
    )  # Import 8.3 rejects brackets (KB Q234350)


def _body(faker: FakerLike, rng: random.Random, sender: str) -> str:
    paragraphs = [faker.paragraph(nb_sentences=rng.randint(1, 4)) for _ in range(rng.randint(1, 3))]
    first = sender.split(", ", 1)[-1]
    return "\r\n\r\n".join([*paragraphs, first])


@dataclass(frozen=True, slots=True)
class _Writer:
    """Draws messages with the shared faker and rng."""

    faker: FakerLike
    rng: random.Random
    po_name: str
    now: datetime
    new_ident: NewIdent | None

    def message(self, sender: str, to: str) -> Message:
        when = self.now - timedelta(minutes=self.rng.randint(1, 30 * 24 * 60))
        subject = _subject(self.faker, self.rng)
        address = f"{sender} at {self.po_name}"
        ident = self.new_ident(address, subject) if self.new_ident else None
        body = _body(self.faker, self.rng, sender)
        return Message(address, when, (to,), subject, body, ident=ident)


def _local_mail(w: _Writer, users: Sequence[str], count: int) -> dict[str, list[Message]]:
    by_box: dict[str, list[Message]] = {u: [] for u in users}
    for _ in range(count if users else 0):
        sender, recipient = w.rng.choice(users), w.rng.choice(users)
        by_box[recipient].append(w.message(sender, f"{recipient} at {w.po_name}"))
    return by_box


def _queued_mail(
    w: _Writer, users: Sequence[str], offices: Sequence[str], count: int
) -> dict[str, list[Message]]:
    by_box: dict[str, list[Message]] = {}
    for office in offices:
        by_box[office] = []
        for _ in range(count if users else 0):
            recipient = f"{w.faker.last_name()}, {w.faker.first_name()} at {office}"
            by_box[office].append(w.message(w.rng.choice(users), recipient))
    return by_box


def _entries(
    po: Postoffice, faker: FakerLike, users: int, offices: Sequence[str], boards: int
) -> tuple[list[DirectoryEntry], list[DirectoryEntry], list[DirectoryEntry]]:
    existing = po.entries()
    taken = {e.name.casefold() for e in existing}
    known_pos = [e for e in existing if e.location is Location.POST_OFFICE]
    new_pos = [o for o in offices if o.casefold() not in taken]
    taken.update(o.casefold() for o in offices)
    specs = [(n, Location.LOCAL, "", "") for n in unique_names(faker, users, taken)]
    specs += [(o, Location.POST_OFFICE, "", "") for o in new_pos]
    specs += [(b, Location.BULLETIN_BOARD, "", "") for b in _named(_BB_NAMES, boards, taken, faker)]
    added = po.add_entries(specs) if specs else []
    by_name = {e.name.casefold(): e for e in [*known_pos, *added]}
    chosen_pos = [by_name[o.casefold()] for o in offices]
    if any(e.location is not Location.POST_OFFICE for e in chosen_pos):
        raise PostofficeError("a named post office is already a directory entry of another kind")
    local = [e for e in added if e.location is Location.LOCAL]
    bbs = [e for e in added if e.location is Location.BULLETIN_BOARD]
    return local, chosen_pos, bbs


def populate(
    po: Postoffice,
    faker: FakerLike,
    rng: random.Random,
    *,
    users: int,
    messages: int,
    post_offices: Sequence[str] = (),
    queued: int = 0,
    lists: int = 0,
    bulletin_boards: int = 0,
    new_ident: NewIdent | None = None,
    now: datetime = DEFAULT_EPOCH,
) -> PopulationSummary:
    """Fill ``po``: users, ``P`` entries, lists, bulletin boards, local and queued mail.

    ``messages`` go between the new local users; each ``P`` entry of ``post_offices``
    gets ``queued`` messages waiting for export. Raises PostofficeError on bad counts.
    """
    if min(users, messages, queued, lists, bulletin_boards) < 0:
        raise PostofficeError("populate counts must not be negative")
    local, offices, bbs = _entries(po, faker, users, post_offices, bulletin_boards)
    names = [e.name for e in local]
    made_lists = _make_lists(po, faker, rng, names, lists)
    writer = _Writer(faker, rng, po.identity().name, now, new_ident)
    mail = _local_mail(writer, names, messages)
    mail.update(_queued_mail(writer, names, [e.name for e in offices], queued))
    batches = [(name, sorted(msgs, key=lambda m: m.date)) for name, msgs in mail.items() if msgs]
    po.deliver_batches(batches)
    stored = [m.ident for _, msgs in batches for m in msgs if m.ident is not None]
    return PopulationSummary(
        users=tuple(names),
        post_offices=tuple(e.name for e in offices),
        lists=tuple(made_lists),
        bulletin_boards=tuple(e.name for e in bbs),
        messages=sum(len(mail[n]) for n in names),
        queued=tuple((e.name, len(mail[e.name])) for e in offices),
        idents=tuple(stored),
    )


def _make_lists(
    po: Postoffice, faker: FakerLike, rng: random.Random, users: Sequence[str], count: int
) -> list[str]:
    if not count:
        return []
    taken = {e.name.casefold() for e in po.entries()} | {m.name.casefold() for m in po.lists()}
    names = _named(_LIST_NAMES, count, taken, faker)
    specs = []
    for name in names:
        size = rng.randint(1, len(users)) if users else 0
        specs.append((name, sorted(rng.sample(list(users), size), key=str.casefold)))
    po.add_lists(specs)
    return names
