"""§8 row 10, und-files-left: `.und` files left in Import/Export / Import code 1 leaving `.ccm`.

Source: ccmail-reference.md §8 row 10 and Q212788, Q223772. This module is the cause's
one home: its §8 row (``CAUSE``), the faults that reproduce it, the rule that diagnoses
it from evidence only, and its fixes.

Two variants. KB Q212788: a ``.und`` left in ``Import`` or ``Export`` stops delivery
without an event; moving it out (service stopped) cures it. KB Q223772: a message
IMPORT ends with result code 1 on (event 59), after writing its non-delivery report to
the ``.und``, keeps its ``.ccm``; before Exchange 5.5 SP3 the connector imports it
again at every poll and the ``.und`` grows; SP3 (Ccmc.exe 5.5.2571) removes the
``.ccm`` (``sim.connector.flow.Flow.after_import``). Moving the ``.und`` out does not
help there: the next attempt writes it again.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from pydantic import Field

from harness.build import Site
from harness.causes import Cause
from harness.causes._shared import PARKED, STORE, batch_of, finding, quotes, store_of
from harness.diagnosis import Finding
from harness.evidence import Evidence
from harness.params import Params
from harness.registry import fault, fix, rule
from sim.connector.flow import KEPT_CCM_FIX, kept_with_und
from sim.connector.store import Folder
from sim.fsutil import atomic_write_text
from sim.message import CODEPAGE, Message, render_message
from sim.programs.routing import NAME_LIMIT

__all__ = ["CAUSE"]

CAUSE = Cause(
    10,
    "und-files-left",
    title="`.und` files left in Import/Export / Import code 1 leaving `.ccm`",
    articles=("Q212788", "Q223772"),
    symptoms=(
        "Connector stops delivering with no events; or same message re-imported, "
        "`.und` growing, repeated 59"
    ),
    confirm="List Ccmcdata\\Import and \\Export for `.und` and stale `.ccm`",
    fix="Stop service, move `.und` out, restart; apply 5.5 SP3",
    verify="Delivery resumes; `.und` not recreated",
)


# -- faults: the world broken as a person or a crash would -----------------------------------------


class UndParams(Params):
    folder: Literal["Import", "Export"] = Field("Import", description="Where the .und is left.")


@fault(
    "leave-und-file",
    summary="a .und file from an earlier failure is left in Ccmcdata\\Import (or Export)",
    article="Q212788",
    params=UndParams,
)
def leave_und_file(site: Site, params: UndParams | None) -> None:
    """The ``.und`` holds a message refused long before the scenario (no tracking identity)."""
    store = store_of(site)
    folder = Folder((params or UndParams()).folder)
    if not store.path(folder).is_dir():
        raise ValueError(f"Ccmcdata\\{folder} is not a folder: no .und can be left in it")
    when = site.world.clock.datetime - timedelta(days=30)
    old = Message("Admin at " + site.site, when, (f"Gone, Old at {site.po_name}",), "old", "old")
    text = "Reason: Address(es) were unknown: Gone, Old\r\n" + render_message(old, itemsize=True)
    atomic_write_text(store.path(folder, "msg0A11.und"), text, encoding=CODEPAGE)


class OverlongParams(Params):
    subject: str = Field("Order confirmation", description="The message's subject.")


@fault(
    "overlong-recipient-name",
    summary="an Exchange user sends to a one-off cc:Mail address whose name is longer than "
    "IMPORT takes: IMPORT writes the NDR to the .und, ends with code 1, keeps the .ccm",
    article="Q223772",
    params=OverlongParams,
)
def overlong_recipient_name(site: Site, params: OverlongParams | None) -> None:
    """The message IMPORT returns code 1 for (KB Q223772 "for whatever reason"; the name
    past ``sim.programs.routing.NAME_LIMIT`` is the modelled reason). It is tracked like any
    other mail: before 5.5 SP3 it waits in ``Ccmcdata\\Import``, from SP3 its sender
    gets it back as an NDR."""
    exchange = site.exchange
    sender = sorted(b.alias for b in exchange.mailboxes.values())[-1]
    subject = (params or OverlongParams()).subject
    words = "Purchasing Department Order Desk Northern Region Regional Office"
    name = (f"{words} " * (NAME_LIMIT // len(words) + 1)).strip()
    world = site.world
    ident = world.new_ident("exchange", f"EX:{sender}", subject)
    to = (f"CCMAIL:{name} at {site.po_name}",)
    body = "Please confirm the order below."
    exchange.submit(Message(f"EX:{sender}", world.clock.datetime, to, subject, body, ident=ident))


# -- diagnosis: from evidence only -----------------------------------------------------------------


def _kept_ccm(ev: Evidence) -> Finding | None:
    """KB Q223772: repeated 59, a ``.ccm`` still in ``Import`` beside its ``.und``, the
    ``.und`` holding a report per attempt; confirmed on a build before 5.5 SP3."""
    names = list(ev.folder("Import") or ())
    kept = kept_with_und(names)
    failing = batch_of(ev.ccmc(59))
    if not kept or len(failing) < 2:
        return None
    said = quotes(failing)
    reports = dict(ev.import_und_reports or ())
    for ccm in kept:
        und = next(n for n in names if n.casefold() == ccm.casefold()[:-4] + ".und")
        said.append(f"{STORE}\\Import\\{ccm} is still there beside {und}")
        if und in reports:
            said.append(f"{und} holds {reports[und]} non-delivery report(s), one per attempt")
    fix = "install-exchange-55-sp3"
    ex = ev.exchange
    if ex is None:
        return finding("und-files-left", 0.6, said, confirmed=False, fix=fix)
    if (ex.version, ex.service_pack) >= ("5.5", KEPT_CCM_FIX):
        return None
    said.append(f"Exchange {ex.version} SP{ex.service_pack}: before the fix of Q223772 (5.5 SP3)")
    return finding("und-files-left", 0.93, said, confirmed=True, fix=fix)


@rule("und-files-left", article="Q212788, Q223772", explains=59)
def und_files(ev: Evidence) -> Finding | None:
    """A leftover ``.und`` stops delivery silently (Q212788); a kept ``.ccm`` loops (Q223772).

    Q212788: ``.und`` files left in ``Import``/``Export`` stop delivery without an event.
    Q223772: the same ``.ccm`` imported again and again, its ``.und`` growing, 59 repeated.
    """
    kept = _kept_ccm(ev)
    if kept is not None:
        return kept
    fix = "move-und-files"
    if ev.ccmcdata is not None:
        left = [
            f"{STORE}\\{folder}\\{name}"
            for folder in ("Import", "Export")
            for name in ev.folder(folder) or ()
            if name.casefold().endswith(".und")
        ]
        if not left:
            return None
        said = [f"{name} is present" for name in left]
        for queue in ("MTS-OUT", "to-exchange"):
            waiting = ev.queue(queue)
            if waiting:
                said.append(f"{waiting} message(s) waiting in {queue}")
        return finding("und-files-left", 0.93, said, confirmed=True, fix=fix)
    failing = batch_of(ev.ccmc(59))
    if len(failing) >= 3:
        first = failing[0].record_number
        if not [r for r in batch_of(ev.ccmc(58)) if r.record_number > first]:
            return finding("und-files-left", 0.3, quotes(failing), confirmed=False, fix=fix)
    return None


# -- fix -------------------------------------------------------------------------------------------


@fix(
    "move-und-files",
    cures="und-files-left",
    summary="stop the service, move the .und files out of Ccmcdata\\Import and \\Export, start",
    article="Q212788",
)
def move_und_files(site: Site, params: None) -> None:
    service = site.service
    service.stop()
    store = store_of(site)
    parked = site.world.path(PARKED)
    parked.mkdir(parents=True, exist_ok=True)
    for folder in (Folder.IMPORT, Folder.EXPORT):
        for name in store.names(folder):
            if name.casefold().endswith(".und"):
                store.path(folder, name).replace(parked / f"{folder}-{name}")
    service.start()


@fix(
    "install-exchange-55-sp3",
    cures="und-files-left",
    summary="install Exchange Server 5.5 Service Pack 3 (Ccmc.exe 5.5.2571), then start the "
    "service; the .ccm IMPORT keeps is removed and its sender gets the NDR",
    article="Q223772",
)
def install_exchange_55_sp3(site: Site, params: None) -> None:
    """KB Q223772 RESOLUTION: "obtain the latest service pack for Exchange Server version
    5.5" (first corrected in SP3). Exchange 5.0 has no such service pack."""
    exchange = site.exchange
    if exchange.version != "5.5":
        raise ValueError(f"Q223772's fix is Exchange 5.5 SP3; this is Exchange {exchange.version}")
    site.service.stop()
    exchange.service_pack = max(exchange.service_pack, KEPT_CCM_FIX)
    site.service.start()
