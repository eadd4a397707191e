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
from typing import Any

from sim.access import AccessModel
from sim.clock import DEFAULT_EPOCH, Clock
from sim.eventlog import EventLog
from sim.fsutil import substream
from sim.winpath import Location, resolve

__all__ = ["LockTable", "Origin", "World"]


class LockTable:
    """Who holds a post office open: exclusively (ADMIN, CHKSTAT, RECLAIM) or shared.

    cc:Mail programs share the database files through file locks; the world keeps
    the holders here, keyed by the post office directory (case-folded). EXPORT and
    IMPORT fail with code 4 only against an *exclusive* holder; CHKSTAT and
    RECLAIM need the post office to themselves, so any other holder (the running
    connector service holds it shared) makes them fail. Modelled, not documented
    (§3: "Stop the connector service before CHKSTAT/RECLAIM"; KB Q179072).
    """

    def __init__(self) -> None:
        self._holders: dict[str, dict[str, bool]] = {}

    @staticmethod
    def _key(path: Path) -> str:
        return str(path).casefold()

    def acquire(self, path: Path, holder: str, *, exclusive: bool = True) -> None:
        self._holders.setdefault(self._key(path), {})[holder] = exclusive

    def release(self, path: Path, holder: str) -> None:
        held = self._holders.get(self._key(path), {})
        held.pop(holder, None)

    def holders(self, path: Path) -> dict[str, bool]:
        """Holder name -> exclusive, for one post office."""
        return dict(self._holders.get(self._key(path), {}))

    def exclusive_holder(self, path: Path) -> str | None:
        """The holder that keeps everyone else out, if any."""
        for holder, exclusive in sorted(self.holders(path).items()):
            if exclusive:
                return holder
        return None

    def others(self, path: Path, me: str) -> list[str]:
        """Everyone but ``me`` holding the post office (exclusive or shared)."""
        return sorted(h for h in self.holders(path) if h != me)


@dataclass(frozen=True, slots=True)
class Origin:
    """Where and when a tracked message was created."""

    ident: str
    side: str  # "ccmail" or "exchange"
    sender: str
    subject: str
    created: float


class World:
    """Virtual clock, seeded randomness, filesystem root, access model, event log, and the
    Exchange server with the connector service (built here, never ``None``)."""

    def __init__(self, *, seed: int, root: Path, epoch: datetime = DEFAULT_EPOCH) -> None:
        from faker import Faker  # heavy imports: only when a world is built

        from sim.connector.service import ConnectorService
        from sim.connector.settings import fresh_settings
        from sim.exchange import ExchangeServer

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
        self._ids = itertools.count(1)
        #: the Exchange server, as Setup leaves it (``standard_world`` installs the site's)
        self.exchange = ExchangeServer(self)
        #: the connector service on it, stopped, with a fresh install's property pages
        self.connector = ConnectorService(self, self.exchange, fresh_settings())

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
