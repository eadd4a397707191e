"""The YAML layer of scenario files: bytes -> plain data plus where each value was written.

Source: STYLE.md §10 (errors name file and line). PyYAML's safe loaders already
refuse ``!!python/...`` tags when *constructing*; this module never constructs
anything but plain scalars, and refuses before composing:

* a file over ``MAX_BYTES``, or one that is not a regular file (bounded read);
* bytes that are not UTF-8 text: UTF-16, a NUL byte (a binary file), an invalid sequence;
* anchors and aliases (``&a`` / ``*a``): no "billion laughs" expansion is possible;
* any tag other than the plain YAML ones (``!!str``, ``!!int`` ...);
* nesting deeper than ``MAX_DEPTH``, and more than one document;
* a number written with more than ``MAX_NUMBER`` characters (Python refuses
  ints over 4,300 digits, and a base-60 ``1:2:3:...`` of thousands of parts costs
  quadratic time), and a scalar its explicit tag cannot read (``!!int abc``,
  ``!!bool maybe``): one line each, never a traceback.

Then it composes the node tree (libyaml's ``CSafeLoader`` when available, else
``SafeLoader``) and maps it to dicts, lists and scalars, keeping ``loc -> (line,
col)`` so a schema error can name the line of its value. Duplicate keys, which
PyYAML accepts silently, are reported. Lines and columns are 1-based.

Every refusal is reported in one pass with the errors of the rest of the file:
after an alias, an anchor or a tag the tree is still composed and mapped (an alias
becomes None and is never walked, so mapping stays linear in the file's size; the
value a refusal leaves empty is ``Document.refused``, and no second error is
reported there). Only a syntax error, a second document and too deep a nesting
stop the reading, since nothing after them can be placed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from harness.errors import ScenarioError, ScenarioErrors, ScenarioSyntaxError
from sim.fsutil import NotAFileError, TooLargeError, read_regular

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_NUMBER",
    "Document",
    "Loc",
    "SourceFloat",
    "SourceInt",
    "decode",
    "parse",
    "read_limited",
]

#: the largest scenario file accepted (a real one is a few KiB)
MAX_BYTES = 1 << 20
#: the longest number accepted, in characters (a scenario's largest is a 10-digit seed)
MAX_NUMBER = 40
#: the deepest nesting of mappings/sequences accepted (scenarios need about 6)
MAX_DEPTH = 16

Loc = tuple[str | int, ...]

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TAG = "tag:yaml.org,2002:"
#: explicit tags a file may carry: the plain YAML types, nothing that builds objects
_ALLOWED_TAGS = frozenset(
    {"!"} | {_TAG + t for t in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")}
)
#: tags the resolver gives plain scalars that are not in _ALLOWED_TAGS (``<<``, ``=``)
_IMPLICIT = frozenset({_TAG + "merge", _TAG + "value"})
_CONSTRUCT = yaml.SafeLoader("")  # for the int/float/bool scalar rules only


class SourceInt(int):
    """An int read from YAML that remembers how it was written (``0x4A01``, ``0755``)."""

    source: str

    def __new__(cls, value: int, source: str) -> SourceInt:
        obj = super().__new__(cls, value)
        obj.source = source
        return obj


class SourceFloat(float):
    """A float read from YAML that remembers how it was written (``5.10`` stays ``5.10``)."""

    source: str

    def __new__(cls, value: float, source: str) -> SourceFloat:
        obj = super().__new__(cls, value)
        obj.source = source
        return obj


@dataclass(frozen=True, slots=True)
class Document:
    """One parsed file: plain data, and where each value and key was written."""

    data: object
    #: loc -> (line, col) of the value at loc ((): the document itself)
    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    #: loc -> (line, col) of the key naming the value at loc
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    #: duplicate keys and other structural problems found while mapping the tree
    problems: tuple[ScenarioError, ...] = ()
    #: values already refused (an alias, an unreadable scalar): None in ``data``; an error
    #: about what lies there would only repeat the refusal (``under_refused``)
    refused: frozenset[Loc] = frozenset()

    def under_refused(self, loc: Loc) -> bool:
        """Is ``loc`` (or the nearest place the file has of it) at or below a refused value?"""
        known: Loc = ()
        for part in loc:
            if (*known, part) in self.values:
                known = (*known, part)
                if known in self.refused:
                    return True
        return False

    def where(self, loc: Loc, *, key: bool = False) -> tuple[int, int]:
        """The best known position for ``loc``: its own, else its nearest known ancestor.

        Components the file does not have (e.g. a union tag pydantic inserts) are skipped.
        """
        known: Loc = ()
        for part in loc:
            if (*known, part) in self.values:
                known = (*known, part)
        if key and known and known == loc and known in self.keys:
            return self.keys[known]
        return self.values.get(known, (1, 1))


def read_limited(path: Path, *, name: str) -> bytes:
    """The file's bytes: a regular file of at most MAX_BYTES, read with a bounded read."""
    try:
        return read_regular(path, MAX_BYTES)
    except NotAFileError as exc:
        msg = f"{exc}: a scenario is a regular file of at most {MAX_BYTES} bytes"
    except TooLargeError as exc:
        msg = f"file is {exc}; a scenario file may be at most {MAX_BYTES} bytes"
    raise ScenarioSyntaxError(name, 1, 1, msg)


def _line_col(data: bytes | str, offset: int) -> tuple[int, int]:
    newline: Any = b"\n" if isinstance(data, bytes) else "\n"
    line = data.count(newline, 0, offset) + 1
    return line, offset - (data.rfind(newline, 0, offset) + 1) + 1


def decode(data: bytes, *, name: str) -> str:
    """UTF-8 text (a leading BOM dropped); refuses NUL bytes and invalid UTF-8."""
    if len(data) > MAX_BYTES:
        raise ScenarioSyntaxError(
            name, 1, 1, f"text is {len(data)} bytes; a scenario may be at most {MAX_BYTES} bytes"
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        msg = "UTF-16 text (byte-order mark): save the file as UTF-8 text"
        raise ScenarioSyntaxError(name, 1, 1, msg)
    nul = data.find(b"\x00")
    if nul >= 0:
        line, col = _line_col(data, nul)
        raise ScenarioSyntaxError(name, line, col, "binary file (NUL byte): expected UTF-8 text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(data, exc.start)
        byte = data[exc.start]
        raise ScenarioSyntaxError(
            name, line, col, f"byte 0x{byte:02X} is not UTF-8: save the file as UTF-8 text"
        ) from None
    return text.removeprefix("\ufeff")


def _tab_error(name: str, text: str, upto_line: int) -> ScenarioSyntaxError | None:
    """The first line at or before ``upto_line`` indented with a tab, as an error."""
    for number, line in enumerate(text.splitlines()[:upto_line], start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            msg = "tab character in indentation: indent with spaces"
            return ScenarioSyntaxError(name, number, indent.index("\t") + 1, msg)
    return None


def _yaml_error(name: str, text: str, exc: yaml.YAMLError) -> ScenarioSyntaxError:
    """A PyYAML/libyaml error as one line naming where and what was expected."""
    if isinstance(exc, yaml.reader.ReaderError):
        line, col = _line_col(text, exc.position)
        msg = f"character #x{exc.character:04X}: {exc.reason}"
        return ScenarioSyntaxError(name, line, col, msg)
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    tab = _tab_error(name, text, line)
    if tab is not None:
        return tab
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    cmark = getattr(exc, "context_mark", None)
    if context and cmark is not None and cmark is not mark:
        problem = f"{problem} ({context} at line {cmark.line + 1})"
    elif context:
        problem = f"{problem} ({context})"
    return ScenarioSyntaxError(name, line, col, f"YAML syntax: {problem}")


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag


def _event_problems(
    name: str, text: str, events: Iterator[yaml.Event]
) -> tuple[list[ScenarioError], bool]:
    """Refusals visible in the event stream: aliases, anchors, tags, depth, documents.

    The second value says whether the tree may not be composed after them (too deep,
    a second document, a YAML syntax error); after an alias, an anchor or a tag it
    may, so the rest of the file is checked in the same pass.
    """
    problems: list[ScenarioError] = []
    depth = documents = 0
    try:
        for event in events:
            fatal = _one_event(name, event, problems, depth, documents)
            if fatal:
                return problems, True
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError as exc:
        problems.append(_yaml_error(name, text, exc))
        return problems, True
    return problems, False


def _one_event(
    name: str, event: yaml.Event, problems: list[ScenarioError], depth: int, documents: int
) -> bool:
    """Append the refusals of one event; True if nothing after it may be read.

    ``depth`` and ``documents`` are the counts before this event.
    """
    mark = event.start_mark
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    if isinstance(event, yaml.AliasEvent):
        msg = f"alias *{event.anchor} is not allowed: write the value out"
        problems.append(ScenarioSyntaxError(name, line, col, msg))
        return False
    if isinstance(event, yaml.DocumentStartEvent) and documents >= 1:
        msg = "a second YAML document (---): one scenario per file"
        problems.append(ScenarioSyntaxError(name, line, col, msg))
        return True
    if isinstance(event, yaml.NodeEvent) and event.anchor is not None:
        msg = f"anchor &{event.anchor} is not allowed: anchors and aliases are refused"
        problems.append(ScenarioSyntaxError(name, line, col, msg))
    tag = getattr(event, "tag", None)
    if isinstance(event, yaml.NodeEvent) and tag is not None and tag not in _ALLOWED_TAGS:
        msg = f"tag {_short_tag(tag)} is not allowed: a scenario holds plain data only"
        problems.append(ScenarioSyntaxError(name, line, col, msg))
    if isinstance(event, yaml.CollectionStartEvent) and depth + 1 > MAX_DEPTH:
        msg = f"nested deeper than {MAX_DEPTH} levels: a scenario is a shallow mapping"
        problems.append(ScenarioSyntaxError(name, line, col, msg))
        return True
    return False


def _scalar(node: yaml.ScalarNode, name: str) -> object:
    """A plain scalar: str, int, float, bool or None. Timestamps stay text."""
    tag = node.tag
    if tag == _TAG + "null":
        return None
    kind = tag[len(_TAG) :]
    if kind in ("int", "float") and len(node.value) > MAX_NUMBER:
        msg = f"a number of {len(node.value)} characters: at most {MAX_NUMBER}"
        raise ScenarioSyntaxError(name, node.start_mark.line + 1, node.start_mark.column + 1, msg)
    try:
        if kind == "bool":
            return bool(_CONSTRUCT.construct_yaml_bool(node))
        if kind == "int":
            return SourceInt(_CONSTRUCT.construct_yaml_int(node), node.value)
        if kind == "float":
            return SourceFloat(_CONSTRUCT.construct_yaml_float(node), node.value)
    except (ValueError, KeyError, IndexError, TypeError, OverflowError):
        shown = node.value if len(node.value) <= MAX_NUMBER else node.value[:MAX_NUMBER] + "..."
        msg = f"{shown!r} is not a valid {_short_tag(tag)}"
        raise ScenarioSyntaxError(
            name, node.start_mark.line + 1, node.start_mark.column + 1, msg
        ) from None
    return str(node.value)


class _Mapper:
    """Walks the composed tree into plain data, recording positions and duplicate keys."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.values: dict[Loc, tuple[int, int]] = {}
        self.keys: dict[Loc, tuple[int, int]] = {}
        self.problems: list[ScenarioError] = []
        self.refused: set[Loc] = set()
        #: collection and scalar nodes mapped so far: met again only through an alias
        self._seen: set[int] = set()

    @staticmethod
    def _pos(node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1, node.start_mark.column + 1

    def node(self, node: yaml.Node, loc: Loc) -> object:
        self.values[loc] = self._pos(node)
        if id(node) in self._seen:  # an alias (already reported): never walked twice
            self.refused.add(loc)
            return None
        self._seen.add(id(node))
        if node.tag not in _ALLOWED_TAGS and node.tag not in _IMPLICIT:
            self.refused.add(loc)  # a refused tag (reported): its value is not read
            return None
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, loc)
        if isinstance(node, yaml.SequenceNode):
            return [self.node(item, (*loc, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)  # the composer makes no other kind
        try:
            return _scalar(node, self.name)
        except ScenarioSyntaxError as exc:  # reported; the rest of the file is still read
            self.problems.append(exc)
            self.refused.add(loc)
            return None

    def mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[str, object]:
        result: dict[str, object] = {}
        for key_node, value_node in node.value:
            line, col = self._pos(key_node)
            if not isinstance(key_node, yaml.ScalarNode):
                msg = "a key must be a plain name, not a list or mapping"
                self.problems.append(ScenarioSyntaxError(self.name, line, col, msg))
                continue
            key = str(key_node.value)
            if key in result:
                first = self.keys[(*loc, key)][0]
                msg = f"duplicate key {key!r} (first given at line {first})"
                self.problems.append(ScenarioSyntaxError(self.name, line, col, msg))
                continue
            self.keys[(*loc, key)] = (line, col)
            result[key] = self.node(value_node, (*loc, key))
        return result


def _refusal(problems: list[ScenarioError]) -> ScenarioError:
    """One error as itself, several as ``ScenarioErrors``."""
    return problems[0] if len(problems) == 1 else ScenarioErrors(problems)


def parse(text: str, *, name: str) -> Document:
    """Parse one scenario document; ScenarioErrors for every refusal found."""
    problems, fatal = _event_problems(name, text, yaml.parse(text, Loader=_Loader))
    if fatal:
        raise _refusal(problems)
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:  # e.g. an alias of no anchor, already refused above
        raise _refusal(problems or [_yaml_error(name, text, exc)]) from None
    if root is None:
        msg = "empty file: expected a scenario mapping (id, title, cause, ...)"
        raise ScenarioSyntaxError(name, 1, 1, msg)
    mapper = _Mapper(name)
    data = mapper.node(root, ())
    found = (*problems, *mapper.problems)
    return Document(data, mapper.values, mapper.keys, found, frozenset(mapper.refused))
