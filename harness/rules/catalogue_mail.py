"""Diagnosis rules for §8 rows 13-15: outbound mail refused by IMPORT or never routed.

Source: ccmail-reference.md §8 rows 13 (KB Q180641), 14 (Q166499, Q266711) and 15
(Q186235, Q170535, Q201058); §2.3 (Import 5.12-5.15 read ``Date:`` in the NT
locale's order; the 4 KB header limit up to 8.2x, 160 KB from 8.2x with "Max
Address Buffer Size"), §4.3 (Address Space empty by default), §4.7 ("Locale Date
Format" 0 = the PO language's order, 1 US, 2 European, 3 Japanese), §4.8 (63,
MSExchangeMTA 142 and 290).

Event 63 ("Undeliverable message or updates") is IMPORT code 5 for any refused
message, so from the log alone rows 13 and 14 are both possible; the NDRs users
received ("*** Unknown Date Format ***", "Header Buffer Full") tell them apart.
"""

from __future__ import annotations

from decimal import Decimal

from harness.diagnosis import Finding
from harness.evidence import Evidence
from harness.registry import rule
from harness.rules.catalogue_common import finding, in_use, quotes
from sim.connector.settings import LANGUAGE_DATE_STYLES
from sim.exchange import MTA_SOURCE
from sim.message import DateStyle
from sim.programs.common import version_number

__all__: list[str] = []

#: "Locale Date Format" -> the order the connector writes (§4.7, KB Q180641)
_LOCALE_SETTING = {1: DateStyle.US, 2: DateStyle.EUROPEAN, 3: DateStyle.JAPANESE}
#: Import versions that read dates in the NT locale's order (KB Q180641)
_LOCALE_READERS = (Decimal("5.12"), Decimal("5.15"))


def _ndrs(ev: Evidence, text: str) -> list[str]:
    return [f"NDR: {r} ({n} received)" for r, n in ev.ndr_reasons or () if text in r]


def _importer(ev: Evidence) -> tuple[str, str] | None:
    """(name, version) of the IMPORT the connector runs, if found."""
    if ev.exchange is None:
        return None
    _, found = in_use(ev.exchange)
    return next(((p.name, p.version) for p in found if "IMPORT" in p.name.upper()), None)


def _date_mismatch(ev: Evidence) -> str | None:
    """What does not match: "" when nothing, None when the evidence cannot tell."""
    importer = _importer(ev)
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


# -- 13 --------------------------------------------------------------------------------------


@rule("date-format-mismatch", article="Q180641", explains=63)
def date_format(ev: Evidence) -> Finding | None:
    """63 and NDRs "*** Unknown Date Format ***": the .ccm date order is not the locale's."""
    fix = "match-locale-date-format"
    refused = ev.ccmc(63)
    mismatch = _date_mismatch(ev)
    ndrs = _ndrs(ev, "Unknown Date Format") if ev.ndr_reasons is not None else None
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


# -- 14 --------------------------------------------------------------------------------------


@rule("header-too-large", article="Q166499, Q266711", explains=63)
def header_too_large(ev: Evidence) -> Finding | None:
    """NDRs "Header Buffer Full": more than 4 KB of addresses for Import/Export up to 8.2x."""
    fix = "raise-header-limit"
    refused = ev.ccmc(63)
    if ev.ndr_reasons is not None:
        full = _ndrs(ev, "Header Buffer Full")
        if not full:
            return None
        said = [*quotes(refused), *full]
        importer = _importer(ev)
        if importer is not None and ev.exchange is not None:
            buffer = ev.exchange.registry_value("Max Address Buffer Size") or "0"
            said.append(f"{importer[0]} {importer[1]}, Max Address Buffer Size {buffer}")
        return finding("header-too-large", 0.93, said, confirmed=True, fix=fix)
    if refused:
        return finding("header-too-large", 0.3, quotes(refused), confirmed=False, fix=fix)
    return None


# -- 15 --------------------------------------------------------------------------------------


@rule("address-space-missing", article="Q186235, Q170535, Q201058", explains=(142, 290))
def address_space_missing(ev: Evidence) -> Finding | None:
    """MSExchangeMTA 142/290 and immediate NDRs; no CCMAIL entry on the Address Space tab."""
    fix = "add-address-space"
    unroutable = ev.from_source(MTA_SOURCE, 142, 290)
    if ev.settings is not None:
        if any(a.split()[0].casefold() == "ccmail" for a in ev.settings.address_space if a):
            return None
        shown = "; ".join(ev.settings.address_space) or "empty"
        said = [*quotes(unroutable), f"Address Space tab: {shown}"]
        said += _ndrs(ev, "not recognized")
        score = 0.95 if unroutable else 0.85
        return finding("address-space-missing", score, said, confirmed=True, fix=fix)
    if unroutable:
        return finding("address-space-missing", 0.6, quotes(unroutable), confirmed=False, fix=fix)
    return None
