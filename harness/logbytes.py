"""The bytes of a customer's log file, and the text in them, read in bounded memory.

Only regular files are read: a device, FIFO, socket or directory is refused from its
``stat`` before it is opened (opening a FIFO would wait for a writer), the file is
opened without blocking and checked again from the open descriptor, and no more than
``limit`` bytes are ever read. Text is never held whole: :func:`sniff_text` reads it
once in 1 MiB chunks to choose the encoding, :func:`text_lines` then yields it line by
line. Text is tried as UTF-8, UTF-16 with a byte-order mark, then the ANSI or OEM code
page whose reading of the high bytes gives more of the accented letters of Western
European languages: cp1252 or cp850 (modelled: the reference §9.2 says only "the
machine's ANSI code page"; DOS tools wrote OEM text).
"""

from __future__ import annotations

import codecs
import io
import itertools
import os
import stat
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

__all__ = ["head_bytes", "open_checked", "read_bytes", "sniff_text", "text_lines"]

#: how much is read at a time
CHUNK = 1 << 20


class _Error(Protocol):
    def __call__(self, path: Path | str, line: int, message: str) -> Exception: ...


def _refuse_special(path: Path, mode: int, error: _Error) -> None:
    if stat.S_ISDIR(mode):
        raise error(path, 0, "is a directory, not an event log file")
    if not stat.S_ISREG(mode):
        raise error(path, 0, "not a regular file (a device, FIFO or socket)")


def open_checked(path: Path, limit: int, error: _Error) -> BinaryIO:
    """A regular file of at most ``limit`` bytes, open for reading; anything else refused."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise error(path, 0, f"cannot read the file: {exc.strerror or exc}") from None
    _refuse_special(path, info.st_mode, error)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise error(path, 0, f"cannot read the file: {exc.strerror or exc}") from None
    stream = os.fdopen(fd, "rb")
    info = os.fstat(fd)  # the file opened may not be the one stat saw
    if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
        stream.close()
        _refuse_special(path, info.st_mode, error)
        raise error(path, 0, f"too large: {info.st_size} bytes (at most {limit})")
    return stream


def head_bytes(path: Path, size: int, limit: int, error: _Error) -> bytes:
    """The first ``size`` bytes of a regular file (checked as :func:`open_checked`)."""
    with open_checked(path, limit, error) as stream:
        return _read(path, stream, size, error)


def _read(path: Path, stream: BinaryIO, size: int, error: _Error) -> bytes:
    try:
        return stream.read(size)
    except OSError as exc:
        raise error(path, 0, f"cannot read the file: {exc.strerror or exc}") from None


def read_bytes(path: Path, limit: int, error: _Error) -> bytes:
    """A regular file's bytes, at most limit; anything else is refused unopened."""
    with open_checked(path, limit, error) as stream:
        data = _read(path, stream, limit + 1, error)
    if len(data) > limit:
        raise error(path, 0, f"too large: more than {limit} bytes")
    return data


def _chunks(path: Path, limit: int, error: _Error) -> Iterator[bytes]:
    with open_checked(path, limit, error) as stream:
        total = 0
        while chunk := _read(path, stream, CHUNK, error):
            total += len(chunk)
            if total > limit:
                raise error(path, 0, f"too large: more than {limit} bytes")
            yield chunk


class _Sniffer:
    """What one pass over the bytes finds: blank or not, UTF-8 or not, the high bytes."""

    def __init__(self, path: Path, error: _Error) -> None:
        self.path, self.error = path, error
        self.blank = True
        self.lines = 0
        self.carry = b""
        self.utf8_line = self.bad_line = 0
        self.high: Counter[int] = Counter()

    def feed(self, chunk: bytes) -> None:
        self.blank = self.blank and not chunk.strip()
        if b"\0" in chunk:
            line = self.lines + chunk[: chunk.index(b"\0")].count(b"\n") + 1
            why = "NUL bytes in a text file: UTF-16 without a byte-order mark?"
            raise self.error(self.path, line, f"{why} Save the log again as text or .evt")
        data = self.carry + chunk
        cut = data.rfind(b"\n") + 1
        whole, self.carry = data[:cut], data[cut:]
        self._lines(whole)

    def finish(self) -> None:
        self._lines(self.carry)

    def _lines(self, data: bytes) -> None:
        if data.isascii():
            self.lines += data.count(b"\n")
            return
        parts = data.split(b"\n")
        for at, line in enumerate(parts, self.lines + 1):
            if not line.isascii():
                self._line(line, at)
        self.lines += len(parts) - 1

    def _line(self, line: bytes, number: int) -> None:
        """A line with high bytes: UTF-8 or not (a file partly both is refused)."""
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            self.bad_line = self.bad_line or number
            self.high.update(b for b in line if b >= 0x80)
        else:
            self.utf8_line = self.utf8_line or number
        if self.utf8_line and self.bad_line:
            why = f"mixed encodings: line {self.utf8_line} is UTF-8 but this line is not (cp1252?)"
            raise self.error(self.path, self.bad_line, f"{why}; save the log again in one encoding")


def sniff_text(path: Path, limit: int, error: _Error) -> str:
    """The encoding of a text file, from one chunked pass: "utf-8", "utf-16", "cp1252"
    or "cp850". The file is refused when it is empty or blank, holds NUL bytes without
    a UTF-16 byte-order mark, mixes encodings, or is not valid UTF-16 after its BOM."""
    chunks = _chunks(path, limit, error)
    first = next(chunks, b"")
    if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        _check_utf16(path, first, chunks, error)
        return "utf-16"
    sniffer = _Sniffer(path, error)
    for chunk in itertools.chain((first,), chunks):
        sniffer.feed(chunk)
    sniffer.finish()
    if sniffer.blank:
        raise error(path, 1, "the file is empty")
    if not sniffer.bad_line:
        return "utf-8"
    return _code_page(sniffer.high)


def _check_utf16(path: Path, first: bytes, rest: Iterator[bytes], error: _Error) -> None:
    decoder = codecs.getincrementaldecoder("utf-16")()
    lines = 0
    blank = True
    for chunk in itertools.chain((first,), rest):
        try:
            text = decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            line = lines + chunk[: exc.start].decode("utf-16-le", "replace").count("\n") + 1
            raise error(path, line, f"undecodable UTF-16 ({exc.reason})") from None
        lines += text.count("\n")
        blank = blank and not text.strip()
    try:
        blank = not decoder.decode(b"", final=True).strip() and blank
    except UnicodeDecodeError as exc:
        raise error(path, lines + 1, f"undecodable UTF-16 ({exc.reason})") from None
    if blank:
        raise error(path, 1, "the file is empty")


def text_lines(path: Path, encoding: str, limit: int, error: _Error) -> Iterator[str]:
    """The file's lines, line ends kept (``newline=""``), decoded as ``encoding``."""
    codec = "utf-8-sig" if encoding == "utf-8" else encoding
    stream = open_checked(path, limit, error)
    capped = io.BufferedReader(_Capped(stream, limit), CHUNK)
    with io.TextIOWrapper(capped, encoding=codec, errors="replace", newline="") as text:
        yield from text


class _Capped(io.RawIOBase):
    """A stream that ends after ``limit`` bytes, whatever the file grew to since."""

    def __init__(self, raw: BinaryIO, limit: int) -> None:
        self.raw, self.left = raw, limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self.left <= 0:
            return 0
        view = memoryview(buffer)[: self.left]
        got = self.raw.readinto(view)  # type: ignore[attr-defined]
        self.left -= got or 0
        return got or 0

    def close(self) -> None:
        self.raw.close()
        super().close()


#: accented letters of the Western European languages (what a log's high bytes mostly are)
_LETTERS = frozenset("àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿßÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝ")


def _code_page(counts: Counter[int]) -> str:
    """cp1252 (Windows ANSI) or cp850 (DOS OEM): the one that reads more of the high
    bytes as the accented letters of Western European languages (modelled)."""
    score = {"cp1252": 0, "cp850": 0}
    for byte, count in counts.items():
        for encoding in score:
            score[encoding] += count * (bytes([byte]).decode(encoding, "replace") in _LETTERS)
    return "cp850" if score["cp850"] > score["cp1252"] else "cp1252"
