"""§8 row 18, po-name-extended-chars: Extended characters in PO name.

Source: ccmail-reference.md §8 row 18 and Q197258. This module is the cause's one home:
its §8 row (``CAUSE``), the faults that reproduce it, the rule that diagnoses it from
evidence only, and its fix.
"""

from __future__ import annotations

import dataclasses
import unicodedata

from pydantic import Field

from harness.build import Site
from harness.causes import Cause
from harness.causes._shared import finding, quotes
from harness.diagnosis import Finding
from harness.evidence import Evidence
from harness.params import Params
from harness.registry import fault, fix, rule
from sim.postoffice.postoffice import Postoffice

__all__ = ["CAUSE"]

CAUSE = Cause(
    18,
    "po-name-extended-chars",
    title="Extended characters in PO name",
    articles=("Q197258",),
    symptoms="14005; no custom recipients created",
    confirm="PO name contains accented characters",
    fix="Rename PO",
    verify="CRs appear; 14031",
)


# -- faults: the world broken as a person or a crash would -----------------------------------------


class ExtendedNameParams(Params):
    name: str = Field("ZÜRICH", min_length=1, max_length=256, description="The new PO name.")


@fault(
    "extended-po-name",
    summary="the post office was renamed with extended characters (and the Post Office page too)",
    article="Q197258",
    params=ExtendedNameParams,
)
def extended_po_name(site: Site, params: ExtendedNameParams | None) -> None:
    name = (params or ExtendedNameParams()).name
    if name.isascii():
        raise ValueError(f"{name!r} has no extended characters")
    Postoffice(site.po_path).rename(name)
    settings = site.service.settings
    post_office = dataclasses.replace(settings.post_office, name=name)
    site.service.configure(dataclasses.replace(settings, post_office=post_office))
    site.po_name = name


# -- diagnosis: from evidence only -----------------------------------------------------------------


@rule("po-name-extended-chars", article="Q197258", explains=14005)
def extended_characters(ev: Evidence) -> Finding | None:
    """14005 and no custom recipients; the post office name is not plain ASCII."""
    fix = "rename-postoffice"
    failed = ev.ccmc(14005)
    if ev.settings is not None:
        names = sorted({n for n in (ev.settings.po_name, ev.po_name or "") if n})
        odd = [n for n in names if not n.isascii()]
        if not odd:
            return None
        said = [*quotes(failed), f"post office name {odd[0]!r} has extended characters"]
        score = 0.95 if failed else 0.85
        return finding("po-name-extended-chars", score, said, confirmed=True, fix=fix)
    named = [r for r in failed if "extended characters" in r.description]
    if named:
        return finding("po-name-extended-chars", 0.6, quotes(named), confirmed=False, fix=fix)
    if failed and not ev.ccmc(65, 64):
        return finding("po-name-extended-chars", 0.3, quotes(failed), confirmed=False, fix=fix)
    return None


# -- fix -------------------------------------------------------------------------------------------


class RenameParams(Params):
    name: str | None = Field(
        None, min_length=1, max_length=256, description="New name (default: without accents)."
    )


def _plain(name: str) -> str:
    """``ZÜRICH`` -> ``ZURICH``: the letters without their accents."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in decomposed if ch.isascii() and not unicodedata.combining(ch))
    return plain or "PO1"


@fix(
    "rename-postoffice",
    cures="po-name-extended-chars",
    summary="rename the post office without extended characters (ADMIN and the Post Office "
    "page); restart",
    article="Q197258",
    params=RenameParams,
)
def rename_postoffice(site: Site, params: RenameParams | None) -> None:
    name = (params.name if params is not None else None) or _plain(site.po_name)
    if not name.isascii():
        raise ValueError(f"{name!r} still has extended characters")
    service = site.service
    service.stop()
    Postoffice(site.po_path).rename(name)
    post_office = dataclasses.replace(service.settings.post_office, name=name)
    service.configure(dataclasses.replace(service.settings, post_office=post_office))
    site.po_name = name
    service.start()
