"""KB Q176375: an illegal section name; 82/83 and 86 up to 25, then 85.

The variant of §8 row 12 (corrupt-message) that only Exchange 5.0 before its service pack
meets: its fault, the finding the cause's rule takes from it, and its fix.
"""

from __future__ import annotations

from harness.build import Site
from harness.causes._shared import STORE, apply_exchange_50_sp, finding, quotes
from harness.causes.corrupt_message._shared import (
    CorruptParams,
    rewrite_payload,
    site_queue,
)
from harness.diagnosis import Finding
from harness.evidence import Evidence
from harness.registry import fault, fix
from sim.connector.flow import SECTION_FIX_SP
from sim.message import Message
from sim.postoffice.layout import DirectoryEntry
from sim.postoffice.postoffice import Postoffice

__all__ = ["add_section_name", "section_crash"]


# -- KB Q176375: an illegal section name, 82/83 and 86 up to 25, then 85 ---------------------------


def _illegal_section(payload: bytes) -> bytes:
    """The first line of the first text item becomes a section heading no CCMC 5.0 before its
    service pack handles (``Memo item:``, the length kept). Modelled: the damage of Q176375."""
    start = payload.index(b"\r\nText item:") + 2
    start = payload.index(b"\r\n", start) + 2  # the item size
    start = payload.index(b"\r\n", start) + 2  # the text
    end = payload.index(b"\r\n", start)
    heading = b"Memo item:"
    if end - start < len(heading):
        raise ValueError("the message text is too short to hold a section name")
    return payload[:start] + heading.ljust(end - start) + payload[end:]


def add_section_name(po: Postoffice, entry: DirectoryEntry, number: int) -> None:
    """Damage one stored message's text so it holds an illegal section name (KB Q176375).
    EXPORT writes it like any other message."""
    rewrite_payload(po, entry, number, _illegal_section)


@fault(
    "illegal-section-name",
    summary="a message queued for Exchange holds an illegal section name (Exchange 5.0)",
    article="Q176375",
    params=CorruptParams,
)
def illegal_section_name(site: Site, params: CorruptParams | None) -> None:
    """EXPORT writes it like any other message; the CCMC 5.0 conversion throws (Q176375)."""
    po, queue, sender, to = site_queue(site)
    subject = (params or CorruptParams()).subject
    body = "The figures for the quarter are below."
    message = Message(sender, site.world.clock.datetime, (to,), subject, body)
    (number,) = po.deliver(queue, [message])
    add_section_name(po, queue, number)


def section_crash(ev: Evidence) -> Finding | None:
    """83 "caught in function dwCCExport" with 86 restarts or 85, a ``.ccm`` waiting in
    ``Export``; confirmed on Exchange 5.0 before its service pack (KB Q176375)."""
    caught = [e for e in ev.ccmc(83) if "dwCCExport" in e.description]
    ended = ev.ccmc(85) or ev.ccmc(86)
    waiting = [n for n in ev.folder("Export") or () if n.casefold().endswith(".ccm")]
    if not caught or not ended or not waiting:
        return None
    said = [*quotes(ev.ccmc(82))[:1], *quotes(caught), *quotes(ended)[-1:]]
    said.append(f"{STORE}\\Export holds {waiting[0]}")
    ex = ev.exchange
    if ex is None:
        return finding("corrupt-message", 0.6, said, confirmed=False, fix="install-exchange-50-sp")
    if not (ex.version.startswith("5.0") and ex.service_pack < SECTION_FIX_SP):
        return None
    said.append(f"Exchange {ex.version} SP{ex.service_pack}: before the fix of Q176375")
    return finding("corrupt-message", 0.9, said, confirmed=True, fix="install-exchange-50-sp")


@fix(
    "install-exchange-50-sp",
    cures="corrupt-message",
    summary="install the latest Exchange 5.0 service pack (SP2), then start the service; "
    "the file left in Ccmcdata\\Export converts",
    article="Q176375",
)
def install_exchange_50_sp(site: Site, params: None) -> None:
    """KB Q176375 STATUS: corrected in the latest U.S. service pack for Exchange 5.0."""
    apply_exchange_50_sp(site)
