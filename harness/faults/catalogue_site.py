"""Named faults for §8 rows 13-20: mail, routing, dirsync, the 8.5 release and NT.

Source: ccmail-reference.md §8 rows 13-20 and the KB article each fault names;
§2.3 (dates read in the NT locale's order by Import 5.12-5.15, KB Q180641; the
4 KB address block, KB Q166499), §4.3 (Address Space, Export Containers), §1.4
and §4.6 (the site's P entry and its comment, KB Q167830; extended characters in
the PO name, KB Q197258), §2.1 (16-bit tools corrupt an 8.5 post office, KB
Q248195), §6 (NT4 SP3 with LSA2 and NetWare, KB Q195649).

A fault changes world state only (STYLE.md §8). Row 14's state is a message: an
Exchange user writes to more cc:Mail users than the 4 KB address block holds;
the message is tracked like any other mail and must end delivered or returned.
"""

from __future__ import annotations

import dataclasses
from typing import Literal

from pydantic import Field

from harness.build import Site
from harness.params import Params
from harness.registry import fault
from sim.message import DateStyle, Message
from sim.postoffice.layout import CCVER, Location
from sim.postoffice.postoffice import Postoffice

__all__: list[str] = []

_LOCALES = {"US": DateStyle.US, "EU": DateStyle.EUROPEAN, "JP": DateStyle.JAPANESE}


# -- 13: date format (Q180641) -------------------------------------------------------------------


class LocaleParams(Params):
    locale: Literal["US", "EU", "JP"] = Field(
        "JP", description="NT Regional Settings short-date order: M/D/YY, D/M/YY, YY/M/D."
    )


@fault(
    "nt-locale-mismatch",
    summary="NT Regional Settings use another date order than the post office language",
    article="Q180641",
    params=LocaleParams,
)
def nt_locale_mismatch(site: Site, params: LocaleParams | None) -> None:
    style = _LOCALES[(params or LocaleParams()).locale]
    if style is site.exchange.date_style:
        raise ValueError(f"the NT locale already reads {style.value}: choose another locale")
    site.exchange.date_style = style


# -- 14: a header over 4 KB (Q166499) ------------------------------------------------------------


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


# -- 15: no address space (Q186235) --------------------------------------------------------------


@fault(
    "remove-address-space",
    summary="the connector's Address Space tab is empty (as the product installs it)",
    article="Q186235",
)
def remove_address_space(site: Site, params: None) -> None:
    site.service.configure(dataclasses.replace(site.service.settings, address_spaces=()))


# -- 16: the site's P-entry comment (Q167830) ----------------------------------------------------


class CommentParams(Params):
    comment: str = Field("", max_length=128, description="The comment left (empty: removed).")


@fault(
    "edit-site-comment",
    summary="the cc:Mail administrator removed or edited the comment of the site's P entry",
    article="Q167830",
    params=CommentParams,
)
def edit_site_comment(site: Site, params: CommentParams | None) -> None:
    po = Postoffice(site.po_path)
    if po.find(site.site) is None:
        raise ValueError(f"no entry {site.site} yet: the first dirsync creates it")
    po.update_entry(site.site, comments=(params or CommentParams()).comment)


# -- 17: a deleted export container (Q212773) ----------------------------------------------------


class ContainerParams(Params):
    container: str = Field("Sales", min_length=1, max_length=64, description="The container.")


@fault(
    "stale-export-container",
    summary="a container listed on Export Containers was deleted from the Exchange directory",
    article="Q212773",
    params=ContainerParams,
)
def stale_export_container(site: Site, params: ContainerParams | None) -> None:
    name = (params or ContainerParams()).container
    if any(b.container.casefold() == name.casefold() for b in site.exchange.mailboxes.values()):
        raise ValueError(f"container {name!r} still holds mailboxes")
    site.exchange.containers.discard(name)
    settings = site.service.settings
    listed = settings.export_containers.containers
    if name not in listed:
        containers = dataclasses.replace(settings.export_containers, containers=(*listed, name))
        site.service.configure(dataclasses.replace(settings, export_containers=containers))


# -- 18: extended characters in the PO name (Q197258) --------------------------------------------


class ExtendedNameParams(Params):
    name: str = Field("ZÜRICH", min_length=1, max_length=256, description="The new PO name.")


@fault(
    "extended-po-name",
    summary="the post office was renamed with extended characters (and the Post Office page too)",
    article="Q197258",
    params=ExtendedNameParams,
)
def extended_po_name(site: Site, params: ExtendedNameParams | None) -> None:
    name = (params or ExtendedNameParams()).name
    if name.isascii():
        raise ValueError(f"{name!r} has no extended characters")
    Postoffice(site.po_path).rename(name)
    settings = site.service.settings
    post_office = dataclasses.replace(settings.post_office, name=name)
    site.service.configure(dataclasses.replace(settings, post_office=post_office))
    site.po_name = name


# -- 19: cc:Mail 8.5 with the 16-bit tools (Q248195) ---------------------------------------------


@fault(
    "upgrade-to-ccmail85",
    summary="the post office was upgraded to cc:Mail 8.5; the connector keeps the 16-bit tools",
    article="Q248195",
)
def upgrade_to_ccmail85(site: Site, params: None) -> None:
    po = Postoffice(site.po_path)
    if po.identity().db_version != 8:
        raise ValueError("cc:Mail 8.5 uses DB8 (world.postoffice.db: 8)")
    (po.path / CCVER).write_bytes(b"DB8\r\n8.5\r\n")


# -- 20: NT4 SP3 with the LSA2 hotfix (Q195649) --------------------------------------------------


@fault(
    "nt4-sp3-lsa2",
    summary="the Exchange server runs NT 4.0 SP3 with the LSA2 hotfix; the PO is on NetWare",
    article="Q195649",
)
def nt4_sp3_lsa2(site: Site, params: None) -> None:
    access = site.world.access
    if not access.netware:
        raise ValueError("the LSA2 bug breaks NetWare logons: world.postoffice.host.kind netware")
    access.nt_service_pack = 3
    access.lsa2_hotfix = True
