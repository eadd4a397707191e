"""§8 row 1, po-settings-invalid: Post Office tab wrong: PO name, password or path.

Source: ccmail-reference.md §8 row 1 and Q166045. This module is the cause's one home:
its §8 row (``CAUSE``), the faults that reproduce it, the rule that diagnoses it from
evidence only, and its fix.

* Event 70 that stops after the first 14031 is a first dirsync (cause 5, KB
  Q166045), not a misconfiguration: a wrong Post Office page never lets dirsync
  finish (§8 row 1). When the log ends at that 14031 nothing shows the 70 has
  stopped, and the finding says to check the next polls.
* Event 59 with Event 67 still logged after the first 59 is outbound-only
  failure: EXPORT works, IMPORT cannot write (§8 row 2, §6, KB Q168670).
* Plain Event 70 names all five Q166045 causes, ranked, each with the check
  that tells it (``Finding.confirm``).
"""

from __future__ import annotations

import dataclasses
from typing import TypedDict, Unpack

from pydantic import Field

from harness.build import Site
from harness.causes import Cause
from harness.causes._shared import finding, persisting_70, quotes
from harness.diagnosis import Finding
from harness.evidence import Evidence
from harness.model_types import WinPath
from harness.params import Params
from harness.registry import fault, fix, rule

__all__ = ["CAUSE", "reproduce_with"]

CAUSE = Cause(
    1,
    "po-settings-invalid",
    title="Post Office tab wrong: PO name, password or path",
    articles=("Q166045",),
    symptoms=(
        "Event 70 (Export code 3) every 15 s; inbound cc:Mail→Exchange stops; "
        "dirsync never completes (14001 without 14031); outbound Import may also "
        "return 3 (event 61) [I]"
    ),
    confirm=(
        "Compare Name/Password/Path with cc:Mail ADMIN; run `ccmc ccdir` or `export "
        "/N<po> /P<pw> /D<path> /directory` by hand → code 3 (Q233164, Q282172); "
        "path must be UNC and contain `CCPOMBOX.*`"
    ),
    fix="Correct the fields (password ≤10 chars, UNC path), restart MSExchangeCCMC",
    verify=(
        "`ccmc ccdir` returns 0; event 67/58 at Maximum logging; no new 70 after "
        "restart; queued cc:Mail messages arrive"
    ),
)


# -- faults: the world broken as a person or a crash would -----------------------------------------


class _PostOfficeChanges(TypedDict, total=False):
    name: str
    password: str
    path: str


def _configure_post_office(site: Site, **changes: Unpack[_PostOfficeChanges]) -> None:
    settings = site.service.settings
    post_office = dataclasses.replace(settings.post_office, **changes)
    site.service.configure(dataclasses.replace(settings, post_office=post_office))


class PasswordParams(Params):
    password: str = Field("WRONG", min_length=1, max_length=10, description="The wrong password.")


@fault(
    "wrong-po-password",
    summary="the Post Office page carries a password cc:Mail no longer accepts",
    article="Q166045",
    params=PasswordParams,
)
def wrong_po_password(site: Site, params: PasswordParams | None) -> None:
    _configure_post_office(site, password=(params or PasswordParams()).password)


class NameParams(Params):
    name: str = Field("PO2", min_length=1, max_length=256, description="The wrong PO name.")


@fault(
    "wrong-po-name",
    summary="the Post Office page names another post office",
    article="Q166045",
    params=NameParams,
)
def wrong_po_name(site: Site, params: NameParams | None) -> None:
    _configure_post_office(site, name=(params or NameParams()).name)


class PathParams(Params):
    path: WinPath = Field(
        "\\\\POSRV\\CCDATA\\OLD", min_length=3, max_length=260, description="The wrong UNC path."
    )


@fault(
    "wrong-po-path",
    summary="the Post Office page points at a directory that is not the post office",
    article="Q166045",
    params=PathParams,
)
def wrong_po_path(site: Site, params: PathParams | None) -> None:
    _configure_post_office(site, path=(params or PathParams()).path)


# -- diagnosis: from evidence only -----------------------------------------------------------------


@rule("po-settings-invalid", article="Q166045", explains=(70, 61))
def settings_invalid(ev: Evidence) -> Finding | None:
    """Event 70; EXPORT with the page's values fails where ADMIN's values work."""
    failures = persisting_70(ev)
    if not failures:
        return None
    configured, admin = ev.export_configured, ev.export_admin
    said = quotes(failures)
    if configured is not None and configured.code == 0:
        return None
    if configured is not None and admin is not None:
        if admin.code != 0:
            return None
        said += [configured.quote(), admin.quote()]
        page, admin_name = ev.settings, ev.po_name
        if page and admin_name and page.po_name.casefold() != admin_name.casefold():
            said.append(f"Post Office page name {page.po_name!r}, ADMIN shows {admin_name!r}")
        return finding("po-settings-invalid", 0.95, said, confirmed=True, fix="correct-po-settings")
    return finding("po-settings-invalid", 0.5, said, confirmed=False)


# -- fix -------------------------------------------------------------------------------------------


@fix(
    "correct-po-settings",
    cures="po-settings-invalid",
    summary="type the PO name, password and UNC path cc:Mail ADMIN shows; restart",
    article="Q166045",
)
def correct_po_settings(site: Site, params: None) -> None:
    settings = site.service.settings
    post_office = dataclasses.replace(
        settings.post_office, name=site.po_name, password=site.po_password, path=site.po_unc
    )
    site.service.configure(dataclasses.replace(settings, post_office=post_office))
    site.service.restart()


# -- reproduce -------------------------------------------------------------------------------------


def reproduce_with(ev: Evidence) -> str:
    """The files cannot tell which Post Office field is wrong: a wrong password stands for all
    three (a wrong name or path logs the same Event 70, KB Q166045)."""
    return "q166045-wrong-password"
