"""The standard site: layout, rights, programs, settings, traffic helpers."""

import pytest

from sim.access import Rights, SharePermission
from sim.connector.events import LoggingLevel
from sim.connector.settings import IEVersion
from sim.connector.setup import (
    PROGRAM_DIR,
    SERVICE_ACCOUNT,
    send_to_ccmail,
    send_to_exchange,
    standard_world,
)
from sim.errors import SimError
from sim.exchange import AddressSpace
from sim.programs.runner import find_program, program_version
from sim.world import World


def test_nt_layout(world: World) -> None:
    site = standard_world(world, start=False)
    assert site.po_unc == "\\\\POSRV\\CCDATA"
    assert site.postoffice.identity().name == "PO1"
    share = world.access.share("POSRV", "CCDATA")
    assert share is not None
    assert share.permission_for(SERVICE_ACCOUNT) is SharePermission.CHANGE
    check = world.access.check_unc(SERVICE_ACCOUNT, "POSRV", "CCDATA", "")
    assert check.can_write
    assert site.exchange.service_account is site.account
    settings = site.service.settings
    assert settings.address_spaces == (AddressSpace("CCMAIL", "*", 1),)
    assert settings.post_office.version is IEVersion.DB6
    assert settings.export_containers.containers == ("Recipients",)
    assert set(settings.logging.levels.values()) == {LoggingLevel.MAXIMUM}
    assert world.connector is site.service
    assert world.exchange is site.exchange


@pytest.mark.parametrize(("db", "versions"), [(6, ("5.14", "5.15")), (8, ("6.0", "6.0"))])
def test_matching_programs_are_on_the_system_path(real_world: World, db: int, versions) -> None:
    """§2.1: DB6 with Export 5.14 / Import 5.15; DB8 with 6.0 and IE.RI beside them."""
    site = standard_world(real_world, db=db, start=False)
    found = [
        find_program(real_world, n, site.exchange.system_path) for n in ("EXPORT.EXE", "IMPORT.EXE")
    ]
    assert all(f is not None and f[0] == PROGRAM_DIR for f in found)
    assert tuple(program_version(f[1]) for f in found if f) == versions
    assert (real_world.path(PROGRAM_DIR) / "IE.RI").exists() == (db == 8)
    assert site.postoffice.identity().db_version == db


def test_netware_layout(real_world: World) -> None:
    """§6: GSNW and a NetWare account with the same name and password, R/F/M/C rights."""
    site = standard_world(real_world, netware=True, start=False)
    assert site.po_unc == "\\\\NW1\\SYS\\CCDATA"
    assert real_world.access.gsnw_installed
    nw = real_world.access.netware["nw1"]
    assert nw.users[SERVICE_ACCOUNT.casefold()] == site.account.password
    assert nw.rights_of(SERVICE_ACCOUNT, "SYS", "CCDATA") == Rights.all()
    assert real_world.access.check_unc(SERVICE_ACCOUNT, "NW1", "SYS", "CCDATA").can_write


def test_dirsync_done_keeps_its_events_out_of_the_world_log(real_world: World) -> None:
    site = standard_world(real_world, dirsync_done=True, start=False)
    assert real_world.eventlog.records == []
    assert [r.event_id for r in site.setup_log.records][-1] == 14031
    assert site.postoffice.find("EX1") is not None


def test_before_dirsync_nothing_can_be_sent_to_exchange(real_world: World) -> None:
    """No P entry and no Exchange entries yet: a cc:Mail user cannot address Exchange."""
    standard_world(real_world, start=False)
    ledger = len(real_world.ledger)
    assert send_to_exchange(real_world, 3) == []
    assert len(real_world.ledger) == ledger


def test_traffic_helpers_record_and_queue(real_world: World) -> None:
    site = standard_world(real_world, dirsync_done=True, start=False)
    inbound = send_to_exchange(real_world, 4)
    outbound = send_to_ccmail(real_world, 3)
    assert len(inbound) == 4
    assert {real_world.ledger[i].side for i in inbound} == {"ccmail"}
    queued = [s.message.ident for s in site.postoffice.mailbox("EX1")]
    assert queued == inbound
    assert [m.ident for m in site.exchange.mts_out] == outbound
    assert all(m.to[0].endswith(" at PO1") for m in site.exchange.mts_out)


def test_helpers_need_a_connector(real_world: World) -> None:
    with pytest.raises(SimError, match="standard_world"):
        send_to_ccmail(real_world, 1)


def test_bad_db_version_is_refused(real_world: World) -> None:
    with pytest.raises(SimError, match="6 or 8"):
        standard_world(real_world, db=7)
