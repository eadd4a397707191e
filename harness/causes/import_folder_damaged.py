r"""§8 row 11, import-folder-damaged: Damaged `Ccmcdata\Import` folder.

Source: ccmail-reference.md §8 row 11 and Q202178, Q295812. This module is the cause's
one home: its §8 row (``CAUSE``), the faults that reproduce it, the rule that diagnoses
it from evidence only, and its fix.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from harness.build import Site
from harness.causes import Cause
from harness.causes._shared import PARKED, STORE, batch_of, finding, quotes, store_of
from harness.diagnosis import Finding
from harness.evidence import Evidence
from harness.registry import fault, fix, rule
from sim.connector.store import Folder, Store
from sim.eventlog import EventRecord
from sim.fsutil import listdir_sorted

__all__ = ["CAUSE"]

CAUSE = Cause(
    11,
    "import-folder-damaged",
    title="Damaged `Ccmcdata\\Import` folder",
    articles=("Q202178", "Q295812"),
    symptoms="Outbound messages sit in `Submit`, no events",
    confirm="Submit grows, Import stays empty",
    fix=("Stop, move Ccmcdata contents out, start (rebuild), stop, restore Submit files, start"),
    verify="Submit drains; recipients get mail",
)


# -- faults: the world broken as a person or a crash would -----------------------------------------


@fault(
    "damage-import-folder",
    summary="Ccmcdata\\Import is damaged: a file stands where the folder was",
    article="Q202178",
)
def damage_import_folder(site: Site, params: None) -> None:
    """Message files already in ``Import`` go back to ``Submit`` first: none is lost."""
    store = store_of(site)
    folder = store.path(Folder.IMPORT)
    if folder.is_dir():
        for item in listdir_sorted(folder):
            if item.name.casefold().endswith(".ccm"):
                item.replace(store.path(Folder.SUBMIT, item.name))
        shutil.rmtree(folder)
    folder.write_bytes(b"")


# -- diagnosis: from evidence only -----------------------------------------------------------------


#: IMPORT's result events for a message batch (58, 59, 61-64; §2.5)
_IMPORT_EVENTS = (58, 59, 61, 62, 63, 64)


def _converted_never_imported(ev: Evidence) -> Sequence[EventRecord]:
    """11001 logged (files written to Submit) and no IMPORT of a batch ever after."""
    sent = ev.ccmc(11001)
    if not sent:
        return []
    after = [
        r for r in batch_of(ev.ccmc(*_IMPORT_EVENTS)) if r.record_number > sent[0].record_number
    ]
    return [] if after else sent


@rule("import-folder-damaged", article="Q202178, Q295812")
def import_folder_damaged(ev: Evidence) -> Finding | None:
    """``Ccmcdata\\Import`` is no folder: outbound files sit in ``Submit``, no events."""
    fix = "rebuild-ccmcdata"
    if ev.store_root is not None:
        if "import\\" in {name.casefold() for name in ev.store_root}:
            return None
        is_file = "import" in {name.casefold() for name in ev.store_root}
        said = [f"{STORE}\\Import is {'a file, not a folder' if is_file else 'missing'}"]
        submit = [n for n in ev.folder("Submit") or () if n.casefold().endswith(".ccm")]
        if submit:
            said.append(f"{STORE}\\Submit holds {len(submit)} message file(s): {submit[0]} ...")
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


# -- fix -------------------------------------------------------------------------------------------


def _restore(site: Site, parked_root: str) -> None:
    """Put the message files back: Submit (Q202178), and Export and Bad so none is forgotten.

    ``Import`` is the folder the article rebuilds, but a ``.ccm`` waiting there is a
    message not yet imported: it goes back to ``Submit``, from where the connector
    moves it to ``Import`` again (KB Q168670). A ``.und`` left there goes to ``Bad``,
    kept for the administrator: in the new ``Import`` it would stop outbound mail (KB
    Q212788). A ``.und`` beside the ``.ccm`` of the same name is IMPORT's record of its
    attempts on the message that ``.ccm`` still holds (KB Q223772, before 5.5 SP3): it
    stays in the parked folder, since the message goes back in its ``.ccm`` and a copy
    in ``Bad`` would be a second one. A name already taken in the new store gets the
    next free ``msgXXXX`` name, so that no restored file replaces another. Modelled,
    not documented: the article names only the Submit files.
    """
    store = site.service.store
    old = site.world.path(parked_root)
    moves: list[tuple[Folder, Folder, tuple[str, ...]]] = [
        (f, f, (".ccm", ".und")) for f in (Folder.SUBMIT, Folder.EXPORT, Folder.BAD)
    ]
    moves += [(Folder.IMPORT, Folder.SUBMIT, (".ccm",)), (Folder.IMPORT, Folder.BAD, (".und",))]
    reports = _reports_beside_their_message(old / str(Folder.IMPORT))
    for source_folder, target, kinds in moves:
        source = old / str(source_folder)
        if not source.is_dir():
            continue
        for item in listdir_sorted(source):
            if item.is_file() and item.name.casefold().endswith(kinds) and item not in reports:
                item.replace(_free_target(store, target, item.name))


def _reports_beside_their_message(folder: Path) -> set[Path]:
    """The ``.und`` files of ``folder`` that have a ``.ccm`` of the same name beside them."""
    if not folder.is_dir():
        return set()
    files = [p for p in listdir_sorted(folder) if p.is_file()]
    messages = {p.name.casefold()[:-4] for p in files if p.name.casefold().endswith(".ccm")}
    return {
        p
        for p in files
        if p.name.casefold().endswith(".und") and p.name.casefold()[:-4] in messages
    }


def _free_target(store: Store, folder: Folder, name: str) -> Path:
    """``name`` in ``folder``, or the next free ``msgXXXX`` name there (same suffix)."""
    in_use = store.names(folder)
    if name.casefold() not in {n.casefold() for n in in_use}:
        return store.path(folder, name)
    stem = store.next_name(in_use)[: -len(".ccm")]
    return store.path(folder, stem + name[name.rfind(".") :])


@fix(
    "rebuild-ccmcdata",
    cures="import-folder-damaged",
    summary="stop; move the Ccmcdata contents out; start (the service rebuilds it); stop; "
    "restore the Submit files; start",
    article="Q202178",
)
def rebuild_ccmcdata(site: Site, params: None) -> None:
    service = site.service
    service.stop()
    root = store_of(site).root
    parked_root = _free_parking(site)
    parked = site.world.path(parked_root)
    parked.mkdir(parents=True)
    for item in listdir_sorted(root):
        shutil.move(str(item), str(parked / item.name))
    service.start()
    service.stop()
    _restore(site, parked_root)
    service.start()


def _free_parking(site: Site) -> str:
    """A new folder under ``C:\\CCMCOLD`` for each rebuild (``REBUILD1``, ``REBUILD2`` ...):
    a second rebuild moving into the first one's folder would nest ``Submit\\Submit``
    and leave its messages behind."""
    n = 1
    while site.world.path(f"{PARKED}\\REBUILD{n}").exists():
        n += 1
    return f"{PARKED}\\REBUILD{n}"
