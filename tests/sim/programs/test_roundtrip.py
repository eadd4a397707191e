"""IMPORT(EXPORT(messages)) gives back every message and header (Hypothesis; §2.3).

The connector's own switches (KB Q294947): EXPORT /ITEMSIZE out of the EX1 queue,
then IMPORT /ITEMSIZE of that file into the same post office, whose routing puts
``Name at EX1`` straight back into the EX1 queue, one copy per message.
"""

from __future__ import annotations

import io
import tempfile
from datetime import datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.message import Message, iter_messages, render_message
from sim.postoffice import Location, Postoffice
from sim.world import World
from tests.sim.programs.helpers import run

#: cp850-safe characters, incl. accented letters and the characters that matter to the format
ALPHABET = st.sampled_from(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 "
    ".,;:!?'\"()<>/\\-_+=*&%$#@[]{}|~^`éèêëàâäçôöüûïîñÉÄÖÜßåÅøØæÆ£"
)
WORDS = st.text(ALPHABET, max_size=30).map(str.strip)
NAMES = WORDS.filter(lambda s: bool(s) and not s.startswith("#"))
#: body lines, including ones that look like the format's own keywords
LINES = st.one_of(
    st.text(ALPHABET, max_size=60),
    st.sampled_from(["Message:", "Contents:", "Text item:", "File item: x", "From: x", "", "123"]),
)
#: bodies may be empty (the identity line then stands alone)
BODIES = st.lists(LINES, max_size=8).map("\n".join)
ITEMS = st.lists(
    st.tuples(st.sampled_from(["Text", "File"]), WORDS, st.lists(LINES, max_size=4).map("\n".join)),
    max_size=2,
)
DATES = st.datetimes(datetime(1980, 1, 1), datetime(2079, 12, 31)).map(
    lambda d: d.replace(second=0, microsecond=0)
)


@st.composite
def messages(draw: st.DrawFn, i: int) -> Message:
    to = tuple(f"{n} at EX1" for n in draw(st.lists(NAMES, min_size=1, max_size=3)))
    cc = tuple(f"{n} at EX1" for n in draw(st.lists(NAMES, max_size=2)))
    return Message(
        sender=f"{draw(NAMES)} at PO1",
        date=draw(DATES),
        to=to,
        cc=cc,
        subject=draw(WORDS),
        body=draw(BODIES),
        ident=f"C0-{i:06d}",
        items=tuple(draw(ITEMS)),
    )


@st.composite
def batches(draw: st.DrawFn) -> list[Message]:
    count = draw(st.integers(min_value=1, max_value=6))
    return [draw(messages(i)) for i in range(count)]


def _round_trip(root: Path, sent: list[Message]) -> tuple[list[Message], Path]:
    world = World(seed=0, root=root)
    po = Postoffice.create(world.path("C:\\CCDATA"), name="PO1", password="SECRET")
    po.add_entry("EX1", Location.POST_OFFICE, comments="MSExchangeCCMC EXSRV1")
    po.deliver("EX1", sent)
    world.path("C:\\X").mkdir()
    export = run(
        world, "EXPORT", "/NEX1 /PSECRET /DC:\\CCDATA /ITEMSIZE /BATCH /@C:\\X\\msg0001.ccm"
    )
    assert export.code == 0, export.output
    assert po.mailbox("EX1") == []
    exported = world.path("C:\\X\\msg0001.ccm")
    copy = exported.read_bytes()
    imported = run(
        world, "IMPORT", "/NPO1 /PSECRET /DC:\\CCDATA /ITEMSIZE /BATCH /@C:\\X\\msg0001.ccm"
    )
    assert imported.code == 0, imported.output
    assert not exported.exists()
    exported.write_bytes(copy)
    return [s.message for s in po.mailbox("EX1")], exported


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sent=batches())
def test_import_of_export_reproduces_every_message(sent: list[Message]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        back, exported = _round_trip(Path(tmp), sent)
        assert back == sent
        with exported.open(encoding="cp850", newline="") as fh:
            assert list(iter_messages(fh, itemsize=True)) == sent


def test_empty_body_keeps_its_identity() -> None:
    message = Message("A at PO1", datetime(1998, 6, 2, 8, 39), ("B at EX1",), "s", "", ident="C1")
    text = render_message(message)
    assert list(iter_messages(io.StringIO(text, newline=""))) == [message]
