"""Faults and fixes of §8 rows 6-20, and the sim behaviour they rely on."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from harness.build import Site, build_site
from harness.causes import CAUSES
from harness.loader import load_scenario, load_text
from harness.registry import FAULTS, FIXES
from harness.selection import builtin_dir
from sim.connector.setup import PROGRAM_DIR, StandardWorld, send_to_exchange, standard_world
from sim.connector.store import Folder
from sim.conservation import check
from sim.message import Message
from sim.postoffice.postoffice import Postoffice
from sim.programs.runner import run_program
from sim.world import World

BASE = "id: t\ntitle: t\ncause: healthy\n"
CATALOGUE = [c.id for c in CAUSES.values() if c.number >= 6]
#: the catalogue's faults and the world each needs (scenario YAML under ``world:``)
FAULT_WORLDS = {
    "shut-down-postoffice": "",
    "wrong-ie-version": "",
    "remove-ie-ri": "world:\n  postoffice: {db: 8}\n",
    "programs-off-path": "",
    "leave-und-file": "",
    "damage-import-folder": "",
    "corrupt-queued-message": "",
    "nt-locale-mismatch": "",
    "large-recipient-list": "",
    "remove-address-space": "",
    "edit-site-comment": "",
    "stale-export-container": "",
    "extended-po-name": "",
    "upgrade-to-ccmail85": "world:\n  postoffice: {db: 8}\n",
    "nt4-sp3-lsa2": "world:\n  postoffice:\n    host: {kind: netware, access: netware-account}\n",
}


def _site(tmp_path: Path, extra: str = "") -> Site:
    return build_site(load_text(BASE + extra, name="t.scenario.yaml"), seed=7, root=tmp_path)


def _apply(site: Site, fault: str, **values: object) -> None:
    spec = FAULTS.lookup(fault)
    params = spec.params.model_validate(values) if spec.params is not None else None
    spec.function(site, params)


# -- the catalogue is complete -------------------------------------------------------------------


def test_every_catalogue_cause_has_a_fix_and_a_scenario() -> None:
    files = sorted(builtin_dir().glob("*.scenario.yaml"))
    scenario_causes = {load_scenario(p).cause for p in files}
    cured = {cause for spec in FIXES.specs() for cause in spec.cures}
    for cause in CATALOGUE:
        assert cause in cured, cause
        assert cause in scenario_causes, cause


# -- a fault changes world state only ------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(FAULT_WORLDS))
def test_a_fault_logs_nothing_itself(tmp_path: Path, name: str) -> None:
    """The symptoms come from what the programs find later, not from the fault."""
    site = _site(tmp_path, FAULT_WORLDS[name])
    _apply(site, name)
    assert list(site.world.eventlog.records) == []
    assert not site.service.running


@pytest.mark.parametrize(
    ("name", "extra", "values", "message"),
    [
        ("remove-ie-ri", "", {}, "need no IE.RI"),
        ("upgrade-to-ccmail85", "", {}, "uses DB8"),
        ("nt4-sp3-lsa2", "", {}, "netware"),
        ("nt-locale-mismatch", "", {"locale": "US"}, "already reads"),
        ("extended-po-name", "", {"name": "ZURICH"}, "no extended characters"),
        ("programs-off-path", "", {"directory": "C:\\WINNT"}, "is on the PATH"),
        ("corrupt-queued-message", "world: {connector: {first_dirsync: pending}}\n", {}, "dirsync"),
        ("edit-site-comment", "world: {connector: {first_dirsync: pending}}\n", {}, "dirsync"),
    ],
)
def test_a_fault_refuses_a_world_it_does_not_fit(
    tmp_path: Path, name: str, extra: str, values: dict[str, object], message: str
) -> None:
    site = _site(tmp_path, extra)
    with pytest.raises(ValueError, match=message):
        _apply(site, name, **values)


# -- sim behaviour the catalogue relies on -------------------------------------------------------


def _export(world: World, args: str, **options: str) -> tuple[int | None, str]:
    run = run_program(
        world, "EXPORT.EXE", args, account="EXSVC", search_path=[PROGRAM_DIR], options=options
    )
    return run.code, run.output


def test_a_version_choice_for_the_other_db_is_refused_with_code_1(world: World) -> None:
    """KB Q168465 "wrong version selected": DBVersion 8 passed to 5.14 on a DB6 PO -> code 1."""
    standard_world(world, dirsync_done=True, start=False)
    args = "/NPO1 /PSECRET /D\\\\POSRV\\CCDATA /DIRECTORY"
    assert _export(world, args)[0] == 0
    assert _export(world, args, DBVersion="6")[0] == 0
    code, output = _export(world, args, DBVersion="8")
    assert code == 1
    assert "DB8 selected" in output


def _corrupt_site(world: World) -> tuple[StandardWorld, int]:
    site = standard_world(world, dirsync_done=True, start=False)
    from harness.causes.corrupt_message import strip_contents

    po = site.postoffice
    queue = po.find("EX1")
    assert queue is not None
    message = Message("Doe, J at PO1", datetime(1998, 6, 1, 9, 0), ("X at EX1",), "s", "b")
    (number,) = po.deliver(queue, [message])
    strip_contents(po, queue, number)
    return site, number


def test_export_takes_a_corrupt_message_alone_and_keeps_it_queued(world: World) -> None:
    """KB Q212759: the same message goes to Bad at every poll; mail behind it waits."""
    site, number = _corrupt_site(world)
    send_to_exchange(world, 2)
    site.service.start()
    world.clock.advance(46)
    assert len(world.eventlog.events(54)) == 4
    bad = site.service.store.names(Folder.BAD)
    assert len(bad) == 4
    queue = site.postoffice.find("EX1")
    assert site.postoffice.refs(queue)[0].number == number
    assert len(site.postoffice.refs(queue)) == 3


def test_msg_listing_names_the_corrupt_message_and_delete_removes_it(world: World) -> None:
    site, number = _corrupt_site(world)
    switches = "/NEX1 /PSECRET /D\\\\POSRV\\CCDATA"
    code, listing = _export(world, f"{switches} /MSG#")
    assert code == 0
    assert f"Message #: {number}\r\n*** Message cannot be read ***" in listing
    assert _export(world, f"{switches} /DELETE/{number}")[0] == 0
    assert site.postoffice.refs(site.postoffice.find("EX1")) == []


def test_rename_keeps_password_language_and_db(world: World) -> None:
    site = standard_world(world, db=8, start=False)
    po: Postoffice = site.postoffice
    po.rename("ZÜRICH")
    identity = po.identity()
    assert identity.name == "ZÜRICH"
    assert identity.password_matches("secret")
    assert identity.db_version == 8
    assert identity.language == "US English"


def test_a_damaged_import_folder_stops_dirsync_silently(world: World) -> None:
    """KB Q202178: no events, no thread-restart storm; the service keeps running."""
    site = standard_world(world, dirsync_done=True)
    folder = site.service.store.path(Folder.IMPORT)
    folder.rmdir()
    folder.write_bytes(b"")
    mark = len(world.eventlog)
    world.clock.advance(20 * 60)
    ids = {r.event_id for r in world.eventlog.since(mark)}
    assert not ids & {85, 86, 14005, 14031}
    assert site.service.running


# -- fixes ---------------------------------------------------------------------------------------


def _broken(tmp_path: Path, fault: str, extra: str = "", minutes: int = 15) -> Site:
    site = _site(tmp_path, extra)
    _apply(site, fault)
    site.service.start()
    for _ in range(3):
        site.send("to-exchange", 1)
        site.send("to-ccmail", 1)
        site.world.clock.advance(60)
    site.world.clock.advance(minutes * 60 - 180)
    return site


def _fix(site: Site, name: str, minutes: int = 30) -> set[int]:
    FIXES.lookup(name).function(site, None)
    mark = len(site.world.eventlog)
    site.world.clock.advance(minutes * 60)
    return {r.event_id for r in site.world.eventlog.since(mark)}


def test_reopen_renames_ccpodown_and_releases_only_the_other_holder(tmp_path: Path) -> None:
    site = _site(tmp_path)
    _apply(site, "shut-down-postoffice", how="ccpodown")
    _apply(site, "shut-down-postoffice", how="locked", holder="ADMIN")
    site.service.start()
    site.world.clock.advance(60)
    assert site.world.eventlog.events(71)
    FIXES.lookup("reopen-postoffice").function(site, None)
    names = {p.name for p in site.po_path.iterdir()}
    assert "CCPODOWN" not in names
    assert "CCPODOWN.OLD" in names
    assert site.world.locks.holders(site.po_path) == {"MSExchangeCCMC": False}


def test_programs_on_path_copies_the_programs_found_on_disk(tmp_path: Path) -> None:
    site = _broken(tmp_path, "programs-off-path", minutes=4)
    assert not site.service.running
    after = _fix(site, "programs-on-path", minutes=5)
    assert 43 not in after
    assert site.service.running
    copied = site.world.path("C:\\WINNT\\SYSTEM32\\EXPORT.EXE").read_text(encoding="cp850")
    assert copied.startswith("EXPORT 5.14 ")


def test_move_und_files_parks_them_and_delivery_resumes(tmp_path: Path) -> None:
    site = _broken(tmp_path, "leave-und-file")
    assert len(site.exchange.mts_out) == 3
    _fix(site, "move-und-files")
    assert site.world.path("C:\\CCMCOLD\\Import-msg0A11.und").is_file()
    assert site.exchange.mts_out == []
    assert check(site.world, postoffice=site.po_path).ok


def test_rebuild_puts_the_submit_files_back_and_they_are_delivered(tmp_path: Path) -> None:
    site = _broken(tmp_path, "damage-import-folder")
    store = site.service.store
    waiting = [n for n in store.names(Folder.SUBMIT) if n.endswith(".ccm")]
    assert waiting
    _fix(site, "rebuild-ccmcdata")
    assert store.path(Folder.IMPORT).is_dir()
    assert [n for n in store.names(Folder.SUBMIT) if n.endswith(".ccm")] == []
    report = check(site.world, postoffice=site.po_path)
    assert report.ok
    assert not [i for i, p in report.places.items() if any(x.startswith("store:") for x in p)]


def test_delete_corrupt_message_deletes_only_that_message(tmp_path: Path) -> None:
    site = _broken(tmp_path, "corrupt-queued-message", "world: {exchange: {service_pack: 3}}\n")
    po = Postoffice(site.po_path)
    queue = po.find(site.site)
    assert queue is not None
    assert len(po.refs(queue)) == 4
    bad_before = site.service.store.names(Folder.BAD)
    after = _fix(site, "delete-corrupt-message")
    assert 54 not in after
    assert po.refs(queue) == []
    assert site.service.store.names(Folder.BAD) == bad_before
    assert check(site.world, postoffice=site.po_path).ok


def test_header_limit_fix_needs_sp4_and_db8(tmp_path: Path) -> None:
    fix = FIXES.lookup("raise-header-limit").function
    with pytest.raises(ValueError, match="SP4"):
        fix(_site(tmp_path / "sp2"), None)
    with pytest.raises(ValueError, match="DB8"):
        fix(_site(tmp_path / "db6", "world: {exchange: {service_pack: 4}}\n"), None)


def test_after_the_header_fix_a_large_list_message_is_delivered(tmp_path: Path) -> None:
    """§8 row 14 "How to verify the fix": the large-DL message is delivered."""
    extra = "world:\n  postoffice: {db: 8}\n  exchange: {service_pack: 4}\n"
    site = _broken(tmp_path, "large-recipient-list", extra)
    assert site.world.eventlog.events(63)
    _fix(site, "raise-header-limit", minutes=1)
    mark = len(site.world.eventlog)
    _apply(site, "large-recipient-list", recipients=160)
    site.world.clock.advance(120)
    assert 63 not in {r.event_id for r in site.world.eventlog.since(mark)}
    report = check(site.world, postoffice=site.po_path)
    newest = sorted(report.places)[-1]
    assert len(report.places[newest]) == 160
    assert all(p.startswith("po:") for p in report.places[newest])


def test_32bit_tools_repair_the_85_post_office_and_leave_it_sound(tmp_path: Path) -> None:
    site = _broken(tmp_path, "upgrade-to-ccmail85", "world:\n  postoffice: {db: 8}\n")
    assert site.world.eventlog.events(70)
    after = _fix(site, "use-32bit-tools")
    assert not after & {70, 59, 68}
    assert site.exchange.registry["Export"] == "EXPORT32.EXE"
    tools = site.world.path("C:\\CCMAIL\\ADTOOLS")
    names = {p.name for p in tools.iterdir()}
    # the Win32 tools need their DLLs and Impexp.ri, not IE.RI (KB Q248195)
    assert {"CDMW800.DLL", "CFW803.DLL", "CIW803.DLL", "IMPEXP.RI"} <= names
    assert "IE.RI" not in names
    from harness.admin import admin_switches, run_as_admin

    assert run_as_admin(site, "ANALYZE", f"{admin_switches(site)} /BATCH").code == 0
