"""Queue sizes each way for the timeline: sampled during a run, drawn as a line chart.

:func:`sample` counts the messages waiting to go to Exchange (the references
in the cc:Mail ``P`` entry of the Exchange site, which EXPORT empties) and to
cc:Mail (the Exchange ``MTS-OUT`` queue, which IMPORT empties), reference
§4.5. The runner samples after every transcript line (each phase and step), so
the chart shows the queues at the run's checkpoints, not between them. A post
office that cannot be read (a fault may damage it) gives no sample.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness.build import Site

__all__ = ["QueueSample", "queue_chart", "sample"]


@dataclass(frozen=True, slots=True)
class QueueSample:
    """Messages waiting each way at one moment (seconds from the origin)."""

    at: float
    to_exchange: int
    to_ccmail: int


def sample(site: Site) -> QueueSample | None:
    """The queues of ``site`` now; None when the post office cannot be read."""
    from sim.postoffice import Postoffice

    exchange = site.world.exchange
    try:
        po = Postoffice(site.po_path)
        name = site.site.casefold()
        entry = next((e for e in po.entries() if e.name.casefold() == name and e.mailbox), None)
        waiting = len(po.refs(entry)) if entry is not None else 0
    except Exception:  # noqa: BLE001 - a damaged or missing post office: no sample
        return None
    outbound = len(exchange.mts_out) if exchange is not None else 0
    return QueueSample(site.world.clock.now, waiting, outbound)


def queue_chart(
    samples: Sequence[QueueSample],
    x: Callable[[float], float],
    top: float,
    left: float,
    width: float,
    height: float,
) -> Iterator[str]:
    """A line per way, scaled to the highest count; labels in the left column."""
    from harness.timeline import stamp

    peak = max(max(s.to_exchange, s.to_ccmail) for s in samples) or 1
    yield (
        f'<g class="queues"><text x="4" y="{top + 12}" fill="#333">queues</text>'
        f'<text x="4" y="{top + 26}" fill="#6a1b9a">to Exchange</text>'
        f'<text x="4" y="{top + 40}" fill="#00796b">to cc:Mail</text>'
        f'<text x="{left - 4}" y="{top + 10}" text-anchor="end" fill="#777">{peak}</text>'
        f'<line x1="{left}" y1="{top + height}" x2="{left + width}" '
        f'y2="{top + height}" stroke="#bbb"/>'
    )
    for attr, colour in (("to_exchange", "#6a1b9a"), ("to_ccmail", "#00796b")):
        points = " ".join(
            f"{x(s.at):.1f},{top + height - getattr(s, attr) / peak * (height - 6):.1f}"
            for s in samples
        )
        last = getattr(samples[-1], attr)
        yield (
            f'<polyline class="queue" data-way="{attr}" points="{points}" fill="none" '
            f'stroke="{colour}" stroke-width="1.5"><title>{attr.replace("_", " ")}: '
            f"{last} waiting at {stamp(samples[-1].at)}</title></polyline>"
        )
    yield "</g>"
