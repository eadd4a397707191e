"""The usual site, laid out in a World: the one place that knows the standard layout.

Source: ccmail-reference.md §4.2 (licensed DOS IMPORT/EXPORT, with ``IE.RI`` for
6.0+, on the system PATH, ``Winnt\\System32`` recommended; Exchange in a short
path without spaces), §4.3 (Post Office tab with a UNC path, the Import/Export
version choice per DB version, Address Space ``CCMAIL *`` which the real
product leaves empty), §6 (service-account rights; NetWare with GSNW and a
NetWare account of the same name and password holding Read, File Scan, Modify
and Create), §2.1 (DB6 with Export 5.14 / Import 5.15, DB8 with 6.0 and
``IE.RI``), §4.5-§4.6 (mail for Exchange waits in the site's ``P`` entry,
which the first dirsync creates, KB Q166045).

The standard site: a post office server ``POSRV`` sharing ``CCDATA`` (Change
for the service account) with a populated post office; Exchange server
``EXSRV1`` (site ``EX1``) with a few mailboxes; the connector configured
correctly, export container "Recipients", dirsync Always, Diagnostics Logging
at Maximum so the informational events (67, 58, 11001, 14001, 14031) show.

Traffic (modelled, not documented): :func:`send_to_exchange` queues mail from
cc:Mail users to Exchange users in the site's ``P`` entry, which is only
possible once dirsync has created that entry and the Exchange users' entries;
before that a cc:Mail user has no Exchange address to pick, so nothing is
queued and the call returns no identities. :func:`send_to_ccmail` has an
Exchange user send to a cc:Mail user's CCMAIL address (a one-off address works
before dirsync too); without the address space the MTA returns an NDR.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sim.access import Account, NetWareServer, Rights, Share, SharePermission
from sim.connector.events import LoggingLevel
from sim.connector.service import ConnectorService
from sim.connector.settings import (
    DiagnosticsLogging,
    DirsyncSchedule,
    ExportContainers,
    IEVersion,
    PostOfficeSettings,
    Settings,
)
from sim.errors import PostofficeError, SimError
from sim.eventlog import EventLog
from sim.exchange import AddressSpace, ExchangeServer
from sim.message import Message
from sim.postoffice.layout import IE_RI, DirectoryEntry, Location
from sim.postoffice.populate import populate
from sim.postoffice.postoffice import Postoffice
from sim.programs.runner import install_program

if TYPE_CHECKING:
    from sim.world import World

__all__ = [
    "PROGRAM_DIR",
    "SERVICE_ACCOUNT",
    "Site",
    "add_exchange_users",
    "install_programs",
    "place_postoffice",
    "send_to_ccmail",
    "send_to_exchange",
    "standard_settings",
    "standard_world",
]

SERVICE_ACCOUNT = "EXSVC"
PROGRAM_DIR = "C:\\WINNT\\SYSTEM32"
#: DB version -> (EXPORT version, IMPORT version) (§2.1, KB Q168465)
PROGRAM_VERSIONS = {6: ("5.14", "5.15"), 8: ("6.0", "6.0")}
_IE_CHOICE = {6: IEVersion.DB6, 8: IEVersion.DB8}


@dataclass(slots=True)
class Site:
    """What :func:`standard_world` built, and what the people on site know about it.

    The world owns the Exchange server and the connector (``exchange``, ``service``);
    the post office's location is stored once (``po_unc``). ``po_name``,
    ``po_password`` and ``site`` are the names the cc:Mail administrator uses and
    the Exchange site's name, as the set-up made them; a fault that renames the
    post office changes ``po_name`` with it.
    """

    world: World
    postoffice: Postoffice
    #: the Post Office tab path, e.g. ``\\\\POSRV\\CCDATA`` or ``\\\\NW1\\SYS\\CCDATA``
    po_unc: str
    account: Account
    #: the events of the set-up dirsync (``dirsync_done``), kept out of the world's log
    setup_log: EventLog
    #: the name and password the cc:Mail administrator uses (ADMIN)
    po_name: str
    po_password: str
    #: the Exchange site (the name of its P entry in cc:Mail)
    site: str

    @property
    def exchange(self) -> ExchangeServer:
        return self.world.exchange

    @property
    def service(self) -> ConnectorService:
        return self.world.connector

    @property
    def po_path(self) -> Path:
        return self.world.path(self.po_unc)

    def send(self, direction: str, n: int = 1) -> list[str]:
        """Mail written by users: ``to-exchange`` (cc:Mail users) or ``to-ccmail``."""
        send = send_to_exchange if direction == "to-exchange" else send_to_ccmail
        return send(self.world, n, postoffice=Postoffice(self.po_path))


def install_programs(world: World, db: int, directory: str = PROGRAM_DIR) -> None:
    """The matching EXPORT.EXE / IMPORT.EXE (and IE.RI for 6.0+) in ``directory``."""
    export_version, import_version = PROGRAM_VERSIONS[db]
    install_program(world, directory, "EXPORT.EXE", export_version)
    install_program(world, directory, "IMPORT.EXE", import_version)
    if db == 8:
        (world.path(directory) / IE_RI).write_bytes(b"cc:Mail Import/Export resources 6.0\r\n")


def place_postoffice(world: World, account: Account, netware: bool) -> tuple[Path, str]:
    """The PO directory on an NT share or a NetWare volume, with the service account's rights.

    Returns the directory (not created) and its Post Office tab path."""
    if not netware:
        path = world.root / "POSRV" / "CCDATA"
        share = Share("POSRV", "CCDATA", path)
        world.access.add_share(share)
        world.access.grant(account.name, share, SharePermission.CHANGE)
        return path, "\\\\POSRV\\CCDATA"
    volume = world.root / "NW1" / "SYS"
    server = world.access.add_netware(NetWareServer("NW1", volumes={"SYS": volume}))
    server.users[account.name.casefold()] = account.password
    server.trustees[(account.name.casefold(), "sys", "ccdata")] = Rights.all()
    world.access.gsnw_installed = True
    return volume / "CCDATA", "\\\\NW1\\SYS\\CCDATA"


def add_exchange_users(exchange: ExchangeServer, world: World, count: int) -> None:
    """``count`` mailboxes "First Last" with alias first name + initial (seeded Faker names)."""
    taken = {b.display_name.casefold() for b in exchange.mailboxes.values()}
    while count > 0:
        first, last = world.faker.first_name(), world.faker.last_name()
        display = f"{first} {last}"
        alias = f"{first}{last[:1]}"
        if display.casefold() in taken or alias.casefold() in exchange.mailboxes:
            continue
        taken.add(display.casefold())
        exchange.add_mailbox(alias, display)
        count -= 1


def standard_world(
    world: World,
    *,
    po_name: str = "PO1",
    po_password: str = "SECRET",
    db: int = 6,
    users: int = 8,
    messages: int = 10,
    exchange_users: int = 4,
    server: str = "EXSRV1",
    site: str = "EX1",
    install_path: str = "C:\\EXCHSRVR",
    version: str = "5.5",
    service_pack: int = 4,
    dirsync_done: bool = False,
    netware: bool = False,
    logging: LoggingLevel = LoggingLevel.MAXIMUM,
    start: bool = True,
) -> Site:
    """Lay out the standard site in ``world`` (module docstring); start the service if asked."""
    if db not in PROGRAM_VERSIONS:
        raise SimError(f"DB version must be 6 or 8, not {db}")
    account = world.access.add_account(SERVICE_ACCOUNT, "Exch4nge")
    path, unc = place_postoffice(world, account, netware)
    po = Postoffice.create(path, name=po_name, password=po_password, db_version=db)
    populate(
        po, world.faker, world.rng, users=users, messages=messages, lists=1, bulletin_boards=1,
        new_ident=lambda sender, subject: world.new_ident("ccmail", sender, subject),
        now=world.clock.datetime,
    )  # fmt: skip
    exchange = world.exchange
    exchange.install(
        name=server, site=site, install_path=install_path, version=version,
        service_pack=service_pack, service_account=account,
    )  # fmt: skip
    add_exchange_users(exchange, world, exchange_users)
    install_programs(world, db)
    service = world.connector
    service.install(standard_settings(po_name, po_password, unc, db=db, logging=logging))
    setup_log = EventLog(world.clock)
    if dirsync_done and not service.dirsync_now(eventlog=setup_log):
        done = "; ".join(r.description for r in setup_log.records)
        raise SimError(f"the set-up dirsync did not complete: {done}")
    if start:
        service.start()
    return Site(world, po, unc, account, setup_log, po_name, po_password, site)


def standard_settings(
    po_name: str, po_password: str, unc: str, *, db: int = 6, logging: LoggingLevel
) -> Settings:
    """Property pages set up correctly: version choice for the DB, ``CCMAIL *``, dirsync Always."""
    return Settings(
        PostOfficeSettings(po_name, po_password, unc, version=_IE_CHOICE.get(db, IEVersion.DB6)),
        dirsync=DirsyncSchedule(),
        export_containers=ExportContainers(("Recipients",)),
        address_spaces=(AddressSpace("CCMAIL", "*", 1),),
        logging=DiagnosticsLogging.all_at(logging),
    )


def _postoffice(
    world: World, postoffice: Postoffice | None
) -> tuple[Postoffice, ExchangeServer, str]:
    """The post office users write in: ``postoffice``, else the connector's configured one."""
    if postoffice is not None:
        return postoffice, world.exchange, postoffice.identity().name
    host = world.connector.po_host()
    if host is None or not host.is_dir():
        raise SimError(
            "the connector's post office is not there: lay out a site with standard_world()"
        )
    return Postoffice(host), world.exchange, world.connector.settings.post_office.name


def _directory(po: Postoffice) -> list[DirectoryEntry]:
    """The directory users address mail from; empty when CLANDATA cannot be read.

    Modelled, not documented: with the directory damaged, no cc:Mail user can address
    mail and none reaches a cc:Mail mailbox, so nothing is sent; the connector's own
    runs then show the damage (ANALYZE, EXPORT's "Post office damaged", event 70).
    """
    try:
        return po.entries()
    except PostofficeError:
        raise  # no post office there at all: the caller's business, as before
    except (ValueError, struct.error):  # a record that does not decode
        return []


def send_to_exchange(
    world: World, n: int = 1, *, postoffice: Postoffice | None = None
) -> list[str]:
    """``n`` messages from cc:Mail users to Exchange users, queued in the site's ``P`` entry.

    Returns their identities; empty when dirsync has not created the entries yet.
    ``postoffice`` is where the users are (default: the connector's configured path,
    which a wrong Post Office page can make the wrong place).
    """
    po, exchange, po_name = _postoffice(world, postoffice)
    entries = _directory(po)
    site = exchange.site_address.casefold()
    queue = next((e for e in entries if e.name.casefold() == site and e.mailbox), None)
    people = [e.name for e in entries if e.location is Location.LOCAL]
    remote = [
        e.name
        for e in entries
        if e.location is Location.REMOTE and e.post_office.casefold() == site
    ]
    if queue is None or not people or not remote:
        return []
    batch = []
    for _ in range(n):
        sender = f"{world.rng.choice(people)} at {po_name}"
        subject = world.faker.catch_phrase()
        ident = world.new_ident("ccmail", sender, subject)
        to = f"{world.rng.choice(remote)} at {exchange.site_address}"
        body = world.faker.paragraph(nb_sentences=2)
        batch.append(Message(sender, world.clock.datetime, (to,), subject, body, ident=ident))
    po.deliver(queue, batch)
    return [m.ident for m in batch if m.ident is not None]


def send_to_ccmail(world: World, n: int = 1, *, postoffice: Postoffice | None = None) -> list[str]:
    """``n`` messages from Exchange users to cc:Mail users; returns their identities."""
    po, exchange, po_name = _postoffice(world, postoffice)
    people = [e.name for e in _directory(po) if e.location is Location.LOCAL]
    senders = sorted(b.alias for b in exchange.mailboxes.values())
    if not people:
        return []
    idents = []
    for _ in range(n):
        alias = world.rng.choice(senders)
        subject = world.faker.catch_phrase()
        ident = world.new_ident("exchange", f"EX:{alias}", subject)
        to = f"CCMAIL:{world.rng.choice(people)} at {po_name}"
        body = world.faker.paragraph(nb_sentences=2)
        exchange.submit(
            Message(f"EX:{alias}", world.clock.datetime, (to,), subject, body, ident=ident)
        )
        idents.append(ident)
    return idents
