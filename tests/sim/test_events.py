"""The MSExchangeCCMC event catalogue quotes the reference (§4.8) and logs by level (§4.3)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.clock import Clock
from sim.connector import events
from sim.connector.events import (
    CATALOGUE,
    EXPORT_EVENTS,
    IMPORT_EVENTS,
    Category,
    LoggingLevel,
    category_name,
    category_number,
    describe,
    log,
    lookup,
    parse_description,
    should_log,
    spec,
)
from sim.eventlog import EventLog, EventType

# (id, filled description) exactly as the reference / cited KB prints it
DOCUMENTED_TEXTS = [
    (
        70,
        ("msgxxxx.ccm",),
        "Lotus cc:Mail EXPORT to file msgxxxx.ccm returned result code 3. The Microsoft Exchange "
        "Connector for Lotus cc:Mail has not been configured correctly or the Post Office it is "
        "configured to connect to is not accessible at this time.",
    ),  # Q166045
    (
        65,
        ("msg423B.ccm", r"R0002 Resource file not found: C:\WINNT\IE.RI."),
        r"Lotus cc:Mail EXPORT to file msg423B.ccm failed to run. R0002 Resource file not found: "
        r"C:\WINNT\IE.RI.",
    ),  # Q190275
    (67, ("msg65F9.ccm",), "Lotus cc:Mail EXPORT to file msg65F9.ccm completed successfully."),
    (58, ("*.ccm",), "Lotus cc:Mail IMPORT from file *.ccm completed successfully."),
    (
        59,
        ("*.ccm",),
        "Lotus cc:Mail IMPORT from file *.ccm returned result code 1. "
        "Program did not complete successfully.",
    ),  # Q168670
    (
        68,
        ("CCMDIR.EXP",),
        "Lotus cc:Mail EXPORT to file CCMDIR.EXP returned result code 1. "
        "Could not access the Lotus cc:Mail Post Office.",
    ),  # Q168465
    (
        63,
        ("*.ccm",),
        "Lotus cc:Mail IMPORT from file *.ccm returned result code 5. "
        "Undeliverable message or updates.",
    ),  # Q180641
    (
        86,
        ("25", "dwCCExport"),
        "Microsoft Exchange Connector for Lotus cc:Mail restarted thread after taking exception. "
        "The number of threads started so far is 25. The thread function is dwCCExport.",
    ),  # Q294947
    (
        45,
        ("2a",),
        "Optional configuration value is missing. The index of the value is 2a. "
        "Default values are assumed.",
    ),  # Q167807
    (
        14031,
        (),
        "Microsoft Exchange Connector for Lotus cc:Mail directory synchronization has finished.",
    ),  # Q181186
    (
        14015,
        ("4693728",),
        "MS exchange ccmc directory synchronization service return ds_name_error, error 4693728",
    ),  # Q212773
    (
        2034,
        ("CCMAIL - General Error (code 1)", r"D:\exchsrvr\address\CCMAIL\i386\ccmproxy.dll"),
        "Unable to generate an e-mail address. The 'CCMAIL - General Error (code 1)' Address "
        "type was returned by address generation DLL "
        r"'D:\exchsrvr\address\CCMAIL\i386\ccmproxy.dll'.",
    ),  # Q175480
]


@pytest.mark.parametrize(
    ("event_id", "strings", "text"), DOCUMENTED_TEXTS, ids=lambda v: str(v)[:12]
)
def test_description_quotes_the_reference(
    event_id: int, strings: tuple[str, ...], text: str
) -> None:
    """Filled templates read exactly as the KB articles print the events."""
    assert describe(event_id, *strings) == text
    assert parse_description(event_id, text) == strings


def test_result_codes_map_to_documented_events() -> None:
    """§0.1 fact 4: Export 0/1/3/4 -> 67/68/70/71; Import 0/1/3/4/5 -> 58/59/61/62/63."""
    assert dict(EXPORT_EVENTS) == {0: 67, 1: 68, 3: 70, 4: 71}
    assert dict(IMPORT_EVENTS) == {0: 58, 1: 59, 3: 61, 4: 62, 5: 63}
    assert events.EXPORT_FAILED_TO_RUN == 65
    for code, event_id in EXPORT_EVENTS.items():
        assert f"result code {code}" in spec(event_id).template or code == 0


@pytest.mark.parametrize(
    ("event_id", "type_", "category", "source"),
    [
        (70, EventType.ERROR, Category.GENERAL, "MSExchangeCCMC"),  # Q166045
        (45, EventType.WARNING, Category.GENERAL, "MSExchangeCCMC"),  # Q167807
        (86, EventType.INFORMATION, Category.GENERAL, "MSExchangeCCMC"),  # Q294947
        (14013, EventType.WARNING, Category.DIRSYNC, "MSExchangeCCMC"),  # Q167830
        (14015, EventType.ERROR, Category.DIRSYNC, "MSExchangeCCMC"),  # Q212773
        (142, EventType.ERROR, Category.ROUTING, "MSExchangeMTA"),  # Q186235
        (290, EventType.ERROR, Category.X400_SERVICE, "MSExchangeMTA"),  # Q170535
        (2034, EventType.ERROR, Category.GENERAL, "MSExchangeSA"),  # Q175480
        (4097, EventType.INFORMATION, Category.NONE, "DrWatson"),  # Q168556
    ],
)
def test_types_categories_and_sources(
    event_id: int, type_: EventType, category: Category, source: str
) -> None:
    entry = spec(event_id)
    assert (entry.type, entry.category, entry.source) == (type_, category, source)


def test_undocumented_choices_are_labelled() -> None:
    """Every entry whose type or text the reference marks [U] says what is modelled."""
    unknown = {58, 59, 61, 62, 63, 64, 67, 71, 82, 83, 87, 98, 11001, 14001, 14005, 14031}
    unlabelled = sorted(i for i in unknown if not CATALOGUE[i].modelled)
    assert unlabelled == []
    assert "like event 70" in spec(61).modelled


def test_catalogue_covers_the_reference_table() -> None:
    """Every §4.8 ID the connector can log, plus the MTA and SA events, is catalogued."""
    expected = {43, 45, 54, 58, 59, 61, 62, 63, 65, 67, 68, 70, 71, 82, 83, 85, 86, 87, 98}
    expected |= {11001, 14001, 14005, 14013, 14015, 14018, 14031, 142, 290, 2034}
    assert expected <= set(CATALOGUE)
    assert not {60, 66, 69, 72} & set(CATALOGUE)  # meaning unknown (§2.5)


@pytest.mark.parametrize(
    ("event_id", "level", "logged"),
    [
        (70, LoggingLevel.NONE, True),
        (86, LoggingLevel.NONE, True),
        (14013, LoggingLevel.NONE, True),
        (14001, LoggingLevel.NONE, False),
        (14001, LoggingLevel.MINIMUM, True),
        (45, LoggingLevel.MINIMUM, False),
        (45, LoggingLevel.MEDIUM, True),
        (67, LoggingLevel.MEDIUM, False),
        (67, LoggingLevel.MAXIMUM, True),
        (58, LoggingLevel.MAXIMUM, True),
    ],
)
def test_should_log_follows_the_category_level(
    event_id: int, level: LoggingLevel, logged: bool
) -> None:
    """Q181186: 67/58 appear only at Maximum; Q167807: 45 from Medium; errors always."""
    entry = spec(event_id)
    assert should_log(entry, {entry.category: level}) is logged


def test_level_of_another_category_does_not_count() -> None:
    assert not should_log(spec(11001), {Category.GENERAL: LoggingLevel.MAXIMUM})
    assert should_log(spec(11001), {Category.OUTBOUND: LoggingLevel.MAXIMUM})
    assert not should_log(spec(67), {})


def test_log_writes_through_the_event_log() -> None:
    clock = Clock()
    eventlog = EventLog(clock)
    levels = {Category.GENERAL: LoggingLevel.NONE}
    assert log(eventlog, 67, "msg0001.ccm", computer="EXSRV1", levels=levels) is None
    clock.advance(15)
    record = log(eventlog, 70, "msg0002.ccm", computer="EXSRV1", levels=levels)
    assert record is not None
    assert eventlog.records == [record]
    assert (record.source, record.event_id, record.type) == ("MSExchangeCCMC", 70, EventType.ERROR)
    assert (record.category, record.computer, record.strings) == (
        "General",
        "EXSRV1",
        ("msg0002.ccm",),
    )
    assert record.description == describe(70, "msg0002.ccm")
    assert record.when == clock.datetime


def test_unknown_event_and_wrong_arity_are_clear_errors() -> None:
    with pytest.raises(ValueError, match=r"event 69 is not in the catalogue \(known: 43, 45"):
        spec(69)
    with pytest.raises(ValueError, match="event 70 takes 1 insertion string"):
        describe(70)
    with pytest.raises(ValueError, match=r"takes 2 insertion string.*got 1"):
        describe(65, "msg0001.ccm")


def test_lenient_fill_behaves_like_formatmessage() -> None:
    """Extra strings are ignored, a missing one leaves its %n (what Event Viewer shows)."""
    assert spec(70).fill(("msg4A01.ccm", "3"), strict=False) == describe(70, "msg4A01.ccm")
    assert spec(65).fill(("msg1.ccm",), strict=False).endswith("failed to run. %2")


def test_lookup_checks_the_source() -> None:
    assert lookup("msexchangeccmc", 70) is spec(70)
    assert lookup("Service Control Manager", 70) is None
    assert lookup("MSExchangeMTA", 142) is spec(142)
    assert lookup("MSExchangeCCMC", 7000) is None


def test_parse_description_rejects_other_texts() -> None:
    assert parse_description(70, describe(71, "msg1.ccm", "")) is None
    assert parse_description(7000, "anything") is None
    # 14018 repeats %1: both places must agree
    good = describe(14018, "Smith, Fred", "SITE1")
    assert parse_description(14018, good) == ("Smith, Fred", "SITE1")
    assert parse_description(14018, good.replace("CCMAIL:Smith", "CCMAIL:Jones")) is None


insertion = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20)


@settings(deadline=None)  # no timing asserts: runs in parallel on unknown hardware
@given(event_id=st.sampled_from(sorted(CATALOGUE)), data=st.data())
def test_parse_is_the_inverse_of_describe(event_id: int, data: st.DataObject) -> None:
    """Whatever the strings, parsing a description and refilling gives the same text;
    strings made of characters no template uses come back exactly."""
    arity = spec(event_id).arity
    strings = tuple(data.draw(st.lists(insertion, min_size=arity, max_size=arity)))
    text = describe(event_id, *strings)
    parsed = parse_description(event_id, text)
    assert parsed is not None
    assert describe(event_id, *parsed) == text
    plain = tuple(
        data.draw(st.lists(st.text("ÆØÅ§€_", max_size=8), min_size=arity, max_size=arity))
    )
    assert parse_description(event_id, describe(event_id, *plain)) == plain


def test_category_numbers_round_trip() -> None:
    sources = {Category.X400_SERVICE: "MSExchangeMTA", Category.ROUTING: "MSExchangeMTA"}
    for category in Category:
        source = sources.get(category, "MSExchangeCCMC")
        assert category_name(source, category_number(category.value)) == category.value
    assert category_number("None") == 0
    assert category_name("MSExchangeCCMC", 0) == "None"
    assert category_name("Service Control Manager", 1) == "(1)"
    assert category_name("MSExchangeCCMC", 42) == "(42)"
    with pytest.raises(ValueError, match="unknown event category 'Routeing'"):
        category_number("Routeing")
