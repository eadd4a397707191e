"""The bytes of a customer's log file, and the text in them.

Only regular files are read: a device, FIFO, socket or directory is refused from its
``stat`` before it is opened (opening a FIFO would wait for a writer), and no more
than ``limit`` bytes are ever read. Text is tried as UTF-8, UTF-16 with a byte-order
mark, then the ANSI or OEM code page whose reading of the high bytes gives more of
the accented letters of Western European languages: cp1252 or cp850 (modelled: the
reference §9.2 says only "the machine's ANSI code page"; DOS tools wrote OEM text).
"""

from __future__ import annotations

import codecs
import os
import stat
from collections import Counter
from pathlib import Path
from typing import Protocol

__all__ = ["decode", "read_bytes"]


class _Error(Protocol):
    def __call__(self, path: Path | str, line: int, message: str) -> Exception: ...


def read_bytes(path: Path, limit: int, error: _Error) -> bytes:
    """A regular file's bytes, at most limit; anything else is refused unopened."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise error(path, 0, f"cannot read the file: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise error(path, 0, "is a directory, not an event log file")
    if not stat.S_ISREG(info.st_mode):
        raise error(path, 0, "not a regular file (a device, FIFO or socket)")
    if info.st_size > limit:
        raise error(path, 0, f"too large: {info.st_size} bytes (at most {limit})")
    try:
        with open(path, "rb") as stream:
            data = stream.read(limit + 1)
    except OSError as exc:
        raise error(path, 0, f"cannot read the file: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise error(path, 0, f"too large: more than {limit} bytes")
    return data


def decode(path: Path, data: bytes, error: _Error) -> tuple[str, str]:
    """Text and encoding name: UTF-8, then UTF-16 with a BOM, then cp1252 or cp850."""
    bom = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if b"\0" in data and not bom:
        line = data[: data.index(b"\0")].count(b"\n") + 1
        why = "NUL bytes in a text file: UTF-16 without a byte-order mark?"
        raise error(path, line, f"{why} Save the log again as text or .evt")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    if bom:
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            line = data[: exc.start].decode("utf-16", "replace").count("\n") + 1
            raise error(path, line, f"undecodable UTF-16 ({exc.reason})") from None
    _refuse_mixed(path, data, error)
    encoding = _code_page(data)
    return data.decode(encoding, "replace"), encoding


#: accented letters of the Western European languages (what a log's high bytes mostly are)
_LETTERS = frozenset("àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿßÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝ")


def _code_page(data: bytes) -> str:
    """cp1252 (Windows ANSI) or cp850 (DOS OEM): the one that reads more of the high
    bytes as the accented letters of Western European languages (modelled)."""
    counts = Counter(b for b in data if b >= 0x80)
    score = {"cp1252": 0, "cp850": 0}
    for byte, count in counts.items():
        for encoding in score:
            score[encoding] += count * (bytes([byte]).decode(encoding, "replace") in _LETTERS)
    return "cp850" if score["cp850"] > score["cp1252"] else "cp1252"


def _refuse_mixed(path: Path, data: bytes, error: _Error) -> None:
    """A file whose lines are partly UTF-8 (non-ASCII) and partly not is refused."""
    utf8_line = bad_line = 0
    for number, line in enumerate(data.split(b"\n"), 1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            bad_line = bad_line or number
        else:
            utf8_line = utf8_line or number
        if utf8_line and bad_line:
            why = f"mixed encodings: line {utf8_line} is UTF-8 but this line is not (cp1252?)"
            raise error(path, bad_line, f"{why}; save the log again in one encoding")
