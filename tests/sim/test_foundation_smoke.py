"""The post office store and message format behave the same on real and fake disks."""

from datetime import datetime

from sim.message import Message
from sim.postoffice import Location, Postoffice
from sim.world import World


def test_deliver_then_remove_keeps_the_rest(world: World) -> None:
    """Messages removed from a mailbox are gone; the others read back unchanged."""
    po = Postoffice.create(world.root / "CCDATA", name="PO1", password="SECRET")
    po.add_entries([("EX1", Location.POST_OFFICE, "", "MSExchangeCCMC EXSRV1")])
    msgs = [
        Message(
            "Smith, Fred at PO1",
            datetime(1998, 6, 2, 8, i),
            ("Jones at EX1",),
            f"s{i}",
            "b",
            ident=f"C{i}",
        )
        for i in range(4)
    ]
    assert po.deliver("EX1", msgs) == [1, 2, 3, 4]
    assert po.remove_messages("EX1", [2, 3]) == 2
    left = po.mailbox("EX1")
    assert [s.number for s in left] == [1, 4]
    assert [s.message for s in left] == [msgs[0], msgs[3]]
    assert world.faker.name()  # faker works inside pyfakefs too


def test_cached_view_reads_once_and_sees_its_own_writes(world: World) -> None:
    """A program's cached Postoffice never serves bytes older than its own last write."""
    path = world.root / "CCDATA"
    Postoffice.create(path, name="PO1", password="SECRET")
    po = Postoffice(path, cached=True)
    assert po.entries() == []
    saved = (path / "CLANDATA").read_bytes()
    (path / "CLANDATA").write_bytes(b"")  # someone else's write is not seen within the run
    assert po.entries() == []
    (path / "CLANDATA").write_bytes(saved)
    po.forget()
    po.add_entries([("EX1", Location.POST_OFFICE, "", "")])  # rewrites CLANDATA
    assert [e.name for e in po.entries()] == ["EX1"]
    po.shut_down()
    assert po.is_shut_down()
    po.reopen()
    assert not po.is_shut_down()
