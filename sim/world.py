"""One ``World`` per simulation: everything a scenario run can touch.

After moto's backends and pyfakefs's filesystem: all state hangs off one object,
so a new World is a clean slate and nothing survives on a class.
Build a new World; never reset one.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.access import AccessModel
from sim.clock import DEFAULT_EPOCH, Clock
from sim.eventlog import EventLog
from sim.fsutil import substream
from sim.winpath import Location, resolve

if TYPE_CHECKING:
    from sim.connector.service import ConnectorService
    from sim.exchange import ExchangeServer

__all__ = ["LockTable", "Origin", "World"]


class LockTable:
    """Who holds a post office open exclusively (ADMIN, CHKSTAT, another program).

    cc:Mail programs share the database files through file locks; the world keeps
    the holders here, keyed by the post office directory (case-folded).
    """

    def __init__(self) -> None:
        self._holders: dict[str, str] = {}

    @staticmethod
    def _key(path: Path) -> str:
        return str(path).casefold()

    def acquire(self, path: Path, holder: str) -> None:
        self._holders[self._key(path)] = holder

    def release(self, path: Path) -> None:
        self._holders.pop(self._key(path), None)

    def holder(self, path: Path) -> str | None:
        return self._holders.get(self._key(path))


@dataclass(frozen=True, slots=True)
class Origin:
    """Where and when a tracked message was created."""

    ident: str
    side: str  # "ccmail" or "exchange"
    sender: str
    subject: str
    created: float


class World:
    """Virtual clock, seeded randomness, filesystem root, access model, event log."""

    def __init__(self, *, seed: int, root: Path, epoch: datetime = DEFAULT_EPOCH) -> None:
        from faker import Faker  # heavy import: only when a world is built

        self.seed = seed
        self.root = root
        self.clock = Clock(epoch)
        self.rng = substream(seed, "world")
        self.faker: Any = Faker("en_US")
        self.faker.seed_instance(seed)
        self.access = AccessModel()
        self.eventlog = EventLog(self.clock)
        self.locks = LockTable()
        #: every message the simulation created, by identity (conservation)
        self.ledger: dict[str, Origin] = {}
        self.exchange: ExchangeServer | None = None
        self.connector: ConnectorService | None = None
        self._ids = itertools.count(1)

    def new_ident(self, side: str, sender: str, subject: str) -> str:
        """A fresh message identity, recorded in the ledger."""
        prefix = "C" if side == "ccmail" else "X"
        ident = f"{prefix}{self.seed:x}-{next(self._ids):06d}"
        self.ledger[ident] = Origin(ident, side, sender, subject, self.clock.now)
        return ident

    def resolve(self, text: str) -> Location:
        """A Windows/UNC/host path placed under the world root (``sim.winpath``)."""
        return resolve(text, root=self.root, access=self.access)

    def path(self, text: str) -> Path:
        return self.resolve(text).host
