"""KB Q282172: "cc:Mail Export program failure"; the article's steps at the console.

As written (reference §1.3, §2.2): a ``CCPODOWN`` file in the post office directory
means the post office is shut down for maintenance; EXPORT then prints "Post office
is temporarily shut down." and ends with error 4 (the Migration Wizard shows it as
"cc:Mail Export program failure"); the article's check is
``export /N<post office> /P<password> /D<PO directory> /directory`` at a prompt, and
renaming ``CCPODOWN`` (the maintenance finished) opens the post office again. The sim
has no Migration Wizard: the test follows the article's console steps. That the
connector meets the same file with event 71 (EXPORT code 4) and 62 (IMPORT code 4)
is an inference (``harness.causes.po_shut_down``).
"""

from __future__ import annotations

from sim.connector.setup import Site, send_to_ccmail, send_to_exchange, standard_world
from sim.world import World
from tests.kb.hand import ids_since, mail_flows, prompt


def _down(world: World) -> Site:
    """The cc:Mail administrator shut the post office down for maintenance."""
    site = standard_world(world, dirsync_done=True)
    (site.po_path / "CCPODOWN").write_text("Maintenance\r\n", encoding="cp850")
    return site


def test_export_says_shut_down_until_ccpodown_is_renamed(real_world: World) -> None:
    site = _down(real_world)
    inbound = send_to_exchange(real_world, 2)
    outbound = send_to_ccmail(real_world, 2)
    real_world.clock.advance(120)
    assert {71, 62} & ids_since(real_world, 0)  # the connector meets the same file
    command = f"/NPO1 /PSECRET /D{site.po_unc} /DIRECTORY"
    run = prompt(site, "EXPORT.EXE", command)
    assert run.code == 4
    assert "Post office is temporarily shut down." in run.output
    assert "EXPORT process ended with error: 4." in run.output
    # the maintenance is finished: CCPODOWN renamed
    (site.po_path / "CCPODOWN").replace(site.po_path / "CCPODOWN.OLD")
    again = prompt(site, "EXPORT.EXE", command)
    assert again.code == 0
    assert "temporarily shut down" not in again.output
    mark = len(real_world.eventlog.records)
    real_world.clock.advance(600)
    assert not {71, 62} & ids_since(real_world, mark)
    mail_flows(site, inbound, outbound)  # what waited is delivered, nothing lost
