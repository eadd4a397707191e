"""Diagnosis rules for §8 rows 16-18: directory synchronization that cannot write or finish.

Source: ccmail-reference.md §8 rows 16 (KB Q167830), 17 (Q212773) and 18 (Q197258);
§1.4 (connector-made PO entries carry the comment ``MSExchangeCCMC <server>``;
deleting or changing it breaks dirsync), §4.3 (Export Containers), §4.6 (the
cycle; 14013/14018 conflicts, 14015 for a deleted container, 14005 for extended
characters in the PO name), §4.8.

Row 16 is confirmed by cc:Mail ADMIN's entry for the Exchange site even when the
cycle never gets far enough to log 14013 (another failure stops it earlier): the
entry is wrong either way, and the conflicts follow once the cycle runs.
"""

from __future__ import annotations

from harness.diagnosis import Finding
from harness.evidence import Evidence
from harness.registry import rule
from harness.rules.catalogue_common import finding, quotes

__all__: list[str] = []

#: the comment of the site's P entry made by dirsync (§1.4, KB Q167830)
SITE_COMMENT = "MSExchangeCCMC {server}"


def _site_entry(ev: Evidence) -> tuple[str, str, str] | None:
    """cc:Mail ADMIN's entry named like the Exchange site, of any location."""
    if ev.po_entries is None or ev.site is None:
        return None
    key = ev.site.casefold()
    return next((e for e in ev.po_entries if e[0].casefold() == key), None)


# -- 16 --------------------------------------------------------------------------------------


@rule("dirsync-comment-missing", article="Q167830", explains=(14013, 14018))
def comment_missing(ev: Evidence) -> Finding | None:
    """14013 / 14018; the site's P entry lacks ``MSExchangeCCMC <server>``."""
    fix = "restore-site-comment"
    conflicts = ev.ccmc(14013, 14018)
    if ev.po_entries is not None and ev.site is not None and ev.exchange is not None:
        entry = _site_entry(ev)
        if entry is None:
            return None
        wanted = SITE_COMMENT.format(server=ev.exchange.server)
        if entry[1] == "P" and entry[2].casefold() == wanted.casefold():
            return None
        shown = f"comment {entry[2]!r}" if entry[2] else "no comment"
        said = [
            *quotes(conflicts),
            f"cc:Mail ADMIN: entry {entry[0]} (location {entry[1]}) has {shown}, not {wanted!r}",
        ]
        score = 0.95 if conflicts else 0.9
        return finding("dirsync-comment-missing", score, said, confirmed=True, fix=fix)
    if conflicts:
        return finding("dirsync-comment-missing", 0.6, quotes(conflicts), confirmed=False, fix=fix)
    return None


# -- 17 --------------------------------------------------------------------------------------


@rule("export-container-deleted", article="Q212773", explains=14015)
def container_deleted(ev: Evidence) -> Finding | None:
    """14015 "ds_name_error, error 4693728"; an Export Container that no longer exists."""
    fix = "remove-stale-container"
    failed = ev.ccmc(14015)
    if ev.settings is not None and ev.exchange is not None:
        existing = {c.casefold() for c in ev.exchange.existing_containers}
        stale = [c for c in ev.settings.export_containers if c.casefold() not in existing]
        if not stale:
            return None
        said = [*quotes(failed), f"Export Containers lists {', '.join(stale)}: no such container"]
        score = 0.95 if failed else 0.9
        return finding("export-container-deleted", score, said, confirmed=True, fix=fix)
    if failed:
        return finding("export-container-deleted", 0.7, quotes(failed), confirmed=False, fix=fix)
    return None


# -- 18 --------------------------------------------------------------------------------------


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
