"""KB Q202178 / Q295812 by hand: rebuild ``Ccmcdata`` and put the queued Submit files back."""

from __future__ import annotations

import shutil

from sim.connector.setup import send_to_ccmail, send_to_exchange, standard_world
from sim.connector.store import Folder
from sim.world import World
from tests.kb.hand import mail_flows

#: the temporary folder the files are moved to (any folder outside Ccmcdata)
TEMP = "C:\\CCMCSAVE"


def check_rebuilding_ccmcdata_drains_submit(world: World) -> None:
    """A damaged ``Import`` folder (a file where the folder was) stops outbound silently;
    the article's four steps drain ``Submit`` and lose nothing."""
    site = standard_world(world, dirsync_done=True, start=False)
    service = site.service
    service.prepare()
    store = service.store
    damaged = store.path(Folder.IMPORT)
    damaged.rmdir()
    damaged.write_bytes(b"\x00" * 16)
    service.start()
    mark = len(world.eventlog.records)
    stuck = send_to_ccmail(world, 3)
    world.clock.advance(600)
    assert len(store.names(Folder.SUBMIT)) == len(stuck)  # queued in Submit
    errors = [r for r in world.eventlog.records[mark:] if r.type.name == "ERROR"]
    assert not errors  # "No error message appears in the Application Event log"
    # 1: stop; move every subfolder and file of Ccmcdata to a temporary folder
    service.stop()
    temp = world.path(TEMP)
    temp.mkdir()
    for item in sorted(store.root.iterdir()):
        shutil.move(str(item), str(temp / item.name))
    # 2: start: the service recreates the subfolders and .ini files
    service.start()
    assert store.path(Folder.IMPORT).is_dir()
    # 3: stop again; move the saved Submit files back into the new Submit
    service.stop()
    for item in sorted((temp / str(Folder.SUBMIT)).iterdir()):
        shutil.move(str(item), str(store.path(Folder.SUBMIT, item.name)))
    # 4: start: the Submit files go to the post office
    service.start()
    inbound = send_to_exchange(world, 1)
    world.clock.advance(600)
    assert not store.names(Folder.SUBMIT)
    mail_flows(site, inbound, stuck)
