"""One inbound and one outbound run of the connector's transfer cycle.

Source: ccmail-reference.md §4.5. Inbound: EXPORT ``/N<site P entry>`` up to
16 messages into ``Export\\msgXXXX.ccm``, convert into MTS-IN, the MTA
delivers; a failed conversion moves the file to ``Bad`` (event 54). Outbound:
MTS-OUT -> ``.ccm`` in ``Submit`` (event 11001 each) -> ``Import`` -> IMPORT
``*.ccm`` (up to 5 files); ``.und`` files become NDRs. A run that handled
exactly the maximum starts the next one at once (backlog drain, KB Q168211).
IMPORT code 1 with a ``.und`` beside a ``.ccm`` it kept (KB Q223772) depends on
the build: :meth:`Flow.after_import`. The modelled choices are listed in
``service.py`` and ``transfer.py``.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

from sim.connector import diskspace, transfer
from sim.connector.constants import EXPORT_SWITCHES, EXPORT_THREAD, IMPORT_SWITCHES, IMPORT_THREAD
from sim.connector.store import Folder
from sim.connector.threads import WorkerError
from sim.exchange import CONNECTOR_SENDER, LATEST_50_SERVICE_PACK
from sim.message import (
    CODEPAGE,
    DateStyle,
    Message,
    MessageFormatError,
    format_date,
    iter_messages,
    render_message,
    short_message,
)

if TYPE_CHECKING:
    from sim.connector.service import ConnectorService

__all__ = [
    "CONVERSION_EXCEPTION",
    "KEPT_CCM_FIX",
    "SECTION_EXCEPTION",
    "SECTION_FIX_SP",
    "Flow",
    "conversion_crash",
    "illegal_section",
    "kept_with_und",
]

#: event 82's insertion strings for the illegal section name (KB Q176375, as quoted)
SECTION_EXCEPTION = ("c0000005", "0", "2e3d3d3d", "2", "0 2e3d3d3d")
#: the Exchange 5.0 service pack that handles it (KB Q176375: "the latest U.S. Service
#: Pack for Microsoft Exchange Server version 5.0"; SP2 was the last; modelled)
SECTION_FIX_SP = LATEST_50_SERVICE_PACK
_SECTION = re.compile(r"^([A-Za-z]+) item:", re.MULTILINE)
#: the Exchange 5.5 service pack whose connector removes the .ccm after code 1 (KB Q223772:
#: "first corrected in Exchange Server 5.5 Service Pack 3", Ccmc.exe 5.5.2571.0)
KEPT_CCM_FIX = 3
#: event 82's insertion strings for the exception of KB Q168556 (as quoted)
CONVERSION_EXCEPTION = ("c0000005", "0", "779f42aa", "2", "0 c150003")


def illegal_section(text: str) -> bool:
    """A section heading (``<name> item:`` at a line start) other than Text or File.

    KB Q176375: "The file created by Export contains an illegal section name that
    is not handled properly by the CCMC": Exchange 5.0 before its service pack
    takes an exception in ``dwCCExport`` (82, 83 "The exception UNKNOWN was caught
    in function dwCCExport"), the thread is restarted (86) and reads the same
    leftover file first, 25 times, then 85 and the service stops; restarting does
    not help, moving the files out of ``Ccmcdata\\Export`` does. Modelled, not
    documented: which names are illegal (any but Text and File), that the line
    is anywhere in the file, and that from the service pack (and in 5.5) the
    line is kept as text of the item before it, as IMPORT reads it
    (``sim.message``), so the message is delivered.
    """
    return any(m.group(1) not in ("Text", "File") for m in _SECTION.finditer(text))


def conversion_crash(text: str) -> bool:
    """A message whose size (the number under ``Message:``) is smaller than the message.

    KB Q168556: starting the service "may cause Dr. Watson with exception access
    violation (0xC0000005)", with DrWatson 4097 for ccmc, 82 (c0000005, address
    779f42aa) and 87 "Conversion from Lotus cc:Mail message format to Microsoft
    Exchange format failed due to an exception. Message file name is
    EXPORT\\msgXX.ccm"; with the files moved out of ``Ccmcdata\\Export`` "the service
    will start without the Dr. Watson error", and moving them back part at a time
    finds "the file that is causing the Dr. Watson". Every build of 5.0 and 5.5 (the
    article names no fix).

    Modelled, not documented: what is bad in the file (the article does not say).
    Here the conversion reads a message a size at a time, so one whose size is
    smaller than what it heads (``sim.message.short_message``) overruns what it
    was given. The connector logs 82 and 87, the process then ends (Dr. Watson
    logs 4097; no 86 restart, no 85) and the service stays stopped: Windows NT
    starts it again only when someone does. The file stays in ``Export``, nothing
    of it converted, and is the first leftover the next start reads, so every start
    ends the same way until it is moved out (:meth:`Flow.convert_inbound`).
    """
    return short_message(text) is not None


def _ends(name: str, suffix: str) -> bool:
    return name.casefold().endswith(suffix)


def kept_with_und(names: list[str]) -> list[str]:
    """The ``.ccm`` files that have a ``.und`` of the same name beside them (KB Q223772).

    IMPORT writes one ``.und`` per input file (``UndFile=*.und``); a ``.ccm`` still
    there beside its ``.und`` is a file IMPORT reported undeliverable and then kept.
    """
    stems = {n.casefold()[:-4] for n in names if _ends(n, ".und")}
    return [n for n in names if _ends(n, ".ccm") and n.casefold()[:-4] in stems]


def _leftover_und(names: list[str]) -> bool:
    """A ``.und`` no ``.ccm`` of the same name belongs to (KB Q212788: delivery stops)."""
    ccms = {n.casefold()[:-4] for n in names if _ends(n, ".ccm")}
    return any(_ends(n, ".und") and n.casefold()[:-4] not in ccms for n in names)


class Flow:
    """The export (inbound) and import (outbound) work of one service."""

    def __init__(self, service: ConnectorService) -> None:
        self.service = service

    # -- shared ---------------------------------------------------------------------------

    @property
    def _interval_export(self) -> float:
        return float(self.service.reg_int("Second to wait before EXPORT"))

    @property
    def _interval_import(self) -> float:
        return float(self.service.reg_int("Second to wait before IMPORT"))

    def date_style(self) -> DateStyle:
        """The connector's ``.ccm`` date order (KB Q180641)."""
        po = self.service.active.post_office
        return transfer.ccm_date_style(self.service.reg_int("Locale Date Format"), po.date_style)

    # -- inbound ---------------------------------------------------------------------------

    def export_once(self) -> float | None:
        """One EXPORT run (leftover files first); returns the delay to the next run."""

        svc = self.service
        names = svc.store.names(Folder.EXPORT)
        if any(_ends(n, ".und") for n in names):
            return self._interval_export  # KB Q212788: stops, no events
        for leftover in (n for n in names if _ends(n, ".ccm")):
            if self.convert_inbound(leftover) is None:
                return None
        name = svc.store.next_name(names)
        target = svc.store.win(Folder.EXPORT, name)
        line = f"{svc.po_switches(svc.exchange.site_address)} /@{target} {EXPORT_SWITCHES}"
        svc.counters.export_runs += 1
        code = svc.run("EXPORT", name, line, EXPORT_THREAD)
        if code is None:
            return svc.threads.after_failure(EXPORT_THREAD, self._interval_export)
        if code != 0:
            return self._interval_export
        count = self.convert_inbound(name)
        if count is None:
            return None
        return 0.0 if count >= svc.max_export else self._interval_export

    def convert_inbound(self, name: str) -> int | None:
        """Convert ``Export\\<name>`` into MTS-IN and deliver; None if the thread hangs or
        the service process ends (KB Q168556)."""
        svc = self.service
        path = svc.store.path(Folder.EXPORT, name)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return 0
        if not diskspace.enough_space(svc):
            return None  # KB Q178758: event 98 and the service stops; the file stays
        text = raw.decode(CODEPAGE, "replace")
        if conversion_crash(text):  # KB Q168556: Dr. Watson, the service process ends
            svc.log(82, *CONVERSION_EXCEPTION)
            svc.log(87, f"EXPORT\\{name}")
            svc.crash()
            return None
        if not svc.exchange.at_least("5.0", SECTION_FIX_SP) and illegal_section(text):
            svc.log(82, *SECTION_EXCEPTION)  # KB Q176375
            svc.log(83, "UNKNOWN", EXPORT_THREAD)
            raise WorkerError(f"illegal section name in EXPORT\\{name}")
        stream = io.StringIO(text, newline="")
        try:
            style = svc.active.post_office.date_style  # EXPORT writes the PO language's order
            messages = list(iter_messages(stream, itemsize=True, date_style=style))
        except MessageFormatError as exc:
            if "Contents:" in exc.reason and not svc.exchange.at_least("5.5", 3):
                svc.threads.blocked.add("dwCCExport")  # KB Q234745: ~90% CPU, inbound stops
                return None
            self._to_bad(name)
            return 0
        svc.exchange.mts_in.extend(transfer.inbound(svc.exchange, m) for m in messages)
        if svc.reg_int("Save a copy of the Exported files"):
            path.replace(svc.store.path(Folder.EXPORT_BAK, name))
        else:
            path.unlink()
        svc.exchange.deliver_mts_in()
        svc.counters.messages_in += len(messages)
        return len(messages)

    def _to_bad(self, name: str) -> None:
        """KB Q202240, Q212759: the file goes to ``Bad`` and event 54 is logged."""
        svc = self.service
        bad = svc.store.names(Folder.BAD)
        target = name if name.casefold() not in {b.casefold() for b in bad} else None
        target = target or svc.store.next_name(bad)
        svc.store.path(Folder.EXPORT, name).replace(svc.store.path(Folder.BAD, target))
        svc.counters.bad_files += 1
        svc.log(54)

    # -- outbound --------------------------------------------------------------------------

    def import_once(self) -> float | None:
        """Convert, move and IMPORT one batch; returns the delay to the next run."""

        svc = self.service
        names = svc.store.names(Folder.IMPORT)
        if _leftover_und(names):
            return self._interval_import  # KB Q212788: stops, no events
        pending = [n for n in names if _ends(n, ".ccm")]
        submit = [n for n in svc.store.names(Folder.SUBMIT) if _ends(n, ".ccm")]
        room = svc.max_import - len(submit)
        if room > 0 and svc.exchange.mts_out:
            submit += self._convert_outbound(room, names + submit)
        if not pending:
            pending = self._move_to_import(submit[: svc.max_import])
        if not pending:
            return self._interval_import
        line = f"{svc.po_switches()} /@{svc.store.win(Folder.IMPORT, '*.ccm')} {IMPORT_SWITCHES}"
        svc.counters.import_runs += 1
        code = svc.run("IMPORT", "*.ccm", line, IMPORT_THREAD)
        if code is None:
            return svc.threads.after_failure(IMPORT_THREAD, self._interval_import)
        self.after_import(code)
        if code not in (0, 5):
            return self._interval_import
        left = {n.casefold() for n in svc.store.names(Folder.IMPORT)}
        taken = [n for n in pending if n.casefold() not in left]
        svc.counters.files_imported += len(taken)
        # a full batch taken: the backlog drains at once; a run that took nothing (it
        # found none of the files it was given) waits for the next poll, as the service
        # would, instead of running again at the same instant
        return 0.0 if taken and len(pending) >= svc.max_import else self._interval_import

    def _convert_outbound(self, room: int, in_use: list[str]) -> list[str]:
        """MTS-OUT -> ``Submit\\msgXXXX.ccm`` (event 11001 each); refused ones get an NDR."""
        svc = self.service
        exchange = svc.exchange
        written: list[str] = []
        style = self.date_style()
        while room > 0 and exchange.mts_out:
            message = exchange.mts_out[0]
            ccm = transfer.outbound(exchange, message, use_anr=bool(svc.reg_int("Use ANR")))
            problem = self._refusal(message, ccm)
            if problem:
                exchange.mts_out.pop(0)
                exchange.return_ndr(message, message.to, problem, sender=CONNECTOR_SENDER)
                svc.counters.ndrs += 1
                continue
            name = svc.store.next_name(in_use + written)
            text = render_message(ccm, itemsize=True, date_style=style)
            svc.store.path(Folder.SUBMIT, name).write_bytes(text.encode(CODEPAGE, "replace"))
            exchange.mts_out.pop(0)
            written.append(name)
            room -= 1
            svc.counters.messages_out += 1
            date = format_date(ccm.date, style)
            svc.log(11001, ccm.sender, date, "; ".join(ccm.to + ccm.cc))
        return written

    def _refusal(self, message: Message, ccm: Message) -> str:
        """Why the connector refuses a message: delivery restrictions, size (§4.3)."""
        active = self.service.active
        if not active.restrictions.allows(message.sender.removeprefix("EX:")):
            return "The sender is not allowed to send to this recipient"
        size = len(render_message(ccm).encode(CODEPAGE, "replace"))
        limit_kb = active.message_size_kb
        if limit_kb is not None and size > limit_kb * 1024:
            return "The message exceeds the maximum size allowed by the connector"
        return ""

    def _move_to_import(self, names: list[str]) -> list[str]:
        """Move files from Submit to Import; a damaged Import stops it silently (Q202178)."""
        svc = self.service
        moved: list[str] = []
        for name in names:
            source = svc.store.path(Folder.SUBMIT, name)
            try:
                if svc.reg_int("Save a copy of the Imported files"):
                    svc.store.path(Folder.IMPORT_BAK, name).write_bytes(source.read_bytes())
                source.replace(svc.store.path(Folder.IMPORT, name))
            except OSError:
                break
            moved.append(name)
        return moved

    def after_import(self, code: int) -> None:
        """After an IMPORT run: the ``.und`` files become NDRs, by build (KB Q223772).

        KB Q223772: when IMPORT returns code 1 for a message "it is likely that the
        cc:Mail IMPORT program will not delete the original .ccm file ... the
        connector continually tries to import the same message. A non-delivery
        report is written to the .und file for each attempt ...; consequently, the
        .und file gets larger and larger"; from Exchange 5.5 SP3 (Ccmc.exe 5.5.2571)
        the connector works "around this class of error ... and remove[s] the .ccm
        file from the import directory". So before SP3 (and on 5.0) a ``.und``
        beside the ``.ccm`` IMPORT kept stays there to grow, and the next poll
        imports the file again; from SP3, after code 1, each such ``.ccm`` is
        deleted and its ``.und`` returned as NDRs like any other. Modelled, not
        documented: that the older connector leaves only that ``.und`` (others
        become NDRs after every run, §4.5, as today); that the SP3 connector
        deletes the file (its message goes back to the sender as the NDR IMPORT
        wrote, so nothing is lost) rather than moving it to ``Bad``; that a ``.ccm``
        kept after code 1 with no ``.und`` (no write rights, KB Q168670; a damaged
        file) is kept by every build; and that a ``.und`` holding one message
        several times (written at each retry) gives its sender one NDR.
        """
        svc = self.service
        names = svc.store.names(Folder.IMPORT)
        if code == 1 and svc.exchange.at_least("5.5", KEPT_CCM_FIX):
            for name in kept_with_und(names):
                svc.store.path(Folder.IMPORT, name).unlink()
            names = svc.store.names(Folder.IMPORT)
        kept = {n.casefold()[:-4] for n in kept_with_und(names)}
        self._process_und([n for n in names if n.casefold()[:-4] not in kept])

    def _process_und(self, names: list[str]) -> None:
        """Each ``.und`` IMPORT wrote becomes NDRs to the Exchange senders, then goes (§4.5)."""
        svc = self.service
        for name in names:
            if not _ends(name, ".und"):
                continue
            path = svc.store.path(Folder.IMPORT, name)
            found = transfer.parse_und(path.read_bytes().decode(CODEPAGE, "replace"))
            if found is None:
                path.replace(svc.store.path(Folder.BAD, name))
                continue
            # one NDR a message: a .und that reports it at several attempts (KB Q223772),
            # for other reasons too (a date the locale refuses, after the name), returns it
            # once, with the reason of its last attempt
            last = {item.message: item for item in found}
            for item in last.values():
                original = transfer.as_exchange_original(svc.exchange, item.message)
                svc.exchange.return_ndr(original, original.to, item.reason, sender=CONNECTOR_SENDER)
                svc.counters.ndrs += 1
                if transfer.UNKNOWN_DATE in item.reason and not svc.reg_int("Locale Date Format"):
                    svc.exchange.registry["Locale Date Format"] = 1  # KB Q180641
            path.unlink()
