"""Command lines as EXPORT and IMPORT see them (§2.2; KB Q164695, Q186740, Q212759, Q294947)."""

from __future__ import annotations

import pytest

from sim.programs import export, import_
from sim.programs.cmdline import SwitchError, Switches, parse_switches, split_command_line
from sim.programs.common import Refusal, Refused, parse_command_line, version_number
from sim.world import World
from tests.sim.programs.helpers import run

MIGRATION = (
    'Export /P******** /BATCH /N"lastname, firstname" /Dc:\\ccdata\\ /DATE/1 /FILES/MACBIN2 '
    "/ITEMSIZE /FOLDER /MSGS/ALL /@c:\\TEMP\\sd1.2"
)


def test_migration_wizard_command_line_parses() -> None:
    """KB Q186740's command line: quoted name with a comma and a space stays one value."""
    argv = split_command_line(MIGRATION)[1:]
    parsed = parse_command_line(argv, export.SPEC)
    assert isinstance(parsed, Switches)
    assert (parsed.name, parsed.password, parsed.path, parsed.file) == (
        "lastname, firstname",
        "********",
        "c:\\ccdata\\",
        "c:\\TEMP\\sd1.2",
    )
    assert parsed.qualifiers("DATE") == ("1",)
    assert parsed.has("MSGS")
    assert parsed.has("FOLDER")


@pytest.mark.parametrize(
    ("args", "keyword", "quals"),
    [
        ("/DIRECTORY", "DIRECTORY", ()),
        ("/directory/propadd", "DIRECTORY", ("propadd",)),
        ("/DELETE/123456", "DELETE", ("123456",)),
        ("/MSG#", "MSG#", ()),
        ("/FORMAT/FAN", "FORMAT", ("FAN",)),
    ],
)
def test_keyword_switches_are_not_taken_for_d_paths(
    args: str, keyword: str, quals: tuple[str, ...]
) -> None:
    parsed = parse_command_line([args, "/DE:\\ccdata"], export.SPEC)
    assert isinstance(parsed, Switches)
    assert parsed.flags == [(keyword, quals)]
    assert parsed.path == "E:\\ccdata"


def test_connector_switches_parse_for_both_programs() -> None:
    """The switches the connector adds (KB Q294947)."""
    out = parse_command_line(
        split_command_line("/ITEMSIZE /FORMAT/FAN /BATCH /FILES/MACBIN2"), export.SPEC
    )
    inp = parse_command_line(
        split_command_line("/ITEMSIZE /PARTIAL /BATCH /FILES/MACBIN2"), import_.SPEC
    )
    assert isinstance(out, Switches)
    assert isinstance(inp, Switches)
    assert [k for k, _ in inp.flags] == ["ITEMSIZE", "PARTIAL", "BATCH", "FILES"]


@pytest.mark.parametrize(
    ("line", "detail"),
    [
        ('/NPO1 /D"C:\\Program Files\\ccdata"', "Invalid directory name"),
        ('/NPO1 /@"C:\\my files\\a.ccm"', "Invalid file name"),
        ("/NPO1 /PARTIAL", None),  # EXPORT has no /PARTIAL: it is /P with the value "ARTIAL"
        ("/NPO1 /N2", "switch /N given twice"),
        ("/NPO1 /XYZZY", "unknown switch '/XYZZY'"),
        ("/NPO1 /DELETE/abc", "/DELETE does not take /abc"),
        ("/NPO1 /DATE/4", "/DATE does not take /4"),
        ("/NPO1 /ITEMSIZE/BIG", "/ITEMSIZE does not take /BIG"),
        ("/ /NPO1", "empty switch"),
    ],
)
def test_export_command_line_refusals(line: str, detail: str | None) -> None:
    """A DOS program splits at spaces (KB Q164695): a path with a space never reaches it whole."""
    parsed = parse_command_line(split_command_line(line), export.SPEC)
    if detail is None:
        assert isinstance(parsed, Switches)
        assert parsed.password == "ARTIAL"
        return
    assert isinstance(parsed, Refused)
    assert parsed.reason is Refusal.USAGE
    assert detail in parsed.detail


def test_a_path_split_at_a_space_leaves_its_tail_as_a_bare_argument() -> None:
    """KB Q164695: the tail is no switch; EXPORT tries it as a parameter file."""
    parsed = parse_command_line(split_command_line("/NPO1 /DC:\\Program Files\\cc"), export.SPEC)
    assert isinstance(parsed, Switches)
    assert parsed.path == "C:\\Program"
    assert parsed.stray == ["Files\\cc"]


def test_import_qualifiers() -> None:
    parsed = parse_command_line(["/FILES/SIZE0", "/DIRECTORY/PROP", "/HILITE"], import_.SPEC)
    assert isinstance(parsed, Switches)
    refused = parse_command_line(["/FORMAT/FAN"], import_.SPEC)
    assert isinstance(refused, Refused)
    assert "/FORMAT" in refused.detail


def test_parse_switches_raises_for_unknown_keywords() -> None:
    with pytest.raises(SwitchError, match="unknown switch"):
        parse_switches(["/BOGUS"], known=frozenset({"BATCH"}))


def test_question_mark_is_a_keyword() -> None:
    assert parse_switches(["/?"], known=frozenset()).has("?")


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("5.14", "5.14"),
        ("5.15", "5.15"),
        ("6.0", "6.0"),
        ("8.20", "8.20"),
        ("8.50.00.14", "8.50"),
        ("x", "0"),
    ],
)
def test_version_number(text: str, number: str) -> None:
    assert str(version_number(text)) == number


@pytest.mark.parametrize("program", ["EXPORT", "IMPORT"])
def test_bad_switch_prints_usage_and_code_3(world: World, program: str) -> None:
    result = run(world, program, "/NPO1 /PSECRET /DC:\\CCDATA /NOSUCH")
    assert result.code == 3
    assert f"Usage: {program} /N" in result.output
    assert result.output.endswith(f"{program} process ended with error: 3.\n")


@pytest.mark.parametrize("missing", ["/NPO1", "/PSECRET"])
def test_missing_login_switch_is_code_3(world: World, missing: str) -> None:
    """A missing name or password is refused, not asked for (modelled)."""
    args = "/NPO1 /PSECRET /DC:\\CCDATA /DIRECTORY".replace(missing, "")
    result = run(world, "EXPORT", args)
    assert result.code == 3
    assert f"Missing {missing[:2]}." in result.output


def test_missing_directory_is_asked_for_and_a_console_gives_no_answer(world: World) -> None:
    """KB Q164695: no /D and no parameter file: the program asks for the directory."""
    result = run(world, "EXPORT", "/NPO1 /PSECRET /DIRECTORY /BATCH")
    assert result.code == 3
    assert "Post office directory: \nNo post office directory given." in result.output
