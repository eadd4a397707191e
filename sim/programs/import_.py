"""The cc:Mail IMPORT program (``IMPORT.EXE``, ``IMPORT32.EXE``).

Source: ccmail-reference.md §2.2 (syntax), §2.3 (message format; dates per KB
Q180641; header limit KB Q166499, Q266711; brackets KB Q232687, Q234350), §2.4
and §4.6 (directory updates ``Ccmdel.imp`` / ``Ccmdir.imp``; existing entries are
never overwritten), §2.5 (result codes), §4.5 (``.und`` files, KB Q223772),
§6 (IMPORT needs write rights, KB Q168670), §1.3 (``NFTERROR.LOG``, KB Q179072),
§1.4 (addresses, ANR, ``P``/``p``/``r`` entries, ``#`` bulletin boards).

IMPORT reads the whole /@ file before it delivers anything (``ccmfile.py``;
the parsed messages are kept within a memory budget, larger files are read
again to deliver them), so a malformed file (e.g. no ``Contents:``, KB Q234745, or sizes that
do not add up) changes nothing and ends with code 1, the file left in place.
Then each message goes to one copy per recipient mailbox: a local ``L`` user
(``Name at <this PO>``, or a bare name under ANR), a ``#`` bulletin board, or the
queue of the ``P`` entry that routes to the recipient's post office.

Undeliverable messages and updates are written, each after a ``Reason:`` line,
to the ``.und`` file beside the input file (``CCMAIL.UND``, or per input file
when the connector asks: :func:`und_path`; appended: KB Q223772 describes it
growing), and the run ends with code 5. The input file is deleted after code
0 or 5 and kept after code 1 (§7 item 9).

KB Q223772: "for whatever reason" IMPORT may end a message's import with code 1
after writing its non-delivery report to the ``.und``, and not delete the ``.ccm``:
each retry appends the report again. Modelled, not documented: the reason is a
recipient name longer than a cc:Mail name may be (``sim.programs.routing.too_long``, any address
of the message); the validation pass meets it, so nothing of any input file is
delivered, the report goes to that file's ``.und`` and every input file stays.

Modelled, not documented: the console texts, the ``.und`` layout and reason
texts (except "*** Unknown Date Format ***", KB Q180641, "Header Buffer Full",
KB Q166499, and "address(es) were unknown", KB Q249133); that Import below 5.12
and from 6.0 read dates in the post office language's order; that the address
block counted against the header limit is the From/To/Cc lines; that without
/PARTIAL one unknown recipient makes the whole message undeliverable; that a
/@ name with ``*`` or ``?`` imports every matching file (events name the batch
``*.ccm``, KB Q181186); that a directory update is recognised by its content;
that deleting an unknown entry is no error while deleting an entry whose
mailbox still holds mail is refused (nothing may be lost); that /FILES,
/HILITE and /DIRECTORY/PROP change nothing here. Options (``ctx.options``):
``MaxAddressBuffer`` (bytes, Import 8.2 and later, KB Q266711).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO

from sim.fsutil import listdir_sorted
from sim.message import CODEPAGE, Message, MessageFormatError, body_as_file
from sim.postoffice.check import ProblemKind
from sim.postoffice.layout import NFTERROR, DirectoryEntry
from sim.postoffice.postoffice import Postoffice
from sim.programs import common
from sim.programs.ccmfile import MessageItem, file_kind, iter_items, open_text
from sim.programs.common import ProgramSpec, Refusal, Refused, Session
from sim.programs.dirfile import DirBlock, DirFileError, apply_blocks, iter_blocks, render_block
from sim.programs.results import ImportResult
from sim.programs.routing import HEADER_LIMIT, ImportRules, Router, targets, too_long
from sim.programs.runner import ProgramContext
from sim.programs.session import close_postoffice, open_postoffice, postoffice_date_style

__all__ = ["PER_FILE", "SPEC", "UND_FILE", "main", "und_path"]

USAGE = """\
Usage: IMPORT /N<post office> /P<password> /D<post office directory> /@<file> [options]
  /ITEMSIZE  /PARTIAL  /BATCH  /FILES/MACBIN2  /FILES/HEX  /FILES/SIZE0
  /HILITE  /DIRECTORY/PROP  /?
"""

SPEC = ProgramSpec(
    "IMPORT",
    {
        "ITEMSIZE": frozenset(),
        "PARTIAL": frozenset(),
        "BATCH": frozenset(),
        "FILES": frozenset({"MACBIN2", "HEX", "SIZE0"}),
        "HILITE": frozenset(),
        "DIRECTORY": frozenset({"PROP"}),
    },
    USAGE,
)

_CODES = {
    Refusal.USAGE: ImportResult.NOT_CONFIGURED,
    Refusal.NOT_ACCESSIBLE: ImportResult.NOT_CONFIGURED,
    Refusal.NOT_A_POSTOFFICE: ImportResult.NOT_CONFIGURED,
    Refusal.SHUT_DOWN: ImportResult.LOCKED,
    Refusal.LOCKED: ImportResult.LOCKED,
    Refusal.WRONG_VERSION: ImportResult.FAILED,
    Refusal.BAD_LOGIN: ImportResult.NOT_CONFIGURED,
    Refusal.DAMAGED: ImportResult.FAILED,
}
#: messages gathered before they are stored (one MLANDATA append per batch)
BATCH = 256
#: parsed message text the validation pass keeps for delivery, over all files; larger
#: imports are read a second time instead (memory stays flat in the message count)
KEEP_CHARS = 4 << 20


#: the undeliverable file of IMPORT run by hand (IE51-RM item 1, IE512-RM)
UND_FILE = "CCMAIL.UND"
#: the parameter-file value that names each one after its input file
PER_FILE = "*.und"


def und_path(source: Path, und_file: str | None = None) -> Path:
    """Where IMPORT writes what it cannot deliver, beside the input file.

    The Lotus READMEs (IE51-RM item 1, IE512-RM "Importing Binary File
    Attachments") name the file ``CCMAIL.UND``: that is what IMPORT writes when
    run by hand. The connector sees something else: KB Q212788 speaks of "one or
    more .und files" in ``Ccmcdata\\Import`` (and ``Export``), "associated with
    messages that could not be delivered", Q223772 of "the .und file" of one
    message growing at each retry, and Q168680 of "files with the .und
    extension" next to the ``.ccm`` files: one per message file, not one
    ``CCMAIL.UND``. Modelled, not documented: the connector asks for that through
    its parameter file, ``UndFile=*.und`` (``msg0001.ccm`` -> ``msg0001.und``,
    ``Ccmdir.imp`` -> ``Ccmdir.und``); another value names the file; without one,
    ``CCMAIL.UND``. The READMEs do not say in which folder: beside the input file.
    """
    name = (und_file or "").strip() or UND_FILE
    if name == PER_FILE:
        return source.with_name(f"{source.stem}.und")
    return source.with_name(name)


def _rules(session: Session, ctx: ProgramContext) -> ImportRules:
    version = common.version_number(ctx.version)
    if Decimal("5.12") <= version <= Decimal("5.15"):
        style = ctx.date_style  # the NT locale (KB Q180641)
    else:
        style = postoffice_date_style(session.po, session.identity)
    limit = HEADER_LIMIT
    if version >= Decimal("8.2"):
        limit = common.int_option(ctx, "MaxAddressBuffer") or HEADER_LIMIT
    return ImportRules(
        style,
        limit,
        no_brackets=ctx.major == 8,
        no_bracket_subject=Decimal("8.3") <= version < Decimal("8.4"),
        partial=session.switches.has("PARTIAL"),
        itemsize=session.switches.has("ITEMSIZE"),
    )


@dataclass(slots=True)
class _Checked:
    """A validated input file, with what the validation pass may keep for delivery."""

    path: Path
    kind: str
    #: the parsed messages, while they fit the memory budget (None: read the file again)
    items: list[MessageItem] | None
    blocks: list[DirBlock]
    #: the first message IMPORT cannot finish (KB Q223772) and the name that stops it
    fatal: tuple[MessageItem, str] | None = None


@dataclass(slots=True)
class _Budget:
    """Characters of parsed messages the validation pass may keep, over all files."""

    left: int

    def keep(self, kept: list[MessageItem] | None, item: MessageItem) -> list[MessageItem] | None:
        self.left -= len(item.text)
        if kept is None or self.left < 0:
            return None
        kept.append(item)
        return kept


def _validate(path: Path, rules: ImportRules, budget: _Budget) -> _Checked | str:
    """Read the whole file once; a description of what is wrong with it, or the file."""
    try:
        kind = file_kind(path)
        with open_text(path) as fh:
            if kind == "directory":
                return _Checked(path, kind, None, list(iter_blocks(fh)))
            kept: list[MessageItem] | None = []
            fatal: tuple[MessageItem, str] | None = None
            for item in iter_items(fh, itemsize=rules.itemsize, date_style=rules.date_style):
                kept = budget.keep(kept, item)
                name = too_long(item.message) if item.message is not None else None
                if fatal is None and name is not None:
                    fatal = (item, name)
            return _Checked(path, kind, kept, [], fatal)
    except (MessageFormatError, DirFileError) as exc:
        return f"{path.name}, {exc}"
    except OSError as exc:
        return f"cannot read {path.name}: {exc.strerror}"


# -- delivering ------------------------------------------------------------------------------


class _Delivery:
    """Stores messages in batches (one MLANDATA append each) and writes the .und."""

    def __init__(self, po: Postoffice, und: Path) -> None:
        self.po, self.und = po, und
        self.pending: dict[int, tuple[DirectoryEntry, list[Message]]] = {}
        self.count = 0
        self.refused = 0
        self._und: IO[bytes] | None = None

    def add(self, entries: Sequence[DirectoryEntry], message: Message) -> None:
        for entry in entries:
            self.pending.setdefault(entry.mailbox, (entry, []))[1].append(message)
        self.count += 1
        if self.count % BATCH == 0:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.po.deliver_batches(list(self.pending.values()))
            self.pending.clear()

    def refuse(self, reason: str, text: str) -> None:
        if self._und is None:
            self._und = self.und.open("ab")
        self._und.write(f"Reason: {reason}\r\n{text}".encode(CODEPAGE, "replace"))
        self.refused += 1

    def close(self) -> None:
        self.flush()
        if self._und is not None:
            self._und.close()


def _each_item(checked: _Checked, rules: ImportRules) -> Iterator[MessageItem]:
    if checked.items is not None:
        yield from checked.items
        return
    with open_text(checked.path) as fh:
        yield from iter_items(fh, itemsize=rules.itemsize, date_style=rules.date_style)


def _deliver_messages(
    checked: _Checked, session: Session, rules: ImportRules, und_file: str | None
) -> tuple[int, int]:
    """Deliver every message of a validated file: (delivered, undeliverable)."""
    router = Router(session.identity.name, session.po.entries())
    delivery = _Delivery(session.po, und_path(checked.path, und_file))
    try:
        for item in _each_item(checked, rules):
            if item.message is None:
                delivery.refuse(f"*** Unknown Date Format *** {item.bad_date}", item.text)
                continue
            boxes, reason = targets(item.message, router, rules)
            if boxes:  # a body over 20 KB is stored as a File item (KB Q190555)
                delivery.add(boxes, body_as_file(item.message, ""))
            if reason:
                delivery.refuse(reason, item.text)
    finally:
        delivery.close()
    return delivery.count, delivery.refused


def _apply_directory(checked: _Checked, po: Postoffice, und_file: str | None) -> tuple[int, int]:
    """Apply a validated directory update file; refused blocks go to the .und."""
    done, refused = apply_blocks(po, checked.blocks)
    if refused:
        text = "".join(f"Reason: {why}\r\n{render_block(b)}" for b, why in refused)
        with und_path(checked.path, und_file).open("ab") as fh:
            fh.write(text.encode(CODEPAGE, "replace"))
    return done, len(refused)


# -- the program -----------------------------------------------------------------------------


def _input_files(ctx: ProgramContext, text: str) -> list[Path] | None:
    """The /@ file, or every file matching a ``*``/``?`` name; None if it is missing."""
    path = common.host_file(ctx, text)
    if path is None:
        return None
    if not any(ch in path.name for ch in "*?"):
        return [path] if path.is_file() else None
    if not path.parent.is_dir():
        return []
    pattern = path.name.casefold()
    found = listdir_sorted(path.parent)
    return [p for p in found if fnmatch.fnmatchcase(p.name.casefold(), pattern) and p.is_file()]


def _import_files(
    files: Sequence[Path], session: Session, ctx: ProgramContext, rules: ImportRules
) -> ImportResult:
    budget = _Budget(KEEP_CHARS)
    checked: list[_Checked] = []
    for path in files:
        result = _validate(path, rules, budget)
        if isinstance(result, str):
            ctx.stdout.write(f"Invalid import file: {result}.\n")
            return ImportResult.FAILED
        checked.append(result)
    for one in checked:
        if one.fatal is not None:
            return _not_completed(one, one.fatal, ctx)
    refused = 0
    for one in checked:
        if one.kind == "directory":
            done, bad = _apply_directory(one, session.po, ctx.options.get("UndFile"))
        else:
            done, bad = _deliver_messages(one, session, rules, ctx.options.get("UndFile"))
        ctx.stdout.write(f"{one.path.name}: {done} imported, {bad} undeliverable.\n")
        refused += bad
        one.path.unlink()
    if refused:
        ctx.stdout.write("Undeliverable message or updates.\n")
        return ImportResult.UNDELIVERABLE
    return ImportResult.OK


def _not_completed(
    checked: _Checked, fatal: tuple[MessageItem, str], ctx: ProgramContext
) -> ImportResult:
    """KB Q223772: the report is written to the ``.und``, the run ends with code 1 and no
    input file is deleted (so each retry writes it again)."""
    item, name = fatal
    text = f"Reason: Name too long: {name}\r\n{item.text}"
    with und_path(checked.path, ctx.options.get("UndFile")).open("ab") as fh:
        fh.write(text.encode(CODEPAGE, "replace"))
    ctx.stdout.write(f"{checked.path.name}: name too long: {name}.\n")
    ctx.stdout.write("Program did not complete successfully.\n")
    return ImportResult.FAILED


def _run(session: Session, ctx: ProgramContext) -> ImportResult:
    switches = session.switches
    if (switches.name or "").casefold() != session.identity.name.casefold():
        ctx.stdout.write(f"{switches.name} is not the name of this post office.\n")
        return ImportResult.NOT_CONFIGURED
    if switches.file is None:
        ctx.stdout.write("IMPORT needs a file: /@<file>.\n")
        return ImportResult.NOT_CONFIGURED
    if session.access is not None and not session.access.can_write:
        ctx.stdout.write("Cannot write to the post office: no right to create files.\n")
        return ImportResult.FAILED
    try:
        rules = _rules(session, ctx)
    except ValueError as exc:
        ctx.stdout.write(f"{exc}\n")
        return ImportResult.NOT_CONFIGURED
    files = _input_files(ctx, switches.file)
    if files is None:
        ctx.stdout.write(f"Cannot open file {switches.file}.\n")
        return ImportResult.FAILED
    try:
        return _import_files(files, session, ctx, rules)
    except OSError as exc:
        ctx.stdout.write(f"Program did not complete successfully: {exc.strerror}.\n")
        return ImportResult.FAILED


def _log_nft_error(refused: Refused, ctx: ProgramContext) -> None:
    """IMPORT leaves NFTERROR.LOG in the post office directory (KB Q179072)."""
    if refused.po is None or str(ProblemKind.NFT_ERROR) not in refused.detail:
        return
    stamp = ctx.world.clock.datetime.strftime("%m/%d/%y %H:%M:%S")
    with (refused.po.path / NFTERROR).open("ab") as fh:
        fh.write(f"{stamp} IMPORT: {refused.detail}\r\n".encode(CODEPAGE, "replace"))


def main(argv: Sequence[str], ctx: ProgramContext) -> ImportResult:
    """Run IMPORT with an argument vector (the runner has printed the banner)."""
    parsed = common.parse_command_line(argv, SPEC)
    if isinstance(parsed, Refused):
        return ImportResult(common.refuse(ctx, SPEC, parsed, _CODES[parsed.reason]))
    if parsed.has("?"):
        ctx.stdout.write(SPEC.usage)
        return ImportResult.OK
    loaded = common.load_parameters(parsed, ctx, SPEC)
    if isinstance(loaded, Refused):
        return ImportResult(common.refuse(ctx, SPEC, loaded, _CODES[loaded.reason]))
    parsed, ctx = loaded
    session = open_postoffice(parsed, ctx)
    if isinstance(session, Refused):
        if session.reason is Refusal.DAMAGED:
            _log_nft_error(session, ctx)
        return ImportResult(common.refuse(ctx, SPEC, session, _CODES[session.reason]))
    code = _run(session, ctx)
    close_postoffice(session, ctx)
    return ImportResult(common.end(ctx, SPEC, code))
