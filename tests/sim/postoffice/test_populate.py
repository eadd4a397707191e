"""populate(): Faker "Last, First" names, local and queued mail, reproducible bytes (§1.4)."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import pytest
from faker import Faker

from sim.errors import PostofficeError
from sim.postoffice import Location, Postoffice
from sim.postoffice.check import analyze, quick_check
from sim.postoffice.populate import populate
from sim.world import World


def _populated(world: World, path: Path, **kw: int) -> tuple[Postoffice, object]:
    po = Postoffice.create(path, name="HQ", password="SECRET")
    summary = populate(
        po,
        world.faker,
        random.Random(7),
        users=kw.get("users", 12),
        messages=kw.get("messages", 40),
        post_offices=("EX1", "BRANCH"),
        queued=kw.get("queued", 5),
        lists=3,
        bulletin_boards=2,
        new_ident=lambda sender, subject: world.new_ident("ccmail", sender, subject),
    )
    return po, summary


def _digest(path: Path) -> dict[str, str]:
    return {
        str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(path.rglob("*"))
        if p.is_file()
    }


def test_population_has_what_was_asked(world: World) -> None:
    po, summary = _populated(world, world.root / "CCDATA")
    entries = po.entries()
    local = [e for e in entries if e.location is Location.LOCAL]
    assert len(local) == 12
    assert all(", " in e.name for e in local)
    assert len({e.name.casefold() for e in entries}) == len(entries)
    assert [e.name for e in entries if e.location is Location.POST_OFFICE] == ["BRANCH", "EX1"]
    assert len([e for e in entries if e.location is Location.BULLETIN_BOARD]) == 2
    assert len(po.lists()) == 3
    assert summary.messages == 40
    assert summary.queued == (("EX1", 5), ("BRANCH", 5))
    queued = po.mailbox("EX1")
    assert len(queued) == 5
    assert all(s.message.to[0].endswith(" at EX1") for s in queued)
    assert all(s.message.sender.endswith(" at HQ") for s in queued)
    local_total = sum(len(po.mailbox(e)) for e in local)
    assert local_total == 40


def test_every_message_is_in_the_ledger_and_a_mailbox(world: World) -> None:
    po, summary = _populated(world, world.root / "CCDATA")
    stored = [s.message.ident for e in po.entries() if e.mailbox for s in po.mailbox(e)]
    assert sorted(stored) == sorted(summary.idents)
    assert len(set(stored)) == 50
    assert set(stored) <= set(world.ledger)


def test_populated_postoffice_is_healthy(world: World) -> None:
    po, _ = _populated(world, world.root / "CCDATA")
    assert quick_check(po) is None
    assert analyze(po).clean


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    """Two worlds with one seed write byte-identical post offices."""
    digests = []
    for run in ("a", "b"):
        world = World(seed=42, root=tmp_path / run)
        po, _ = _populated(world, world.root / "CCDATA")
        digests.append(_digest(po.path))
    assert digests[0] == digests[1]
    assert len(digests[0]) >= 10
    other = World(seed=43, root=tmp_path / "c")
    po, _ = _populated(other, other.root / "CCDATA")
    assert _digest(po.path) != digests[0]


def test_names_stay_unique_when_faker_repeats(tmp_path: Path) -> None:
    """A Faker that keeps returning one name still yields unique entries."""

    class Stuck:
        def __init__(self) -> None:
            self.real = Faker()
            self.real.seed_instance(1)

        def last_name(self) -> str:
            return "Smith"

        def first_name(self) -> str:
            return "Fred"

        def __getattr__(self, name: str):
            return getattr(self.real, name)

    po = Postoffice.create(tmp_path / "CCDATA", name="HQ", password="PW")
    summary = populate(po, Stuck(), random.Random(1), users=5, messages=3)
    assert len({n.casefold() for n in summary.users}) == 5
    assert "Smith, Fred" in summary.users


def test_existing_post_office_entry_is_reused(tmp_path: Path) -> None:
    po = Postoffice.create(tmp_path / "CCDATA", name="HQ", password="PW")
    po.add_entry("EX1", Location.POST_OFFICE, comments="MSExchangeCCMC EXSRV1")
    faker = Faker()
    faker.seed_instance(3)
    summary = populate(
        po, faker, random.Random(3), users=2, messages=0, post_offices=["ex1"], queued=4
    )
    ex1 = po.find("EX1")
    assert ex1 is not None
    assert ex1.comments == "MSExchangeCCMC EXSRV1"
    assert summary.queued == (("EX1", 4),)
    assert len(po.mailbox(ex1)) == 4


def test_bad_counts_are_refused(tmp_path: Path) -> None:
    po = Postoffice.create(tmp_path / "CCDATA", name="HQ", password="PW")
    with pytest.raises(PostofficeError, match="negative"):
        populate(po, Faker(), random.Random(0), users=-1, messages=0)
