"""The Microsoft Exchange Server the connector runs on: registry, PATH, directory, queues.

Source: ccmail-reference.md §4.1 (service, private-store queues ``MTS-IN`` /
``MTS-OUT``, ``CONFIG_GATEWAY_DN``), §4.2 (programs on the *system* PATH,
NT Regional Settings), §4.3 (Address Space: without ``CCMAIL *`` the MTA logs
MSExchangeMTA 142 and NDRs, KB Q186235, Q170535, Q201058), §4.5 (NDRs from
"cc:Mail Connector Interchange", subject "Undeliverable: <subject>", original
body kept), §4.7 (registry values and defaults).

Addresses inside Exchange are typed strings: ``EX:<alias>`` for a mailbox or
custom recipient of this site, ``CCMAIL:<Name at PO>`` for a cc:Mail address
(one-off or a custom recipient's target). Any other sender (e.g. ``System
Attendant``) is a system sender.

Modelled, not documented:

* the CCMAIL proxy of a mailbox is ``Last, First at <site address>`` from the
  display name "First Last" (the cc:Mail naming convention of §1.4);
* routing changes (the connector's address space) take effect at once, as
  if routing were recalculated;
* an NDR that cannot reach its own recipient is delivered to the
  administrator's mailbox instead of being dropped (nothing is ever lost);
* the NDR body wording (a real Exchange 5.5 NDR has a similar shape);
* the MTS-ID in MSExchangeMTA 142 (text and type: ``sim.connector.events``);
* the private store is kept in memory and saved to one JSON file (``sim.exchange_file``).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from sim.access import Account
from sim.connector import events
from sim.errors import SimError
from sim.message import DateStyle, Message

if TYPE_CHECKING:
    from sim.world import World

__all__ = [
    "CONNECTOR_SENDER",
    "DEFAULT_DISK_FREE",
    "DEFAULT_PATH",
    "LATEST_50_SERVICE_PACK",
    "MTA_SOURCE",
    "AddressSpace",
    "CustomRecipient",
    "ExchangeError",
    "ExchangeServer",
    "Mailbox",
    "default_registry",
    "proxy_name",
]

#: the last service pack of Exchange 5.0: the "latest U.S. Service Pack" that KB Q176375
#: and Q178758 name as the fix (modelled: the articles give no number; SP2 was the last)
LATEST_50_SERVICE_PACK = 2
#: the free bytes of the drive holding Exchsrvr on a new server (modelled: 2 GB)
DEFAULT_DISK_FREE = 2 * 1024**3

#: The NDR sender for messages cc:Mail refused (§4.5, KB Q223772).
CONNECTOR_SENDER = "cc:Mail Connector Interchange"
SYSTEM_SENDER = "System Attendant"
MTA_SOURCE = events.MTA
#: Microsoft recommends Winnt\System32 for IMPORT/EXPORT (§4.2).
DEFAULT_PATH = ("C:\\WINNT\\SYSTEM32", "C:\\WINNT")


class ExchangeError(SimError, ValueError):
    """Misuse of the Exchange server API (duplicate alias, unreadable store file)."""


def default_registry(install_path: str) -> dict[str, int | str]:
    """The Parameters values of §4.7 with their documented defaults.

    Modelled: "Max Address Buffer Size" 0 stands for "value absent" (the 4 KB
    header limit of KB Q166499); the dirsync rules use the documented defaults
    "First Last" and first name + first letter of last name (KB Q183058).
    """
    return {
        "Connector Store Path": install_path.rstrip("\\") + "\\CCMCDATA",
        "Second to wait before EXPORT": 15,
        "Second to wait before IMPORT": 15,
        "Maximum number of messages to EXPORT": 16,
        "Maximum number of messages to IMPORT": 5,
        "Save a copy of the Exported files": 0,
        "Save a copy of the Imported files": 0,
        "Locale Date Format": 0,
        "Use ANR": 0,
        "Max Address Buffer Size": 0,
        "Import": "IMPORT.EXE",
        "Export": "EXPORT.EXE",
        "cc:Mail Admin file path": "",
        "Dir Synch display name rule": "%F %L",
        "Dir Synch alias name rule": "%F%1L",
        "Dirsync Comment Rule": "",
    }


def proxy_name(display_name: str) -> str:
    """ "First Last" -> "Last, First" (a one-word name stays as it is)."""
    first, _, last = display_name.strip().rpartition(" ")
    return f"{last}, {first}" if first else last


@dataclass(frozen=True, slots=True)
class AddressSpace:
    """One row of the Address Space tab: type, address, cost (§4.3)."""

    type: str = "CCMAIL"
    address: str = "*"
    cost: int = 1

    def matches(self, address_type: str, address: str) -> bool:
        if self.type.casefold() != address_type.casefold():
            return False
        pattern = self.address.strip() or "*"
        return fnmatch.fnmatchcase(address.casefold(), pattern.casefold())


@dataclass(slots=True)
class Mailbox:
    """An Exchange mailbox; ``items`` is its Inbox."""

    alias: str
    display_name: str
    container: str = "Recipients"
    trust_level: int = 0
    items: list[Message] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class CustomRecipient:
    """A custom recipient, e.g. a cc:Mail user created by dirsync (``address`` = CCMAIL target)."""

    alias: str
    display_name: str
    address: str
    container: str
    notes: str = ""


def _check_version(version: str, service_pack: int) -> None:
    if version not in ("5.0", "5.5") or not 0 <= service_pack <= 4:
        raise ExchangeError(f"Exchange {version} SP{service_pack} is not modelled (5.0/5.5, SP0-4)")


class ExchangeServer:
    """One Exchange 5.0/5.5 server of one site, with its private store (in memory)."""

    def __init__(self, world: World) -> None:
        """The server a new :class:`~sim.world.World` holds: :meth:`install`'s defaults."""
        self.world = world
        self.install()

    def install(
        self,
        *,
        name: str = "EXSRV1",
        org: str = "CORP",
        site: str = "EX1",
        install_path: str = "C:\\EXCHSRVR",
        version: str = "5.5",
        service_pack: int = 4,
        service_account: Account | None = None,
        date_style: DateStyle = DateStyle.US,
        system_path: Sequence[str] = DEFAULT_PATH,
        disk_free: int = DEFAULT_DISK_FREE,
    ) -> None:
        """Exchange Setup on this machine: a fresh server with these names, an empty store
        and directory but the Administrator's mailbox, the registry at its defaults."""
        _check_version(version, service_pack)
        self.name = name
        self.org = org
        self.site = site
        #: the CCMAIL site address: the name of the site's P entry in cc:Mail (§4.6)
        self.site_address = site
        self.install_path = install_path
        self.version = version
        self.service_pack = service_pack
        self.service_account = service_account
        #: NT Regional Settings short-date order (§4.2, KB Q180641)
        self.date_style = date_style
        self.system_path: list[str] = list(system_path)
        #: free bytes of the drive holding Exchsrvr, before the store and Ccmcdata
        #: (``sim.connector.diskspace``, KB Q178758)
        self.disk_free = disk_free
        self.registry = default_registry(install_path)
        self.administrator = "Administrator"
        self.containers: set[str] = {"Recipients"}
        self.mailboxes: dict[str, Mailbox] = {}
        self.custom_recipients: dict[str, CustomRecipient] = {}
        #: the connector's address spaces, as published in the directory (§4.3)
        self.ccmail_routes: tuple[AddressSpace, ...] = ()
        self.mts_in: list[Message] = []
        self.mts_out: list[Message] = []
        self.add_mailbox("Administrator", "Administrator")

    # -- identity -----------------------------------------------------------------------

    @property
    def gateway_dn(self) -> str:
        """``CONFIG_GATEWAY_DN`` of the connector's debug output (§4.1, KB Q294947)."""
        return (
            f"/o={self.org}/ou={self.site}/cn=Configuration/cn=Connections"
            f"/cn=cc:Mail Connector ({self.name})"
        )

    def at_least(self, version: str, service_pack: int) -> bool:
        """Is this server at ``version`` with at least ``service_pack``?"""
        return (self.version, self.service_pack) >= (version, service_pack)

    # -- directory ----------------------------------------------------------------------

    def add_mailbox(
        self, alias: str, display_name: str, *, container: str = "Recipients", trust_level: int = 0
    ) -> Mailbox:
        key = alias.casefold()
        if key in self.mailboxes or key in self.custom_recipients:
            raise ExchangeError(f"alias {alias!r} already exists")
        self.containers.add(container)
        box = Mailbox(alias, display_name, container, trust_level)
        self.mailboxes[key] = box
        return box

    def ccmail_address(self, box: Mailbox) -> str:
        """The mailbox's CCMAIL proxy, ``Last, First at <site address>``."""
        return f"{proxy_name(box.display_name)} at {self.site_address}"

    def mailbox_for_ccmail(self, address: str) -> Mailbox | None:
        """The mailbox whose CCMAIL proxy is ``address`` (or its name part, under ANR)."""
        name, _, po = address.strip().rpartition(" at ")
        if not name:
            name, po = address.strip(), self.site_address
        if po.casefold() != self.site_address.casefold():
            return None
        key = name.casefold()
        for box in self.mailboxes.values():
            if proxy_name(box.display_name).casefold() == key:
                return box
        return None

    def set_custom_recipient(self, recipient: CustomRecipient) -> None:
        if recipient.alias.casefold() in self.mailboxes:
            raise ExchangeError(f"alias {recipient.alias!r} is a mailbox")
        self.containers.add(recipient.container)
        self.custom_recipients[recipient.alias.casefold()] = recipient

    def remove_custom_recipient(self, alias: str) -> None:
        self.custom_recipients.pop(alias.casefold(), None)

    def ccmail_target(self, recipient: str) -> str | None:
        """The cc:Mail address a recipient routes to, or None if it stays in Exchange."""
        if recipient.startswith("CCMAIL:"):
            return recipient[len("CCMAIL:") :]
        alias = recipient.removeprefix("EX:")
        cr = self.custom_recipients.get(alias.casefold())
        return cr.address if cr is not None else None

    # -- transport ----------------------------------------------------------------------

    def submit(self, message: Message) -> None:
        """An Exchange client sends: the MTA delivers locally or routes to MTS-OUT (§4.5)."""
        local: list[str] = []
        outbound: list[str] = []
        failed: list[str] = []
        for recipient in message.recipients:
            target = self.ccmail_target(recipient)
            if target is not None:
                (outbound if self._routable(target) else failed).append(f"CCMAIL:{target}")
            elif recipient.removeprefix("EX:").casefold() in self.mailboxes:
                local.append(recipient)
            else:
                failed.append(recipient)
        for recipient in local:
            self.mailboxes[recipient.removeprefix("EX:").casefold()].items.append(message)
        if outbound:
            self.mts_out.append(replace(message, to=tuple(outbound), cc=()))
        for recipient in failed:
            if recipient.startswith("CCMAIL:"):
                self._log_no_route(recipient, message)
        if failed:
            reason = "The recipient name is not recognized"
            self.return_ndr(message, failed, reason, sender=SYSTEM_SENDER)

    def _routable(self, ccmail_address: str) -> bool:
        return any(s.matches("CCMAIL", ccmail_address) for s in self.ccmail_routes)

    def _log_no_route(self, recipient: str, message: Message) -> None:
        """The MTA cannot route a cc:Mail recipient: MSExchangeMTA 142 or 290.

        KB Q186235: with the Address Space tab empty (as the connector installs)
        the MTA logs 142 "unable to route". KB Q170535: event 290 (NDR,
        unrecognized-OR-name) when the address space "has not been defined or
        has been defined incorrectly". Modelled, not documented: which of the
        two is logged (142 for an empty tab, 290 when entries exist and none
        covers the recipient); the MTS-ID built from the org, the server and
        the message ident; the recipient's DN under ``cn=Recipients``.
        """
        mts_id = f"c=US;a= ;p={self.org};l={self.name}-{message.ident or 'none'}"
        log = self.world.eventlog
        if not self.ccmail_routes:
            events.log(log, 142, recipient, mts_id, "1", computer=self.name, levels={})
            return
        name = recipient.removeprefix("CCMAIL:").partition(" at ")[0]
        alias = "".join(ch for ch in name if ch.isalnum())
        dn = f"/o={self.org}/ou={self.site}/cn=Recipients/cn={alias}"
        events.log(log, 290, mts_id, dn, "1", "", computer=self.name, levels={})

    def deliver_mts_in(self) -> int:
        """The MTA empties MTS-IN into mailboxes; unknown recipients get an NDR. Returns copies."""
        delivered = 0
        pending, self.mts_in = self.mts_in, []
        for message in pending:
            failed = []
            for recipient in message.recipients:
                box = self.mailboxes.get(recipient.removeprefix("EX:").casefold())
                if box is None or not recipient.startswith("EX:"):
                    failed.append(recipient)
                else:
                    box.items.append(message)
                    delivered += 1
            if failed:
                reason = "The recipient name is not recognized"
                self.return_ndr(message, failed, reason, sender=SYSTEM_SENDER)
        return delivered

    def return_ndr(
        self, original: Message, recipients: Iterable[str], reason: str, *, sender: str
    ) -> Message:
        """Send "Undeliverable: <subject>" back to the sender, original body and ident kept."""
        failed = "\n".join(f"  {r.removeprefix('EX:').removeprefix('CCMAIL:')}" for r in recipients)
        text = (
            "Your message did not reach some or all of the intended recipients.\n\n"
            f"   Subject: {original.subject}\n\n"
            f"The following recipient(s) could not be reached:\n\n{failed}\n    {reason}\n\n"
            f"{original.body}"
        )
        ndr = Message(
            sender=sender,
            date=self.world.clock.datetime,
            to=(original.sender,),
            subject=f"Undeliverable: {original.subject}",
            body=text,
            ident=original.ident,
        )
        self._deliver_ndr(ndr)
        return ndr

    def _deliver_ndr(self, ndr: Message) -> None:
        (to,) = ndr.to
        box = (
            None
            if to.startswith("CCMAIL:")
            else self.mailboxes.get(to.removeprefix("EX:").casefold())
        )
        target = None if box is not None else self.ccmail_target(to)
        if box is not None:
            box.items.append(ndr)
        elif target is not None and self._routable(target):
            self.mts_out.append(ndr)
        else:
            admin = self.mailboxes[self.administrator.casefold()]
            admin.items.append(replace(ndr, to=(f"EX:{admin.alias}",)))
