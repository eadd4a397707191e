"""Messages and the cc:Mail Import/Export text format (``.ccm`` files).

Source: ccmail-reference.md §2.3 (the KB Q184052 sample, ``Contents:`` mandatory
per KB Q234745, 20 KB text items per EX50-RN 2.6.15, dates per KB Q180641).

The confirmed sample::

    Message:
    179
    From: Grewal, Jeff at Hub
    Date: 6/2/98 8:39
    To: Admin at HUBPO2
    Subject: Another message
    Contents:
    58
    Text item:
    32
    This is the message body

Modelled, not documented (§2.3 marks these unknown):

* the numbers written under ``/ITEMSIZE`` count the bytes, CR/LF included, from
  the line after the number to the end of the message, of the contents, and of
  the item text respectively;
* ``Cc:`` lines (one recipient each, like ``To:``) and a title after
  ``Text item:``;
* lines end in CR/LF and text is in DOS code page 850;
* header lines with other keywords (``Bcc:``, ``Priority:``, ``Receipt:``,
  ``Folder:``, ``Comment:`` ...: the full list is unknown, §2.3 and §7 item 3;
  the READMEs and PMDF's guide show such files) are kept with the message, in
  their order, and written back after the ``Cc:`` lines; nothing acts on them
  (a ``Bcc:`` recipient is not delivered to). A line before ``Contents:`` that
  is not ``Keyword: value`` is still an error.

Every message the simulation creates carries an identity so the conservation
checker can follow it anywhere. It travels as the last line of the body,
``ccsim-id: <id>``, so the file format itself is untouched.
"""

from sim.message.model import (
    CODEPAGE,
    EOL,
    TEXT_ITEM_LIMIT,
    TRACE,
    DateStyle,
    Message,
    MessageFormatError,
    body_as_file,
    format_date,
    parse_date,
)
from sim.message.parse import iter_messages, parse_sized_message, short_message
from sim.message.render import render_message

__all__ = [
    "CODEPAGE",
    "EOL",
    "TEXT_ITEM_LIMIT",
    "TRACE",
    "DateStyle",
    "Message",
    "MessageFormatError",
    "body_as_file",
    "format_date",
    "iter_messages",
    "parse_date",
    "parse_sized_message",
    "render_message",
    "short_message",
]
