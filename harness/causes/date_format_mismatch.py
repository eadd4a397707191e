"""§8 row 13, date-format-mismatch: Date-format mismatch with Import 5.12–5.15.

Source: ccmail-reference.md §8 row 13 and Q180641. This module is the cause's one home:
its §8 row (``CAUSE``), the faults that reproduce it, the rule that diagnoses it from
evidence only, and its fix.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field

from harness.build import Site
from harness.causes import Cause
from harness.causes._shared import finding, importer_of, ndrs_saying, quotes
from harness.diagnosis import Finding
from harness.evidence import Evidence
from harness.params import Params
from harness.registry import fault, fix, rule
from sim.connector.settings import LANGUAGE_DATE_STYLES
from sim.message import DateStyle
from sim.programs.common import version_number

__all__ = ["CAUSE"]

CAUSE = Cause(
    13,
    "date-format-mismatch",
    title="Date-format mismatch with Import 5.12–5.15",
    articles=("Q180641",),
    symptoms='All outbound NDR\'d "*** Unknown Date Format ***"; event 63 (Import code 5)',
    confirm='Compare NT locale date format with PO language / "Locale Date Format"',
    fix='Set "Locale Date Format" (1 US / 2 EU / 3 JP) or align NT locale',
    verify="Test message delivered; no 63",
)


# -- faults: the world broken as a person or a crash would -----------------------------------------


_LOCALES = {"US": DateStyle.US, "EU": DateStyle.EUROPEAN, "JP": DateStyle.JAPANESE}


class LocaleParams(Params):
    locale: Literal["US", "EU", "JP"] = Field(
        "JP", description="NT Regional Settings short-date order: M/D/YY, D/M/YY, YY/M/D."
    )


@fault(
    "nt-locale-mismatch",
    summary="NT Regional Settings use another date order than the post office language",
    article="Q180641",
    params=LocaleParams,
)
def nt_locale_mismatch(site: Site, params: LocaleParams | None) -> None:
    style = _LOCALES[(params or LocaleParams()).locale]
    if style is site.exchange.date_style:
        raise ValueError(f"the NT locale already reads {style.value}: choose another locale")
    site.exchange.date_style = style


# -- diagnosis: from evidence only -----------------------------------------------------------------


#: "Locale Date Format" -> the order the connector writes (§4.7, KB Q180641)
_LOCALE_SETTING = {1: DateStyle.US, 2: DateStyle.EUROPEAN, 3: DateStyle.JAPANESE}


#: Import versions that read dates in the NT locale's order (KB Q180641)
_LOCALE_READERS = (Decimal("5.12"), Decimal("5.15"))


def _date_mismatch(ev: Evidence) -> str | None:
    """What does not match: "" when nothing, None when the evidence cannot tell."""
    importer = importer_of(ev)
    if ev.exchange is None or ev.settings is None or importer is None:
        return None
    low, high = _LOCALE_READERS
    if not low <= version_number(importer[1]) <= high:
        return ""
    raw = ev.exchange.registry_value("Locale Date Format") or "0"
    setting = int(raw) if raw.isdigit() else 0
    language = LANGUAGE_DATE_STYLES.get(ev.settings.language, DateStyle.US)
    written = _LOCALE_SETTING.get(setting, language)
    if written.value == ev.exchange.nt_date_order:
        return ""
    return (
        f"the connector writes {written.value} dates (Locale Date Format {setting}, post "
        f"office language {ev.settings.language}); {importer[0]} {importer[1]} reads the "
        f"NT locale's {ev.exchange.nt_date_order}"
    )


@rule("date-format-mismatch", article="Q180641", explains=63)
def date_format(ev: Evidence) -> Finding | None:
    """63 and NDRs "*** Unknown Date Format ***": the .ccm date order is not the locale's."""
    fix = "match-locale-date-format"
    refused = ev.ccmc(63)
    mismatch = _date_mismatch(ev)
    ndrs = ndrs_saying(ev, "Unknown Date Format") if ev.ndr_reasons is not None else None
    if mismatch:
        score = 0.95 if ndrs or refused else 0.8
        said = [*quotes(refused), *(ndrs or []), mismatch]
        return finding("date-format-mismatch", score, said, confirmed=True, fix=fix)
    if ndrs:
        score, note = (0.5, ["the date orders match now"]) if mismatch == "" else (0.8, [])
        said = [*quotes(refused), *ndrs, *note]
        return finding("date-format-mismatch", score, said, confirmed=False, fix=fix)
    if refused and ndrs is None and mismatch is None:
        return finding("date-format-mismatch", 0.35, quotes(refused), confirmed=False, fix=fix)
    return None


# -- fix -------------------------------------------------------------------------------------------


#: "Locale Date Format" for each NT date order (§4.7, KB Q180641)
_SETTING_FOR = {DateStyle.US: 1, DateStyle.EUROPEAN: 2, DateStyle.JAPANESE: 3}


@fix(
    "match-locale-date-format",
    cures="date-format-mismatch",
    summary="set 'Locale Date Format' to the NT locale's date order (1 US, 2 EU, 3 JP); restart",
    article="Q180641",
)
def match_locale_date_format(site: Site, params: None) -> None:
    site.exchange.registry["Locale Date Format"] = _SETTING_FOR[site.exchange.date_style]
    site.service.restart()
