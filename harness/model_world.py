"""The world of a scenario file: post office, Exchange server, connector, background mail.

Part of the scenario format (``harness.model`` re-exports everything here; import
from there). Source: ccmail-reference.md §4.3 (PO name ≤256 and password ≤10
characters, Dirsync Schedule, Diagnostics Logging, Address Space), §4.5 (15 s
polling, 16/5 messages), §4.7 (Locale Date Format 0-3), §2.1 (program versions),
§6 (NetWare access).

Modelled, not documented: every default of the world (names such as ``PO1``,
``POSRV``, ``EXSRV1``; 20 users; NT4 SP4), which only makes a working baseline.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from harness.model_types import (
    AS_TEXT,
    Count,
    Duration,
    HexCounter,
    Level,
    Name,
    ScenarioModel,
    Text,
    WinPath,
    field,
)

__all__ = [
    "ConnectorSpec",
    "ExchangeSpec",
    "Flow",
    "LoggingSpec",
    "NetwareHost",
    "NtHost",
    "PostofficeSpec",
    "ProgramVersion",
    "ProgramsSpec",
    "Traffic",
    "WorldSpec",
]


class NtHost(ScenarioModel):
    """The post office on an NT file server share (``\\\\server\\share``, §4.3)."""

    kind: Literal["nt"] = field("An NT server share.", "nt")
    server: Name = field("NT server name.", "POSRV")
    share: Name = field("Share whose root is the post office directory (CCDATA).", "CCDATA")


class NetwareHost(ScenarioModel):
    """The post office on a NetWare volume, reached through GSNW (§6, KB Q164707)."""

    kind: Literal["netware"] = field("A NetWare server volume.")
    server: Name = field("NetWare server name.", "NW1")
    volume: Name = field("NetWare volume.", "SYS")
    directory: Name = field("Post office directory on the volume.", "CCDATA")
    access: Literal["gsnw-gateway", "netware-account"] = field(
        "GSNW gateway share, or a NetWare account matching the service account (§6).",
        "gsnw-gateway",
    )


#: a program version as ``program_version`` reads it: 5.14, 6.0, 8.50.00.14 (§2.1)
ProgramVersion = Annotated[Text, Field(pattern=r"^[0-9]{1,2}(\.[0-9]{1,2}){1,3}$")]


def _po_name(value: str) -> str:
    """A name the set-up can use: ASCII (KB Q197258: extended characters fail dirsync),
    no space or quote (the DOS ``/N`` switch splits at a space, KB Q164695)."""
    bad = next((ch for ch in value if not ("!" <= ch <= "~") or ch == '"'), None)
    if bad is not None:
        shown = "a space" if bad == " " else f"{bad!r}"
        raise ValueError(
            f"post office name {value!r} holds {shown}: the connector needs printable ASCII "
            "without spaces or quotes (KB Q197258, Q164695); a fault renames it on purpose"
        )
    return value


class PostofficeSpec(ScenarioModel):
    """The connected cc:Mail post office (§1, §4.3)."""

    name: Annotated[Text, AfterValidator(_po_name)] = field(
        "PO name (at most 256 printable ASCII characters, no space, §4.3).",
        "PO1",
        min_length=1,
        max_length=256,
    )
    password: Text = field(
        "PO password (at most 10 characters, §4.3).", "SECRET", min_length=1, max_length=10
    )
    db: Literal[6, 8] = field("Database version: 6 (cc:Mail R5) or 8 (R6-R8), §1.2.", 6)
    language: Text = field(
        "Post office language (§4.3).", "US English", min_length=1, max_length=64
    )
    users: Count = field("Local users created (Faker names 'Last, First').", 20)
    messages: Count = field("Messages in local mailboxes when the world is built.", 40)
    host: Annotated[NtHost | NetwareHost, Field(discriminator="kind")] = field(
        "Where the PO directory lives.", NtHost()
    )


class ProgramsSpec(ScenarioModel):
    """The cc:Mail Import/Export programs on the Exchange server (§2.1, §4.2)."""

    export_version: ProgramVersion | None = field(
        "EXPORT version; default matches the PO DB (5.14 / 6.0).", None
    )
    import_version: ProgramVersion | None = field(
        "IMPORT version; default matches the PO DB (5.15 / 6.0).", None
    )
    directory: WinPath = field(
        "Directory on the system PATH holding them (§4.2).", "C:\\WINNT\\SYSTEM32"
    )
    bits: Literal[16, 32] = field(
        "16: DOS EXPORT.EXE/IMPORT.EXE; 32: EXPORT32/IMPORT32 (§2.1).", 16
    )


class ExchangeSpec(ScenarioModel):
    """The Exchange server running the connector (§4.1, §4.2)."""

    server: Name = field("Exchange server name.", "EXSRV1")
    organization: Name = field("Exchange organization.", "ACME")
    site: Name = field("Exchange site.", "HQ")
    version: Annotated[Literal["5.0", "5.5"], AS_TEXT] = field("Exchange version.", "5.5")
    service_pack: int = field("Exchange service pack.", 2, ge=0, le=4)
    nt_service_pack: int = field("Windows NT 4.0 service pack (§8 cause 20).", 4, ge=0, le=6)
    install_path: WinPath = field(
        "Exchange install path (no spaces, 8.3 names: §4.2).", "C:\\EXCHSRVR"
    )
    service_account: Name = field("The Exchange service account (§6).", "svc-exchange")
    locale: Literal["US", "EU", "JP"] = field("NT locale date order: M/D/YY, D/M/YY, YY/M/D.", "US")
    programs: ProgramsSpec = field("The Import/Export programs.", ProgramsSpec())
    mailboxes: Count = field("Exchange mailboxes created.", 10)
    disk_free: int = field(
        "Free bytes on the drive holding Exchsrvr (Exchange 5.0's free-space bug: Q178758).",
        2 * 1024**3,
        ge=0,
        le=2**44,
    )


class LoggingSpec(ScenarioModel):
    """Diagnostics Logging levels per category (§4.3); 'none' is the product default."""

    general: Level = field("General category.", "none")
    inbound: Level = field("Inbound (to Exchange).", "none")
    outbound: Level = field("Outbound (to cc:Mail).", "none")
    dir_synch: Level = field("Dir-Synch.", "none")


class ConnectorSpec(ScenarioModel):
    """The connector's property pages and registry values (§4.3, §4.5, §4.7)."""

    dirsync: Literal["never", "always", "selected"] = field(
        "Dirsync Schedule (always = 15 min).", "always"
    )
    first_dirsync: Literal["done", "pending"] = field(
        "Has the first dirsync completed (§4.6)?", "done"
    )
    logging: LoggingSpec = field("Diagnostics Logging levels.", LoggingSpec())
    address_space: list[Annotated[Text, Field(max_length=128)]] = field(
        "Address Space entries; the product default is empty (§4.3, KB Q186235).", ["CCMAIL *"]
    )
    export_containers: list[Name] = field("Export Containers (none by default, §4.3).", [])
    locale_date_format: int = field(
        "Locale Date Format: 0 auto, 1 US, 2 EU, 3 JP (§4.7).", 0, ge=0, le=3
    )
    export_every: Duration = field("Second to wait before EXPORT (§4.5).", "15s")
    import_every: Duration = field("Second to wait before IMPORT (§4.5).", "15s")
    max_export: int = field("Maximum number of messages to EXPORT (§4.5).", 16, ge=1, le=1000)
    max_import: int = field("Maximum number of messages to IMPORT (§4.5).", 5, ge=1, le=1000)
    save_copies: bool = field("Save copies into Export.bak / Import.bak (§4.4).", False)
    counter: HexCounter | None = field("First msgXXXX.ccm number, 1-4 hex digits (§4.4).", None)


class Flow(ScenarioModel):
    """Messages sent at a steady rate while the scenario runs."""

    count: Count = field("How many messages.")
    every: Duration = field("Interval between messages.", "1m")


class Traffic(ScenarioModel):
    """Background mail, each direction optional."""

    to_exchange: Flow | None = field("cc:Mail users writing to Exchange.", None)
    to_ccmail: Flow | None = field("Exchange users writing to cc:Mail.", None)


class WorldSpec(ScenarioModel):
    """Everything the world starts with; every part optional."""

    postoffice: PostofficeSpec = field("The connected post office.", PostofficeSpec())
    exchange: ExchangeSpec = field("The Exchange server.", ExchangeSpec())
    connector: ConnectorSpec = field("The connector's settings.", ConnectorSpec())
    traffic: Traffic = field("Background mail.", Traffic())
