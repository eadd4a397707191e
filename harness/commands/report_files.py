"""What ``ccsim report merge`` checks before writing JUnit and HTML from JSON reports.

The JSON merge needs only each scenario's ``id``, ``file`` and ``status``; the
JUnit and HTML reports read more of it (title, transcript, findings ...), so
those fields are checked here, by JSON type, and a report that lacks them (an
older one) is refused with one line naming the file and the scenario. The
shards' JUnit files lend the merge their ``time=`` values.
"""

from __future__ import annotations

from pathlib import Path

from harness.commands.reports import MergeError, ShardReport

__all__ = ["check_complete", "read_bytes", "read_times"]

_STR, _NUM, _BOOL, _INT = (str,), (int, float), (bool,), (int,)
_OPT_BOOL, _OPT_INT = (bool, type(None)), (int, type(None))
#: what the JUnit and HTML reports read of each scenario object, and its JSON types
_FIELDS: dict[str, tuple[type, ...]] = {
    "title": _STR, "cause": _STR, "seed": _INT, "fixed": _BOOL, "verified": _BOOL,
    "conserved": _BOOL, "messages": _INT, "virtual_seconds": _NUM,
    "failures": (list,), "diagnosis": (list,), "expected_diagnosis": (list,),
    "fixes": (list,), "findings": (list,), "transcript": (list,),
}  # fmt: skip
_LISTS: dict[str, dict[str, tuple[type, ...]] | tuple[type, ...]] = {
    "failures": _STR, "diagnosis": _STR, "expected_diagnosis": _STR, "fixes": _STR,
    "findings": {"cause": _STR, "score": _NUM, "evidence": (list,), "article": _STR,
                 "fix": _STR, "confirm": _STR},
    "transcript": {"at": _NUM, "phase": _STR, "text": _STR, "ok": _OPT_BOOL, "line": _OPT_INT},
}  # fmt: skip


def _kind(value: object, types: tuple[type, ...]) -> bool:
    """JSON's types: a bool is not a number here."""
    if isinstance(value, bool) and bool not in types:
        return False
    return isinstance(value, types)


def check_complete(report: ShardReport) -> None:
    """MergeError unless every scenario holds what the JUnit and HTML reports need."""
    for index, item in enumerate(report.scenarios):
        where = f"{report.name}: scenarios[{index}]"
        for key, types in _FIELDS.items():
            if not _kind(item.get(key), types):
                raise MergeError(f"{where}: {key!r} missing or of the wrong type")
        for key, shape in _LISTS.items():
            for n, entry in enumerate(item[key]):
                _check_entry(f"{where}.{key}[{n}]", entry, shape)


def _check_entry(
    where: str, entry: object, shape: dict[str, tuple[type, ...]] | tuple[type, ...]
) -> None:
    if isinstance(shape, tuple):
        if not _kind(entry, shape):
            raise MergeError(f"{where}: expected a string")
        return
    if not isinstance(entry, dict):
        raise MergeError(f"{where}: expected an object")
    for key, types in shape.items():
        if not _kind(entry.get(key), types):
            raise MergeError(f"{where}: {key!r} missing or of the wrong type")
    evidence = entry.get("evidence", [])
    if not all(isinstance(quote, str) for quote in evidence):
        raise MergeError(f"{where}: 'evidence' must be a list of strings")


def read_times(path: Path) -> dict[tuple[str, str], float]:
    """The ``time=`` of each testcase of a shard's JUnit report, by (name, file).

    The file is read as data only: one with a DOCTYPE (the door to entity
    expansion) is refused, as is one larger than a JUnit report of ccsim gets.
    """
    from xml.etree import ElementTree as ET

    raw = read_bytes(path, limit=64 * 2**20)
    if b"<!DOCTYPE" in raw.upper() or b"<!ENTITY" in raw.upper():
        raise MergeError(f"{path}: not a ccsim JUnit report (it declares a DOCTYPE)")
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as exc:
        line, column = exc.position
        raise MergeError(f"{path}:{line}:{column}: not XML") from None
    if root.tag != "testsuite":
        raise MergeError(f"{path}: not a JUnit report (no <testsuite>)")
    times: dict[tuple[str, str], float] = {}
    for case in root.iter("testcase"):
        name, file, text = case.get("name"), case.get("file"), case.get("time")
        if name is None or file is None or text is None:
            continue
        try:
            times[(name, file)] = float(text)
        except ValueError:
            raise MergeError(f"{path}: testcase {name!r}: time={text!r} is not a number") from None
    return times


def read_bytes(path: Path, *, limit: int) -> bytes:
    """At most ``limit`` bytes of a regular file; MergeError naming it if unreadable, larger,
    or not a regular file (a FIFO or device is refused unread: it would hang or never end)."""
    from sim.fsutil import NotAFileError, TooLargeError, read_regular

    try:
        return read_regular(path, limit)
    except NotAFileError as exc:
        raise MergeError(f"{path}: {exc}: a report is a regular file") from None
    except TooLargeError:
        raise MergeError(f"{path}: larger than {limit // 2**20} MB") from None
    except FileNotFoundError:
        raise MergeError(f"{path}: no such file") from None
    except OSError as exc:
        raise MergeError(f"{path}: cannot read: {exc.strerror or exc}") from None
