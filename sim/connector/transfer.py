"""Converting between ``.ccm`` files and Exchange messages, both ways (no scheduling here).

Source: ccmail-reference.md §4.5 (inbound: file -> MAPI message in MTS-IN;
conversion failure -> ``Bad`` + event 54, KB Q202240, Q212759; outbound:
MTS-OUT -> ``.ccm`` in ``Submit``; ``.und`` -> NDR from "cc:Mail Connector
Interchange", subject "Undeliverable: <subject>", original body kept), §2.3
(Date lines in the connector's format, KB Q180641; "Use ANR" writes the bare
name, KB Q184052; the 4 KB header limit, "Header Buffer Full", KB Q166499, is
IMPORT's: the connector passes "Max Address Buffer Size" on, KB Q266711),
§4.7 ("Locale Date Format": 0 = the PO language; 1 US, 2 European,
3 Japanese; set to 1 once after an "Unknown Date Format" NDR).

Modelled, not documented:

* the ``.und`` layout is the IMPORT program's (``sim.programs.import_``): a
  ``Reason:`` line before each refused message, written with /ITEMSIZE;
* NDR reasons for the size limit and delivery restrictions.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, replace

from sim.exchange import ExchangeServer, Mailbox
from sim.message import DateStyle, Message, body_as_file, iter_messages

__all__ = [
    "LARGE_BODY_NAME",
    "UNKNOWN_DATE",
    "Undeliverable",
    "ccm_date_style",
    "inbound",
    "outbound",
    "parse_und",
    "sender_address",
]

UNKNOWN_DATE = "Unknown Date Format"
_LOCALE_STYLES = {1: DateStyle.US, 2: DateStyle.EUROPEAN, 3: DateStyle.JAPANESE}


def ccm_date_style(locale_date_format: int, po_language_style: DateStyle) -> DateStyle:
    """The date order the connector writes (registry "Locale Date Format", KB Q180641)."""
    return _LOCALE_STYLES.get(locale_date_format, po_language_style)


def sender_address(exchange: ExchangeServer, sender: str) -> str:
    """The ``From:`` of an outbound message: a mailbox's CCMAIL proxy, else ``<name> at <site>``."""
    if sender.startswith("CCMAIL:"):
        return sender[len("CCMAIL:") :]
    box = exchange.mailboxes.get(sender.removeprefix("EX:").casefold())
    if box is not None:
        return exchange.ccmail_address(box)
    return f"{sender.removeprefix('EX:')} at {exchange.site_address}"


def _recipient(address: str, use_anr: bool) -> str:
    target = address.removeprefix("CCMAIL:")
    if use_anr:
        name, sep, _ = target.rpartition(" at ")
        return name if sep else target
    return target


#: the attachment a large body becomes from 5.5 SP2 (KB Q190555)
LARGE_BODY_NAME = "Unnamed.txt"


def outbound(exchange: ExchangeServer, message: Message, *, use_anr: bool) -> Message:
    """An MTS-OUT message as the cc:Mail message the connector writes to ``Submit``.

    From 5.5 SP2 a body over 20 KB goes into a File item ``Unnamed.txt`` (KB
    Q190555); earlier builds hand it to IMPORT as it is (:func:`body_as_file`).
    """
    converted = replace(
        message,
        sender=sender_address(exchange, message.sender),
        to=tuple(_recipient(r, use_anr) for r in message.to),
        cc=tuple(_recipient(r, use_anr) for r in message.cc),
    )
    if exchange.at_least("5.5", 2):
        return body_as_file(converted, LARGE_BODY_NAME)
    return converted


def _exchange_recipient(exchange: ExchangeServer, address: str) -> str:
    box: Mailbox | None = exchange.mailbox_for_ccmail(address)
    return f"EX:{box.alias}" if box is not None else f"CCMAIL:{address}"


def inbound(exchange: ExchangeServer, message: Message) -> Message:
    """A message exported from cc:Mail as the MAPI message put into MTS-IN."""
    return replace(
        message,
        sender=f"CCMAIL:{message.sender}",
        to=tuple(_exchange_recipient(exchange, r) for r in message.to),
        cc=tuple(_exchange_recipient(exchange, r) for r in message.cc),
    )


def as_exchange_original(exchange: ExchangeServer, message: Message) -> Message:
    """A message IMPORT refused, addressed the Exchange way again (for its NDR)."""
    box = exchange.mailbox_for_ccmail(message.sender)
    sender = f"EX:{box.alias}" if box is not None else message.sender
    to = tuple(f"CCMAIL:{r}" for r in message.to)
    cc = tuple(f"CCMAIL:{r}" for r in message.cc)
    return replace(message, sender=sender, to=to, cc=cc)


@dataclass(frozen=True, slots=True)
class Undeliverable:
    """One message of a ``.und`` file with the reason IMPORT gave."""

    reason: str
    message: Message


def _blocks(text: str) -> Iterator[tuple[str, str]] | None:
    """(reason, message text) pairs: ``Reason: <text>``, then ``Message:``, size, bytes."""
    stream = io.StringIO(text, newline="")
    pairs: list[tuple[str, str]] = []
    while True:
        line = stream.readline()
        if not line:
            return iter(pairs)
        if not line.strip():
            continue
        reason = line.rstrip("\r\n").removeprefix("Reason:").strip()
        head, size = stream.readline(), stream.readline()
        if head.rstrip("\r\n") != "Message:" or not size.strip().isdigit():
            return None
        body = stream.read(int(size))
        pairs.append((reason, head + size + body))


def _parse_any_date(text: str) -> Message | None:
    for style in (DateStyle.US, DateStyle.EUROPEAN, DateStyle.JAPANESE):
        stream = io.StringIO(text, newline="")
        try:
            found = list(iter_messages(stream, itemsize=True, date_style=style))
        except ValueError:
            continue
        if found:
            return found[0]
    return None


def parse_und(text: str) -> list[Undeliverable] | None:
    """The messages of a ``.und`` file; None when one of them cannot be read."""
    result: list[Undeliverable] = []
    blocks = _blocks(text)
    if blocks is None:
        return None
    for reason, block in blocks:
        message = _parse_any_date(block)
        if message is None:
            return None
        result.append(Undeliverable(reason or "Undeliverable message", message))
    return result
