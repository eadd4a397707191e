"""Writing a message in the cc:Mail Import/Export text format (``.ccm``).

The layout, the ``/ITEMSIZE`` byte counts and the ``ccsim-id:`` trace line are
described in :mod:`sim.message` (ccmail-reference.md §2.3, KB Q184052 sample).
"""

from __future__ import annotations

from sim.message.model import EOL, TRACE, DateStyle, Message, format_date

__all__ = ["render_message"]


def _body_with_trace(message: Message) -> str:
    body = message.body
    if message.ident is not None:
        body = (body + EOL if body else "") + TRACE + message.ident
    return body


def _text_block(text: str) -> str:
    lines = text.replace("\r\n", "\n").split("\n")
    return "".join(line + EOL for line in lines)


def _item(kind: str, title: str, text: str, itemsize: bool) -> str:
    block = _text_block(text)
    head = f"{kind} item:{(' ' + title) if title else ''}{EOL}"
    if itemsize:
        return f"{head}{len(block)}{EOL}{block}"
    return head + block


def render_message(
    message: Message, *, itemsize: bool = True, date_style: DateStyle = DateStyle.US
) -> str:
    """One message in the Import/Export text format."""
    head = [f"From: {message.sender}", f"Date: {format_date(message.date, date_style)}"]
    head += [f"To: {r}" for r in message.to]
    head += [f"Cc: {r}" for r in message.cc]
    head += [f"{key}: {value}" for key, value in message.extra]
    head.append(f"Subject: {message.subject}")
    items = [_item("Text", "", _body_with_trace(message), itemsize)]
    items += [_item(kind, title, text, itemsize) for kind, title, text in message.items]
    contents = "".join(items)
    rest = "".join(line + EOL for line in head) + "Contents:" + EOL
    if itemsize:
        size = len(contents)
        rest += f"{size}{EOL}{contents}"
        total = len(rest)
        return f"Message:{EOL}{total}{EOL}{rest}"
    return f"Message:{EOL}{rest}{contents}"
