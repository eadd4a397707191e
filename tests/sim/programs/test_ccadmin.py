"""cc:Mail ADMIN: list the directory, rename the post office, edit an entry's comments."""

from __future__ import annotations

import pytest

from sim.postoffice import Postoffice
from sim.programs.results import AdminResult
from sim.world import World
from tests.sim.postoffice import sample
from tests.sim.postoffice.sample import LOGIN, run_tool


@pytest.fixture
def po(world: World) -> Postoffice:
    return sample.build_in(world)


def test_list_shows_every_entry_with_its_location_and_comments(
    world: World, po: Postoffice
) -> None:
    run = run_tool(world, "CCADMIN", f"{LOGIN} LIST")
    assert run.code == AdminResult.OK
    rows = run.output.splitlines()
    assert [r.split()[0].rstrip(",") for r in rows[2:-1]] == [
        "Adams",
        "Baker",
        "Clark",
        "EX1",
        "Far",
    ]
    assert any(r.split()[:2] == ["EX1", "P"] and r.endswith("MSExchangeCCMC EXSRV1") for r in rows)
    one = run_tool(world, "CCADMIN", f'{LOGIN} LIST "Far, Away"')
    assert one.code == AdminResult.OK
    assert [r.split()[:3] for r in one.output.splitlines()[2:-1]] == [["Far,", "Away", "r"]]


def test_rename_gives_the_post_office_a_new_name_kept_by_its_password(
    world: World, po: Postoffice
) -> None:
    """KB Q197258: the post office renamed in ADMIN; the old name no longer logs in."""
    run = run_tool(world, "CCADMIN", f"{LOGIN} RENAME ZURICH")
    assert run.code == AdminResult.OK
    assert "Post office PO1 renamed ZURICH." in run.output
    assert po.identity().name == "ZURICH"
    assert run_tool(world, "CCADMIN", f"{LOGIN} LIST").code == AdminResult.NOT_CONFIGURED
    new = LOGIN.replace("/NPO1", "/NZURICH")
    assert run_tool(world, "CCADMIN", f"{new} LIST EX1").code == AdminResult.OK


def test_comment_sets_and_clears_an_entrys_comments(world: World, po: Postoffice) -> None:
    """KB Q167830: the site's P entry gets its ``MSExchangeCCMC <server>`` comment back."""
    cleared = run_tool(world, "CCADMIN", f"{LOGIN} COMMENT EX1")
    assert cleared.code == AdminResult.OK
    assert "Comments of EX1: (none)" in cleared.output
    assert (po.find("EX1") or pytest.fail("no EX1")).comments == ""
    run = run_tool(world, "CCADMIN", f"{LOGIN} COMMENT ex1 MSExchangeCCMC EXSRV2")
    assert run.code == AdminResult.OK
    assert (po.find("EX1") or pytest.fail("no EX1")).comments == "MSExchangeCCMC EXSRV2"


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        ("", AdminResult.ERRORS, "No action given."),
        ("COMMENT Nobody text", AdminResult.ERRORS, "No directory entry named Nobody."),
        ("LIST Nobody", AdminResult.ERRORS, "No directory entry named Nobody."),
        ("RENAME", AdminResult.ERRORS, "RENAME needs the post office's new name."),
        ("/FOO LIST", AdminResult.ERRORS, "unknown switch"),
    ],
)
def test_an_action_that_cannot_be_done_ends_with_1(
    world: World, po: Postoffice, args: str, code: AdminResult, said: str
) -> None:
    run = run_tool(world, "CCADMIN", f"{LOGIN} {args}")
    assert run.code == code
    assert said in run.output
    assert run.output.endswith("ADMIN process ended with error: 1.\n")
    assert po.identity().name == "PO1"


def test_a_wrong_password_changes_nothing(world: World, po: Postoffice) -> None:
    run = run_tool(world, "CCADMIN", "/NPO1 /PWRONG /DC:\\CCDATA RENAME OTHER")
    assert run.code == AdminResult.NOT_CONFIGURED
    assert "Invalid post office name or password." in run.output
    assert po.identity().name == "PO1"


def test_password_reset_is_pre_expired_only_with_the_option_on(
    world: World, po: Postoffice
) -> None:
    """KB Q186740: PREEXPIRED ON makes a reset password one to change at the next logon."""
    assert run_tool(world, "CCADMIN", f"{LOGIN} PREEXPIRED ON").code == AdminResult.OK
    assert po.pre_expired_passwords()
    run = run_tool(world, "CCADMIN", f'{LOGIN} PASSWORD "Adams, Ann" reset1')
    assert run.code == AdminResult.OK
    assert "Password of Adams, Ann reset (pre-expired" in run.output
    entry = po.find("Adams, Ann")
    assert entry is not None
    assert po.mailbox_password(entry).expired
    assert run_tool(world, "CCADMIN", f"{LOGIN} PREEXPIRED OFF").code == AdminResult.OK
    run = run_tool(world, "CCADMIN", f"{LOGIN} PASSWORD Adams, Ann reset2")
    assert run.output.count("Password of Adams, Ann reset.") == 1
    assert not po.mailbox_password(entry).expired
    assert po.mailbox_password(entry).matches("RESET2")


def test_password_needs_a_local_user_and_a_password(world: World, po: Postoffice) -> None:
    assert run_tool(world, "CCADMIN", f"{LOGIN} PASSWORD EX1 pw").code == AdminResult.ERRORS
    assert run_tool(world, "CCADMIN", f"{LOGIN} PASSWORD pw").code == AdminResult.ERRORS
    assert run_tool(world, "CCADMIN", f"{LOGIN} PREEXPIRED MAYBE").code == AdminResult.ERRORS
