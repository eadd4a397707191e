"""The text forms Event Viewer saved a log in (reference §9.2), row by row.

* NT 4.0 "Comma Delimited Text": nine fields, **not quoted**, so everything after
  the 8th comma is the description (which may hold commas itself);
* NT 4.0 "Text" and Windows 2000/XP/2003 "Text (Tab delimited)": the same nine
  fields separated by tabs;
* the quoted forms (Windows 2000/XP/2003 "CSV (Comma delimited)"), with or without a
  header row ``Date,Time,Source,Type,Category,Event,User,Computer,Description``; a
  header naming the same nine columns in another order (XP's list view puts Type
  first; a spreadsheet may move any) is followed, each row put back in that order;
* the Vista-era CSV (``Level,Date and Time,Source,Event ID,Task Category``, then the
  description; no user or computer column, so those read as "N/A" and "").

The form is decided from the first record that is not blank. A row that cannot be
read is skipped and named (:class:`Skipped`); the caller decides whether enough was
read. Splitting is plain string work, linear in the line.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Fields", "Row", "Skipped", "TextForm", "fields_of", "text_rows"]

NT_FIELDS = ("Date", "Time", "Source", "Type", "Category", "Event", "User", "Computer")
CSV_FIELDS = ("Level", "Date and Time", "Source", "Event ID", "Task Category")


class TextForm(StrEnum):
    """Which text form the customer's viewer wrote."""

    NT_TEXT = "NT Event Viewer comma-delimited text"
    NT_TAB = "Event Viewer tab-delimited text"
    QUOTED = "Event Viewer CSV (quoted)"
    VIEWER_CSV = "Event Viewer CSV (Level,Date and Time,...)"


#: a record's fields after its date and time, stripped as the viewers' columns are (the
#: description is not): source, type, category, event, user, computer, description
Fields = tuple[str, str, str, str, str, str, str]
#: one text record before its date is read (a plain tuple: one is made per row of a large
#: file): line, date, time, and the rest of the record. The rest is either its
#: :data:`Fields` or, for the common unquoted line, the line's text after the second
#: separator as the file holds it: the key under which a reader remembers what that
#: text gave (:func:`fields_of` splits it), so a repeated text is split once. Date and
#: time are stripped by the reader (the fast path leaves them as the file has them).
Row = tuple[int, str, str, Fields | str]


@dataclass(frozen=True, slots=True)
class Skipped:
    """A row that could not be read: its first line and why."""

    line: int
    why: str


def _is_header(row: Sequence[str], names: Sequence[str]) -> bool:
    got = [f.strip().strip('"').casefold() for f in row[: len(names)]]
    return got == [name.casefold() for name in names]


def text_rows(
    lines: Iterable[str],
) -> tuple[TextForm | None, bool, str, Iterator[Row | Skipped]]:
    """The form, whether a header row was seen, the separator (for :func:`fields_of`) and
    the rows of ``lines`` (line ends kept)."""
    numbered = enumerate(lines, 1)
    for number, line in numbered:  # noqa: B007 - number is used after the loop
        if line.strip():
            break
    else:
        return None, False, ",", iter(())
    first = line.rstrip("\r\n")
    if _is_header(_split_header(first), CSV_FIELDS):
        return TextForm.VIEWER_CSV, True, ",", _quoted(numbered, number, 6, _vista_row)
    header = _is_header(_split_header(first), NT_FIELDS)
    order = None if header else _column_order(first)
    if order is not None:  # the nine names in another order: each row put back in NT's
        header = True
        sep = "\t" if "\t" in first else ","
        numbered = enumerate(_in_nt_order(numbered, sep, order), number + 1)
    rest: Iterable[tuple[int, str]] = (
        numbered if header else itertools.chain(((number, line),), numbered)
    )
    if header:  # the form is the first record's, after the header row
        for after, line in numbered:
            if line.strip():
                first = line.rstrip("\r\n")
                rest = itertools.chain(((after, line),), numbered)
                break
    sep = "\t" if "\t" in first else ","
    form = TextForm.NT_TAB if sep == "\t" else TextForm.NT_TEXT
    if first.lstrip().startswith('"'):
        form = TextForm.QUOTED
    return form, header, sep, _delimited(rest, sep)


_ALL_NT = (*NT_FIELDS, "Description")


def _column_order(line: str) -> tuple[int, ...] | None:
    """Where each NT field stands in a header row naming all nine in another order
    (Windows XP's list view puts Type first; a spreadsheet may move any column), or
    None when the row is not such a header."""
    sep = "\t" if "\t" in line else ","
    try:
        names = next(csv.reader([line], delimiter=sep), [])
    except csv.Error:
        return None
    got = [n.strip().casefold() for n in names]
    wanted = [n.casefold() for n in _ALL_NT]
    if len(got) != len(wanted) or sorted(got) != sorted(wanted):
        return None
    return tuple(got.index(n) for n in wanted)


def _in_nt_order(
    rows: Iterable[tuple[int, str]], sep: str, order: tuple[int, ...]
) -> Iterator[str]:
    """Each row of a reordered export as the NT order's quoted CSV line (so the usual
    reading follows); a row that does not split into nine fields is passed on as it is,
    to be skipped and named there. Line numbers are kept by the caller's count."""
    for _, line in rows:
        try:
            fields = next(csv.reader([line], delimiter=sep), [])
        except csv.Error:
            fields = []
        if len(fields) != len(order):
            yield line
            continue
        moved = [fields[i].replace('"', '""') for i in order]
        yield sep.join(f'"{f}"' for f in moved) + "\n"


def _split_header(line: str) -> list[str]:
    return line.split("\t") if "\t" in line else line.split(",")


#: the most lines one quoted record may run over before it is called unterminated
MAX_RECORD_LINES = 500


def _delimited(rows: Iterable[tuple[int, str]], sep: str) -> Iterator[Row | Skipped]:
    """Nine fields a record. NT 4.0 does not quote: the description is everything after
    the 8th separator. Later viewers quote where needed, and a quoted field may run over
    several lines: a record whose fields (or description) open with a quote is read as
    CSV, and falls back to the unquoted reading when that does not give nine fields."""
    pending: list[str] = []
    start = quotes = 0
    for number, line in rows:
        if pending:
            pending.append(line)
            quotes += line.count('"')
            if quotes % 2 and len(pending) < MAX_RECORD_LINES:
                continue
            text, pending = "".join(pending), []
            if quotes % 2:
                yield Skipped(start, "malformed CSV: unterminated quoted field (file cut short?)")
                continue
            yield _record(start, text, sep)
            continue
        if '"' not in line:  # the common case: one line, nothing quoted
            parts = line.split(sep, 2)
            if len(parts) == 3:  # the rest is split (and checked) by fields_of, once a text
                yield number, parts[0], parts[1], parts[2]
            elif line.strip():
                yield _too_few(number, len(parts))
            continue
        fields = line.split(sep, 8)
        opens = line.lstrip().startswith('"') or (
            len(fields) == 9 and fields[8].lstrip().startswith('"')
        )
        quotes = line.count('"') if opens else 0
        if quotes % 2:
            start, pending = number, [line]
            continue
        yield _record(number, line, sep)
    if pending:
        yield Skipped(start, "malformed CSV: unterminated quoted field (file cut short?)")


def _record(number: int, text: str, sep: str) -> Row | Skipped:
    text = text.rstrip("\r\n")
    if '"' in text:
        try:
            fields = next(csv.reader([text], delimiter=sep, strict=True), [])
        except csv.Error:
            fields = []
        if len(fields) == 9:
            return _nt_fields(number, fields)
    fields = text.split(sep, 8)
    if len(fields) != 9:
        return _too_few(number, len(fields))
    return _nt_fields(number, fields)


def _too_few(number: int, found: int) -> Skipped:
    names = ", ".join(NT_FIELDS)
    return Skipped(number, f"expected 9 fields ({names}, Description), found {found}")


def _quoted(
    rows: Iterable[tuple[int, str]],
    before: int,
    width: int,
    build: Callable[[int, list[str]], Row],
) -> Iterator[Row | Skipped]:
    """Quoted CSV records (a quoted field may run over several lines)."""
    reader = csv.reader((line for _, line in rows), strict=True)
    while True:
        start = before + reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            cut = "end of data" in str(exc)
            why = "unterminated quoted field (file cut short?)" if cut else str(exc)
            yield Skipped(start, f"malformed CSV: {why}")
            continue
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != width:
            names = ", ".join(NT_FIELDS) + ", Description" if width == 9 else _vista_names()
            yield Skipped(start, f"expected {width} fields ({names}), found {len(fields)}")
            continue
        yield build(start, fields)


def _vista_names() -> str:
    return ", ".join(CSV_FIELDS) + ", text"


def _nt_fields(line: int, fields: list[str]) -> Row:
    f = fields
    rest = (f[2].strip(), f[3].strip(), f[4].strip(), f[5].strip(), f[6].strip(), f[7].strip(),
            f[8])  # fmt: skip
    return line, f[0].strip(), f[1].strip(), rest


def _vista_row(line: int, fields: list[str]) -> Row:
    level, stamp, source, event, category = (f.strip() for f in fields[:5])
    date, _, time = stamp.partition(" ")
    return line, date, time.strip(), (source, level, category, event, "N/A", "", fields[5])


def fields_of(rest: Fields | str, sep: str) -> Fields | str:
    """A row's :data:`Fields`; for an unquoted line's rest, split here at ``sep`` (the
    file's separator), or why it cannot be (a plain str: too few fields)."""
    if not isinstance(rest, str):
        return rest
    f = rest.rstrip("\r\n").split(sep, 6)
    if len(f) != 7:
        return _too_few(0, 2 + len(f)).why
    description = f.pop()
    return (*map(str.strip, f), description)  # type: ignore[return-value]
