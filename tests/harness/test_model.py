"""Scenario models: value types, defaults, cross-checks, JSON Schema."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from harness.model import PostofficeSpec, Scenario, WorldSpec, parse_duration
from harness.model_steps import result_codes
from harness.model_types import format_duration
from harness.yamlsafe import SourceFloat, SourceInt
from sim.connector.events import CATALOGUE

MINIMAL = {"id": "baseline", "title": "Baseline", "cause": "healthy"}


def scenario(**extra: object) -> Scenario:
    return Scenario.model_validate({**MINIMAL, **extra})


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30s", 30), ("15m", 900), ("2h", 7200), ("1d", 86400), ("1h30m", 5400), ("30d", 2592000)],
)
def test_durations_are_seconds(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-5m", "negative"),
        ("0s", "zero"),
        ("10", "needs a unit"),
        (10, "needs a unit"),
        ("5 m", "needs a unit"),
        ("31d", "longer than 30d"),
        (True, "text such as 30s"),
        (1.5, "text such as 30s"),
    ],
)
def test_bad_durations_say_why(value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_duration(value)


@given(st.integers(min_value=1, max_value=30 * 86400))
def test_duration_text_round_trips(seconds: int) -> None:
    assert parse_duration(format_duration(seconds)) == seconds


@pytest.mark.parametrize(
    ("value", "number"),
    [
        ("4A01", 0x4A01),
        ("4a01", 0x4A01),
        ("0x4A01", 0x4A01),
        ("FFFF", 0xFFFF),
        ("1", 1),
        (SourceInt(4901, "4901"), 0x4901),
    ],
)
def test_hex_counter_reads_up_to_four_hex_digits(value: object, number: int) -> None:
    """A counter YAML read as a number keeps its written digits: 4901 is hex 4901."""
    world = WorldSpec.model_validate({"connector": {"counter": value}})
    assert world.connector.counter == number


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("10000", "5 hex digits"),
        ("4A01B2C3D4E5F6071", "17 hex digits"),
        ("G1", "not hexadecimal"),
        (True, "not hexadecimal"),
    ],
)
def test_hex_counter_refuses_more_than_four_digits(value: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        WorldSpec.model_validate({"connector": {"counter": value}})


@pytest.mark.parametrize(
    "path", ["C:\\EXCHSRVR", "D:\\", "\\\\POSRV\\CCDATA", "//POSRV/CCDATA/sub", "C:/TEMP/list.txt"]
)
def test_drive_and_unc_paths_are_allowed(path: str) -> None:
    assert scenario(expect={"files": [{"path": path}]}).expect.files[0].path == path


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("C:\\EXCHSRVR\\..\\..\\etc", "uses '..'"),
        ("\\\\POSRV\\CCDATA\\..", "uses '..'"),
        ("/etc/passwd", "host path"),
        ("\\etc\\passwd", "host path"),
        ("CCDATA\\CCPODOWN", "relative"),
        ("C:foo", "relative"),
        ("\\\\POSRV", "host path"),
        ("C:\\a|b", "forbids"),
    ],
)
def test_paths_that_leave_the_world_are_refused(path: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        scenario(expect={"files": [{"path": path}]})


def test_po_password_and_name_limits_of_section_4_3() -> None:
    assert PostofficeSpec(password="A" * 10, name="P" * 256).password == "A" * 10
    with pytest.raises(ValidationError, match="at most 10 characters"):
        PostofficeSpec(password="A" * 11)
    with pytest.raises(ValidationError, match="at most 256 characters"):
        PostofficeSpec(name="P" * 257)


def test_numbers_written_for_text_keep_their_digits() -> None:
    """``version: 5.10`` must not become 5.1; ``password: 1234`` is text."""
    world = WorldSpec.model_validate(
        {
            "exchange": {
                "version": SourceFloat(5.5, "5.5"),
                "programs": {"export_version": SourceFloat(5.1, "5.10")},
            },
            "postoffice": {"password": SourceInt(1234, "1234")},
        }
    )
    assert world.exchange.version == "5.5"
    assert world.exchange.programs.export_version == "5.10"
    assert world.postoffice.password == "1234"


def test_minimal_scenario_gets_the_documented_defaults() -> None:
    """The defaults docs/scenarios.md lists (a healthy, working world)."""
    s = scenario()
    po, ex, cc = s.world.postoffice, s.world.exchange, s.world.connector
    assert (po.name, po.password, po.db, po.users, po.messages) == ("PO1", "SECRET", 6, 20, 40)
    assert (po.host.kind, po.host.server, po.host.share) == ("nt", "POSRV", "CCDATA")
    assert (ex.server, ex.site, ex.version, ex.install_path) == (
        "EXSRV1",
        "HQ",
        "5.5",
        "C:\\EXCHSRVR",
    )
    assert ex.programs.directory == "C:\\WINNT\\SYSTEM32"
    assert (cc.export_every, cc.import_every, cc.max_export, cc.max_import) == (15, 15, 16, 5)
    assert (cc.dirsync, cc.first_dirsync, cc.address_space) == ("always", "done", ["CCMAIL *"])
    assert cc.logging.general == "none"
    assert (s.verify.duration, s.verify.mail) == (3600, "both-ways")


def test_models_are_frozen_and_refuse_unknown_keys() -> None:
    s = scenario()
    with pytest.raises(ValidationError, match="frozen"):
        s.title = "changed"  # type: ignore[misc]
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        scenario(colour="red")


def test_raw_parameter_dicts_need_the_loader() -> None:
    with pytest.raises(ValidationError, match="checked by the loader"):
        Scenario.model_validate(
            {
                **MINIMAL,
                "cause": "po-damaged",
                "faults": [{"x": {"a": 1}}],
                "diagnose": ["po-damaged"],
                "fix": ["y"],
            }
        )


@pytest.mark.parametrize("event_id", sorted(CATALOGUE))
def test_every_catalogued_event_can_be_expected(event_id: int) -> None:
    assert scenario(expect={"events": [{"id": event_id}]}).expect.events[0].id == event_id


@pytest.mark.parametrize(
    ("program", "code", "ok"),
    [
        ("EXPORT", 3, True),
        ("EXPORT", 5, False),
        ("IMPORT", 5, True),
        ("IMPORT", 2, False),
        ("chkstat.exe", 4, True),
    ],
)
def test_expected_result_codes_are_the_documented_ones(program: str, code: int, ok: bool) -> None:
    """§2.5: EXPORT 0/1/3/4, IMPORT 0/1/3/4/5; 2 is undocumented."""
    data = {
        "steps": [{"run": {"program": program}}],
        "expect": {"results": [{"step": 1, "code": code}]},
    }
    if ok:
        assert scenario(**data).expect.results[0].code == code
    else:
        with pytest.raises(ValidationError, match=f"no documented result code {code}"):
            scenario(**data)


def test_result_codes_come_from_sim() -> None:
    assert result_codes("EXPORT.EXE") == (0, 1, 3, 4)
    assert result_codes("import32") == (0, 1, 3, 4, 5)


def test_phases_must_match_the_cause() -> None:
    with pytest.raises(ValidationError, match="needs faults"):
        scenario(cause="po-damaged", diagnose=["po-damaged"], fix=[{"restart": "connector"}])
    with pytest.raises(ValidationError, match="has no diagnose"):
        scenario(diagnose=["po-damaged"])
    with pytest.raises(ValidationError, match="named twice"):
        scenario(cause="po-damaged", faults=["x"], diagnose=["po-damaged", "po-damaged"], fix=["y"])


def test_json_schema_describes_every_field_for_editors() -> None:
    schema = Scenario.model_json_schema()
    models = [schema, *schema["$defs"].values()]
    for model in models:
        for name, prop in model.get("properties", {}).items():
            assert prop.get("description"), f"{model['title']}.{name} has no description"
    assert set(schema["$defs"]["Verify"]["properties"]) == {"for", "no_events", "mail"}
    assert schema["properties"]["cause"]["enum"][0] == "healthy"
    assert schema["properties"]["faults"]["items"]["anyOf"][0]["type"] == "string"
    step_refs = schema["properties"]["steps"]["items"]["oneOf"]
    assert {r["$ref"].rsplit("/", 1)[1] for r in step_refs} == {
        "StartStep",
        "StopStep",
        "RestartStep",
        "AdvanceStep",
        "DirsyncStep",
        "SendStep",
        "RunStep",
    }


def test_dump_round_trips() -> None:
    s = scenario(
        world={"connector": {"counter": "4A01", "export_every": "90s"}},
        steps=[{"advance": "1h30m"}],
    )
    dumped = s.model_dump(by_alias=True)
    assert dumped["world"]["connector"]["counter"] == "4A01"
    assert dumped["steps"][0] == {"advance": "1h30m"}
    assert Scenario.model_validate(dumped) == s
