"""KB Q212788: the connector stops delivering, with no errors; the article's steps by hand.

Resolution as written: stop the connector service, move the ``.und`` files out
of ``Ccmcdata\\Import`` and ``Ccmcdata\\Export``, restart the service.
Delivery resumes and the ``.und`` files are not recreated.
"""

from __future__ import annotations

from sim.connector.setup import send_to_ccmail, send_to_exchange, standard_world
from sim.connector.store import Folder
from sim.world import World
from tests.kb.hand import mail_flows


def test_moving_the_und_files_out_lets_delivery_resume(real_world: World) -> None:
    site = standard_world(real_world, dirsync_done=True, start=False)
    service = site.service
    service.prepare()
    store = service.store
    left = store.path(Folder.IMPORT, "msg00FF.und")
    left.write_bytes(b"Reason: Address(es) were unknown: Gone, Old\r\n")
    service.start()
    stuck = send_to_ccmail(real_world, 3)
    real_world.clock.advance(600)
    po = site.postoffice
    delivered = {s.message.ident for e in po.entries() if e.mailbox for s in po.mailbox(e)}
    assert not set(stuck) & delivered  # delivery has stopped
    service.stop()  # 1
    parked = real_world.path("C:\\UNDSAVE")
    parked.mkdir()
    for folder in (Folder.IMPORT, Folder.EXPORT):  # 2: move *.und out of both
        for name in store.names(folder):
            if name.casefold().endswith(".und"):
                store.path(folder, name).replace(parked / name)
    service.start()  # 3
    inbound = send_to_exchange(real_world, 2)
    real_world.clock.advance(600)
    mail_flows(site, inbound, stuck)
    leftover = [n for f in (Folder.IMPORT, Folder.EXPORT) for n in store.names(f)]
    assert not [n for n in leftover if n.casefold().endswith(".und")]
    assert (parked / "msg00FF.und").is_file()
