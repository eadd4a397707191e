"""The files a new post office has (§1.1, §1.3) and the mailbox passwords it holds (§1.4)."""

from __future__ import annotations

import pytest

from sim.errors import PostofficeError
from sim.postoffice import Location, Postoffice
from sim.postoffice.layout import CCADMIN, IE_RI
from sim.world import World


@pytest.mark.parametrize("db", [6, 8])
def test_every_post_office_has_ccadmin_and_only_db8_has_ie_ri(world: World, db: int) -> None:
    """§1.1: CCADMIN holds the admin files; IE.RI is the 6.0+ resource file (§2.1)."""
    po = Postoffice.create(world.path(f"C:\\DB{db}"), name="PO1", password="pw", db_version=db)
    assert (po.path / CCADMIN).is_dir()
    assert (po.path / CCADMIN / IE_RI).is_file() is (db == 8)


def test_only_a_local_user_has_a_mailbox_password(world: World) -> None:
    po = Postoffice.create(world.path("C:\\PO"), name="PO1", password="pw")
    po.add_entry("Jones, Al", Location.LOCAL)
    po.add_entry("EX1", Location.POST_OFFICE)
    with pytest.raises(PostofficeError):
        po.set_mailbox_password("EX1", "x")
    with pytest.raises(PostofficeError):
        po.set_mailbox_password("Nobody", "x")
    po.set_mailbox_password("Jones, Al", "x")
    entry = po.find("Jones, Al")
    assert entry is not None
    assert po.mailbox_password(entry).matches("X")
    assert po.identity().password_matches("PW")
