"""§8 row 16, dirsync-comment-missing: Dirsync PO comment removed/edited.

Source: ccmail-reference.md §8 row 16 and Q167830. This module is the cause's one home:
its §8 row (``CAUSE``), the faults that reproduce it, the rule that diagnoses it from
evidence only, and its fix.

Row 16 is confirmed by cc:Mail ADMIN's entry for the Exchange site even when the
cycle never gets far enough to log 14013 (another failure stops it earlier): the
entry is wrong either way, and the conflicts follow once the cycle runs.
"""

from __future__ import annotations

from pydantic import Field

from harness.build import Site
from harness.causes import Cause
from harness.causes._shared import finding, quotes
from harness.diagnosis import Finding
from harness.evidence import Evidence
from harness.params import Params
from harness.registry import fault, fix, rule
from sim.connector.dirsync import site_comment
from sim.postoffice.layout import Location
from sim.postoffice.postoffice import Postoffice

__all__ = ["CAUSE"]

CAUSE = Cause(
    16,
    "dirsync-comment-missing",
    title="Dirsync PO comment removed/edited",
    articles=("Q167830",),
    symptoms="14013 and 14018 warnings; entries not written",
    confirm="ADMIN: Exchange PO entry lacks `MSExchangeCCMC <server>` comment",
    fix="Restore the comment (or delete entry and let dirsync recreate)",
    verify="Next dirsync ends with 14031, no 14013/14018",
)


# -- faults: the world broken as a person or a crash would -----------------------------------------


class CommentParams(Params):
    comment: str = Field("", max_length=128, description="The comment left (empty: removed).")


@fault(
    "edit-site-comment",
    summary="the cc:Mail administrator removed or edited the comment of the site's P entry",
    article="Q167830",
    params=CommentParams,
)
def edit_site_comment(site: Site, params: CommentParams | None) -> None:
    po = Postoffice(site.po_path)
    if po.find(site.site) is None:
        raise ValueError(f"no entry {site.site} yet: the first dirsync creates it")
    po.update_entry(site.site, comments=(params or CommentParams()).comment)


# -- diagnosis: from evidence only -----------------------------------------------------------------


#: the comment of the site's P entry made by dirsync (§1.4, KB Q167830)
SITE_COMMENT = "MSExchangeCCMC {server}"


def _entry_named_like_site(ev: Evidence) -> tuple[str, str, str] | None:
    """cc:Mail ADMIN's entry named like the Exchange site, of any location."""
    if ev.po_entries is None or ev.site is None:
        return None
    key = ev.site.casefold()
    return next((e for e in ev.po_entries if e[0].casefold() == key), None)


@rule("dirsync-comment-missing", article="Q167830", explains=(14013, 14018))
def comment_missing(ev: Evidence) -> Finding | None:
    """14013 / 14018; the site's P entry lacks ``MSExchangeCCMC <server>``."""
    fix = "restore-site-comment"
    conflicts = ev.ccmc(14013, 14018)
    if ev.po_entries is not None and ev.site is not None and ev.exchange is not None:
        entry = _entry_named_like_site(ev)
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


# -- fix -------------------------------------------------------------------------------------------


@fix(
    "restore-site-comment",
    cures="dirsync-comment-missing",
    summary="give the site's P entry its comment MSExchangeCCMC <server> back in cc:Mail ADMIN",
    article="Q167830",
)
def restore_site_comment(site: Site, params: None) -> None:
    po = Postoffice(site.po_path)
    entry = po.find(site.site)
    if entry is None or entry.location is not Location.POST_OFFICE:
        raise ValueError(f"{site.site} is not a P entry: delete it and let dirsync recreate it")
    po.update_entry(site.site, comments=site_comment(site.exchange.name))
