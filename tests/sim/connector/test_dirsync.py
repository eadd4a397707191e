"""Directory synchronization (§4.6): files, P entry, custom recipients, conflicts, schedule."""

import dataclasses
from datetime import datetime

from sim.connector.settings import DirsyncMode, DirsyncSchedule, ExportContainers
from sim.connector.setup import standard_world
from sim.connector.store import Folder
from sim.postoffice.layout import Location
from sim.world import World


def _ids(world: World) -> list[int]:
    return [r.event_id for r in world.eventlog.records]


def test_first_dirsync_creates_both_sides(world: World) -> None:
    """14001 ... 14031; P entry with the connector comment; r entries; CRs incl. #BB."""
    site = standard_world(world, start=False)
    assert site.service.dirsync_now()
    assert _ids(world) == [14001, 45, 67, 58, 58, 14031]
    po, exchange = site.postoffice, site.exchange
    entries = {e.name: e for e in po.entries()}
    assert entries["EX1"].location is Location.POST_OFFICE
    assert entries["EX1"].comments == "MSExchangeCCMC EXSRV1"
    for box in exchange.mailboxes.values():
        name = ", ".join(reversed(box.display_name.rsplit(" ", 1)))
        assert entries[name].location is Location.REMOTE
        assert entries[name].address == f"EX1 {box.alias}"
    crs = {cr.address for cr in exchange.custom_recipients.values()}
    local = {f"{e.name} at PO1" for e in entries.values() if e.location is Location.LOCAL}
    assert local <= crs
    assert any(a.startswith("#") for a in crs)
    assert all(cr.container == "cc:Mail Recipients" for cr in exchange.custom_recipients.values())
    names = {n.casefold() for n in site.service.store.names(Folder.EXPORT)}
    assert {"ccmdir.exp", "ccmlist.exp", "ccmbb.exp"} <= names
    assert site.service.store.names(Folder.IMPORT) == []


def test_custom_recipient_names_follow_the_rules(real_world: World) -> None:
    """Display "First Last", alias first name + first letter of last name (KB Q183058)."""
    site = standard_world(real_world, start=False)
    site.postoffice.add_entry("Smith, Fred", Location.LOCAL)
    site.service.dirsync_now()
    cr = next(
        c for c in site.exchange.custom_recipients.values() if c.address == "Smith, Fred at PO1"
    )
    assert cr.display_name == "Fred Smith"
    assert cr.alias.startswith("FredS")


def test_a_second_cycle_changes_nothing_and_deletions_follow(real_world: World) -> None:
    site = standard_world(real_world, start=False)
    site.service.dirsync_now()
    before = (site.postoffice.entries(), dict(site.exchange.custom_recipients))
    site.service.dirsync_now()
    assert (site.postoffice.entries(), dict(site.exchange.custom_recipients)) == before
    gone = next(b for b in site.exchange.mailboxes.values() if b.alias != "Administrator")
    del site.exchange.mailboxes[gone.alias.casefold()]
    user = next(e for e in site.postoffice.entries() if e.location is Location.LOCAL)
    site.postoffice.remove_messages(user, [s.number for s in site.postoffice.mailbox(user)])
    site.postoffice.delete_entries([user.name])
    assert site.service.dirsync_now()
    names = {e.name for e in site.postoffice.entries()}
    assert ", ".join(reversed(gone.display_name.rsplit(" ", 1))) not in names
    addresses = {c.address for c in site.exchange.custom_recipients.values()}
    assert f"{user.name} at PO1" not in addresses


def test_edited_site_comment_gives_14013_and_14018(real_world: World) -> None:
    """KB Q167830: the P entry lost its comment -> conflicts, nothing written, still 14031."""
    site = standard_world(real_world, start=False)
    site.service.dirsync_now()
    site.postoffice.update_entry("EX1", comments="edited by admin")
    site.exchange.add_mailbox("newbie", "Nora Newbie")
    mark = len(real_world.eventlog)
    assert site.service.dirsync_now()
    ids = _ids(real_world)[mark:]
    assert 14013 in ids
    assert 14018 in ids
    assert ids[-1] == 14031
    assert site.postoffice.find("Newbie, Nora") is None
    (first,) = [r for r in real_world.eventlog.events(14013) if r.strings[2] == "EX1"]
    assert "conflicts with an existing Lotus cc:Mail entry named EX1" in first.description


def test_deleted_export_container_gives_14015(real_world: World) -> None:
    """KB Q212773: a container still listed but gone -> 14015, dirsync fails."""
    site = standard_world(real_world, start=False)
    site.service.configure(
        dataclasses.replace(
            site.service.settings,
            export_containers=ExportContainers(("Recipients", "Old Sales")),
        )
    )
    assert not site.service.dirsync_now()
    ids = _ids(real_world)
    assert 14015 in ids
    assert 14031 not in ids
    assert "error 4693728" in real_world.eventlog.events(14015)[0].description
    assert site.postoffice.find("EX1") is None


def test_extended_characters_in_the_po_name_give_14005(tmp_path) -> None:
    """KB Q197258: 14005 and no custom recipients."""
    world = World(seed=2, root=tmp_path)
    site = standard_world(world, po_name="PÖ1", start=False)
    assert not site.service.dirsync_now()
    assert 14005 in _ids(world)
    assert 14031 not in _ids(world)
    assert site.exchange.custom_recipients == {}


def test_trust_level_limits_what_is_exported(real_world: World) -> None:
    """KB Q192697: only recipients with trust level <= the connector's are exported."""
    site = standard_world(real_world, start=False)
    site.exchange.add_mailbox("secret", "Sam Secret", trust_level=200)
    site.service.dirsync_now()
    assert site.postoffice.find("Secret, Sam") is None


def test_never_schedule_runs_no_dirsync(real_world: World) -> None:
    site = standard_world(real_world, start=False)
    site.service.configure(
        dataclasses.replace(site.service.settings, dirsync=DirsyncSchedule(DirsyncMode.NEVER))
    )
    site.service.start()
    real_world.clock.advance(3600)
    assert 14001 not in _ids(real_world)
    assert _ids(real_world).count(70) == 241


def test_always_runs_every_fifteen_minutes(real_world: World) -> None:
    standard_world(real_world)
    real_world.clock.advance(3600)
    starts = [r.when for r in real_world.eventlog.events(14001)]
    assert [(t - real_world.clock.epoch).total_seconds() for t in starts] == [60, 960, 1860, 2760]


def test_selected_times_run_at_those_quarter_hours(tmp_path) -> None:
    world = World(seed=4, root=tmp_path, epoch=datetime(1998, 6, 2, 8, 50))
    site = standard_world(world, start=False)
    schedule = DirsyncSchedule(DirsyncMode.SELECTED, (9 * 60, 9 * 60 + 30))
    site.service.configure(dataclasses.replace(site.service.settings, dirsync=schedule))
    site.service.start()
    world.clock.advance(3 * 3600)
    starts = [r.when.strftime("%H:%M") for r in world.eventlog.events(14001)]
    assert starts == ["09:00", "09:30"]
