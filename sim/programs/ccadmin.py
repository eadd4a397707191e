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
from sim.postoffice.layout import DirectoryEntry
from sim.postoffice.postoffice import Postoffice
from sim.programs.admin import AdminTool, run_admin
from sim.programs.cmdline import Switches
from sim.programs.common import ProgramSpec
from sim.programs.results import AdminResult
from sim.programs.runner import ProgramContext

__all__ = ["ACTIONS", "TOOL", "main"]

#: the actions of the modelled command line, in the order the usage text shows them
ACTIONS = ("LIST", "RENAME", "COMMENT", "DELETE", "PASSWORD", "PREEXPIRED")

USAGE = """\
Usage: ADMIN /N<post office> /P<password> /D<post office directory> action
   or: ADMIN <post office> <password> <directory> action
  LIST [name]              list the directory, or one entry
  RENAME <new name>        give the post office a new name
  COMMENT <entry> [text]   set the comments of a directory entry (no text clears them)
  DELETE <entry>           delete a directory entry whose mailbox is empty
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
