"""The connector's property pages in the Exchange 5.5 Administrator, as frozen values.

Source: ccmail-reference.md §4.3 (the tabs and their fields, limits and
defaults; EX55-DOC xog08007-xog08015), §4.2 (NT Regional Settings should
match the PO language), KB Q168465 / Q255627 (the Import/Export version list
picks the DB version), Q186235 (the Address Space tab is empty by default),
Q192697 (trust level), Q180641 (the PO language drives the ``.ccm`` date
format).

Changing a setting means building a new value with ``dataclasses.replace`` and
handing it to ``ConnectorService.configure``; as in the real product it takes
effect at the next start of the service.

Modelled, not documented:

* the PO languages offered and which date order each implies;
* "Selected times" as a set of quarter-hours of the day (the grid's 15-minute
  view; days of the week are not modelled);
* the names of the default export container ("Recipients") and the import
  container ("cc:Mail Recipients").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from sim.connector.events import Category, LoggingLevel
from sim.errors import SimError
from sim.exchange import AddressSpace
from sim.message import DateStyle
from sim.winpath import split_unc

__all__ = [
    "LANGUAGE_DATE_STYLES",
    "DiagnosticsLogging",
    "DirsyncMode",
    "DirsyncSchedule",
    "ExportContainers",
    "IEVersion",
    "ImportContainer",
    "PostOfficeSettings",
    "Restrictions",
    "Settings",
    "SettingsError",
    "fresh_settings",
]

#: The longest PO password and PO name the Post Office tab accepts (§1.4, §4.3).
MAX_PASSWORD = 10
MAX_PO_NAME = 256
#: General tab: Maximum (K) 1-2,097,151 (§4.3).
MAX_MESSAGE_KB = 2_097_151

#: PO language -> the date order of the ``.ccm`` Date line (KB Q180641). Modelled list.
LANGUAGE_DATE_STYLES: Mapping[str, DateStyle] = MappingProxyType(
    {
        "US English": DateStyle.US,
        "UK English": DateStyle.EUROPEAN,
        "German": DateStyle.EUROPEAN,
        "French": DateStyle.EUROPEAN,
        "Japanese": DateStyle.JAPANESE,
    }
)


class SettingsError(SimError, ValueError):
    """A value the Exchange Administrator's property page would refuse."""


class IEVersion(StrEnum):
    """The Import/Export version list of the Post Office tab (KB Q168465, Q255627)."""

    DB6 = "Import 5.15/Export 5.14"
    DB8 = "Import 6.0/Export 6.0"

    @property
    def db_version(self) -> int:
        return 6 if self is IEVersion.DB6 else 8


class DirsyncMode(StrEnum):
    """Dirsync Schedule tab (§4.3, xog08011)."""

    NEVER = "Never"
    ALWAYS = "Always"
    SELECTED = "Selected times"


@dataclass(frozen=True, slots=True)
class PostOfficeSettings:
    """Post Office tab (§4.3, xog08007)."""

    name: str
    password: str
    #: UNC path of the PO directory, ``\\\\server\\share\\path`` (KB Q200090)
    path: str
    #: the Exchange mailbox alias that receives messages the connector cannot convert
    administrator: str = "Administrator"
    version: IEVersion = IEVersion.DB6
    language: str = "US English"
    permit_ade: bool = False

    def __post_init__(self) -> None:
        if not self.name or len(self.name) > MAX_PO_NAME:
            raise SettingsError(f"cc:Mail post office name must be 1-{MAX_PO_NAME} characters")
        if len(self.password) > MAX_PASSWORD:
            raise SettingsError(f"password is longer than {MAX_PASSWORD} characters")
        if split_unc(self.path) is None:
            raise SettingsError(f"path {self.path!r} is not a UNC path (\\\\server\\share\\path)")
        if self.language not in LANGUAGE_DATE_STYLES:
            known = ", ".join(LANGUAGE_DATE_STYLES)
            raise SettingsError(f"unknown post office language {self.language!r} ({known})")

    @property
    def date_style(self) -> DateStyle:
        return LANGUAGE_DATE_STYLES[self.language]


@dataclass(frozen=True, slots=True)
class DirsyncSchedule:
    """Never / Always (= every 15 minutes) / selected quarter-hours of the day."""

    mode: DirsyncMode = DirsyncMode.ALWAYS
    #: minutes after midnight, multiples of 15 (only for SELECTED)
    times: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if any(t % 15 or not 0 <= t < 24 * 60 for t in self.times):
            raise SettingsError("selected dirsync times must be quarter-hours of one day")
        if self.mode is DirsyncMode.SELECTED and not self.times:
            raise SettingsError("'Selected times' needs at least one time")


@dataclass(frozen=True, slots=True)
class ExportContainers:
    """Export Containers tab: none by default; trust level 100; custom recipients on."""

    containers: tuple[str, ...] = ()
    trust_level: int = 100
    export_custom_recipients: bool = True


@dataclass(frozen=True, slots=True)
class ImportContainer:
    """Import Container tab; ``formats`` empty means no filter (xog08010, KB Q153487)."""

    container: str = "cc:Mail Recipients"
    formats: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Restrictions:
    """Delivery Restrictions: senders for outbound (Exchange -> cc:Mail) only (xog08015)."""

    accept: tuple[str, ...] = ()
    reject: tuple[str, ...] = ()

    def allows(self, alias: str) -> bool:
        key = alias.casefold()
        if key in (a.casefold() for a in self.reject):
            return False
        return not self.accept or key in (a.casefold() for a in self.accept)


def _default_levels() -> Mapping[Category, LoggingLevel]:
    return MappingProxyType(dict.fromkeys(_CCMC_CATEGORIES, LoggingLevel.NONE))


_CCMC_CATEGORIES = (Category.GENERAL, Category.INBOUND, Category.OUTBOUND, Category.DIRSYNC)


@dataclass(frozen=True, slots=True)
class DiagnosticsLogging:
    """Diagnostics Logging: a level per category, None by default (xog08014)."""

    levels: Mapping[Category, LoggingLevel] = field(default_factory=_default_levels)

    @classmethod
    def all_at(cls, level: LoggingLevel) -> DiagnosticsLogging:
        return cls(MappingProxyType(dict.fromkeys(_CCMC_CATEGORIES, level)))


@dataclass(frozen=True, slots=True)
class Settings:
    """Every property page of the connector."""

    post_office: PostOfficeSettings
    #: General tab: maximum message size in KB; None = No limit (the default)
    message_size_kb: int | None = None
    dirsync: DirsyncSchedule = DirsyncSchedule()
    export_containers: ExportContainers = ExportContainers()
    import_container: ImportContainer = ImportContainer()
    #: Address Space tab: empty by default (KB Q186235)
    address_spaces: tuple[AddressSpace, ...] = ()
    restrictions: Restrictions = Restrictions()
    logging: DiagnosticsLogging = DiagnosticsLogging()

    def __post_init__(self) -> None:
        size = self.message_size_kb
        if size is not None and not 1 <= size <= MAX_MESSAGE_KB:
            raise SettingsError(f"maximum message size must be 1-{MAX_MESSAGE_KB} K")


def fresh_settings() -> Settings:
    """The property pages of a connector nobody has set up: the product defaults (no
    address space, KB Q186235; logging none), the Post Office tab naming the standard
    site's ``PO1`` at ``\\\\POSRV\\CCDATA``. Modelled: the real tab starts empty, which
    no saved setting can be; ``standard_world`` configures the connector."""
    return Settings(PostOfficeSettings("PO1", "SECRET", "\\\\POSRV\\CCDATA"))
