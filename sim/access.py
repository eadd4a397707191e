"""Who may reach which directory: NT accounts and shares, NetWare servers, GSNW.

Source: ccmail-reference.md §6 (service-account rights, NetWare, GSNW), §4.3
(UNC path on the Post Office page), KB Q164707, Q168670, Q118469, Q195649.

Rights use the NetWare trustee names the reference gives (Read, File Scan,
Modify, Create). An NT share permission maps onto them: ``Read`` gives Read and
File Scan; ``Change`` and ``Full Control`` give all four.

Modelled, not documented (§6 names the rights but not which program needs which):

* reading the post office (EXPORT, ANALYZE, a directory export) needs Read and
  File Scan;
* EXPORT of queued mail also needs Modify, because it marks and removes the
  exported messages in the queue's mailbox file in place;
* IMPORT, CHKSTAT and RECLAIM also need Create: they create work files in the
  post office directory (IMPORT writes ``NFTERROR.LOG`` there, KB Q179072).

So a NetWare account with Read, File Scan and Modify but no Create lets inbound
mail (EXPORT) flow while outbound (IMPORT) fails with event 59, the symptom of
KB Q168670.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "NTGATEWAY",
    "AccessCheck",
    "AccessModel",
    "Account",
    "NetWareServer",
    "Rights",
    "Share",
    "SharePermission",
]

#: The NetWare group a GSNW gateway account must belong to (KB Q118469, §6).
NTGATEWAY = "NTGATEWAY"


class Rights(enum.Flag):
    """NetWare trustee rights, the vocabulary of §6."""

    NONE = 0
    READ = enum.auto()
    FILE_SCAN = enum.auto()
    MODIFY = enum.auto()
    CREATE = enum.auto()

    @classmethod
    def all(cls) -> Rights:
        return cls.READ | cls.FILE_SCAN | cls.MODIFY | cls.CREATE

    @classmethod
    def parse(cls, text: str) -> Rights:
        """``"Read, File Scan"`` or ``"RF"`` style (R, F, M, C letters) to flags."""
        letters = {"R": cls.READ, "F": cls.FILE_SCAN, "M": cls.MODIFY, "C": cls.CREATE}
        names = {
            "read": cls.READ,
            "file scan": cls.FILE_SCAN,
            "filescan": cls.FILE_SCAN,
            "modify": cls.MODIFY,
            "create": cls.CREATE,
        }
        result = cls.NONE
        parts = [p.strip() for p in text.replace("+", ",").split(",") if p.strip()]
        for part in parts:
            if part.casefold() in names:
                result |= names[part.casefold()]
            elif part.upper() and all(ch in letters for ch in part.upper()):
                for ch in part.upper():
                    result |= letters[ch]
            else:
                raise ValueError(f"unknown right {part!r} (Read, File Scan, Modify, Create)")
        return result

    def describe(self) -> str:
        names = [("Read", Rights.READ), ("File Scan", Rights.FILE_SCAN)]
        names += [("Modify", Rights.MODIFY), ("Create", Rights.CREATE)]
        shown = [n for n, r in names if r in self]
        return ", ".join(shown) if shown else "no rights"


#: What a program needs (module docstring: modelled).
READ_RIGHTS = Rights.READ | Rights.FILE_SCAN
EXPORT_RIGHTS = READ_RIGHTS | Rights.MODIFY
WRITE_RIGHTS = Rights.all()


class SharePermission(enum.StrEnum):
    """NT share permissions as the NT 4.0 share dialog names them."""

    NO_ACCESS = "No Access"
    READ = "Read"
    CHANGE = "Change"
    FULL = "Full Control"

    def rights(self) -> Rights:
        if self is SharePermission.NO_ACCESS:
            return Rights.NONE
        if self is SharePermission.READ:
            return READ_RIGHTS
        return Rights.all()


@dataclass(slots=True)
class Account:
    """An NT (domain) account, e.g. the Exchange service account."""

    name: str
    password: str
    domain: str = "CORP"


@dataclass(slots=True)
class Share:
    """An NT share ``\\\\server\\name``; ``gateway_to`` makes it a GSNW gateway share."""

    server: str
    name: str
    path: Path
    permissions: dict[str, SharePermission] = field(default_factory=dict)
    everyone: SharePermission = SharePermission.NO_ACCESS
    #: (NetWare server, volume, directory) when this is a GSNW gateway share
    gateway_to: tuple[str, str, str] | None = None

    @property
    def unc(self) -> str:
        return f"\\\\{self.server}\\{self.name}"

    def permission_for(self, account: str) -> SharePermission:
        return self.permissions.get(account.casefold(), self.everyone)


@dataclass(slots=True)
class NetWareServer:
    """A NetWare 3.x/4.x file server: volumes, users, groups, trustee rights."""

    name: str
    volumes: dict[str, Path] = field(default_factory=dict)
    #: user name (case-folded) -> password
    users: dict[str, str] = field(default_factory=dict)
    #: group name -> member names (case-folded)
    groups: dict[str, set[str]] = field(default_factory=dict)
    #: (user or group, volume, directory) case-folded -> rights
    trustees: dict[tuple[str, str, str], Rights] = field(default_factory=dict)

    def rights_of(self, user: str, volume: str, directory: str) -> Rights:
        """Effective rights of ``user`` (directly or through a group) on a directory."""
        who = {user.casefold()} | {g for g, m in self.groups.items() if user.casefold() in m}
        rights = Rights.NONE
        for (name, vol, dirname), granted in self.trustees.items():
            if name in who and vol == volume.casefold() and _is_within(dirname, directory):
                rights |= granted
        return rights


def _is_within(granted_dir: str, directory: str) -> bool:
    """Trustee rights flow down the tree (NetWare inherited rights)."""
    g = granted_dir.strip("\\").casefold()
    d = directory.strip("\\").casefold()
    return not g or d == g or d.startswith(g + "\\")


@dataclass(frozen=True, slots=True)
class AccessCheck:
    """The outcome of an access check, worded as a support engineer would note it."""

    account: str
    path: str
    rights: Rights
    reachable: bool
    via: str

    @property
    def can_read(self) -> bool:
        return self.reachable and READ_RIGHTS in self.rights

    @property
    def can_export(self) -> bool:
        return self.reachable and EXPORT_RIGHTS in self.rights

    @property
    def can_write(self) -> bool:
        return self.reachable and WRITE_RIGHTS in self.rights

    def __str__(self) -> str:
        if not self.reachable:
            return f"{self.account} cannot reach {self.path}: {self.via}"
        return f"{self.account} on {self.path} via {self.via}: {self.rights.describe()}"


@dataclass
class AccessModel:
    """Accounts, NT shares, NetWare servers and the Exchange server's GSNW set-up."""

    accounts: dict[str, Account] = field(default_factory=dict)
    shares: dict[tuple[str, str], Share] = field(default_factory=dict)
    netware: dict[str, NetWareServer] = field(default_factory=dict)
    #: Gateway Services for NetWare installed on the Exchange server
    gsnw_installed: bool = False
    #: the NetWare account the GSNW gateway logs on as (must be in NTGATEWAY)
    gsnw_gateway_account: str | None = None
    #: NT4 service pack level on the Exchange server and the LSA2 hotfix (KB Q195649)
    nt_service_pack: int = 4
    lsa2_hotfix: bool = False

    def add_account(self, name: str, password: str, domain: str = "CORP") -> Account:
        account = Account(name, password, domain)
        self.accounts[name.casefold()] = account
        return account

    def add_share(self, share: Share) -> Share:
        self.shares[(share.server.casefold(), share.name.casefold())] = share
        return share

    def share(self, server: str, name: str) -> Share | None:
        return self.shares.get((server.casefold(), name.casefold()))

    def add_netware(self, server: NetWareServer) -> NetWareServer:
        self.netware[server.name.casefold()] = server
        return server

    def grant(self, account: str, share: Share, permission: SharePermission) -> None:
        share.permissions[account.casefold()] = permission

    def revoke(self, account: str, share: Share) -> None:
        share.permissions[account.casefold()] = SharePermission.NO_ACCESS

    def check_unc(self, account: str, server: str, share_name: str, rest: str) -> AccessCheck:
        """Effective rights of ``account`` on ``\\\\server\\share\\rest`` (§6)."""
        unc = f"\\\\{server}\\{share_name}" + (f"\\{rest}" if rest else "")
        nw = self.netware.get(server.casefold())
        if nw is not None:
            return self._check_netware(account, nw, share_name, rest, unc)
        share = self.share(server, share_name)
        if share is None:
            return AccessCheck(account, unc, Rights.NONE, False, "no such share")
        rights = share.permission_for(account).rights()
        via = f"share {share.unc} ({share.permission_for(account).value})"
        if share.gateway_to is not None:
            rights &= self._gateway_rights(share.gateway_to, rest)
            via += f", GSNW gateway to \\\\{share.gateway_to[0]}\\{share.gateway_to[1]}"
        return AccessCheck(account, unc, rights, True, via)

    def _gateway_rights(self, target: tuple[str, str, str], rest: str) -> Rights:
        nw_name, volume, base = target
        nw = self.netware.get(nw_name.casefold())
        gw = self.gsnw_gateway_account
        if not self.gsnw_installed or nw is None or gw is None:
            return Rights.NONE
        if gw.casefold() not in nw.groups.get(NTGATEWAY, set()):
            return Rights.NONE
        directory = "\\".join(p for p in (base, rest) if p)
        return nw.rights_of(gw, volume, directory)

    def _check_netware(
        self, account: str, nw: NetWareServer, volume: str, rest: str, unc: str
    ) -> AccessCheck:
        """Direct NetWare access: GSNW client plus a same-name, same-password user."""
        if not self.gsnw_installed:
            return AccessCheck(account, unc, Rights.NONE, False, "GSNW is not installed")
        if self.lsa2_hotfix and self.nt_service_pack < 4:
            reason = "NT4 SP3 with the LSA2 hotfix: NetWare logon from a service fails"
            return AccessCheck(account, unc, Rights.NONE, False, reason)
        nt = self.accounts.get(account.casefold())
        nw_password = nw.users.get(account.casefold())
        if nt is None or nw_password is None or nw_password != nt.password:
            reason = f"no NetWare user {account} with the same password on {nw.name}"
            return AccessCheck(account, unc, Rights.NONE, False, reason)
        rights = nw.rights_of(account, volume, rest)
        return AccessCheck(account, unc, rights, True, f"NetWare user {account} on {nw.name}")
