"""The fast single-message parser agrees with the streaming parser (§2.3 format)."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.message import (
    DateStyle,
    Message,
    MessageFormatError,
    iter_messages,
    parse_sized_message,
    render_message,
    short_message,
)

TEXT = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=30).map(
    str.strip
)
LINES = st.lists(
    st.one_of(TEXT, st.sampled_from(["Message:", "Contents:", "Text item:", "", "To: x"])),
    max_size=6,
)


@st.composite
def messages(draw: st.DrawFn) -> Message:
    when = draw(st.datetimes(min_value=datetime(1981, 1, 1), max_value=datetime(2079, 12, 31)))
    items = draw(
        st.lists(
            st.tuples(st.sampled_from(["Text", "File"]), TEXT, LINES.map("\n".join)), max_size=2
        )
    )
    return Message(
        sender=draw(TEXT.filter(bool)),
        date=when.replace(second=0, microsecond=0),
        to=tuple(draw(st.lists(TEXT, max_size=3))),
        cc=tuple(draw(st.lists(TEXT, max_size=2))),
        subject=draw(TEXT),
        body=draw(LINES.map("\n".join)),
        ident=draw(st.one_of(st.none(), TEXT.filter(bool))),
        items=tuple(items),
    )


@settings(max_examples=200, deadline=None)
@given(message=messages(), style=st.sampled_from(list(DateStyle)))
def test_fast_parse_equals_streaming_parse(message: Message, style: DateStyle) -> None:
    text = render_message(message, itemsize=True, date_style=style)
    slow = list(iter_messages(io.StringIO(text, newline=""), itemsize=True, date_style=style))
    assert slow == [message]
    assert parse_sized_message(text, style) == message


@settings(max_examples=200, deadline=None)
@given(first=messages(), second=messages(), style=st.sampled_from(list(DateStyle)))
def test_every_size_written_covers_its_message(
    first: Message, second: Message, style: DateStyle
) -> None:
    """What the sim writes never reads as the damage of KB Q168556, whatever the body holds."""
    text = render_message(first, date_style=style) + render_message(second, date_style=style)
    assert short_message(text) is None


def test_a_message_size_smaller_than_the_message_is_found() -> None:
    """KB Q168556 (modelled): the line of the message whose size is short."""
    message = Message("A at PO1", datetime(1998, 6, 2, 8, 39), ("B at EX1",), "s", "body")
    good = render_message(message)
    lines = good.split("\r\n")
    short = "\r\n".join([lines[0], "0" * len(lines[1]), *lines[2:]])
    assert short_message(short) == 1
    assert short_message(good + short) == len(lines)  # the second message's first line
    assert list(iter_messages(io.StringIO(short, newline=""))) == [message]  # reads whole
    assert short_message(render_message(message, itemsize=False)) is None  # no sizes
    assert short_message(good[: len(good) // 2]) is None  # cut short: not this damage


def test_out_of_the_ordinary_text_falls_back() -> None:
    message = Message("A at PO1", datetime(1998, 6, 2, 8, 39), ("B at EX1",), "s", "body")
    text = render_message(message)
    assert parse_sized_message(text.replace("\r\n", "\n")) is None  # bare LF line ends
    assert parse_sized_message(text.replace("6/2/98", "31/2/98")) is None  # a bad date
    assert parse_sized_message(text.replace("Subject:", "Subject")) is None  # not a header line
    assert parse_sized_message(text.replace("Contents:\r\n", "Contents:\r\nx\r\n")) is None


def test_other_keywords_are_kept_in_order_and_written_back() -> None:
    """Bcc:, Priority:, Receipt: ... (§2.3, §7 item 3): kept, not fatal, not acted on."""
    text = (
        "Message:\r\nFrom: A at PO1\r\nDate: 6/2/98 8:39\r\nTo: B at EX1\r\n"
        "Bcc: C at EX1\r\nPriority: Urgent\r\nReceipt: Yes\r\nSubject: s\r\n"
        "Contents:\r\nText item:\r\nbody\r\n"
    )
    (message,) = iter_messages(io.StringIO(text, newline=""), itemsize=False)
    assert message.extra == (("Bcc", "C at EX1"), ("Priority", "Urgent"), ("Receipt", "Yes"))
    assert message.recipients == ("B at EX1",)
    again = render_message(message, itemsize=True)
    assert "Cc: " not in again
    assert "\r\nBcc: C at EX1\r\nPriority: Urgent\r\nReceipt: Yes\r\nSubject: s\r\n" in again
    assert parse_sized_message(again) == message


def test_a_line_that_is_no_keyword_is_still_an_error() -> None:
    text = "Message:\r\nFrom: A at PO1\r\nthis is no header\r\nContents:\r\n"
    with pytest.raises(MessageFormatError, match="line 3: not a header line"):
        list(iter_messages(io.StringIO(text, newline=""), itemsize=False))
