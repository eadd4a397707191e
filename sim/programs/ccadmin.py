"""cc:Mail ADMIN: the administrator's program, for the directory and the post office name.

Source: ccmail-reference.md §3 (the administration programs run at the post
office server's console, with the post office name, password and directory as
for the other utilities), §8 rows 9 and 17. KB Q197258: a post office name with
extended characters is fixed by renaming the post office (in ADMIN) and on the
connector's Post Office page. KB Q167830: dirsync finds the site's own P entry
by its comment ``MSExchangeCCMC <server>``; an administrator who edited or
removed that comment in ADMIN puts it back there.

Modelled, not documented: real ADMIN is a menu-driven DOS program. It is
modelled as one action per command line after the usual switches:

* ``ADMIN /N<po> /P<pw> /D<dir> LIST [name]``: the directory entries (name,
  location type, address, comments), or the one named;
* ``ADMIN ... RENAME <new name>``: the post office's new name (its identity
  record, :meth:`~sim.postoffice.postoffice.Postoffice.rename`);
* ``ADMIN ... COMMENT <entry> [text...]``: an entry's comments field (empty
  text clears it);
* ``ADMIN ... DELETE <entry>``: delete a directory entry (KB Q167830's other way:
  delete the Exchange site's entry and let dirsync recreate it). An entry whose
  mailbox still holds messages is refused with 1, so nothing queued is lost;
* ``ADMIN ... MESSAGES <entry>``: the messages an entry's mailbox holds (for a
  ``P`` entry, the post office queue): number, sender, date, subject and the
  names of its File items (KB Q202240 step 2: "Locate the message in the cc:Mail
  post office queue");
* ``ADMIN ... FORWARD <number> <user>``: a copy of message ``number`` (from any
  mailbox) into a user's Inbox (KB Q202240 step 3: "forward it to another
  cc:Mail mailbox"); the copy keeps the sender, date, subject and items;
* ``ADMIN ... REMOVE <number>``: delete message ``number`` from the mailbox that
  holds it (KB Q202240 step 3: "and delete it from the cc:Mail post office queue");
* ``ADMIN ... PASSWORD <user> <new password>``: the administrator resets a
  user's mailbox password (the last word is the password, the words before it
  the user's name); with "Pre-expired passwords" on it is expired until the user
  changes it (KB Q186740);
* ``ADMIN ... PREEXPIRED ON|OFF``: the post office's "Pre-expired passwords"
  option (KB Q186740: disable it before a migration).

The console text, the result codes (those of ``AdminResult``: 1 for an action
that cannot be done, such as an unknown entry) and that ADMIN shares the post
office with other users (it is not exclusive, like ANALYZE) are modelled.
"""

from __future__ import annotations

from collections.abc import Sequence

from sim.errors import PostofficeError
from sim.message import format_date
from sim.postoffice.layout import DirectoryEntry
from sim.postoffice.postoffice import Postoffice
from sim.programs.admin import AdminTool, run_admin
from sim.programs.cmdline import Switches
from sim.programs.common import ProgramSpec
from sim.programs.results import AdminResult
from sim.programs.runner import ProgramContext

__all__ = ["ACTIONS", "TOOL", "main"]

#: the actions of the modelled command line, in the order the usage text shows them
ACTIONS = (
    "LIST",
    "RENAME",
    "COMMENT",
    "DELETE",
    "MESSAGES",
    "FORWARD",
    "REMOVE",
    "PASSWORD",
    "PREEXPIRED",
)

USAGE = """\
Usage: ADMIN /N<post office> /P<password> /D<post office directory> action
   or: ADMIN <post office> <password> <directory> action
  LIST [name]              list the directory, or one entry
  RENAME <new name>        give the post office a new name
  COMMENT <entry> [text]   set the comments of a directory entry (no text clears them)
  DELETE <entry>           delete a directory entry whose mailbox is empty
  MESSAGES <entry>         list the messages of a mailbox or post office queue
  FORWARD <number> <user>  forward a copy of a message to a user's Inbox
  REMOVE <number>          delete a message from the mailbox that holds it
  PASSWORD <user> <new>    reset a user's mailbox password
  PREEXPIRED ON|OFF        the "Pre-expired passwords" option
  /BATCH  /?
"""

TOOL = AdminTool(ProgramSpec("ADMIN", {"BATCH": frozenset()}, USAGE), exclusive=False)


def _split(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """The utility's switches and values, then the action and its words."""
    for i, arg in enumerate(argv):
        if arg.upper() in ACTIONS:
            return list(argv[:i]), list(argv[i:])
    return list(argv), []


def _row(entry: DirectoryEntry) -> str:
    kind = entry.location.value
    return f"  {entry.name:<30} {kind}   {entry.address:<20} {entry.comments}".rstrip()


def _list(po: Postoffice, words: list[str], ctx: ProgramContext) -> AdminResult:
    wanted = " ".join(words)
    entries = po.entries()
    if wanted:
        entries = [e for e in entries if e.name.casefold() == wanted.casefold()]
        if not entries:
            ctx.stdout.write(f"No directory entry named {wanted}.\n")
            return AdminResult.ERRORS
    ctx.stdout.write(f"  {'Name':<30} Loc {'Address':<20} Comments\n")
    ctx.stdout.write("".join(_row(e) + "\n" for e in entries))
    return AdminResult.OK


def _rename(po: Postoffice, words: list[str], ctx: ProgramContext) -> AdminResult:
    new = " ".join(words)
    if not new:
        ctx.stdout.write("RENAME needs the post office's new name.\n")
        return AdminResult.ERRORS
    old = po.identity().name
    try:
        po.rename(new)
    except PostofficeError as exc:
        ctx.stdout.write(f"{exc}\n")
        return AdminResult.ERRORS
    ctx.stdout.write(f"Post office {old} renamed {new}.\n")
    return AdminResult.OK


def _comment(po: Postoffice, words: list[str], ctx: ProgramContext) -> AdminResult:
    if not words:
        ctx.stdout.write("COMMENT needs an entry name.\n")
        return AdminResult.ERRORS
    name, text = words[0], " ".join(words[1:])
    if po.find(name) is None:
        ctx.stdout.write(f"No directory entry named {name}.\n")
        return AdminResult.ERRORS
    entry = po.update_entry(name, comments=text)
    ctx.stdout.write(f"Comments of {entry.name}: {entry.comments or '(none)'}\n")
    return AdminResult.OK


def _delete(po: Postoffice, words: list[str], ctx: ProgramContext) -> AdminResult:
    name = " ".join(words)
    entry = po.find(name) if name else None
    if entry is None:
        ctx.stdout.write(
            f"No directory entry named {name}.\n" if name else "DELETE needs an entry name.\n"
        )
        return AdminResult.ERRORS
    held = len(po.mailbox(entry)) if entry.mailbox else 0
    if held:
        ctx.stdout.write(f"{entry.name} still holds {held} message(s): not deleted.\n")
        return AdminResult.ERRORS
    po.delete_entries([entry.name])
    ctx.stdout.write(f"Directory entry {entry.name} deleted.\n")
    return AdminResult.OK


def _messages(po: Postoffice, words: list[str], ctx: ProgramContext) -> AdminResult:
    name = " ".join(words)
    entry = po.find(name) if name else None
    if entry is None or not entry.mailbox:
        ctx.stdout.write(f"No mailbox named {name}.\n" if name else "MESSAGES needs a name.\n")
        return AdminResult.ERRORS
    try:
        held = po.mailbox(entry)
    except (PostofficeError, ValueError) as exc:
        ctx.stdout.write(f"Cannot read the messages of {entry.name}: {exc}\n")
        return AdminResult.ERRORS
    for stored in held:
        m = stored.message
        files = ", ".join(title or "(no name)" for kind, title, _ in m.items if kind == "File")
        ctx.stdout.write(f"Message #: {stored.number}\nFrom: {m.sender}\n")
        ctx.stdout.write(f"Date: {format_date(m.date)}\nSubject: {m.subject}\n")
        ctx.stdout.write(f"File items: {files or '(none)'}\n\n")
    ctx.stdout.write(f"{len(held)} message(s) in {entry.name}.\n")
    return AdminResult.OK


def _holder(po: Postoffice, word: str) -> tuple[DirectoryEntry, int] | None:
    """The mailbox that holds message ``word`` (a number), and the number."""
    if not word.isdigit():
        return None
    number = int(word)
    for entry in po.entries():
        if entry.mailbox and any(r.number == number for r in po.refs(entry)):
            return entry, number
    return None


def _forward(po: Postoffice, words: list[str], ctx: ProgramContext) -> AdminResult:
    found = _holder(po, words[0]) if len(words) >= 2 else None
    user = po.find(" ".join(words[1:])) if found is not None else None
    if found is None or user is None or not user.mailbox:
        ctx.stdout.write("FORWARD needs a queued message's number and a user's name.\n")
        return AdminResult.ERRORS
    entry, number = found
    ref = next(r for r in po.refs(entry) if r.number == number)
    (stored,) = po.read_messages([ref])
    (copy,) = po.deliver(user, [stored.message])
    ctx.stdout.write(f"Message {number} forwarded to {user.name} (message {copy}).\n")
    return AdminResult.OK


def _remove(po: Postoffice, words: list[str], ctx: ProgramContext) -> AdminResult:
    found = _holder(po, words[0]) if len(words) == 1 else None
    if found is None:
        ctx.stdout.write("REMOVE needs the number of a message a mailbox holds.\n")
        return AdminResult.ERRORS
    entry, number = found
    po.remove_messages(entry, [number])
    ctx.stdout.write(f"Message {number} deleted from {entry.name}.\n")
    return AdminResult.OK


def _password(po: Postoffice, words: list[str], ctx: ProgramContext) -> AdminResult:
    if len(words) < 2:
        ctx.stdout.write("PASSWORD needs a user's name and the new password.\n")
        return AdminResult.ERRORS
    name, password = " ".join(words[:-1]), words[-1]
    try:
        new = po.set_mailbox_password(name, password)
    except PostofficeError as exc:
        ctx.stdout.write(f"{exc}\n")
        return AdminResult.ERRORS
    state = " (pre-expired: to be changed at the next logon)" if new.expired else ""
    ctx.stdout.write(f"Password of {name} reset{state}.\n")
    return AdminResult.OK


def _pre_expired(po: Postoffice, words: list[str], ctx: ProgramContext) -> AdminResult:
    value = " ".join(words).upper()
    if value not in ("ON", "OFF"):
        ctx.stdout.write("PREEXPIRED needs ON or OFF.\n")
        return AdminResult.ERRORS
    po.set_pre_expired_passwords(value == "ON")
    ctx.stdout.write(f"Pre-expired passwords: {value}.\n")
    return AdminResult.OK


_WORK = {
    "LIST": _list,
    "RENAME": _rename,
    "COMMENT": _comment,
    "DELETE": _delete,
    "MESSAGES": _messages,
    "FORWARD": _forward,
    "REMOVE": _remove,
    "PASSWORD": _password,
    "PREEXPIRED": _pre_expired,
}


def main(argv: Sequence[str], ctx: ProgramContext) -> AdminResult:
    """Run ADMIN with an argument vector (the runner has printed the banner)."""
    head, action = _split(argv)
    if not action and "/?" not in head:
        ctx.stdout.write("No action given.\n" + USAGE)
        ctx.stdout.write("ADMIN process ended with error: 1.\n")
        return AdminResult.ERRORS

    def work(po: Postoffice, switches: Switches, ctx: ProgramContext) -> AdminResult:
        return _WORK[action[0].upper()](po, action[1:], ctx)

    return run_admin(head, ctx, TOOL, work)
