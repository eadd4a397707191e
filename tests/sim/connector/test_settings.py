"""The property pages as values: limits the Administrator enforces, defaults (§4.3)."""

import dataclasses

import pytest

from sim.connector.events import Category, LoggingLevel
from sim.connector.settings import (
    DiagnosticsLogging,
    DirsyncMode,
    DirsyncSchedule,
    IEVersion,
    PostOfficeSettings,
    Restrictions,
    Settings,
    SettingsError,
)
from sim.message import DateStyle

UNC = "\\\\POSRV\\CCDATA"


def test_defaults_are_those_of_a_new_connector() -> None:
    """Address space empty (KB Q186235), no export containers, trust 100, dirsync Always."""
    settings = Settings(PostOfficeSettings("PO1", "SECRET", UNC))
    assert settings.address_spaces == ()
    assert settings.export_containers.containers == ()
    assert settings.export_containers.trust_level == 100
    assert settings.export_containers.export_custom_recipients is True
    assert settings.dirsync.mode is DirsyncMode.ALWAYS
    assert settings.message_size_kb is None
    assert settings.post_office.version is IEVersion.DB6
    assert set(settings.logging.levels.values()) == {LoggingLevel.NONE}
    assert Category.DIRSYNC in settings.logging.levels


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"password": "ELEVENCHARS"}, "longer than 10"),
        ({"name": ""}, "1-256"),
        ({"name": "P" * 257}, "1-256"),
        ({"path": "N:\\CCDATA"}, "not a UNC path"),
        ({"path": "\\\\POSRV"}, "not a UNC path"),
        ({"language": "Klingon"}, "unknown post office language"),
    ],
)
def test_post_office_tab_refuses_bad_values(kwargs: dict[str, str], message: str) -> None:
    """§4.3 / §1.4: password <= 10, name <= 256, UNC path required (KB Q200090)."""
    values = {"name": "PO1", "password": "SECRET", "path": UNC, **kwargs}
    with pytest.raises(SettingsError, match=message):
        PostOfficeSettings(**values)


def test_limits_themselves_are_accepted() -> None:
    po = PostOfficeSettings("P" * 256, "TENCHARSXX", UNC)
    assert len(po.name) == 256
    assert len(po.password) == 10


def test_settings_are_frozen_and_replaced() -> None:
    settings = Settings(PostOfficeSettings("PO1", "SECRET", UNC))
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.message_size_kb = 5  # type: ignore[misc]
    wrong = dataclasses.replace(
        settings, post_office=dataclasses.replace(settings.post_office, password="WRONG")
    )
    assert wrong.post_office.password == "WRONG"
    assert settings.post_office.password == "SECRET"


@pytest.mark.parametrize("size", [0, 2_097_152])
def test_message_size_limit_range(size: int) -> None:
    with pytest.raises(SettingsError, match="1-2097151"):
        Settings(PostOfficeSettings("PO1", "SECRET", UNC), message_size_kb=size)


def test_selected_dirsync_times_must_be_quarter_hours() -> None:
    assert DirsyncSchedule(DirsyncMode.SELECTED, (0, 15, 23 * 60 + 45)).times[-1] == 1425
    with pytest.raises(SettingsError, match="quarter-hours"):
        DirsyncSchedule(DirsyncMode.SELECTED, (10,))
    with pytest.raises(SettingsError, match="at least one"):
        DirsyncSchedule(DirsyncMode.SELECTED)


def test_version_choice_names_the_db_version() -> None:
    """KB Q168465/Q255627: the list picks the DB version, not the program version."""
    assert IEVersion("Import 5.15/Export 5.14").db_version == 6
    assert IEVersion("Import 6.0/Export 6.0").db_version == 8


@pytest.mark.parametrize(
    ("language", "style"),
    [
        ("US English", DateStyle.US),
        ("German", DateStyle.EUROPEAN),
        ("Japanese", DateStyle.JAPANESE),
    ],
)
def test_po_language_gives_the_date_order(language: str, style: DateStyle) -> None:
    """KB Q180641: the PO language drives the .ccm date format."""
    assert PostOfficeSettings("PO1", "PW", UNC, language=language).date_style is style


def test_delivery_restrictions() -> None:
    assert Restrictions().allows("anyone")
    assert not Restrictions(reject=("jdoe",)).allows("JDoe")
    only = Restrictions(accept=("boss",))
    assert only.allows("BOSS")
    assert not only.allows("jdoe")


def test_logging_all_at_sets_the_four_categories() -> None:
    levels = DiagnosticsLogging.all_at(LoggingLevel.MAXIMUM).levels
    assert set(levels) == {Category.GENERAL, Category.INBOUND, Category.OUTBOUND, Category.DIRSYNC}
    assert set(levels.values()) == {LoggingLevel.MAXIMUM}
