"""Rules for §8 rows 6-20: silent on a healthy world, modest on events alone, and a world
broken by hand reads like the one broken by the named fault."""

from __future__ import annotations

import dataclasses
import zlib
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from harness.build import Site, build_site
from harness.causes import CAUSES
from harness.collect import collect
from harness.diagnosis import diagnose
from harness.evidence import Evidence
from harness.loader import load_text
from harness.registry import FAULTS, RULES
from sim.connector.settings import ExportContainers
from sim.connector.setup import send_to_ccmail, send_to_exchange
from sim.connector.store import Folder, Store
from sim.eventlog import EventRecord, EventType
from sim.message import Message
from sim.postoffice import records as rf
from sim.postoffice.layout import MLANDATA, T_MESSAGE, Location
from sim.postoffice.postoffice import Postoffice
from sim.programs.runner import install_program

BASE = "id: t\ntitle: t\ncause: healthy\n"
#: §8 rows 6-20 (the causes this catalogue adds)
CATALOGUE = [c.id for c in CAUSES.values() if c.number >= 6]

#: the world each cause needs, as scenario YAML under ``world:``
WORLDS = {
    "ie-resource-missing": "world:\n  postoffice: {db: 8}\n",
    "ccmail85-16bit-tools": "world:\n  postoffice: {db: 8}\n",
    "corrupt-message": "world:\n  exchange: {service_pack: 3}\n",
    "nt-service-pack-missing": (
        "world:\n  postoffice:\n    host: {kind: netware, access: netware-account}\n"
    ),
    "header-too-large": (
        "world:\n  postoffice: {db: 8, users: 170}\n  exchange: {service_pack: 4}\n"
    ),
}


#: every Diagnostics Logging category at Maximum (the informational events show)
MAXIMUM = (
    "world:\n  connector:\n    logging: "
    "{general: maximum, inbound: maximum, outbound: maximum, dir_synch: maximum}\n"
)


def site_for(tmp_path: Path, cause: str = "", extra: str = "") -> Site:
    text = BASE + (extra or WORLDS.get(cause, ""))
    return build_site(load_text(text, name="t.scenario.yaml"), seed=5, root=tmp_path)


def settle(site: Site, minutes: int = 15) -> Evidence:
    """Start the connector, send mail both ways for a while, collect what support sees."""
    site.service.start()
    for _ in range(3):
        send_to_exchange(site.world, 1)
        send_to_ccmail(site.world, 1)
        site.world.clock.advance(60)
    site.world.clock.advance(minutes * 60 - 180)
    return collect(site)


def causes(evidence: Evidence) -> list[str]:
    return [f.cause for f in diagnose(evidence)]


# -- negative: a healthy world gives no finding --------------------------------------------------


@pytest.fixture(scope="module")
def healthy(tmp_path_factory: pytest.TempPathFactory) -> Evidence:
    return settle(site_for(tmp_path_factory.mktemp("healthy"), extra=MAXIMUM))


@pytest.mark.parametrize("cause", CATALOGUE)
def test_rule_is_silent_on_a_healthy_world(healthy: Evidence, cause: str) -> None:
    """Full evidence of a healthy site: the rule finds nothing."""
    assert healthy.ccmc(67)
    assert RULES.lookup(cause).function(healthy) is None


@pytest.mark.parametrize("cause", CATALOGUE)
def test_rule_is_silent_on_a_healthy_event_log(healthy: Evidence, cause: str) -> None:
    """The same site's Application log alone: still nothing."""
    assert RULES.lookup(cause).function(Evidence(events=healthy.events)) is None


# -- event-only: a modest finding with the check that tells ---------------------------------------


def _record(n: int, event_id: int, seconds: int, text: str = "", source: str = "") -> EventRecord:
    when = datetime(1998, 6, 2, 8, 0) + timedelta(seconds=seconds)
    return EventRecord(
        n,
        when,
        source or "MSExchangeCCMC",
        EventType.ERROR,
        "General",
        event_id,
        "N/A",
        "EXSRV1",
        text or f"event {event_id}",
    )


def _log(*items: tuple[int, str] | int, every: int = 15, source: str = "") -> Evidence:
    records = []
    for i, item in enumerate(items, 1):
        event_id, text = item if isinstance(item, tuple) else (item, "")
        records.append(_record(i, event_id, i * every, text, source))
    return Evidence(events=tuple(records))


_CCMC = "MSExchangeCCMC"
EVENT_ONLY: dict[str, Evidence] = {
    "po-shut-down": _log(
        *[(71, "returned result code 4. Post office is temporarily shut down.")] * 4
    ),
    "ie-version-mismatch": _log((68, "EXPORT to file CCMDIR.EXP returned result code 1.")),
    "ie-resource-missing": _log(
        (
            65,
            "EXPORT to file msg423B.ccm failed to run. R0002 Resource file not found: "
            "C:\\WINNT\\SYSTEM32\\IE.RI.",
        )
    ),
    "ie-not-on-path": _log(43, 86, 86, 86, 85, every=1),
    "und-files-left": _log(*[(59, "IMPORT from file *.ccm returned result code 1.")] * 3),
    "import-folder-damaged": _log(11001, 11001, 67, 67, every=60),
    "corrupt-message": _log(54, 54, 54, 54),
    "date-format-mismatch": _log(63),
    "header-too-large": _log(63),
    "address-space-missing": _log(142, 142, source="MSExchangeMTA"),
    "dirsync-comment-missing": _log(14001, 14013, 14018, 14031),
    "export-container-deleted": _log(14001, (14015, "return ds_name_error, error 4693728")),
    "po-name-extended-chars": _log(
        14001, (14005, "The post office name ZÜRICH contains extended characters.")
    ),
    "ccmail85-16bit-tools": _log(67, 67, 70, 70, 70),
    "nt-service-pack-missing": _log(70, 61, 70),
}


@pytest.mark.parametrize("cause", CATALOGUE)
def test_events_alone_name_the_cause_modestly_with_the_check(cause: str) -> None:
    """The event-only branch: a modest score and §8's "how a support engineer confirms it"."""
    found = RULES.lookup(cause).function(EVENT_ONLY[cause])
    assert found is not None
    assert found.cause == cause
    assert 0.2 <= found.score < 0.9
    assert found.confirm == CAUSES[cause].confirm
    assert found.evidence


def test_event_63_alone_names_both_ndr_causes_date_first() -> None:
    """IMPORT code 5 is any refused message: rows 13 and 14, the NDR text tells them apart."""
    found = [f.cause for f in diagnose(_log(63, 63))]
    assert found[:2] == ["date-format-mismatch", "header-too-large"]


def test_an_ndr_reason_confirms_which_63_it_is() -> None:
    events = _log(63).events
    dates = Evidence(events=events, ndr_reasons=(("*** Unknown Date Format *** 6/2/98", 3),))
    header = Evidence(events=events, ndr_reasons=(("Header Buffer Full", 1),))
    assert causes(header)[0] == "header-too-large"
    assert RULES.lookup("header-too-large").function(dates) is None
    assert RULES.lookup("date-format-mismatch").function(header) is None


def test_54_every_poll_scores_above_a_single_54() -> None:
    rule = RULES.lookup("corrupt-message").function
    repeated, once = rule(_log(54, 54, 54, 54)), rule(_log(54))
    assert repeated is not None
    assert once is not None
    assert repeated.score > once.score


def test_67_then_70_is_not_read_as_a_first_dirsync_by_the_8_5_rule() -> None:
    """70 before the first 14031 then 67 is row 5's pattern, not row 19's."""
    rule = RULES.lookup("ccmail85-16bit-tools").function
    assert rule(_log(70, 70, 14031, 67)) is None
    assert rule(_log(70, 70, 70)) is None


# -- hand-broken equivalence ---------------------------------------------------------------------


def _ccpodown(site: Site) -> None:
    (site.po_path / "CCPODOWN").write_bytes(b"Upgrade to 8.0\r\n")


def _tools_60(site: Site) -> None:
    for name in ("EXPORT.EXE", "IMPORT.EXE"):
        install_program(site.world, "C:\\WINNT\\SYSTEM32", name, "6.0")
    site.world.path("C:\\WINNT\\SYSTEM32\\IE.RI").write_bytes(b"IE.RI\r\n")


def _no_ie_ri(site: Site) -> None:
    site.world.path("C:\\WINNT\\SYSTEM32\\IE.RI").unlink()


def _path_without_system32(site: Site) -> None:
    site.exchange.system_path = ["C:\\WINNT"]


def _store(site: Site) -> Store:
    site.service.prepare()
    store: Store = site.service.store
    return store


def _und(site: Site) -> None:
    _store(site).path(Folder.IMPORT, "msg00FF.und").write_bytes(b"Reason: old\r\n")


def _import_as_file(site: Site) -> None:
    folder = _store(site).path(Folder.IMPORT)
    folder.rmdir()
    folder.write_bytes(b"\x00" * 16)


def _corrupt_queued(site: Site) -> None:
    po = Postoffice(site.po_path)
    queue = po.find(site.site)
    assert queue is not None
    when = site.world.clock.datetime
    (number,) = po.deliver(queue, [Message("Doe, J at PO1", when, ("X at HQ",), "s", "b")])
    ref = next(r for r in po.refs(queue) if r.number == number)
    data = bytearray((po.path / MLANDATA).read_bytes())
    size = rf.RECORD.unpack_from(data, ref.offset)[0]
    start = ref.offset + rf.RECORD_SIZE
    payload = bytes(data[start : start + size]).replace(b"Contents:", b"Cxxxxxxx:")
    data[ref.offset : start + size] = (
        rf.RECORD.pack(size, rf.LIVE, T_MESSAGE, zlib.crc32(payload)) + payload
    )
    (po.path / MLANDATA).write_bytes(bytes(data))


def _japanese_ccm_dates(site: Site) -> None:
    site.exchange.registry["Locale Date Format"] = 3  # YY/M/D; NT reads M/D/YY


def _big_distribution(site: Site) -> None:
    po = Postoffice(site.po_path)
    po.add_entries([(f"User{i:03d}, Test", Location.LOCAL, "", "") for i in range(170)])
    to = tuple(f"CCMAIL:User{i:03d}, Test at PO1" for i in range(170))
    ident = site.world.new_ident("exchange", "EX:Administrator", "all")
    when = site.world.clock.datetime
    site.exchange.submit(Message("EX:Administrator", when, to, "all", "x", ident=ident))


def _no_address_space(site: Site) -> None:
    site.service.configure(dataclasses.replace(site.service.settings, address_spaces=()))


def _comment(site: Site) -> None:
    Postoffice(site.po_path).update_entry(site.site, comments="Exchange HQ connector")


def _old_container(site: Site) -> None:
    settings = site.service.settings
    containers = ExportContainers(("Recipients", "Old Sales"))
    site.service.configure(dataclasses.replace(settings, export_containers=containers))


def _munich(site: Site) -> None:
    Postoffice(site.po_path).rename("MÜNCHEN")
    settings = site.service.settings
    post_office = dataclasses.replace(settings.post_office, name="MÜNCHEN")
    site.service.configure(dataclasses.replace(settings, post_office=post_office))
    site.po_name = "MÜNCHEN"


def _release_85(site: Site) -> None:
    (site.po_path / "CCVER.TB").write_bytes(b"DB8\r\n8.5\r\n")


def _lsa2(site: Site) -> None:
    site.world.access.nt_service_pack = 3
    site.world.access.lsa2_hotfix = True


BY_HAND: dict[str, Callable[[Site], None]] = {
    "po-shut-down": _ccpodown,
    "ie-version-mismatch": _tools_60,
    "ie-resource-missing": _no_ie_ri,
    "ie-not-on-path": _path_without_system32,
    "und-files-left": _und,
    "import-folder-damaged": _import_as_file,
    "corrupt-message": _corrupt_queued,
    "date-format-mismatch": _japanese_ccm_dates,
    "header-too-large": _big_distribution,
    "address-space-missing": _no_address_space,
    "dirsync-comment-missing": _comment,
    "export-container-deleted": _old_container,
    "po-name-extended-chars": _munich,
    "ccmail85-16bit-tools": _release_85,
    "nt-service-pack-missing": _lsa2,
}
#: the named fault (and its parameters) for each cause
FAULT_FOR: dict[str, tuple[str, dict[str, object]]] = {
    "po-shut-down": ("shut-down-postoffice", {}),
    "ie-version-mismatch": ("wrong-ie-version", {"what": "programs"}),
    "ie-resource-missing": ("remove-ie-ri", {}),
    "ie-not-on-path": ("programs-off-path", {}),
    "und-files-left": ("leave-und-file", {}),
    "import-folder-damaged": ("damage-import-folder", {}),
    "corrupt-message": ("corrupt-queued-message", {}),
    "date-format-mismatch": ("nt-locale-mismatch", {"locale": "JP"}),
    "header-too-large": ("large-recipient-list", {}),
    "address-space-missing": ("remove-address-space", {}),
    "dirsync-comment-missing": ("edit-site-comment", {}),
    "export-container-deleted": ("stale-export-container", {}),
    "po-name-extended-chars": ("extended-po-name", {}),
    "ccmail85-16bit-tools": ("upgrade-to-ccmail85", {}),
    "nt-service-pack-missing": ("nt4-sp3-lsa2", {}),
}


def _apply_fault(site: Site, cause: str) -> None:
    name, values = FAULT_FOR[cause]
    spec = FAULTS.lookup(name)
    params = spec.params.model_validate(values) if spec.params is not None else None
    spec.function(site, params)


@pytest.mark.parametrize("cause", sorted(BY_HAND))
def test_hand_broken_world_reads_like_the_named_fault(tmp_path: Path, cause: str) -> None:
    """The diagnosis depends on the world only: a hand-made break gets the fault's top finding."""
    faulted = site_for(tmp_path / "fault", cause)
    _apply_fault(faulted, cause)
    by_hand = site_for(tmp_path / "hand", cause)
    BY_HAND[cause](by_hand)
    from_fault = diagnose(settle(faulted))
    from_hand = diagnose(settle(by_hand))
    assert from_fault[0].cause == from_hand[0].cause == cause
    assert from_fault[0].score >= 0.9
    assert from_fault[0].fix_name == from_hand[0].fix_name


def test_every_catalogue_cause_has_a_rule_a_fault_and_a_hand_made_break() -> None:
    assert set(CATALOGUE) <= set(RULES.names())
    assert set(BY_HAND) == set(FAULT_FOR) == set(CATALOGUE) == set(EVENT_ONLY)
