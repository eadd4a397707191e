"""§8 row 14, header-too-large: Header larger than 4 KB.

Source: ccmail-reference.md §8 row 14 and Q166499, Q266711. This module is the cause's
one home: its §8 row (``CAUSE``), the faults that reproduce it, the rule that diagnoses
it from evidence only, and its fix.

A fault changes world state only (STYLE.md §8). Row 14's state is a message: an
Exchange user writes to more cc:Mail users than the 4 KB address block holds;
the message is tracked like any other mail and must end delivered or returned.
"""

from __future__ import annotations

import re

from pydantic import Field

from harness.build import Site
from harness.causes import Cause
from harness.causes._shared import finding, ie_ri_bytes, importer_of, ndrs_saying, quotes
from harness.diagnosis import Finding
from harness.evidence import Evidence
from harness.params import Params
from harness.registry import fault, fix, rule
from sim.message import Message
from sim.postoffice.layout import IE_RI, Location
from sim.postoffice.postoffice import Postoffice
from sim.programs.runner import find_program, install_program

__all__ = ["CAUSE"]

CAUSE = Cause(
    14,
    "header-too-large",
    title="Header larger than 4 KB",
    articles=("Q166499", "Q266711"),
    symptoms='NDR containing "Header Buffer Full" for large recipient lists',
    confirm="Count recipients / header size vs I/E version",
    fix='Fewer recipients; I/E 8.2x + "Max Address Buffer Size" (5.5 SP4)',
    verify="Large-DL message delivered",
)


# -- faults: the world broken as a person or a crash would -----------------------------------------


class RecipientsParams(Params):
    recipients: int = Field(160, ge=2, le=2000, description="cc:Mail users on the To: lines.")


def _local_users(site: Site, count: int) -> list[str]:
    """``count`` local users, adding Faker-named ones when the post office has fewer."""
    po = Postoffice(site.po_path)
    entries = po.entries()
    names = [e.name for e in entries if e.location is Location.LOCAL]
    taken = {e.name.casefold() for e in entries}
    new: list[tuple[str, Location, str, str]] = []
    while len(names) + len(new) < count:
        name = f"{site.world.faker.last_name()}, {site.world.faker.first_name()}"
        if name.casefold() not in taken:
            taken.add(name.casefold())
            new.append((name, Location.LOCAL, "", ""))
    if new:
        po.add_entries(new)
        names += [n for n, *_ in new]
    return names[:count]


@fault(
    "large-recipient-list",
    summary="an Exchange user writes to more cc:Mail users than the 4 KB address block holds",
    article="Q166499",
    params=RecipientsParams,
)
def large_recipient_list(site: Site, params: RecipientsParams | None) -> None:
    count = (params or RecipientsParams()).recipients
    users = _local_users(site, count)
    exchange = site.exchange
    sender = sorted(b.alias for b in exchange.mailboxes.values())[-1]
    subject = "To everyone in cc:Mail"
    world = site.world
    ident = world.new_ident("exchange", f"EX:{sender}", subject)
    to = tuple(f"CCMAIL:{u} at {site.po_name}" for u in users)
    exchange.submit(Message(f"EX:{sender}", world.clock.datetime, to, subject, "All.", ident=ident))


# -- diagnosis: from evidence only -----------------------------------------------------------------


#: "Max Address Buffer Size" for I/E 8.2x: 160 KB of addresses (KB Q266711)
MAX_ADDRESS_BUFFER = 0x28000


def _limit_raised(importer: tuple[str, str], buffer: str) -> bool:
    """IMPORT 8.2x or later with "Max Address Buffer Size" at 160 KB or more (KB Q266711)."""
    release = tuple(int(part) for part in re.findall(r"\d+", importer[1])[:2])
    try:
        size = int(buffer, 0)
    except ValueError:
        return False
    return release >= (8, 2) and size >= MAX_ADDRESS_BUFFER


@rule("header-too-large", article="Q166499, Q266711", explains=63)
def header_too_large(ev: Evidence) -> Finding | None:
    """NDRs "Header Buffer Full": more than 4 KB of addresses for Import/Export up to 8.2x."""
    fix = "raise-header-limit"
    refused = ev.ccmc(63)
    if ev.ndr_reasons is not None:
        full = ndrs_saying(ev, "Header Buffer Full")
        if not full:
            return None
        said = [*quotes(refused), *full]
        importer = importer_of(ev)
        if importer is not None and ev.exchange is not None:
            buffer = ev.exchange.registry_value("Max Address Buffer Size") or "0"
            if _limit_raised(importer, buffer):
                return None  # the NDRs predate the raised limit: the cause is gone
            said.append(f"{importer[0]} {importer[1]}, Max Address Buffer Size {buffer}")
        return finding("header-too-large", 0.93, said, confirmed=True, fix=fix)
    if refused:
        return finding("header-too-large", 0.3, quotes(refused), confirmed=False, fix=fix)
    return None


# -- fix -------------------------------------------------------------------------------------------


#: the 160 KB address block of Import/Export 8.2x (KB Q266711)
@fix(
    "raise-header-limit",
    cures="header-too-large",
    summary="install Import/Export 8.2 and set 'Max Address Buffer Size' to 0x28000 "
    "(Exchange 5.5 SP4); restart",
    article="Q266711",
)
def raise_header_limit(site: Site, params: None) -> None:
    if not site.exchange.at_least("5.5", 4):
        raise ValueError("'Max Address Buffer Size' needs Exchange 5.5 SP4 (KB Q266711)")
    if Postoffice(site.po_path).identity().db_version != 8:
        raise ValueError("Import/Export 8.2 open DB8 post offices only: send to fewer recipients")
    service = site.service
    service.stop()
    for key, default in (("Export", "EXPORT.EXE"), ("Import", "IMPORT.EXE")):
        name = str(site.exchange.registry.get(key, default) or default).upper()
        hit = find_program(site.world, name, service.search_path())
        if hit is not None:
            install_program(site.world, hit[0], name, "8.2")
            (hit[1].parent / IE_RI).write_bytes(ie_ri_bytes(site))
    site.exchange.registry["Max Address Buffer Size"] = MAX_ADDRESS_BUFFER
    service.start()
