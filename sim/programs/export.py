"""The cc:Mail EXPORT program (``EXPORT.EXE``, ``EXPORT32.EXE``).

Source: ccmail-reference.md §2.2 (syntax and qualifiers; KB Q212759 /MSG# and
/DELETE, Q186740 migration export, Q282172 /DIRECTORY and the console text),
§2.3 (message format), §2.4 and §4.6 (directory files), §2.5 (result codes),
§4.5 (the connector exports up to 16 messages queued for the Exchange site's
``P`` entry with ``/NEX1``), §1.4 (location codes, FANs with /FORMAT/FAN).

What /N selects:

* the post office name (case-insensitive): the administrator, for /DIRECTORY;
* a ``P`` entry: the mail queued for that post office; exported messages leave
  the queue (this needs the Modify right, ``sim/access.py``);
* a mailbox user (``L``): a copy of that user's mail, as the Migration Wizard
  takes it (KB Q186740); nothing is removed. /P is then that mailbox's password
  (§2.2), refused when it is a pre-expired one (KB Q186740);
* anything else: code 3 (KB Q166045; no ``P`` entry yet = "first dirsync not done").

Modelled, not documented: the console texts other than KB Q282172's; that
without /@ the directory export goes to the screen (KB Q282172 gives that
command) while a message export needs /@; that /DATE/<n> picks the date order
by the "Locale Date Format" numbers of KB Q180641 (1 US, 2 European, 3
Japanese) and otherwise the post office language's order is used; that a user
export takes the Inbox unless /MSGS/ALL; that /FOLDER, /FILES/MACBIN2 and
/FILES/HEX change nothing (the format of §2.3 has no folder line and file items
are text here); that an empty queue writes no file; the /MSG# listing layout;
that an unknown /DELETE number is code 3; that Export 5.15, 6.0 and 8.0 stop
short inside a PCX File item and leave the message queued (``export_damage``, KB
Q202240); which damage keeps a queued message in the queue (``sim.programs.export_damage``:
one whose sizes do not add up, KB Q212759; one that only lacks its ``Contents:``
line, KB Q234745, or whose message size is short, KB Q168556, leaves it, written
alone); and that the mailing lists and
bulletin boards of a /DIRECTORY export go to ``CCMLIST.EXP`` and ``CCMBB.EXP``
beside the /@ file (§2.4 and §4.6 name the files, not how they are produced).
The option ``MaxMessages`` (``ctx.options``) caps a message export.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sim.errors import PostofficeError
from sim.fsutil import atomic_write_bytes
from sim.message import (
    DateStyle,
    format_date,
)
from sim.postoffice.check import check_message_index
from sim.postoffice.layout import DirectoryEntry, Location, Ref
from sim.postoffice.postoffice import Postoffice
from sim.programs import common
from sim.programs.common import ProgramSpec, Refusal, Refused, Session
from sim.programs.dirfile import block_for_entry, block_for_list, render_blocks
from sim.programs.export_damage import PCX_STALLS, up_to_unreadable
from sim.programs.exportfile import encode_text, export_messages, temporary_name
from sim.programs.results import ExportResult
from sim.programs.runner import ProgramContext
from sim.programs.session import close_postoffice, open_postoffice, postoffice_date_style

__all__ = ["BB_FILE", "LIST_FILE", "SPEC", "export_messages", "main", "temporary_name"]

#: files written beside the /@ file of a /DIRECTORY export (§2.4, §4.6)
LIST_FILE = "CCMLIST.EXP"
BB_FILE = "CCMBB.EXP"

USAGE = """\
Usage: EXPORT /N<name> /P<password> /D<post office directory> [/@<file>] [options]
  /DIRECTORY[/PROP|/PROPADD]  export the directory (administrator)
  /MSG#                       list the queued messages and their numbers
  /DELETE/<number>            delete one queued message
  /ITEMSIZE  /FORMAT/FAN  /BATCH  /FILES/MACBIN2  /FILES/HEX
  /DATE/<1|2|3>  /FOLDER  /MSGS/ALL  /?
"""

SPEC = ProgramSpec(
    "EXPORT",
    {
        "DIRECTORY": frozenset({"PROP", "PROPADD"}),
        "MSG#": frozenset(),
        "DELETE": frozenset({"#"}),
        "ITEMSIZE": frozenset(),
        "FORMAT": frozenset({"FAN"}),
        "BATCH": frozenset(),
        "FILES": frozenset({"MACBIN2", "HEX"}),
        "DATE": frozenset({"1", "2", "3"}),
        "FOLDER": frozenset(),
        "MSGS": frozenset({"ALL"}),
    },
    USAGE,
)

_CODES = {
    Refusal.USAGE: ExportResult.NOT_CONFIGURED,
    Refusal.NOT_ACCESSIBLE: ExportResult.NOT_CONFIGURED,
    Refusal.NOT_A_POSTOFFICE: ExportResult.NOT_CONFIGURED,
    Refusal.SHUT_DOWN: ExportResult.LOCKED,
    Refusal.LOCKED: ExportResult.LOCKED,
    Refusal.WRONG_VERSION: ExportResult.NO_ACCESS,
    Refusal.BAD_LOGIN: ExportResult.NOT_CONFIGURED,
    Refusal.DAMAGED: ExportResult.NOT_CONFIGURED,
}
_DATE_SWITCH = {"1": DateStyle.US, "2": DateStyle.EUROPEAN, "3": DateStyle.JAPANESE}
#: /DIRECTORY/PROPADD grouping (IE51-RM): P, p, then L/l/R/r, then A/a
_GROUP = {"P": 0, "p": 1, "L": 2, "l": 2, "R": 2, "r": 2, "A": 3, "a": 3}


def _directory_texts(po: Postoffice, fan: bool, propadd: bool) -> tuple[str, str, str]:
    """Ccmdir.exp, Ccmlist.exp and Ccmbb.exp contents.

    The entries come in directory order (alphabetical); only /DIRECTORY/PROPADD
    groups them first: P, p, then L/l/R/r, then A/a, each group in directory order
    (IE51-RM item 2: "/DIRECTORY/PROPADD functions as /DIRECTORY/PROP did, except
    sorting").
    """
    entries = po.entries()
    boards = [e for e in entries if e.location is Location.BULLETIN_BOARD]
    people = [e for e in entries if e.location is not Location.BULLETIN_BOARD]
    if propadd:
        people.sort(key=lambda e: (_GROUP.get(e.location.value, 4), e.name.casefold()))
    directory = "".join(render_blocks(block_for_entry(e, fan=fan) for e in people))
    lists = "".join(render_blocks(block_for_list(m) for m in po.lists()))
    bbs = "".join(render_blocks(block_for_entry(e) for e in boards))
    return directory, lists, bbs


def _export_directory(session: Session, ctx: ProgramContext) -> ExportResult:
    switches = session.switches
    fan = "FAN" in {q.upper() for q in switches.qualifiers("FORMAT") or ()}
    propadd = "PROPADD" in {q.upper() for q in switches.qualifiers("DIRECTORY") or ()}
    directory, lists, bbs = _directory_texts(session.po, fan, propadd)
    if switches.file is None:
        ctx.stdout.write(directory + lists + bbs)
        return ExportResult.OK
    target = common.host_file(ctx, switches.file)
    if target is None:
        ctx.stdout.write(f"Cannot create file {switches.file}.\n")
        return ExportResult.NO_ACCESS
    try:
        for path, text in ((target, directory), (target.parent / LIST_FILE, lists)):
            atomic_write_bytes(path, encode_text(text))
        atomic_write_bytes(target.parent / BB_FILE, encode_text(bbs))
    except OSError as exc:
        ctx.stdout.write(f"Cannot write file {switches.file}: {exc.strerror}.\n")
        return ExportResult.NO_ACCESS
    ctx.stdout.write(f"Directory exported to {switches.file}.\n")
    return ExportResult.OK


def _listing_lines(po: Postoffice, refs: Sequence[Ref], style: DateStyle) -> Iterator[str]:
    """/MSG#: number, sender, date and subject of each message; unreadable ones say so."""
    i = 0
    while i < len(refs):
        try:
            for stored in po.read_messages(refs[i:]):
                m = stored.message
                date = format_date(m.date, style)
                yield f"Message #: {stored.number}\r\nFrom: {m.sender}\r\nDate: {date}\r\n"
                yield f"Subject: {m.subject}\r\n\r\n"
                i += 1
        except (PostofficeError, ValueError):
            yield f"Message #: {refs[i].number}\r\n*** Message cannot be read ***\r\n\r\n"
            i += 1


def _list_queue(session: Session, entry: DirectoryEntry, ctx: ProgramContext) -> ExportResult:
    style = _date_style(session)
    text = "".join(_listing_lines(session.po, session.po.refs(entry), style))
    file = session.switches.file
    if file is None:
        ctx.stdout.write(text)
        return ExportResult.OK
    target = common.host_file(ctx, file)
    try:
        if target is None:
            raise OSError(0, "the path cannot be placed")
        atomic_write_bytes(target, encode_text(text))
    except OSError as exc:
        ctx.stdout.write(f"Cannot write file {file}: {exc.strerror}.\n")
        return ExportResult.NO_ACCESS
    return ExportResult.OK


def _delete_one(session: Session, entry: DirectoryEntry, ctx: ProgramContext) -> ExportResult:
    quals = session.switches.qualifiers("DELETE") or ()
    if len(quals) != 1:
        ctx.stdout.write("/DELETE needs one message number, e.g. /DELETE/123456.\n")
        return ExportResult.NOT_CONFIGURED
    number = int(quals[0])
    if number not in {r.number for r in session.po.refs(entry)}:
        ctx.stdout.write(f"Message {number} not found for {entry.name}.\n")
        return ExportResult.NOT_CONFIGURED
    session.po.remove_messages(entry, [number])
    ctx.stdout.write(f"Message {number} deleted.\n")
    return ExportResult.OK


def _date_style(session: Session) -> DateStyle:
    quals = session.switches.qualifiers("DATE")
    if quals:
        return _DATE_SWITCH[quals[0]]
    return postoffice_date_style(session.po, session.identity)


def _may_modify(session: Session, ctx: ProgramContext) -> bool:
    if session.access is None or session.access.can_export:
        return True
    ctx.stdout.write("Could not access the Lotus cc:Mail Post Office: no right to modify it.\n")
    return False


def _export_mail(session: Session, entry: DirectoryEntry, ctx: ProgramContext) -> ExportResult:
    switches = session.switches
    queue = entry.location is Location.POST_OFFICE
    if queue and not _may_modify(session, ctx):
        return ExportResult.NO_ACCESS
    if switches.file is None:
        ctx.stdout.write("A message export needs a file: /@<file>.\n")
        return ExportResult.NOT_CONFIGURED
    target = common.host_file(ctx, switches.file)
    try:
        limit = common.int_option(ctx, "MaxMessages")
    except ValueError as exc:
        ctx.stdout.write(f"{exc}\n")
        return ExportResult.NOT_CONFIGURED
    problem = check_message_index(session.po, entry, limit=limit)
    if problem is not None:
        ctx.stdout.write(f"Post office damaged: {problem}.\n")
        return ExportResult.NOT_CONFIGURED
    refs = session.po.refs(entry)
    if not queue and not switches.has("MSGS"):
        refs = [r for r in refs if r.folder.casefold() == "inbox"]
    keep: set[int] = set()
    stalled = None
    if queue:
        chosen = refs[:limit] if limit is not None else refs
        refs, keep, stalled = up_to_unreadable(session.po, chosen, ctx.version in PCX_STALLS)
    try:
        if target is None:
            raise OSError(0, "the path cannot be placed")
        if stalled is not None:  # KB Q202240: the run ends inside the PCX item
            atomic_write_bytes(target, stalled)
            return ExportResult.OK
        numbers = export_messages(
            session.po,
            entry,
            target,
            refs=refs,
            limit=limit,
            itemsize=switches.has("ITEMSIZE"),
            date_style=_date_style(session),
            remove=queue and not keep,
        )
    except (OSError, PostofficeError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else str(exc)
        ctx.stdout.write(f"Cannot export to {switches.file}: {reason}.\n")
        return ExportResult.NO_ACCESS
    ctx.stdout.write(f"{len(numbers)} message(s) exported for {entry.name}.\n")
    return ExportResult.OK


def _run(session: Session, ctx: ProgramContext) -> ExportResult:
    switches = session.switches
    name = switches.name or ""
    admin = name.casefold() == session.identity.name.casefold()
    if switches.has("DIRECTORY"):
        if admin:
            return _export_directory(session, ctx)
        ctx.stdout.write("Only the post office administrator can export the directory.\n")
        return ExportResult.NOT_CONFIGURED
    entry = None if admin else session.po.find(name)
    if entry is None or not entry.mailbox:
        ctx.stdout.write(f"{name} is not a mailbox in this post office's directory.\n")
        return ExportResult.NOT_CONFIGURED
    if switches.has("MSG#") or switches.has("DELETE"):
        # the whole queue's index is read to number and find its messages: a broken
        # reference is a damaged post office (code 3, KB Q166045), never a message to
        # list as unreadable or delete (that would drop the message it points away from)
        problem = check_message_index(session.po, entry)
        if problem is not None:
            ctx.stdout.write(f"Post office damaged: {problem}.\n")
            return ExportResult.NOT_CONFIGURED
    if switches.has("MSG#"):
        return _list_queue(session, entry, ctx)
    if switches.has("DELETE"):
        if not _may_modify(session, ctx):
            return ExportResult.NO_ACCESS
        return _delete_one(session, entry, ctx)
    return _export_mail(session, entry, ctx)


def main(argv: Sequence[str], ctx: ProgramContext) -> ExportResult:
    """Run EXPORT with an argument vector (the runner has printed the banner)."""
    parsed = common.parse_command_line(argv, SPEC)
    if isinstance(parsed, Refused):
        return ExportResult(common.refuse(ctx, SPEC, parsed, _CODES[parsed.reason]))
    if parsed.has("?"):
        ctx.stdout.write(SPEC.usage)
        return ExportResult.OK
    loaded = common.load_parameters(parsed, ctx, SPEC)
    if isinstance(loaded, Refused):
        return ExportResult(common.refuse(ctx, SPEC, loaded, _CODES[loaded.reason]))
    parsed, ctx = loaded
    session = open_postoffice(parsed, ctx, users=True)
    if isinstance(session, Refused):
        return ExportResult(common.refuse(ctx, SPEC, session, _CODES[session.reason]))
    code = _run(session, ctx)
    close_postoffice(session, ctx)
    return ExportResult(common.end(ctx, SPEC, code))
