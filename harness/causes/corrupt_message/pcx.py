"""KB Q202240: a PCX attachment Export 5.15/6.0/8.0 does not finish exporting.

The variant of §8 row 12 (corrupt-message) whose message is sound: its fault, the
finding the cause's rule takes from it, and its fix.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from pydantic import Field

from harness.build import Site
from harness.causes._shared import STORE, finding, quotes, store_of
from harness.causes.corrupt_message._shared import (
    recent,
    site_queue,
)
from harness.diagnosis import Finding
from harness.evidence import Evidence, with_pcx_item
from harness.params import Params
from harness.registry import fault, fix
from sim.connector.store import Folder
from sim.message import Message
from sim.postoffice.layout import Location
from sim.postoffice.postoffice import Postoffice

__all__ = ["PCX_NAME", "pcx_finding", "pcx_message"]


#: the attachment of the Q202240 faults: a PC Paintbrush picture (file items are text here)
PCX_NAME = "CHART.PCX"


def pcx_message(sender: str, to: str, when: datetime, subject: str) -> Message:
    """A message with a PC Paintbrush (PCX) attachment (KB Q202240); no tracking identity."""
    picture = "".join(f"PCX scan line {n:04d} {'#' * 48}\n" for n in range(64))
    return Message(
        sender, when, (to,), subject, "See the chart.", items=(("File", PCX_NAME, picture),)
    )


class PcxParams(Params):
    subject: str = Field("Sales chart", min_length=1, max_length=80, description="Subject.")


@fault(
    "pcx-attachment-queued",
    summary="a message with a PCX attachment waits in the post office queue for Exchange",
    article="Q202240",
    params=PcxParams,
)
def pcx_attachment_queued(site: Site, params: PcxParams | None) -> None:
    """A user sends a PC Paintbrush picture to Exchange; the world is sound (KB Q202240).

    Export 5.15, 6.0 and 8.0 do not finish exporting it (``sim.programs.export``), so it
    stays queued and comes back to ``Bad`` at every poll.
    """
    po, queue, sender, to = site_queue(site)
    subject = (params or PcxParams()).subject
    when = site.world.clock.datetime
    po.deliver(queue, [pcx_message(sender, to, when, subject)])


def pcx_finding(ev: Evidence) -> Finding | None:
    """KB Q202240: 54 still logged and the files in ``Bad`` carry a PCX File item (step 1:
    open them in Notepad)."""
    failed = ev.ccmc(54)
    pcx = [n for n in ev.bad_pcx or () if n in (ev.folder("Bad") or ())]
    if not (pcx and failed and recent(ev, failed[-1])):
        return None
    said = [
        *quotes(failed),
        f"{STORE}\\Bad holds {len(pcx)} file(s) with a PCX File item: {pcx[0]}",
    ]
    return finding("corrupt-message", 0.9, said, confirmed=True, fix="forward-pcx-message")


def _headers(path: Path) -> tuple[str, str]:
    """From: and Subject: of a ``.ccm`` file, as Notepad shows them."""
    text = path.read_bytes()[:4096].decode("cp850", "replace")
    found = dict(re.findall(r"^(From|Subject): ?(.*?)\r?$", text, re.MULTILINE))
    return found.get("From", ""), found.get("Subject", "")


@fix(
    "forward-pcx-message",
    cures="corrupt-message",
    summary="find the message of the Bad files in the post office queue, forward it to a "
    "cc:Mail mailbox, delete it from the queue; restart",
    article="Q202240",
)
def forward_pcx_message(site: Site, params: None) -> None:
    """KB Q202240 steps 1-4. The copy goes to its sender's mailbox (the article says
    "another cc:Mail mailbox"; which one is modelled), so the picture is not lost."""
    service = site.service
    service.stop()
    store = store_of(site)
    wanted = {_headers(store.path(Folder.BAD, n)) for n in with_pcx_item(store.path(Folder.BAD))}
    po = Postoffice(site.po_path)
    queue = po.find(site.site)
    if queue is None or not queue.mailbox:
        raise ValueError(f"no P entry {site.site}: nothing is queued")
    local = [e for e in po.entries() if e.location is Location.LOCAL and e.mailbox]
    for stored in po.mailbox(queue):
        m = stored.message
        if (m.sender, m.subject) not in wanted:
            continue
        name = m.sender.rsplit(" at ", 1)[0].casefold()
        to = next((e for e in local if e.name.casefold() == name), local[0])
        po.deliver(to, [m])
        po.remove_messages(queue, [stored.number])
    service.start()
