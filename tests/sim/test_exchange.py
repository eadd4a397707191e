"""The Exchange side: registry defaults, routing, MTS queues, NDRs, the JSON store (§4.1-§4.7)."""

from datetime import datetime

import pytest

from sim.exchange import (
    CONNECTOR_SENDER,
    MTA_SOURCE,
    AddressSpace,
    ExchangeError,
    ExchangeServer,
    proxy_name,
)
from sim.exchange_file import load_exchange, save_exchange
from sim.message import DateStyle, Message
from sim.world import World

WHEN = datetime(1998, 6, 2, 9, 0)


def _server(world: World) -> ExchangeServer:
    exchange = world.exchange
    exchange.add_mailbox("jdoe", "John Doe")
    return exchange


def _mail(sender: str, *to: str, subject: str = "Budget", ident: str = "X-1") -> Message:
    return Message(sender, WHEN, tuple(to), subject, "the body", ident=ident)


def test_registry_defaults_are_the_documented_ones(real_world: World) -> None:
    """§4.7: 15/15 s waits, 16/5 maxima, store under the install path, date format 0."""
    real_world.exchange.install(install_path="D:\\EXCHSRVR")
    reg = real_world.exchange.registry
    assert reg["Connector Store Path"] == "D:\\EXCHSRVR\\CCMCDATA"
    assert reg["Second to wait before EXPORT"] == 15
    assert reg["Second to wait before IMPORT"] == 15
    assert reg["Maximum number of messages to EXPORT"] == 16
    assert reg["Maximum number of messages to IMPORT"] == 5
    assert reg["Locale Date Format"] == 0
    assert reg["Use ANR"] == 0
    assert "Max Address Buffer Size" in reg


def test_the_world_holds_its_server_and_setup_makes_a_fresh_one(real_world: World) -> None:
    """The world owns one Exchange server; Setup again gives fresh names, store and mailboxes."""
    exchange = real_world.exchange
    assert (exchange.name, exchange.site, list(exchange.mailboxes)) == (
        "EXSRV1",
        "EX1",
        ["administrator"],
    )
    exchange.add_mailbox("jdoe", "John Doe")
    exchange.submit(_mail("EX:Administrator", "EX:jdoe"))
    exchange.install(name="EXSRV9", org="ACME", site="HQ")
    assert real_world.exchange is exchange
    assert list(exchange.mailboxes) == ["administrator"]
    assert exchange.mts_out == []
    assert exchange.mts_in == []
    assert exchange.gateway_dn == (
        "/o=ACME/ou=HQ/cn=Configuration/cn=Connections/cn=cc:Mail Connector (EXSRV9)"
    )


@pytest.mark.parametrize(("version", "sp"), [("4.0", 0), ("5.5", 5), ("5.0", -1)])
def test_unmodelled_versions_are_refused(real_world: World, version: str, sp: int) -> None:
    with pytest.raises(ExchangeError, match="not modelled"):
        real_world.exchange.install(version=version, service_pack=sp)


def test_service_pack_comparison(real_world: World) -> None:
    exchange = real_world.exchange
    exchange.install(version="5.5", service_pack=2)
    assert exchange.at_least("5.5", 1)
    assert not exchange.at_least("5.5", 3)
    assert exchange.at_least("5.0", 4)


def test_proxy_names_follow_the_last_first_convention(real_world: World) -> None:
    """§1.4: "Last, First"; the CCMAIL proxy names the site address."""
    assert proxy_name("John Doe") == "Doe, John"
    assert proxy_name("Mary Ann Smith") == "Smith, Mary Ann"
    assert proxy_name("Administrator") == "Administrator"
    exchange = _server(real_world)
    assert exchange.ccmail_address(exchange.mailboxes["jdoe"]) == "Doe, John at EX1"
    assert exchange.mailbox_for_ccmail("doe, john at ex1") is exchange.mailboxes["jdoe"]
    assert exchange.mailbox_for_ccmail("Doe, John") is exchange.mailboxes["jdoe"]  # ANR
    assert exchange.mailbox_for_ccmail("Doe, John at PO1") is None


def test_duplicate_alias_is_refused(real_world: World) -> None:
    exchange = _server(real_world)
    with pytest.raises(ExchangeError, match="already exists"):
        exchange.add_mailbox("JDOE", "Jane Doe")


def test_local_mail_is_delivered_to_the_mailbox(real_world: World) -> None:
    exchange = _server(real_world)
    exchange.submit(_mail("EX:Administrator", "EX:jdoe"))
    assert [m.ident for m in exchange.mailboxes["jdoe"].items] == ["X-1"]
    assert exchange.mts_out == []


def test_ccmail_mail_goes_to_mts_out_through_the_address_space(real_world: World) -> None:
    exchange = _server(real_world)
    exchange.ccmail_routes = (AddressSpace("CCMAIL", "*", 1),)
    exchange.submit(_mail("EX:jdoe", "CCMAIL:Smith, Fred at PO1", "EX:Administrator"))
    (queued,) = exchange.mts_out
    assert queued.to == ("CCMAIL:Smith, Fred at PO1",)
    assert queued.ident == "X-1"
    assert [m.ident for m in exchange.mailboxes["administrator"].items] == ["X-1"]
    assert real_world.eventlog.records == []


def test_without_address_space_the_mta_logs_142_and_returns_an_ndr(real_world: World) -> None:
    """§4.3, KB Q186235: the Address Space tab is empty by default -> MTA 142 and an NDR."""
    exchange = _server(real_world)
    exchange.submit(_mail("EX:jdoe", "CCMAIL:Smith, Fred at PO1", subject="Plans"))
    assert exchange.mts_out == []
    (event,) = real_world.eventlog.records
    assert (event.source, event.event_id) == (MTA_SOURCE, 142)
    assert "CCMAIL:Smith, Fred at PO1" in event.description
    assert "[MTA DISP:ROUTER 10 119]" in event.description
    (ndr,) = exchange.mailboxes["jdoe"].items
    assert ndr.subject == "Undeliverable: Plans"
    assert ndr.ident == "X-1"
    assert "the body" in ndr.body


def test_address_space_patterns_restrict_routing(real_world: World) -> None:
    exchange = _server(real_world)
    exchange.ccmail_routes = (AddressSpace("CCMAIL", "* at PO1", 1),)
    exchange.submit(_mail("EX:jdoe", "CCMAIL:Smith, Fred at PO1", ident="A"))
    exchange.submit(_mail("EX:jdoe", "CCMAIL:Smith, Fred at PO2", ident="B"))
    assert [m.ident for m in exchange.mts_out] == ["A"]
    assert [m.ident for m in exchange.mailboxes["jdoe"].items] == ["B"]


def test_mts_in_delivers_and_returns_unknown_recipients_to_ccmail(real_world: World) -> None:
    """Inbound mail for an unknown Exchange user goes back to the cc:Mail sender as an NDR."""
    exchange = _server(real_world)
    exchange.ccmail_routes = (AddressSpace(),)
    exchange.mts_in.append(_mail("CCMAIL:Smith, Fred at PO1", "EX:jdoe", "CCMAIL:Nobody at EX1"))
    assert exchange.deliver_mts_in() == 1
    assert exchange.mts_in == []
    assert [m.ident for m in exchange.mailboxes["jdoe"].items] == ["X-1"]
    (ndr,) = exchange.mts_out
    assert ndr.to == ("CCMAIL:Smith, Fred at PO1",)
    assert ndr.subject == "Undeliverable: Budget"
    assert "Nobody at EX1" in ndr.body


def test_an_ndr_that_cannot_be_delivered_goes_to_the_administrator(real_world: World) -> None:
    """Nothing is lost: an NDR with no route lands in the administrator's mailbox."""
    exchange = _server(real_world)
    original = _mail("CCMAIL:Smith, Fred at PO1", "EX:jdoe", ident="C-9")
    ndr = exchange.return_ndr(original, ["EX:jdoe"], "gone", sender=CONNECTOR_SENDER)
    assert ndr.sender == CONNECTOR_SENDER
    (kept,) = exchange.mailboxes["administrator"].items
    assert kept.ident == "C-9"
    assert kept.subject == "Undeliverable: Budget"


def test_custom_recipients_route_to_their_ccmail_address(real_world: World) -> None:
    from sim.exchange import CustomRecipient

    exchange = _server(real_world)
    exchange.ccmail_routes = (AddressSpace(),)
    exchange.set_custom_recipient(
        CustomRecipient("FredS", "Fred Smith", "Smith, Fred at PO1", "cc:Mail Recipients")
    )
    exchange.submit(_mail("EX:jdoe", "EX:FredS"))
    assert exchange.mts_out[0].to == ("CCMAIL:Smith, Fred at PO1",)
    with pytest.raises(ExchangeError, match="is a mailbox"):
        exchange.set_custom_recipient(CustomRecipient("jdoe", "x", "y at PO1", "c"))


def test_save_and_load_round_trip(world: World) -> None:
    """The private store's stand-in: one JSON file, same content after load."""
    exchange = _server(world)
    exchange.ccmail_routes = (AddressSpace(),)
    exchange.submit(_mail("EX:jdoe", "CCMAIL:Smith, Fred at PO1", ident="A"))
    exchange.submit(_mail("EX:Administrator", "EX:jdoe", ident="B"))
    exchange.registry["Locale Date Format"] = 2
    exchange.date_style = DateStyle.EUROPEAN
    path = world.root / "exchange.json"
    world.root.mkdir(parents=True, exist_ok=True)
    save_exchange(exchange, path)
    other = ExchangeServer(world)
    load_exchange(other, path)
    assert other.mts_out == exchange.mts_out
    assert other.mailboxes["jdoe"].items == exchange.mailboxes["jdoe"].items
    assert other.registry["Locale Date Format"] == 2
    assert other.date_style is DateStyle.EUROPEAN
    assert path.read_bytes() == (save_exchange(other, path) or path.read_bytes())


def test_loading_a_bad_file_is_a_clear_error(world: World) -> None:
    world.root.mkdir(parents=True, exist_ok=True)
    path = world.root / "exchange.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ExchangeError, match="cannot load the Exchange store"):
        load_exchange(ExchangeServer(world), path)
