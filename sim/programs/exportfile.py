"""How EXPORT writes a message file: streamed, under a temporary name, renamed when whole.

Source: ccmail-reference.md §2.2 and §2.3 (the Import/Export text format, code
page 850). Modelled, not documented: the ``.$$$`` temporary name and that the
messages leave the mailbox only once the file is complete (nothing is lost when
EXPORT is stopped half way; §7 item 9).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import closing
from pathlib import Path
from typing import BinaryIO, cast

from sim.errors import PostofficeError
from sim.message import CODEPAGE, DateStyle, render_message
from sim.postoffice import records as rf
from sim.postoffice.layout import MLANDATA, T_MESSAGE, DirectoryEntry, Ref, StoredMessage
from sim.postoffice.postoffice import Postoffice

__all__ = ["CHUNK", "encode_text", "export_messages", "temporary_name"]

#: bytes gathered before each write of a message export
CHUNK = 1 << 16
_U32 = struct.Struct("<I")


def temporary_name(target: Path) -> Path:
    """``msg1234.ccm`` is written as ``msg1234.$$$`` and renamed when complete."""
    return target.with_name(f"{target.stem}.$$$")


def _open_binary(path: Path) -> BinaryIO:
    return path.open("wb")


def encode_text(text: str) -> bytes:
    """Code page 850; plain ASCII (nearly all mail) takes the fast codec, same bytes."""
    try:
        return text.encode("ascii")
    except UnicodeEncodeError:
        return text.encode(CODEPAGE, "replace")


def _chunks(pieces: Iterable[bytes]) -> Iterator[bytes]:
    parts: list[bytes] = []
    size = 0
    for piece in pieces:
        parts.append(piece)
        size += len(piece)
        if size >= CHUNK:
            yield b"".join(parts)
            parts, size = [], 0
    if parts:
        yield b"".join(parts)


def _stored_texts(po: Postoffice, refs: Sequence[Ref]) -> Iterator[bytes]:
    """The stored text of each message, checked as ``Postoffice.read_messages`` checks it.

    MLANDATA keeps each message already rendered in the Import/Export format with
    /ITEMSIZE and US dates (``postoffice.encode_message``), so an export in that
    form copies the bytes instead of parsing and rendering every message again.
    """
    with (po.path / MLANDATA).open("rb") as fh:
        for ref in refs:
            fh.seek(ref.offset)
            size, status, rtype, crc = rf.RECORD.unpack(fh.read(rf.RECORD_SIZE))
            payload = fh.read(size)
            ok = status == rf.LIVE and rtype == T_MESSAGE and zlib.crc32(payload) == crc
            if not ok or _U32.unpack_from(payload)[0] != ref.number:
                raise PostofficeError(f"message {ref.number}: index points at a bad record")
            yield payload[_U32.size :]


def _rendered(
    po: Postoffice, refs: Sequence[Ref], itemsize: bool, date_style: DateStyle
) -> Generator[bytes, None, None]:
    if itemsize and date_style is DateStyle.US:
        yield from _stored_texts(po, refs)
        return
    reading = cast("Generator[StoredMessage, None, None]", po.read_messages(refs))
    with closing(reading) as stored:
        for s in stored:
            yield encode_text(render_message(s.message, itemsize=itemsize, date_style=date_style))


def export_messages(
    po: Postoffice,
    entry: DirectoryEntry,
    target: Path,
    *,
    refs: Sequence[Ref] | None = None,
    limit: int | None = None,
    itemsize: bool = True,
    date_style: DateStyle = DateStyle.US,
    remove: bool = True,
    opener: Callable[[Path], BinaryIO] = _open_binary,
) -> list[int]:
    """Stream a mailbox's messages into ``target``; return the exported message numbers.

    The file is written under :func:`temporary_name` and renamed when complete;
    only then are the messages removed from the mailbox (``remove``). An OSError
    or a message that cannot be read removes the temporary file and propagates,
    leaving the mailbox as it was. Nothing is written for an empty mailbox.

    ``opener`` is the seam for simulating a program killed mid-file: pass one
    whose stream raises, after N bytes, an exception that is none of OSError,
    PostofficeError or ValueError (the harness's own "killed" exception). It
    propagates past this function untouched, so what is left is what a killed
    EXPORT leaves: a partial temporary file and the full queue.
    """
    chosen = list(po.refs(entry) if refs is None else refs)
    chosen = chosen if limit is None else chosen[:limit]
    if not chosen:
        return []
    tmp = temporary_name(target)
    try:
        with closing(_rendered(po, chosen, itemsize, date_style)) as texts, opener(tmp) as fh:
            for chunk in _chunks(texts):
                fh.write(chunk)
    except (OSError, PostofficeError, ValueError):
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(target)
    numbers = [r.number for r in chosen]
    if remove:
        po.remove_messages(entry, numbers)
    return numbers
