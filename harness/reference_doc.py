"""docs/reference.md: the facts the product relies on, generated from what the code cites.

Help texts, demos and docs cite sections of the cc:Mail reference (``§2.2``,
``§4.5``, ``§8`` ...). This page gives a user those sections as the code holds
them: the programs' command lines (§2.2), their result codes (§2.5), the
connector's polling settings (§4.5), its event IDs (§4.8), the failure causes
(§8), every other section the help, the scenario format or the pages cite (what it
covers, the scenario keys that cite it, where the simulator models it) and an
index of the KB articles cited. ``ccsim reference`` prints it;
tests/harness/test_reference_doc.py keeps the committed page equal to it.
"""

from __future__ import annotations

import inspect
import re
from collections import defaultdict
from collections.abc import Iterator
from enum import IntEnum

__all__ = ["SECTIONS", "render_reference"]

_HEAD = """\
# cc:Mail reference

The facts ccmail-sim relies on, generated from the code by `ccsim reference`
(do not edit by hand). Help texts, demos and the other pages cite these
sections by number: `§2.2`, `§2.5`, `§4.5`, `§4.8` and `§8` have their facts
below, and every other section cited is listed under "Other sections cited". Each fact names
the Microsoft Knowledge Base article it comes from; where cc:Mail's own
documentation is lost, the code says "modelled" and so does this page.
"""


def _cell(text: object) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _programs() -> Iterator[str]:
    from sim.programs import analyze, chkstat, export, import_, reclaim

    yield "\n## §2.2 Command lines\n"
    yield (
        "\nEvery program takes `/N<name> /P<password> /D<post office directory>`; the "
        "keyword switches below follow, each with the qualifiers it accepts (`#`: a number).\n"
    )
    specs = [export.SPEC, import_.SPEC, *(m.TOOL.spec for m in (analyze, chkstat, reclaim))]
    for spec in specs:
        yield f"\n### {spec.name}\n\n```\n{spec.usage.rstrip()}\n```\n\n"
        yield "| switch | qualifiers |\n|---|---|\n"
        for key in sorted(spec.qualifiers):
            qualifiers = ", ".join(f"/{q}" for q in sorted(spec.qualifiers[key])) or "-"
            yield f"| /{key} | {qualifiers} |\n"


def _documented(enum: type[IntEnum]) -> list[tuple[int, str, str]]:
    """(value, name, its ``#:`` comment) for each member, in order."""
    source = inspect.getsource(enum)
    notes = {name: note for note, name in re.findall(r"#: (.+)\n\s+(\w+) = ", source)}
    return [(int(m), m.name, notes.get(m.name, "")) for m in enum]


def _results() -> Iterator[str]:
    from sim.programs.results import AdminResult, ExportResult, ImportResult

    yield "\n## §2.5 Result codes\n"
    for title, enum in (
        ("EXPORT", ExportResult),
        ("IMPORT", ImportResult),
        ("ANALYZE, CHKSTAT, RECLAIM", AdminResult),
    ):
        doc = " ".join((enum.__doc__ or "").split())
        yield f"\n### {title}\n\n{doc}\n\n| code | name | meaning |\n|---|---|---|\n"
        for value, name, note in _documented(enum):
            yield f"| {value} | {name} | {_cell(note) or '-'} |\n"


def _settings() -> Iterator[str]:
    from harness.model import ConnectorSpec

    yield "\n## §4.5 Polling and transfer settings\n\n"
    yield "The connector's registry values, as a scenario's `world.connector` sets them.\n\n"
    yield "| scenario key | meaning | default |\n|---|---|---|\n"
    for name, info in ConnectorSpec.model_fields.items():
        about = info.description or ""
        if "§4.5" in about or "§4.4" in about:
            default = info.get_default(call_default_factory=True)
            yield f"| `{name}` | {_cell(about)} | {_cell(default)} |\n"


def _events() -> Iterator[str]:
    from sim.connector.events import CATALOGUE

    yield "\n## §4.8 Event IDs\n\n"
    yield (
        "Logged by the connector service in the Application log. *level*: the "
        "Diagnostics Logging level of the category at which the event appears.\n\n"
    )
    yield "| event | type | category | level | article | text |\n|---|---|---|---|---|---|\n"
    for event_id in sorted(CATALOGUE):
        s = CATALOGUE[event_id]
        text = _cell(s.template) + (f" *(modelled: {_cell(s.modelled)})*" if s.modelled else "")
        row = (event_id, s.type.value, s.category.value, s.level.name.title(), s.article, text)
        yield "| " + " | ".join(str(c) for c in row) + " |\n"


def _causes() -> Iterator[str]:
    from harness.causes import CAUSES

    yield "\n## §8 Failure causes\n\n"
    yield "One row per cause; docs/catalogue.md adds the rule, fixes and scenarios.\n\n"
    yield "| # | cause | articles | symptoms | fix |\n|---|---|---|---|---|\n"
    for cause in sorted(CAUSES.values(), key=lambda c: c.number):
        if cause.number == 0:
            continue
        cells = (cause.number, f"`{cause.id}`: {_cell(cause.title)}", ", ".join(cause.articles),
                 _cell(cause.symptoms), _cell(cause.fix))  # fmt: skip
        yield "| " + " | ".join(str(c) for c in cells) + " |\n"


def _articles() -> Iterator[str]:
    from harness.causes import CAUSES
    from sim.connector.events import CATALOGUE

    cited: dict[str, set[str]] = defaultdict(set)
    for cause in CAUSES.values():
        for article in cause.articles:
            cited[article].add(cause.row if cause.number else "baseline")
    for event_id, spec in CATALOGUE.items():
        for article in re.findall(r"Q\d{6}", spec.article):
            cited[article].add(f"Event {event_id}")
    yield "\n## KB articles cited\n\n| article | cited for |\n|---|---|\n"
    for article in sorted(cited):
        places = sorted(cited[article], key=lambda p: (p[0] != "§", len(p), p))
        yield f"| {article} | {', '.join(places)} |\n"


#: the other sections of the cc:Mail reference that user-facing text cites: what each
#: covers and where the simulator models it (tests/harness/test_reference_doc.py finds
#: every section cited in the pages, the help and the scenario format here)
SECTIONS: dict[str, tuple[str, str]] = {
    "1": ("The cc:Mail post office: its files, databases and directory entries", "sim/postoffice"),
    "1.2": ("Database versions: DB6 (cc:Mail R5) and DB8 (R6 to R8)", "sim/postoffice"),
    "2.1": (
        "The Import/Export programs and their versions (16-bit EXPORT/IMPORT, 32-bit "
        "EXPORT32/IMPORT32)",
        "sim/programs/export.py, sim/programs/import_.py",
    ),
    "3": (
        "The admin utilities ANALYZE, CHKSTAT, RECLAIM and ADMIN, run at the console",
        "sim/programs/analyze.py, chkstat.py, reclaim.py, ccadmin.py",
    ),
    "4": ("The Exchange Connector for Lotus cc:Mail (MSExchangeCCMC)", "sim/connector"),
    "4.1": (
        "Its identity: the MSExchangeCCMC service beside the Exchange MTA's MTS-IN and MTS-OUT",
        "sim/connector/service.py, sim/exchange.py",
    ),
    "4.2": (
        "Its prerequisites: Import/Export on the system PATH, an install path without spaces",
        "sim/connector/setup.py",
    ),
    "4.3": (
        "Its property pages: Post Office, Dirsync Schedule, Diagnostics Logging, Address "
        "Space, Export Containers",
        "sim/connector/settings.py",
    ),
    "4.4": (
        "Its store: Ccmcdata\\Submit, Import, Export and Bad, the msgXXXX.ccm files",
        "sim/connector/store.py",
    ),
    "4.6": (
        "Directory synchronization: Ccmdir.exp, Ccmdel.imp, Ccmdir.imp; events 14001 and 14031",
        "sim/connector/dirsync.py",
    ),
    "4.7": (
        "Its registry values under ...\\Services\\MSExchangeCCMC\\Parameters",
        "sim/connector/settings.py",
    ),
    "6": (
        "NetWare, GSNW and the service account's rights on the post office",
        "sim/access.py",
    ),
    "7": (
        'What could not be confirmed: modelled plausibly, and marked "modelled" where it is',
        'the "modelled" notes of the code and of the tables above',
    ),
    "9": (
        "What customers send: event logs as .evt files and as the viewers' text exports",
        "sim/evtformat.py, harness/evtread.py, harness/textlog.py",
    ),
}


def _scenario_keys() -> dict[str, list[str]]:
    """Section -> the ``world`` keys whose description cites it (the scenario format)."""
    from pydantic import BaseModel

    from harness.model import WorldSpec

    cited: dict[str, list[str]] = defaultdict(list)

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, info in model.model_fields.items():
            key = f"{prefix}.{info.alias or name}"
            for section in re.findall(r"§(\d+(?:\.\d+)?)", info.description or ""):
                cited[section].append(f"`{key}`")
            inner = info.annotation
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                walk(inner, key)

    walk(WorldSpec, "world")
    return cited


def _cited() -> Iterator[str]:
    keys = _scenario_keys()
    yield "\n## Other sections cited\n\n"
    yield (
        "The sections the help, the scenario format and the pages cite besides those "
        "above: what each covers, the scenario keys that cite it, and where ccmail-sim "
        "models it.\n\n"
    )
    yield "| section | covers | scenario keys | modelled in |\n|---|---|---|---|\n"
    for section, (covers, where) in SECTIONS.items():
        listed = ", ".join(dict.fromkeys(keys.get(section, []))) or "-"
        yield f"| §{section} | {_cell(covers)} | {listed} | {_cell(where)} |\n"


def render_reference() -> str:
    """The whole page (Markdown)."""
    from harness.loader import import_registries

    import_registries()
    parts = [_HEAD, *_programs(), *_results(), *_settings(), *_events(), *_causes()]
    parts += [*_cited(), *_articles()]
    return "".join(parts)
