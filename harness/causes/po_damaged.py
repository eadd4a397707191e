"""§8 row 3, po-damaged: PO fragmented or damaged.

Source: ccmail-reference.md §8 row 3 and Q166045, Q179072. This module is the cause's
one home: its §8 row (``CAUSE``), the faults that reproduce it, the rule that diagnoses
it from evidence only, and its fix.

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

from datetime import datetime
from typing import Literal

from pydantic import Field

from harness import damage
from harness.admin import admin_switches, run_as_admin
from harness.build import Site
from harness.causes import Cause
from harness.causes._shared import REPAIR_SEQUENCE, finding, persisting_70, quotes
from harness.diagnosis import Finding
from harness.evidence import Evidence
from harness.params import Params
from harness.registry import fault, fix, rule
from sim.message import Message
from sim.postoffice.layout import CLANDATA, MLANDATA, Location
from sim.postoffice.postoffice import Postoffice

__all__ = ["CAUSE", "reproduce_with"]

CAUSE = Cause(
    3,
    "po-damaged",
    title="PO fragmented or damaged",
    articles=("Q166045", "Q179072"),
    symptoms=(
        "Event 70 (code 3) or 68/59 (code 1); possibly `NFTERROR.LOG` in PO dir; 62/71 if locked"
    ),
    confirm="Stop connector; run ANALYZE (diagnostics) and read its errors/recommendations",
    fix=(
        "CHKSTAT (NFT/C if NFT errors, DIAGNOSTICS/M, DIAGNOSTICS/R) and RECLAIM "
        "(directory DIAGNOSTICS/A, then plain) with connector stopped; "
        "restore/rebuild if hub PO corrupt"
    ),
    verify="ANALYZE reports no errors; restart connector; no 70; mail flows both ways",
)


# -- faults: the world broken as a person or a crash would -----------------------------------------


class DamageParams(Params):
    kind: Literal["header", "torn-record", "counters", "chain", "index", "nft", "all"] = Field(
        "chain", description="Which damage a crash or a bad write leaves."
    )


def _damage(po: Postoffice, kind: str) -> None:
    if kind in ("header", "all"):
        damage.flip_header_crc(po.path / CLANDATA)
    if kind in ("torn-record", "all"):
        damage.tear_tail(po.path / MLANDATA)
    if kind in ("counters", "all"):
        live = damage.header_field(po.path / MLANDATA, "live_count")
        damage.set_header_field(po.path / MLANDATA, "live_count", live + 3, fix_crc=True)
    if kind == "chain":
        damage.break_chain(po)
    if kind in ("index", "all"):
        boxes = [e for e in po.entries() if e.mailbox and po.refs(e)]
        if boxes:
            damage.break_index(po, boxes[0].mailbox_file)
    if kind in ("nft", "all"):
        damage.add_nft_row(po)


@fault(
    "damage-postoffice",
    summary="a crash or a bad write leaves the post office database damaged",
    article="Q166045",
    params=DamageParams,
)
def damage_postoffice(site: Site, params: DamageParams | None) -> None:
    _damage(Postoffice(site.po_path), (params or DamageParams()).kind)


class FragmentParams(Params):
    megabytes: float = Field(1.5, gt=1.0, le=64, description="Space freed inside MLANDATA.")


@fault(
    "fragment-postoffice",
    summary="months of mail delivered and deleted without RECLAIM leave MLANDATA fragmented",
    article="Q166045",
    params=FragmentParams,
)
def fragment_postoffice(site: Site, params: FragmentParams | None) -> None:
    size = int((params or FragmentParams()).megabytes * (1 << 20))
    po = Postoffice(site.po_path)
    user = next(e for e in po.entries() if e.location is Location.LOCAL)
    body = "x" * 4000
    count = size // 4000 + 1
    when = datetime(1998, 1, 5, 9, 0)
    old = [Message(f"{user.name} at {site.po_name}", when, (user.name,), "old", body)] * count
    numbers = po.deliver(user, old, folder="Trash")
    po.remove_messages(user, numbers)


# -- diagnosis: from evidence only -----------------------------------------------------------------


@rule("po-damaged", article="Q166045, Q179072", explains=(70, 68, 59))
def damaged(ev: Evidence) -> Finding | None:
    """ANALYZE reports errors; or NFTERROR.LOG in the post office directory."""
    failures = persisting_70(ev) + ev.ccmc(68, 59)
    analyze = ev.analyze
    # ANALYZE ends with 1 when it finds errors; 3 (no log-on) and 4 (in use) say nothing
    # about the database, so the rule then reads the other evidence (AdminResult).
    if analyze is not None and analyze.code in (0, 1):
        if analyze.code == 0:
            return None
        said = [*quotes(failures), analyze.quote()]
        said += [ln.strip() for ln in analyze.output.splitlines() if "rror" in ln][:4]
        return finding("po-damaged", 0.95, said, confirmed=True, fix="repair-postoffice")
    if ev.po_has("NFTERROR.LOG"):
        said = [*quotes(failures), "NFTERROR.LOG present in the post office directory"]
        return finding("po-damaged", 0.8, said, confirmed=False)
    if persisting_70(ev):
        return finding("po-damaged", 0.3, quotes(persisting_70(ev)), confirmed=False)
    return None


# -- fix -------------------------------------------------------------------------------------------


@fix(
    "repair-postoffice",
    cures="po-damaged",
    summary="stop the connector; ANALYZE, CHKSTAT (NFT/C, DIAGNOSTICS/M, DIAGNOSTICS/R), "
    "RECLAIM (DIRECTORY DIAGNOSTICS/A, then plain), ANALYZE again; start",
    article="Q166045",
)
def repair_postoffice(site: Site, params: None) -> None:
    site.service.stop()
    for program, options in REPAIR_SEQUENCE:
        run_as_admin(site, program, f"{admin_switches(site)} {options}".strip())
    site.service.start()


# -- reproduce -------------------------------------------------------------------------------------


def reproduce_with(ev: Evidence) -> str:
    """Fragmentation when ANALYZE reports it, else a damaged post office."""
    output = ev.analyze.output if ev.analyze is not None else ""
    return "q166045-fragmented-po" if "fragmented:" in output else "q166045-damaged-po"
