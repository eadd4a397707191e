"""Opening a post office the way EXPORT and IMPORT do, one world-state check at a time.

Source: ccmail-reference.md §1.3 (``CCPOMBOX.*`` marks a post office, KB Q170011;
``CCPODOWN``, KB Q282172), §2.1 (DB6 needs Import/Export 5.x, DB8 needs 6.0 or
later, KB Q168465; 16-bit tools corrupt a cc:Mail 8.5 post office, KB Q248195), §2.5
(result codes), §6 (the service account's rights, KB Q166045, Q168670), §8 (causes
1-3, 6, 7, 19).

Steps 1-2 (the command line and the parameter file) are :mod:`sim.programs.common`.
:func:`open_postoffice` goes on from there, and the first check that fails decides
the outcome (a :class:`sim.programs.common.Refused`):

3. the /D path can be placed, and when the program runs as an account on a UNC
   path, that account reaches it with Read and File Scan (KB Q166045);
4. the directory holds ``CCPOMBOX.*`` (KB Q170011);
5. no ``CCPODOWN`` file (KB Q282172);
6. no exclusive holder in ``world.locks`` (KB Q179072);
7. the program's major version suits the DB version, and so does the connector's
   Import/Export version choice when it is passed as ``DBVersion`` (KB Q168465);
8. the /P password (case-insensitive) is the post office password, or, when a
   program that acts as a user (EXPORT) has /N name a local user's mailbox, that
   mailbox's password, which must not be a pre-expired one (§2.2, §1.4, KB
   Q186740: with "Pre-expired passwords" on, the password the Migration Wizard
   sets cannot be used until it is changed);
9. :func:`sim.postoffice.check.quick_check` finds no damage (KB Q166045, Q179072).

Modelled, not documented: that a refused mailbox password, expired or wrong, is
code 3 like a wrong post office password (KB Q186740 shows only the Migration
Wizard's "Bad Parameters on the command line"); that a mailbox whose password was
never set has an empty one; that a missing /N or /P is refused like a bad one; that
the connector's version choice ("Import 5.15/Export 5.14" or "Import 6.0/Export
6.0", §4.3) reaches the program as ``DBVersion`` in its parameter file and a choice
that does not match the post office is refused like a wrong program version (KB
Q168465: "wrong version selected" gives code 1); and how the KB Q248195 corruption
looks: a 16-bit program that opens an 8.5 post office (``CCVER.TB`` second line
``8.5``) leaves MLANDATA's header counting more records and bytes than the file
holds. The run itself succeeds; the next program's damage check finds the short
file.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping

from sim.access import AccessCheck
from sim.errors import PathError, PostofficeError
from sim.message import DateStyle
from sim.postoffice import records as rf
from sim.postoffice.check import quick_check
from sim.postoffice.layout import CCINTL, CCVER, MLANDATA, PoIdentity
from sim.postoffice.layout import Location as Locn
from sim.postoffice.postoffice import Postoffice
from sim.programs.cmdline import Switches
from sim.programs.common import Refusal, Refused, Session
from sim.programs.runner import ProgramContext
from sim.winpath import Location

__all__ = [
    "close_postoffice",
    "open_postoffice",
    "postoffice_date_style",
    "reach_postoffice",
]

#: cc:Mail language names (``CCINTL.TB``) -> the date order the post office writes.
#: Modelled, not documented: §4.3 says only that the PO language drives the date format.
_LANGUAGE_DATES: Mapping[str, DateStyle] = {
    "us english": DateStyle.US,
    "english": DateStyle.US,
    "canadian english": DateStyle.US,
    "japanese": DateStyle.JAPANESE,
    "chinese": DateStyle.JAPANESE,
    "korean": DateStyle.JAPANESE,
}


def reach_postoffice(
    switches: Switches, ctx: ProgramContext, *, empty_password: bool
) -> tuple[Location, AccessCheck | None] | Refused:
    """Place the /D path and look up the account's access to a UNC path.

    /N, /P and /D must all be given. ``empty_password`` says what a bare ``/P``
    is: for EXPORT and IMPORT a password (a post office may have none, and the
    connector passes ``/P`` with nothing after it); for the admin tools a missing
    switch, since they ask for the password. Modelled: the reference (§2.2, §3)
    documents the switches, not how each program takes an empty value. The caller
    decides what the access check must allow (reading, or exclusive writing).
    """
    given = (("/N", switches.name), ("/P", switches.password), ("/D", switches.path))
    missing = [k for k, v in given if v is None or (not v and (k != "/P" or not empty_password))]
    if missing or switches.path is None:
        return Refused(Refusal.BAD_LOGIN, f"Missing {', '.join(missing)}.")
    try:
        location = ctx.world.resolve(switches.path)
    except PathError as exc:
        return Refused(Refusal.NOT_ACCESSIBLE, f"Post office directory is not accessible: {exc}.")
    check = None
    if ctx.account is not None and location.unc is not None:
        check = ctx.world.access.check_unc(ctx.account, *location.unc)
    return location, check


def _identity(po: Postoffice) -> PoIdentity | None:
    try:
        return po.identity()
    except (PostofficeError, ValueError, UnicodeDecodeError, struct.error):
        return None


def _version_ok(db_version: int, ctx: ProgramContext) -> bool:
    """DB6 with Import/Export 5.x, DB8 with 6.0 or later (KB Q168465, Q190275)."""
    return ctx.major == 5 if db_version == 6 else ctx.major >= 6


def _login(po: Postoffice, identity: PoIdentity, switches: Switches, users: bool) -> Refused | None:
    """Step 8: the post office password, or the mailbox password of the user /N names."""
    password, name = switches.password or "", switches.name or ""
    if users and name.casefold() != identity.name.casefold():
        try:
            entry = po.find(name)
        except (PostofficeError, ValueError, UnicodeDecodeError, struct.error):
            entry = None  # the damage check (step 9) reports it
        if entry is not None and entry.location is Locn.LOCAL and entry.mailbox:
            stored = po.mailbox_password(entry)
            if not stored.matches(password):
                return Refused(Refusal.BAD_LOGIN, f"Invalid password for {entry.name}.", po)
            if stored.expired:
                text = f"The password of {entry.name} has expired; it must be changed first."
                return Refused(Refusal.BAD_LOGIN, text, po)
            return None
    if not identity.password_matches(password):
        return Refused(Refusal.BAD_LOGIN, "Invalid post office password.", po)
    return None


def _state(
    po: Postoffice, ctx: ProgramContext, switches: Switches, users: bool = False
) -> PoIdentity | Refused:
    """Steps 4-9, from one directory listing and the files they need.

    Modelled, not documented (§7 item 4: the keys of Export.ini/Import.ini are
    unknown): when the caller passes the post office name in the ini values
    (``PostOffice``, as the connector does), the name must match too, so a wrong
    name on the Post Office page fails every run with 3 (§8 cause 1, KB Q166045)
    even where ``/N`` names the site's P entry.
    """
    names = po.names()
    if not po.is_postoffice(names):
        return Refused(Refusal.NOT_A_POSTOFFICE, "The directory is not a cc:Mail post office.")
    if po.is_shut_down(names):
        return Refused(Refusal.SHUT_DOWN, "Post office is temporarily shut down.", po)
    if ctx.world.locks.exclusive_holder(po.path) is not None:
        text = "The Lotus cc:Mail Post Office is locked by another process."
        return Refused(Refusal.LOCKED, text, po)
    identity = _identity(po)
    if identity is None:
        return Refused(Refusal.DAMAGED, "Post office damaged: CCPOMBOX cannot be read.", po)
    if not _version_ok(identity.db_version, ctx):
        text = f"Could not access the Lotus cc:Mail Post Office (DB{identity.db_version})."
        return Refused(Refusal.WRONG_VERSION, text, po)
    chosen = ctx.options.get("DBVersion", "").strip()
    if chosen and chosen != str(identity.db_version):
        text = (
            f"Could not access the Lotus cc:Mail Post Office "
            f"(DB{identity.db_version}; DB{chosen} selected)."
        )
        return Refused(Refusal.WRONG_VERSION, text, po)
    refused = _login(po, identity, switches, users)
    if refused is not None:
        return refused
    named = ctx.options.get("PostOffice")
    if named is not None and named.casefold() != identity.name.casefold():
        return Refused(Refusal.BAD_LOGIN, f"Post office name {named} does not match.", po)
    problem = quick_check(po)
    if problem is not None:
        return Refused(Refusal.DAMAGED, f"Post office damaged: {problem}.", po)
    return identity


def open_postoffice(
    switches: Switches, ctx: ProgramContext, *, users: bool = False
) -> Session | Refused:
    """Steps 3-9; prints "Post office directory: <path>" once the path is known.

    ``users``: the program acts as the user /N names (EXPORT), so /P is checked
    against that user's mailbox password (step 8).
    """
    reached = reach_postoffice(switches, ctx, empty_password=True)
    if isinstance(reached, Refused):
        return reached
    location, check = reached
    if check is not None and not check.can_read:
        return Refused(Refusal.NOT_ACCESSIBLE, "Post office directory is not accessible.")
    ctx.stdout.write(f"Post office directory: {location.text}\n")
    po = Postoffice(location.host, cached=True)
    state = _state(po, ctx, switches, users)
    if isinstance(state, Refused):
        return state
    return Session(switches, po, state, location, check)


def _is_release_85(po: Postoffice) -> bool:
    """``CCVER.TB`` names release 8.5 on its second line (modelled marker)."""
    path = po.path / CCVER
    if not path.is_file():
        return False
    lines = path.read_bytes().decode("cp850", "replace").splitlines()
    return len(lines) > 1 and lines[1].strip().startswith("8.5")


def close_postoffice(session: Session, ctx: ProgramContext) -> None:
    """End a run; a 16-bit program leaves an 8.5 post office damaged (KB Q248195)."""
    if ctx.is_32bit or not _is_release_85(session.po):
        return
    path = session.po.path / MLANDATA
    with path.open("r+b") as fh:
        header = rf.decode_header(fh.read(rf.HEADER_SIZE))
        header.live_count += 1
        header.used_bytes += 512
        fh.seek(0)
        fh.write(rf.encode_header(header))


def postoffice_date_style(po: Postoffice, identity: PoIdentity) -> DateStyle:
    """The date order of the post office language (``CCINTL.TB``, else the identity's)."""
    path = po.path / CCINTL
    language = identity.language
    if path.is_file():
        first = path.read_bytes().decode("cp850", "replace").splitlines()
        language = first[0].strip() if first else language
    key = language.casefold()
    if key in _LANGUAGE_DATES:
        return _LANGUAGE_DATES[key]
    return DateStyle.US if not key else DateStyle.EUROPEAN
