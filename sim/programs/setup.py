r"""SETUP: what the Exchange server's administrator installs by hand.

The fixes of several failure causes are an installation on the Exchange server
(ccmail-reference.md §8):

* the Lotus cc:Mail Import/Export programs of the post office's DB version (KB
  Q168465: Import 5.15/Export 5.14 for DB6, 6.0 with ``IE.RI`` for DB8; Q190275
  for ``IE.RI`` beside Import/Export 6.0 and later);
* Import/Export 8.2, whose larger address block takes "Max Address Buffer
  Size" (KB Q266711);
* the cc:Mail 8.5 ``Import32.exe``/``Export32.exe`` with ``Cdmw800.dll``,
  ``Cfw803.dll``, ``Ciw803.dll`` and ``Impexp.ri`` (KB Q248195, Q251360);
* Windows NT 4.0 Service Pack 4, which fixes NetWare logons from a service
  after SP3 with the LSA2 hotfix (KB Q195649);
* Exchange Server 5.0 Service Pack 2, the last, which handles an illegal
  section name in an Export file (KB Q176375) and counts free disk space right
  (KB Q178758);
* Exchange Server 5.5 Service Pack 3, whose connector (Ccmc.exe, Ccmsg.dll
  5.5.2571.0) removes the ``.ccm`` IMPORT kept after result code 1 (KB Q223772);
* Gateway (and Client) Services for NetWare, without which the service reaches
  no NetWare volume (KB Q164707).

Modelled, not documented: each is one kit, installed with ``SETUP <kit>
[directory]`` at the Exchange server's console, as its administrator. In real
life they are Lotus's distribution disks, ``SP4I386.EXE``, Control Panel >
Network > Services > Add, and the Exchange service pack's own Setup. The kit
names, the console texts and the result codes (0 installed, 1 a command line
SETUP cannot read) are modelled. An installation changes only files and the
server's set-up: the connector service sees the new programs and the Exchange
service pack at its next run, the NT service pack or GSNW at its next logon;
the article's restart is the administrator's to do. Nothing checks that a
program file is not in use while it is replaced.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import IntEnum

from sim.errors import PathError
from sim.exchange import LATEST_50_SERVICE_PACK
from sim.programs.image import IE_RI
from sim.programs.runner import ProgramContext, install_program, install_win32_companions

__all__ = ["KITS", "Kit", "SetupResult", "main"]

#: ``IE.RI`` as Lotus ships it with Import/Export 6.0 and later (the post office's CCADMIN copy)
IE_RI_SHIPPED = b"cc:Mail Import/Export resources 6.0\r\n"


class SetupResult(IntEnum):
    """Modelled: 0 installed, 1 a command line SETUP cannot read, 2 a kit for another
    system (a service pack for another Exchange version), which installs nothing."""

    OK = 0
    USAGE = 1
    NOT_FOR_THIS_SYSTEM = 2


@dataclass(frozen=True, slots=True)
class Kit:
    """One installation kit: what it is, and whether it goes into a directory."""

    title: str
    #: (file name, version) of the programs it installs; empty for a system change
    programs: tuple[tuple[str, str], ...] = ()
    ie_ri: bool = False
    win32: bool = False
    #: a system change: (applied, what SETUP says); not applied installs nothing
    change: Callable[[ProgramContext], tuple[bool, str]] | None = None

    @property
    def needs_directory(self) -> bool:
        return bool(self.programs)


def _service_pack(ctx: ProgramContext) -> tuple[bool, str]:
    ctx.world.access.nt_service_pack = max(ctx.world.access.nt_service_pack, 4)
    return True, "Windows NT 4.0 Service Pack 4 is installed. Restart the services it affects."


def _exchange_sp(version: str, pack: int) -> Callable[[ProgramContext], tuple[bool, str]]:
    """An Exchange service pack: the server's level raised to ``pack`` if it runs ``version``.

    KB Q176375 and Q178758 name "the latest U.S. Service Pack" for 5.0
    (``LATEST_50_SERVICE_PACK``); KB Q223772's fix is "first corrected in Exchange
    Server 5.5 Service Pack 3". Modelled: the service pack level stands for the
    connector's build (``ExchangeServer``); a kit for another version changes nothing
    and SETUP ends with an error, as a service pack's installer stops on a server it
    was not built for (the message text is modelled).
    """

    def change(ctx: ProgramContext) -> tuple[bool, str]:
        exchange = ctx.world.exchange
        if exchange.version != version:
            return False, (
                f"Exchange Server {exchange.version} found; this service pack is for "
                f"{version}. Nothing was installed."
            )
        exchange.service_pack = max(exchange.service_pack, pack)
        return True, (
            f"Exchange Server {version} Service Pack {pack} is installed. "
            "Restart the Exchange services."
        )

    return change


def _gsnw(ctx: ProgramContext) -> tuple[bool, str]:
    ctx.world.access.gsnw_installed = True
    return True, "Gateway Service for NetWare is installed. Restart the services that use NetWare."


KITS: dict[str, Kit] = {
    "IE515": Kit(
        "Lotus cc:Mail Import 5.15 / Export 5.14 (DB6)",
        (("EXPORT.EXE", "5.14"), ("IMPORT.EXE", "5.15")),
    ),
    "IE60": Kit(
        "Lotus cc:Mail Import/Export 6.0 (DB8)",
        (("EXPORT.EXE", "6.0"), ("IMPORT.EXE", "6.0")),
        ie_ri=True,
    ),
    "IE82": Kit(
        "Lotus cc:Mail Import/Export 8.2 (DB8)",
        (("EXPORT.EXE", "8.2"), ("IMPORT.EXE", "8.2")),
        ie_ri=True,
    ),
    "IE32": Kit(
        "Lotus cc:Mail 8.5 Import32/Export32 (DB8, 32-bit)",
        (("EXPORT32.EXE", "8.50.00.14"), ("IMPORT32.EXE", "8.50.00.14")),
        win32=True,
    ),
    "SP4I386": Kit("Windows NT 4.0 Service Pack 4", change=_service_pack),
    "EX50SP2": Kit(
        "Microsoft Exchange Server 5.0 Service Pack 2",
        change=_exchange_sp("5.0", LATEST_50_SERVICE_PACK),
    ),
    "EX55SP3": Kit("Microsoft Exchange Server 5.5 Service Pack 3", change=_exchange_sp("5.5", 3)),
    "GSNW": Kit("Gateway (and Client) Services for NetWare", change=_gsnw),
}

USAGE = "Usage: SETUP <kit> [directory]\n" + "".join(
    f"  {name:<8} {kit.title}{' -> directory' if kit.needs_directory else ''}\n"
    for name, kit in KITS.items()
)


def _fail(ctx: ProgramContext, text: str) -> SetupResult:
    ctx.stdout.write(f"{text}\n{USAGE}SETUP ended with error: 1.\n")
    return SetupResult.USAGE


def _install(kit: Kit, directory: str, ctx: ProgramContext) -> None:
    for name, version in kit.programs:
        path = install_program(ctx.world, directory, name, version)
        ctx.stdout.write(f"  {directory.rstrip(chr(92))}\\{path.name}  {version}\n")
    if kit.ie_ri:
        (ctx.world.path(directory) / IE_RI).write_bytes(IE_RI_SHIPPED)
        ctx.stdout.write(f"  {directory.rstrip(chr(92))}\\{IE_RI}\n")
    if kit.win32:
        install_win32_companions(ctx.world, directory)
        ctx.stdout.write(f"  {directory.rstrip(chr(92))}: the DLLs and IMPEXP.RI\n")


def main(argv: Sequence[str], ctx: ProgramContext) -> SetupResult:
    """``SETUP <kit> [directory]``: install one kit, print what it put where."""
    if not argv:
        return _fail(ctx, "No kit given.")
    if argv[0] == "/?":
        ctx.stdout.write(USAGE)
        return SetupResult.OK
    kit = KITS.get(argv[0].upper())
    if kit is None:
        return _fail(ctx, f"No kit named {argv[0]}.")
    if len(argv) != (2 if kit.needs_directory else 1):
        want = "a directory to install into" if kit.needs_directory else "no directory"
        return _fail(ctx, f"{argv[0].upper()} takes {want}.")
    ctx.stdout.write(f"Installing {kit.title}\n")
    if kit.needs_directory:
        try:
            _install(kit, argv[1], ctx)
        except (PathError, OSError) as exc:
            return _fail(ctx, f"Cannot install into {argv[1]}: {exc}")
    if kit.change is not None:
        applied, text = kit.change(ctx)
        ctx.stdout.write(text + "\n")
        if not applied:
            ctx.stdout.write("SETUP ended with error: 2.\n")
            return SetupResult.NOT_FOR_THIS_SYSTEM
    ctx.stdout.write("SETUP completed successfully.\n")
    return SetupResult.OK
