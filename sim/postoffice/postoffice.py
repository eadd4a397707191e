"""A cc:Mail post office directory and its logical content.

Source: ccmail-reference.md §1.3 (files), §1.4 (directory entries, location
codes, addresses, comments, lists, bulletin boards), §1.2 (DB6/DB8), KB Q282172
(``CCPODOWN``), KB Q170011 (``CCPOMBOX.*`` validates a post office path).

Physical layout (modelled, not documented; the record format is in ``records.py``):

``CCPOMBOX.000``  the post office's own record: name, password check value,
                  DB version, language (rtype 1); one record per mailbox whose
                  password was set (rtype 2: entry number, password check value,
                  expired flag) and the post office options (rtype 3, text:
                  ``PreExpiredPasswords=1``).
``CLANDATA``      directory: entry records (rtype 1), mailing lists (rtype 3)
                  and one *directory chain* record (rtype 2) listing the entry
                  offsets in name order. A chain that names a free record or
                  misses an entry is a broken chain (RECLAIM DIRECTORY
                  DIAGNOSTICS/A or BFORCE rebuild it).
``MLANDATA``      messages (rtype 1), one copy per mailbox holding it; payload =
                  message number (u32) + the message in Import/Export text.
``USRnnnnn``      one per mailbox (local users ``L``, post office entries ``P``,
                  bulletin boards): an owner record (rtype 1) and one reference
                  per message (rtype 2: number, MLANDATA offset, folder). A
                  reference whose offset does not hold that message is a broken
                  message index (CHKSTAT DIAGNOSTICS/M rebuilds it).
``NFTCHECK``      the mailbox-file table (rtype 1: mailbox number, file name).
                  A listed file that is missing, or a mailbox file not listed,
                  is an "NFT error" (CHKSTAT NFT/C repairs it). What NFT stands
                  for is unknown (§1.3); the table is our model.
``CCVER.TB`` ``CCINTL.TB`` ``CCPODD.00`` ``CCPOMS``  small text files the
                  connector reads at start and touches at stop (§1.3).
``CCADMIN\\``     the admin files' folder, in every post office (§1.1: "A
                  ``CCADMIN`` subdirectory under CCDATA holds admin files";
                  EX55-DOC xog08007 names no version). It holds ``IE.RI``, the
                  Import/Export 6.0 resource file, in DB8 post offices only: DB6
                  goes with the 5.x programs, which need none (§2.1, KB Q168465).
                  Modelled, not documented: what else the folder holds.
``CCPODOWN``      present while the post office is shut down.

Mail queued for another post office (or for Exchange) waits in the mailbox of
that post office's ``P`` entry, which is what EXPORT ``/N<P entry>`` reads.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from sim.errors import PostofficeError
from sim.fsutil import atomic_write_bytes, listdir_sorted
from sim.postoffice import records as rf
from sim.postoffice.layout import (
    CCADMIN,
    CCINTL,
    CCPODD,
    CCPODOWN,
    CCPOMS,
    CCVER,
    CLANDATA,
    IE_RI,
    MLANDATA,
    NFTCHECK,
    POMBOX,
    T_CHAIN,
    T_IDENTITY,
    T_OPTIONS,
    T_PASSWORD,
    DirectoryEntry,
    Location,
    PoIdentity,
    build_file,
    dec,
    enc,
    password_check,
)
from sim.postoffice.mailstore import PostofficeMail
from sim.postoffice.pofiles import writes

__all__ = ["MailboxPassword", "Postoffice"]

_PASSWORD = struct.Struct("<IIB")
_PRE_EXPIRED = "PreExpiredPasswords"


@dataclass(frozen=True, slots=True)
class MailboxPassword:
    """A mailbox's password as the post office holds it (§1.4, KB Q186740).

    ``expired``: set by the administrator while the post office's "Pre-expired
    passwords" option was on, so it must be changed at the next logon before it
    can be used.
    """

    check: int
    expired: bool = False

    def matches(self, password: str) -> bool:
        return password_check(password) == self.check


class Postoffice(PostofficeMail):
    """One post office directory. Stateless: every call reads what it needs from disk.

    The parts live in their own modules: file reading and the write marker in
    :mod:`sim.postoffice.pofiles`, the directory in :mod:`sim.postoffice.directory`,
    the mail in :mod:`sim.postoffice.mailstore`; creation, identity and state here.
    """

    # -- creation ---------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: Path,
        *,
        name: str,
        password: str,
        db_version: int = 6,
        language: str = "US English",
    ) -> Postoffice:
        """Create an empty post office (directory must not hold one already)."""
        if db_version not in (6, 8):
            raise PostofficeError(f"DB version must be 6 or 8, not {db_version}")
        path.mkdir(parents=True, exist_ok=True)
        if any(p.name.upper().startswith("CCPOMBOX.") for p in path.iterdir()):
            raise PostofficeError(f"{path} already holds a post office")
        ident = "\x00".join((name, str(password_check(password)), language))
        files = {
            POMBOX: build_file(b"POMB", db_version, [(T_IDENTITY, enc(ident))], 1),
            CLANDATA: build_file(b"CLAN", db_version, [(T_CHAIN, b"")], 1),
            MLANDATA: build_file(b"MLAN", db_version, [], 1),
            NFTCHECK: build_file(b"NFT ", db_version, [], 1),
        }
        for fname, data in files.items():
            (path / fname).write_bytes(data)
        (path / CCVER).write_bytes(enc(f"DB{db_version}\r\n"))
        (path / CCINTL).write_bytes(enc(f"{language}\r\n"))
        (path / CCPODD).write_bytes(enc("CLANDATA\r\nMLANDATA\r\nNFTCHECK\r\n"))
        (path / CCPOMS).write_bytes(b"")
        (path / CCADMIN).mkdir(exist_ok=True)  # every post office (§1.1, EX55-DOC xog08007)
        if db_version == 8:
            (path / CCADMIN / IE_RI).write_bytes(enc("cc:Mail Import/Export resources 6.0\r\n"))
        return cls(path)

    # -- identity and state -----------------------------------------------------------------

    def is_postoffice(self, names: dict[str, str] | None = None) -> bool:
        """A path is a post office if it holds ``CCPOMBOX.*`` (KB Q170011)."""
        names = self.names() if names is None else names
        return any(n.startswith("ccpombox.") for n in names)

    def is_shut_down(self, names: dict[str, str] | None = None) -> bool:
        names = self.names() if names is None else names
        return CCPODOWN.casefold() in names

    @writes
    def shut_down(self, reason: str = "Maintenance") -> None:
        (self.path / CCPODOWN).write_bytes(enc(reason + "\r\n"))

    @writes
    def reopen(self) -> None:
        for p in self.path.iterdir():
            if p.name.casefold() == CCPODOWN.casefold():
                p.unlink()

    def _pombox(self) -> tuple[str, rf.FileScan]:
        names = self.names()
        pombox = next((names[n] for n in sorted(names) if n.startswith("ccpombox.")), None)
        if pombox is None:
            raise PostofficeError(f"{self.path} is not a post office (no CCPOMBOX.*)")
        return pombox, rf.scan(self.read(pombox))

    def identity(self) -> PoIdentity:
        pombox, scan = self._pombox()
        live = [r for r in scan.live if r.rtype == T_IDENTITY]
        if not live:
            raise PostofficeError(f"{pombox} holds no identity record")
        name, check, language = dec(live[0].payload).split("\x00")
        return PoIdentity(name, int(check), scan.header.db_version, language)

    @writes
    def _rewrite_pombox(self, /, identity: bytes | None = None, **changes: bytes | None) -> None:
        """CCPOMBOX with a new identity payload and/or records replaced by key.

        ``changes`` maps ``"pw<entry number>"`` or ``"options"`` to the new payload
        (None drops the record); the other records stay as they are.
        """
        pombox, scan = self._pombox()
        items: list[tuple[int, bytes]] = []
        keyed: dict[str, tuple[int, bytes]] = {}
        for r in scan.live:
            if r.rtype == T_IDENTITY:
                items.append((T_IDENTITY, identity if identity is not None else r.payload))
            elif r.rtype == T_PASSWORD and len(r.payload) >= _PASSWORD.size:
                keyed[f"pw{_PASSWORD.unpack_from(r.payload)[0]}"] = (r.rtype, r.payload)
            elif r.rtype == T_OPTIONS:
                keyed["options"] = (r.rtype, r.payload)
        for key, payload in changes.items():
            rtype = T_OPTIONS if key == "options" else T_PASSWORD
            if payload is None:
                keyed.pop(key, None)
            else:
                keyed[key] = (rtype, payload)
        items += [keyed[k] for k in sorted(keyed)]
        atomic_write_bytes(
            self.path / pombox, build_file(b"POMB", scan.header.db_version, items, 1)
        )

    # -- mailbox passwords (§1.4, §2.2: /P is the mailbox password when /N names a user) ------

    def _options(self) -> dict[str, str]:
        _, scan = self._pombox()
        found: dict[str, str] = {}
        for r in scan.live:
            if r.rtype == T_OPTIONS:
                for line in dec(r.payload).splitlines():
                    key, _, value = line.partition("=")
                    found[key.strip()] = value.strip()
        return found

    def pre_expired_passwords(self) -> bool:
        """The "Pre-expired passwords" option (KB Q186740)."""
        return self._options().get(_PRE_EXPIRED) == "1"

    def set_pre_expired_passwords(self, on: bool) -> None:
        """Turn the option on or off; passwords already set keep their state."""
        options = {**self._options(), _PRE_EXPIRED: "1" if on else "0"}
        text = "".join(f"{k}={v}\r\n" for k, v in sorted(options.items()))
        self._rewrite_pombox(options=enc(text))

    def mailbox_password(self, entry: DirectoryEntry) -> MailboxPassword:
        """The password of a mailbox; one never set is empty and not expired (modelled)."""
        _, scan = self._pombox()
        for r in scan.live:
            if r.rtype == T_PASSWORD and len(r.payload) >= _PASSWORD.size:
                number, check, flags = _PASSWORD.unpack_from(r.payload)
                if number == entry.number:
                    return MailboxPassword(check, bool(flags & 1))
        return MailboxPassword(password_check(""))

    def set_mailbox_password(
        self, name: str, password: str, *, by_owner: bool = False
    ) -> MailboxPassword:
        """A new password for a user's mailbox.

        Set by the administrator (or the Migration Wizard, which resets the
        password of each mailbox it migrates, KB Q186740) while "Pre-expired
        passwords" is on, it is expired: the owner must change it at the next
        logon. Set by its owner (``by_owner``), it never is.
        """
        entry = self.find(name)
        if entry is None or entry.location is not Location.LOCAL or not entry.mailbox:
            raise PostofficeError(f"{name!r} is not a user with a mailbox here")
        expired = not by_owner and self.pre_expired_passwords()
        new = MailboxPassword(password_check(password), expired)
        payload = _PASSWORD.pack(entry.number, new.check, int(expired))
        self._rewrite_pombox(**{f"pw{entry.number}": payload})
        return new

    @writes
    def rename(self, name: str) -> None:
        """cc:Mail ADMIN renames the post office: a new name in the identity record.

        KB Q197258's fix for extended characters in a PO name is "rename PO"; the
        password, language and DB version stay. Modelled: nothing else changes.
        """
        if not name:
            raise PostofficeError(f"cannot rename {self.path} to {name!r}")
        identity = self.identity()
        ident = "\x00".join((name, str(identity.password_check), identity.language))
        self._rewrite_pombox(enc(ident))

    # -- directory --------------------------------------------------------------------------

    # -- listing ----------------------------------------------------------------------------

    def listing(self) -> list[tuple[str, int]]:
        """``dir`` of the post office directory: (name, size), sorted."""
        out = []
        for p in listdir_sorted(self.path):
            if p.is_dir():
                out.append((p.name + "\\", 0))
            else:
                out.append((p.name, p.stat().st_size))
        return out
