"""Diagnosis rules for §8 rows 10-12: the connector store ``Ccmcdata`` and bad messages.

Source: ccmail-reference.md §8 rows 10 (KB Q212788, Q223772), 11 (Q202178, Q295812)
and 12 (Q212759, Q202240, Q234745, Q176375, Q168556); §4.4 (the store's folders),
§4.5 (the transfer cycle; 54 "moved to the Bad directory", repeating every 15 s when
the post office keeps exporting the same corrupt item; thread restarts 86 then 85).

Rows 10 and 11 are failures *without* events: the connector just stops moving mail
one way. Their confirming evidence is the store listing; from the events alone a
rule can only notice the pattern around the silence (outbound messages converted,
11001, and never imported; IMPORT failing on the same batch again and again), so
the event-only findings are weak and say what to list.

Row 12 is confirmed by ``EXPORT /MSG#`` listing a message it cannot read, or by
files in ``Bad`` while Event 54 is still being logged; 54s that stopped more than
``QUIET`` before the evidence was taken are history (the corrupt message is gone).
"""

from __future__ import annotations

import re
from datetime import timedelta

from harness.diagnosis import Finding
from harness.evidence import Evidence
from harness.registry import rule
from harness.rules.catalogue_common import finding, quotes, repeats_every
from sim.eventlog import EventRecord

__all__: list[str] = []

_STORE = "Ccmcdata"
#: a failure not logged again for this long has stopped (two dirsync intervals; modelled)
QUIET = timedelta(minutes=30)
#: IMPORT's result events for a message batch (58, 59, 61-64; §2.5)
_IMPORT_EVENTS = (58, 59, 61, 62, 63, 64)


def _batch(records: list[EventRecord]) -> list[EventRecord]:
    """Events about the ``*.ccm`` message batches (not the dirsync ``.IMP`` files)."""
    return [r for r in records if "*.ccm" in r.description]


# -- 10 --------------------------------------------------------------------------------------


@rule("und-files-left", article="Q212788, Q223772", explains=59)
def und_files(ev: Evidence) -> Finding | None:
    """``.und`` files left in ``Import``/``Export`` stop delivery without an event (Q212788)."""
    fix = "move-und-files"
    if ev.ccmcdata is not None:
        left = [
            f"{_STORE}\\{folder}\\{name}"
            for folder in ("Import", "Export")
            for name in ev.folder(folder) or ()
            if name.casefold().endswith(".und")
        ]
        if not left:
            return None
        said = [f"{name} is present" for name in left]
        for queue in ("MTS-OUT", "to-exchange"):
            waiting = ev.queue(queue)
            if waiting:
                said.append(f"{waiting} message(s) waiting in {queue}")
        return finding("und-files-left", 0.93, said, confirmed=True, fix=fix)
    failing = _batch(ev.ccmc(59))
    if len(failing) >= 3:
        first = failing[0].record_number
        if not [r for r in _batch(ev.ccmc(58)) if r.record_number > first]:
            return finding("und-files-left", 0.3, quotes(failing), confirmed=False, fix=fix)
    return None


# -- 11 --------------------------------------------------------------------------------------


def _converted_never_imported(ev: Evidence) -> list[EventRecord]:
    """11001 logged (files written to Submit) and no IMPORT of a batch ever after."""
    sent = ev.ccmc(11001)
    if not sent:
        return []
    after = [r for r in _batch(ev.ccmc(*_IMPORT_EVENTS)) if r.record_number > sent[0].record_number]
    return [] if after else sent


@rule("import-folder-damaged", article="Q202178, Q295812")
def import_folder_damaged(ev: Evidence) -> Finding | None:
    """``Ccmcdata\\Import`` is no folder: outbound files sit in ``Submit``, no events."""
    fix = "rebuild-ccmcdata"
    if ev.store_root is not None:
        if "import\\" in {name.casefold() for name in ev.store_root}:
            return None
        is_file = "import" in {name.casefold() for name in ev.store_root}
        said = [f"{_STORE}\\Import is {'a file, not a folder' if is_file else 'missing'}"]
        submit = [n for n in ev.folder("Submit") or () if n.casefold().endswith(".ccm")]
        if submit:
            said.append(f"{_STORE}\\Submit holds {len(submit)} message file(s): {submit[0]} ...")
        waiting = ev.queue("MTS-OUT")
        if waiting:
            said.append(f"{waiting} message(s) waiting in MTS-OUT")
        score = 0.95 if submit else 0.85
        return finding("import-folder-damaged", score, said, confirmed=True, fix=fix)
    sent = _converted_never_imported(ev)
    if sent:
        said = [*quotes(sent), "no IMPORT of *.ccm logged after the first 11001"]
        return finding("import-folder-damaged", 0.45, said, confirmed=False, fix=fix)
    return None


# -- 12 --------------------------------------------------------------------------------------


_UNREADABLE = re.compile(r"Message #: (\d+)\s*\r?\n\*\*\* Message cannot be read \*\*\*")


def _unreadable(ev: Evidence) -> list[str]:
    """Message numbers ``EXPORT /MSG#`` could not read (KB Q212759)."""
    return _UNREADABLE.findall(ev.msg_list.output) if ev.msg_list is not None else []


def _recent(ev: Evidence, record: EventRecord) -> bool:
    """Logged within ``QUIET`` of the newest evidence: a failure that still goes on."""
    now = ev.collected_at or max(e.when for e in ev.events)
    return now - record.when < QUIET


def _events_only(ev: Evidence) -> Finding | None:
    fix = "delete-corrupt-message"
    failed = ev.ccmc(54)
    if failed:
        score = 0.6 if repeats_every(failed) else 0.4
        return finding("corrupt-message", score, quotes(failed), confirmed=False, fix=fix)
    crashed = ev.ccmc(87, 82, 83)
    if crashed:
        score = 0.5 if ev.ccmc(87) else 0.4
        return finding("corrupt-message", score, quotes(crashed), confirmed=False, fix=fix)
    restarts, stopped = ev.ccmc(86), ev.ccmc(85)
    if restarts and stopped and not ev.ccmc(43):
        said = quotes(restarts) + quotes(stopped)[:1]
        return finding("corrupt-message", 0.4, said, confirmed=False, fix=fix)
    return None


@rule(
    "corrupt-message",
    article="Q212759, Q202240, Q234745, Q176375, Q168556",
    explains=(54, 82, 83, 87, 86, 85),
)
def corrupt_message(ev: Evidence) -> Finding | None:
    """54 every 15 s and a growing ``Bad``; ``EXPORT /MSG#`` shows the unreadable message."""
    fix = "delete-corrupt-message"
    if ev.msg_list is None or ev.ccmcdata is None:
        return _events_only(ev)
    failed = ev.ccmc(54, 87, 82, 83)
    bad = [n for n in ev.folder("Bad") or () if n.casefold().endswith(".ccm")]
    numbers = _unreadable(ev)
    if numbers:
        said = [*quotes(failed), *(f"EXPORT /MSG#: message {n} cannot be read" for n in numbers)]
        if bad:
            said.append(f"{_STORE}\\Bad holds {len(bad)} file(s)")
        return finding("corrupt-message", 0.95, said, confirmed=True, fix=fix)
    if failed and bad and _recent(ev, failed[-1]):
        said = [*quotes(failed), f"{_STORE}\\Bad holds {len(bad)} file(s): {bad[0]} ..."]
        return finding("corrupt-message", 0.8, said, confirmed=True, fix=fix)
    return None
