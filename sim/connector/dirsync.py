"""Directory synchronization between the connected post office and the Exchange directory.

Source: ccmail-reference.md §4.6 (the sequence: 14001; EXPORT ``/DIRECTORY`` to
``Export\\Ccmdir.exp`` with ``Ccmlist.exp`` and ``Ccmbb.exp``; compare with the
export containers; ``Import\\Ccmdel.imp`` then ``Import\\Ccmdir.imp``; custom
recipients in the import container, BBs as ``#Name``; 14031; KB Q295753,
Q181186, Q166581), §4.3 (schedule Never / Always = every 15 minutes / selected
times; export containers and trust level; import container and its filter),
§1.4 (the site's ``P`` entry carries ``MSExchangeCCMC <server>``, KB Q167830),
§4.8 (14005, 14013, 14015, 14018, 45), §5 and §8 (KB Q233164, Q168465,
Q212773, Q197258, Q167830, Q167807).

Modelled, not documented:

* the first run comes 60 s after the service starts;
* 14005 ("text unknown") is logged when the directory EXPORT fails to run,
  when an IMPORT step fails (both KB Q233164) and for extended characters in
  the PO name (KB Q197258); an EXPORT that returns 1, 3 or 4 logs only its
  own event (68/70/71, KB Q168465, Q166045) and the cycle ends without 14031;
* a missing resource file (``IE.RI``, KB Q233164): "Event ID 14005 and Event ID
  59" on a DB8 dirsync, and ``ccmc ccdir`` returns result code 1. So the
  dirsync takes the R0002 start-up end as the result code 1 it is, not as the
  "failed to run" of the mail threads (65/64, KB Q190275, an Exchange 5.0
  article): the directory EXPORT's failure is the 14005 (its console line as
  the cause), and an IMPORT that ends so logs 59 like any code 1. The article
  does not say why an IMPORT runs at all when the EXPORT failed; the model:
  the cycle still hands cc:Mail the Exchange side (the site's ``P`` entry and
  the export containers, ``Ccmdel.imp`` empty, then ``Ccmdir.imp``), deletes
  nothing in cc:Mail, leaves the custom recipients as they are, and ends
  without 14031. The IMPORT beside the same EXPORT lacks the same file, so it
  too ends with code 1: 14005 then 59, once each, for every build;
* a damaged ``Import`` folder (KB Q202178: no events) ends the cycle before
  IMPORT, without an event and without 14031;
* 45 (index 2a, KB Q167807) is logged at the start of every cycle, at Medium
  logging and above;
* when the ``P`` entry named like the site is not the connector's (comment
  missing or edited, or not a ``P`` entry at all) nothing is written to
  cc:Mail: 14013 for that entry and for every Exchange recipient whose name
  exists in cc:Mail, and the cc:Mail entries at the site come back as
  would-be custom recipients whose CCMAIL address exists (14018); the cycle
  still ends with 14031 (warnings only);
* Exchange recipients become ``r`` entries ``Last, First`` with address
  ``<site> <alias>`` (the alias as FAN); cc:Mail aliases (``A``/``a``) and
  other post offices (``P``/``p``) become no custom recipient; mailing lists
  become ``<list> at <PO>`` and bulletin boards ``#<name> at <PO>``;
* the alias rule ``%F%1L`` and the display rule ``%F %L`` are applied as
  "first name + first letter of the last name" and "First Last".
"""

from __future__ import annotations

import fnmatch
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sim.connector.events import IMPORT_EVENTS
from sim.connector.settings import DirsyncMode
from sim.connector.store import Folder
from sim.exchange import CustomRecipient, ExchangeServer, proxy_name
from sim.message import CODEPAGE
from sim.postoffice.layout import Location
from sim.programs.dirfile import DirBlock, DirFileError, DirKind, iter_blocks, render_blocks

if TYPE_CHECKING:
    from sim.connector.service import ConnectorService

__all__ = ["DS_NAME_ERROR", "FIRST_DELAY", "INTERVAL", "Dirsync", "Plan", "site_comment"]

FIRST_DELAY = 60.0
INTERVAL = 15 * 60.0
#: the error number of event 14015 (KB Q212773)
DS_NAME_ERROR = "4693728"
DIRSYNC_THREAD = "dwCCDirSync"
_NOT_CR = (Location.POST_OFFICE, Location.INDIRECT_PO, Location.ALIAS, Location.REMOTE_ALIAS)


def site_comment(server: str) -> str:
    """The comment of connector-made PO entries (§1.4, KB Q167830)."""
    return f"MSExchangeCCMC {server}"


@dataclass(slots=True)
class Plan:
    """What one cycle writes: cc:Mail deletions and additions, wanted CRs, warnings."""

    deletes: list[str] = field(default_factory=list)
    adds: list[DirBlock] = field(default_factory=list)
    #: CCMAIL address (case-folded) -> (address, display name, notes)
    wanted: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    warnings: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)


class Dirsync:
    """The dirsync thread of one connector service."""

    def __init__(self, service: ConnectorService) -> None:
        self.service = service

    # -- schedule ---------------------------------------------------------------------------

    def first_delay(self) -> float | None:
        schedule = self.service.active.dirsync
        if schedule.mode is DirsyncMode.NEVER:
            return None
        if schedule.mode is DirsyncMode.ALWAYS:
            return FIRST_DELAY
        return self._until_selected()

    def _until_selected(self) -> float:
        now = self.service.world.clock.datetime
        into_day = now.hour * 3600 + now.minute * 60 + now.second + now.microsecond / 1e6
        times = sorted(t * 60 for t in self.service.active.dirsync.times)
        later = [t - into_day for t in times if t > into_day]
        return later[0] if later else 24 * 3600 - into_day + times[0]

    def run_scheduled(self) -> float | None:
        self.cycle()
        if self.service.active.dirsync.mode is DirsyncMode.ALWAYS:
            return INTERVAL
        return self._until_selected()

    # -- one cycle --------------------------------------------------------------------------

    def cycle(self) -> bool:
        """One dirsync cycle (§4.6); True when it finished (14031)."""
        svc = self.service
        svc.counters.dirsync_started += 1
        svc.log(14001)
        svc.log(45, "2a")
        blocks = self._export()
        if blocks is None:
            return False
        po_name = svc.active.post_office.name
        if not po_name.isascii():
            svc.log(14005, f"The post office name {po_name} contains extended characters.")
            return False
        exchange = svc.exchange
        missing = [
            c for c in svc.active.export_containers.containers if c not in exchange.containers
        ]
        if missing:
            svc.log(14015, DS_NAME_ERROR)
            return False
        plan = self.plan(blocks)
        if not self._import(plan):
            return False
        self._update_exchange(plan)
        for event_id, strings in plan.warnings:
            svc.log(event_id, *strings)
        svc.log(14031)
        svc.counters.dirsync_completed += 1
        return True

    def _export(self) -> list[DirBlock] | None:
        """EXPORT /DIRECTORY and read the three files; None (events logged) on failure."""
        svc = self.service
        target = svc.store.win(Folder.EXPORT, "Ccmdir.exp")
        line = f"{svc.po_switches()} /DIRECTORY /@{target} /FORMAT/FAN /BATCH"
        code = svc.run("EXPORT", "CCMDIR.EXP", line, DIRSYNC_THREAD, resource_code=True)
        if code is None and DIRSYNC_THREAD not in svc.threads.waiting:
            svc.log(14005, "Lotus cc:Mail EXPORT to file CCMDIR.EXP failed to run.")
        if code == 1 and _at_start_up(svc):
            self._export_side_only(svc)
        if code != 0:
            return None
        present = {n.casefold(): n for n in svc.store.names(Folder.EXPORT)}
        blocks: list[DirBlock] = []
        try:
            for wanted in ("ccmdir.exp", "ccmlist.exp", "ccmbb.exp"):
                if wanted in present:
                    raw = svc.store.path(Folder.EXPORT, present[wanted]).read_bytes()
                    blocks += iter_blocks(io.StringIO(raw.decode(CODEPAGE, "replace"), newline=""))
        except DirFileError as exc:
            svc.log(14005, f"The directory export file cannot be read: {exc}.")
            return None
        return blocks

    def _export_side_only(self, svc: ConnectorService) -> None:
        """The directory EXPORT ended at start-up with code 1 (KB Q233164): 14005 with
        its console line, then the Exchange side is still imported (no second 14005)."""
        detail = (
            " ".join(
                ln.strip() for ln in svc.last_run.output.splitlines() if ln.startswith("R0002")
            )
            if svc.last_run is not None
            else ""
        )
        svc.log(14005, f"Lotus cc:Mail EXPORT to file CCMDIR.EXP returned result code 1. {detail}")
        self._import(Plan(adds=self.plan([]).adds), reported=True)

    def _import(self, plan: Plan, *, reported: bool = False) -> bool:
        """Write ``Ccmdel.imp`` then ``Ccmdir.imp`` and IMPORT them in that order.

        ``reported``: the cycle's 14005 is already logged (KB Q233164)."""
        svc = self.service
        deletes = [DirBlock(DirKind.DELETE, name) for name in plan.deletes]
        for name, blocks in (("Ccmdel.imp", deletes), ("Ccmdir.imp", plan.adds)):
            text = "".join(render_blocks(blocks))
            try:
                svc.store.path(Folder.IMPORT, name).write_bytes(text.encode(CODEPAGE, "replace"))
            except OSError:
                return False  # a damaged Import folder: no event (KB Q202178)
        for name in ("Ccmdel.imp", "Ccmdir.imp"):
            line = f"{svc.po_switches()} /@{svc.store.win(Folder.IMPORT, name)} /BATCH"
            code = svc.run("IMPORT", name.upper(), line, DIRSYNC_THREAD, resource_code=True)
            und = svc.store.path(Folder.IMPORT, name.rsplit(".", 1)[0] + ".und")
            und.unlink(missing_ok=True)
            if code == 1 and _at_start_up(svc):
                svc.log(IMPORT_EVENTS[1], name.upper())  # 59, KB Q233164
            if code not in (0, 5):
                if not reported and DIRSYNC_THREAD not in svc.threads.waiting:
                    svc.log(14005, f"Lotus cc:Mail IMPORT from file {name.upper()} failed.")
                return False
        return True

    # -- comparing the two directories ------------------------------------------------------

    def plan(self, blocks: list[DirBlock]) -> Plan:
        """Compare the cc:Mail export with the Exchange export containers."""
        svc = self.service
        exchange = svc.exchange
        site = exchange.site_address
        comment = site_comment(exchange.name)
        entries = {b.name.casefold(): b for b in blocks if b.kind is DirKind.ENTRY}
        p_entry = entries.get(site.casefold())
        owned = p_entry is None or (
            p_entry.location is Location.POST_OFFICE
            and p_entry.comments.casefold() == comment.casefold()
        )
        plan = Plan()
        ours = self._exchange_view(exchange)
        if p_entry is None:
            plan.adds.append(DirBlock(DirKind.ENTRY, site, Location.POST_OFFICE, "", comment))
        elif not owned:
            plan.warnings.append((14013, (site, site, p_entry.name)))
        for key, block in ours.items():
            existing = entries.get(key)
            if existing is None:
                if owned:
                    plan.adds.append(block)
            elif not owned or not _at_site(existing, site):
                plan.warnings.append((14013, (block.name, site, existing.name)))
        if owned:
            plan.deletes = [
                b.name for k, b in entries.items() if _at_site(b, site) and k not in ours
            ]
        self._wanted(plan, blocks, owned)
        return plan

    def _exchange_view(self, exchange: ExchangeServer) -> dict[str, DirBlock]:
        """The export containers as cc:Mail ``r`` entries (trust level applies, KB Q192697)."""
        settings = self.service.active.export_containers
        view: dict[str, DirBlock] = {}
        for box in exchange.mailboxes.values():
            if box.container in settings.containers and box.trust_level <= settings.trust_level:
                name = proxy_name(box.display_name)
                address = f"{exchange.site_address} {box.alias}"
                view[name.casefold()] = DirBlock(DirKind.ENTRY, name, Location.REMOTE, address)
        return view

    def _wanted(self, plan: Plan, blocks: list[DirBlock], owned: bool) -> None:
        """cc:Mail entries, lists and BBs as custom recipients; 14018 for taken addresses."""
        svc = self.service
        exchange = svc.exchange
        po_name = svc.active.post_office.name
        formats = svc.active.import_container.formats
        for block in blocks:
            if block.kind is DirKind.ENTRY:
                if block.location in _NOT_CR or (owned and _at_site(block, exchange.site_address)):
                    continue
                home = block.address.split(" ", 1)[0] if block.address else po_name
                name = block.name
            elif block.kind is DirKind.LIST:
                home, name = po_name, block.name
            else:
                home, name = po_name, f"#{block.name}"
            address = f"{name} at {home}"
            if formats and not any(
                fnmatch.fnmatch(address.casefold(), f.casefold()) for f in formats
            ):
                continue
            if exchange.mailbox_for_ccmail(address) is not None:
                plan.warnings.append((14018, (name, home)))
                continue
            plan.wanted[address.casefold()] = (address, _display(name), block.comments)

    def _update_exchange(self, plan: Plan) -> None:
        """Deletions before additions (§4.6 step 5) in the import container."""
        exchange = self.service.exchange
        container = self.service.active.import_container.container
        current = {
            cr.address.casefold(): cr
            for cr in exchange.custom_recipients.values()
            if cr.container == container
        }
        for key, cr in sorted(current.items()):
            if key not in plan.wanted:
                exchange.remove_custom_recipient(cr.alias)
        for key, (address, display, notes) in sorted(plan.wanted.items()):
            if key in current:
                continue
            alias = _unique_alias(exchange, _alias(address.rsplit(" at ", 1)[0]))
            exchange.set_custom_recipient(
                CustomRecipient(alias, display, address, container, notes)
            )


def _at_start_up(svc: ConnectorService) -> bool:
    """The last run ended before it did anything: a missing resource file (R0002)."""
    return svc.last_run is not None and svc.last_run.failure == "failed to run"


def _at_site(block: DirBlock, site: str) -> bool:
    """An entry that lives at the Exchange site (its address names the site)."""
    if block.location in (Location.POST_OFFICE, Location.INDIRECT_PO):
        return False
    return block.address.split(" ", 1)[0].casefold() == site.casefold() if block.address else False


def _display(name: str) -> str:
    """ "Last, First" -> "First Last" (display rule ``%F %L``); other names unchanged (Q185593)."""
    last, sep, first = name.partition(",")
    return f"{first.strip()} {last.strip()}" if sep else name


def _alias(name: str) -> str:
    """Alias rule ``%F%1L``: first name + first letter of the last name (KB Q183058)."""
    last, sep, first = name.partition(",")
    raw = f"{first.strip()}{last.strip()[:1]}" if sep else name
    return "".join(ch for ch in raw if ch.isalnum() or ch in "#-_") or "ccmail"


def _unique_alias(exchange: ExchangeServer, alias: str) -> str:
    taken = set(exchange.mailboxes) | set(exchange.custom_recipients)
    candidate, n = alias, 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{alias}{n}"
    return candidate
