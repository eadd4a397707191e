"""The post office name the connector passes in Export.ini must match (§8 cause 1)."""

from sim.postoffice import Postoffice
from sim.world import World
from tests.sim.programs.helpers import queue, run


def test_wrong_name_in_ini_values_fails_queue_export_with_3(world: World, po: Postoffice) -> None:
    before = queue(po)
    target = "/@C:\\OUT\\msg0001.ccm"
    world.path("C:\\OUT").mkdir(parents=True)
    bad = run(
        world, "EXPORT", f"/NEX1 /PSECRET /DC:\\CCDATA {target}", options={"PostOffice": "PO2"}
    )
    assert bad.code == 3
    assert "Post office name PO2 does not match." in bad.output
    assert queue(po) == before
    good = run(
        world, "EXPORT", f"/NEX1 /PSECRET /DC:\\CCDATA {target}", options={"PostOffice": "po1"}
    )
    assert good.code == 0
