"""A record file with a gap: records written after a header that claimed too much.

KB Q248195's damage leaves MLANDATA's header counting more bytes than the file holds;
the next append lands past the file's end, after a gap of zeros. A plain scan stops
at the gap (and says so); the tolerant reads go on to the records after it.
"""

from __future__ import annotations

from sim.postoffice import records as rf
from sim.postoffice.salvage import salvage


def _file(gap: int) -> tuple[bytes, list[int]]:
    """Two records, ``gap`` zero bytes, two more; the header counts them all."""
    body, offsets, pos = b"", [], rf.HEADER_SIZE
    for n in range(4):
        if n == 2:
            body += bytes(gap)
            pos += gap
        record = rf.encode_record(n.to_bytes(4, "little") + b"message %d" % n, 1)
        offsets.append(pos)
        body += record
        pos += len(record)
    header = rf.Header(b"MLAN", 8, 4, len(body), 0, 5)
    return rf.encode_header(header) + body, offsets


def test_a_plain_scan_stops_at_the_gap_and_a_resync_scan_reads_past_it() -> None:
    data, offsets = _file(480)
    plain = rf.scan(data)
    assert [r.offset for r in plain.records] == offsets[:2]
    assert plain.chain_error is not None
    both = rf.scan(data, resync=True)
    assert [r.offset for r in both.records] == offsets
    assert both.chain_error == plain.chain_error  # still reported


def test_salvage_keeps_the_records_after_the_gap_at_their_offsets() -> None:
    data, offsets = _file(480)
    kept = salvage("MLANDATA", data, 8)
    live = [off for off, _ in kept.live(1)]
    assert live == offsets
    assert any("480 bytes at offset" in note for note in kept.notes)
    again = rf.scan(kept.encode())
    assert again.chain_error is None
    assert [r.offset for r in again.live] == offsets


def test_a_gap_too_small_for_a_free_record_is_not_crossed() -> None:
    data, offsets = _file(rf.RECORD_SIZE - 1)
    assert [off for off, _ in salvage("MLANDATA", data, 8).live(1)] == offsets[:2]
