"""The connector's free-disk-space check, and the Exchange 5.0 bug in it (event 98).

Source: KB Q178758 ("XCON: CCMC Stops Randomly with Out of Disk Space Error",
Exchange Server 5.0). SYMPTOMS: the connector logs event 98 "Insufficient Disk
Space" although more than 4 GB is free; restarting it does not help; deleting
the contents of ``Exchsrvr\\Ccmcdata\\Export`` sometimes lets it restart. CAUSE:
"the algorithm in the connector incorrectly calculates disk free space".
STATUS: corrected in the latest U.S. service pack for Exchange 5.0.

Modelled, not documented (the article gives no figures and no algorithm):

* the connector checks the free space of the drive that holds its store at
  start and before it converts each file EXPORT wrote, and wants at least
  :data:`RESERVE` bytes; on too little it logs 98 and the service stops, the
  file left in ``Export`` (its messages already out of the post office), so a
  start ends at once with 98 again;
* Exchange 5.0 before :data:`~sim.exchange.LATEST_50_SERVICE_PACK` counts the
  free bytes in 32 bits (modulo 4 GB). A drive with a little more than a
  multiple of 4 GB free then reads as nearly full: this reconciles the
  article's SYMPTOMS ("more than 4 GB of free space") with its CAUSE
  ("incorrectly calculates disk free space"). Later builds and 5.5 count it
  whole and never raise the false alarm;
* the drive's free space is :attr:`ExchangeServer.disk_free
  <sim.exchange.ExchangeServer.disk_free>` less what the simulation itself
  keeps on it: the files in the connector's store (``Ccmcdata``) and the items
  of the private store's mailboxes. So the alarm comes "randomly", when
  delivered mail brings the true figure down to just above 4 GB, and deleting
  the files in ``Export`` raises it again, sometimes by enough (their messages
  are then gone: the article's workaround deletes mail).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.connector.store import Folder
from sim.exchange import LATEST_50_SERVICE_PACK
from sim.message.model import text_size

if TYPE_CHECKING:
    from sim.connector.service import ConnectorService

__all__ = [
    "DWORD",
    "EVENT",
    "RESERVE",
    "enough_space",
    "free_bytes",
    "miscounts",
    "reported_free",
]

#: the free space the connector wants before it converts mail (modelled: 10 MB)
RESERVE = 10 * 1024 * 1024
#: what a 32-bit count of bytes holds
DWORD = 2**32
#: Insufficient Disk Space (KB Q178758)
EVENT = 98


def _store_bytes(service: ConnectorService) -> int:
    total = 0
    for folder in Folder:
        directory = service.store.path(folder)
        try:
            entries = list(directory.iterdir())
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_file():
                    total += entry.stat().st_size
            except OSError:
                continue
    return total


def _mailbox_bytes(service: ConnectorService) -> int:
    total = 0
    for box in service.exchange.mailboxes.values():
        for message in box.items:
            total += text_size(message.body)
            total += sum(text_size(text) for _, _, text in message.items)
    return total


def free_bytes(service: ConnectorService) -> int:
    """The drive's true free space: the server's figure less what the simulation keeps on it."""
    used = _store_bytes(service) + _mailbox_bytes(service)
    return max(service.exchange.disk_free - used, 0)


def miscounts(service: ConnectorService) -> bool:
    """Exchange 5.0 before its last service pack counts free bytes in 32 bits (Q178758)."""
    exchange = service.exchange
    return exchange.version == "5.0" and exchange.service_pack < LATEST_50_SERVICE_PACK


def reported_free(service: ConnectorService) -> int:
    """The free space as the connector computes it (modulo 4 GB on the faulty build)."""
    free = free_bytes(service)
    return free % DWORD if miscounts(service) else free


def enough_space(service: ConnectorService) -> bool:
    """The check before a start and an inbound run: on too little, event 98 and a stop.

    Only the faulty build is checked against the figure it computes: on later
    builds the simulated drive never runs short (the simulation does not model
    a full disk), so they skip the count altogether.
    """
    if not miscounts(service) or reported_free(service) >= RESERVE:
        return True
    service.log(EVENT)
    service.stop()
    return False
