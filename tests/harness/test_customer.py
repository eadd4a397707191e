"""Evidence from a customer's files, and the time patterns the rules read in it (§8, §4.8)."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from harness.customer import (
    ANALYZE_ACCOUNT,
    CustomerFilesError,
    evidence_from_files,
    infer_site,
)
from harness.customerlog import EventLogError
from harness.damage import break_chain
from harness.diagnosis import Finding, diagnose
from harness.evidence import Evidence
from sim.postoffice.layout import Location
from sim.postoffice.postoffice import Postoffice

DATA = Path(__file__).parent.parent / "data" / "eventlogs"
Q166045_CAUSES = {
    "po-settings-invalid",
    "po-access-denied",
    "po-damaged",
    "install-path-space",
    "dirsync-not-completed",
}


def findings(name: str, **kw) -> list[Finding]:
    return diagnose(evidence_from_files(DATA / name, **kw))


def causes(found: list[Finding]) -> list[str]:
    return [f.cause for f in found]


def make_po(path: Path, *, p_entry: str | None = "MSExchangeCCMC EXSRV1") -> Path:
    """A small post office PO1 (password SECRET) with the site's P entry HQ."""
    po = Postoffice.create(path, name="PO1", password="SECRET")
    po.add_entry("Smith, Fred", Location.LOCAL)
    if p_entry is not None:
        po.add_entry("HQ", Location.POST_OFFICE, comments=p_entry)
    return path


def digest(path: Path) -> dict[str, str]:
    return {
        str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(path.rglob("*"))
        if p.is_file()
    }


# -- time patterns in the log alone ------------------------------------------------------------


def test_plain_event_70_names_all_five_q166045_causes_ranked_with_checks() -> None:
    """Event 70 alone: the five causes of Q166045, best first, each saying what would tell."""
    found = findings("event70-only.txt")
    assert causes(found)[:5] == [
        "po-settings-invalid",
        "dirsync-not-completed",
        "po-access-denied",
        "po-damaged",
        "install-path-space",
    ]
    for f in found[:5]:
        assert f.score < 0.9, f"{f.cause} is not confirmed by a log alone"
        assert f.confirm, f"{f.cause} says which check would tell"
        assert any(" Error 70: Lotus cc:Mail EXPORT to file msg4A01.ccm" in q for q in f.evidence)
    assert [f.score for f in found] == sorted((f.score for f in found), reverse=True)


def test_event_70_that_stops_at_the_first_14031_is_a_first_dirsync() -> None:
    """70 until the first 14031, never after, and the log runs on: not a misconfiguration."""
    ev = evidence_from_files(DATA / "first-dirsync-clears.txt")
    assert ev.collected_at is None
    found = diagnose(ev)
    assert causes(found) == ["dirsync-not-completed"]
    assert found[0].score >= 0.9
    assert found[0].confirm == ""
    assert "no Event 70 after the first 14031" in found[0].evidence


def test_log_saved_at_the_first_14031_asks_to_check_the_next_polls() -> None:
    """When the log ends at the 14031, nothing shows the 70 has stopped: lower score, a check."""
    found = findings("first-dirsync-log-ends.txt")
    assert causes(found) == ["dirsync-not-completed"]
    assert found[0].score < 0.9
    assert found[0].confirm.startswith("The log ends at the first 14031")


def test_59_with_67_still_logged_is_outbound_only_access() -> None:
    """IMPORT fails (59) while EXPORT still succeeds (67 after the first 59): Q168670."""
    found = findings("outbound-only.txt")
    assert causes(found)[0] == "po-access-denied"
    quotes = found[0].evidence
    assert any("Error 59: Lotus cc:Mail IMPORT from file *.ccm returned result code 1" in q
               for q in quotes)  # fmt: skip
    assert any("Information 67: Lotus cc:Mail EXPORT to file" in q for q in quotes)
    assert not Q166045_CAUSES - {"po-access-denied"} & set(causes(found))


def test_59_after_export_stopped_is_not_outbound_only() -> None:
    """67 only before the 59s began: EXPORT stopped too, so not the outbound-only pattern."""
    assert "po-access-denied" not in causes(findings("import-fails-after-export-stopped.txt"))


def test_thread_dying_on_one_message_is_a_corrupt_message() -> None:
    """86 repeated then 85, no 43 first: the export thread dies on one message (§8 row 12)."""
    found = findings("thread-dies.txt")
    assert causes(found)[0] == "corrupt-message"
    assert any("Error 85: The maximum number the thread restarts" in q for q in found[0].evidence)
    assert "ie-not-on-path" not in causes(found)
    assert not Q166045_CAUSES & set(causes(found))


def test_43_then_86_then_85_is_programs_not_on_the_path() -> None:
    """The same 86 x N then 85, but after Event 43 (system error 2): KB Q294947 (§8 row 9)."""
    found = findings("programs-not-found.txt")
    assert causes(found)[0] == "ie-not-on-path"
    assert "corrupt-message" not in causes(found)


def test_healthy_log_has_no_findings() -> None:
    assert findings("healthy.txt") == []


# -- the post office copy ----------------------------------------------------------------------


def test_event_70_that_stopped_long_ago_with_the_p_entry_there(tmp_path: Path) -> None:
    """ "Now" is the newest record: 70 quiet for an hour, P entry made by dirsync -> cause 5."""
    po = make_po(tmp_path / "po")
    found = findings("event70-then-quiet.txt", postoffice=po)
    assert causes(found) == ["dirsync-not-completed"]
    assert any("P entry HQ (MSExchangeCCMC EXSRV1)" in q for q in found[0].evidence)


def test_no_p_entry_with_the_connector_comment_confirms_first_dirsync(tmp_path: Path) -> None:
    """Without a site name, the P entry is found by its comment MSExchangeCCMC <server>."""
    po = make_po(tmp_path / "po", p_entry=None)
    found = findings("event70-only.txt", postoffice=po)
    assert causes(found)[0] == "dirsync-not-completed"
    assert found[0].score >= 0.9
    assert "cc:Mail ADMIN: no P entry with the comment 'MSExchangeCCMC EXSRV1'" in found[0].evidence


def test_postoffice_gives_listing_entries_name_and_site(tmp_path: Path) -> None:
    po = make_po(tmp_path / "po")
    ev = evidence_from_files(DATA / "event70-only.txt", po)
    assert ev.po_name == "PO1"
    assert ev.po_entries == (("HQ", "P", "MSExchangeCCMC EXSRV1"),)
    assert ev.site == "HQ"
    assert ev.po_listing is not None
    assert {"CLANDATA", "MLANDATA"} <= {name for name, _ in ev.po_listing}
    assert any("Exchange site HQ: the P entry HQ carries the comment" in n for n in ev.notes)


def test_postoffice_gives_db_and_release(tmp_path: Path) -> None:
    """CCVER.TB as cc:Mail ADMIN shows it: DB version and release (KB Q248195)."""
    po = make_po(tmp_path / "po")
    (po / "CCVER.TB").write_bytes(b"DB8\r\n8.50\r\n")
    ev = evidence_from_files(DATA / "event70-only.txt", po)
    assert (ev.po_db, ev.po_release) == (6, "8.50")


def test_site_option_wins_over_inference(tmp_path: Path) -> None:
    ev = evidence_from_files(DATA / "event70-only.txt", make_po(tmp_path / "po"), site="EAST")
    assert ev.site == "EAST"
    assert "Exchange site EAST: given with --site" in ev.notes


def test_site_from_event_11001() -> None:
    """Event 11001 "From: <user> at <site>" names the Exchange site (§4.8, KB Q181186)."""
    ev = evidence_from_files(DATA / "outbound-only.txt")
    assert ev.site is None
    from sim.connector.events import describe
    from sim.eventlog import EventRecord, EventType

    record = EventRecord(1, ev.events[0].when, "MSExchangeCCMC", EventType.INFORMATION,
                         "Outbound", 11001, "N/A", "EXSRV1",
                         describe(11001, "Long, Douglas at EAST", "6/2/98 8:02", "Kennedy at PO1"),
                         ("Long, Douglas at EAST", "6/2/98 8:02", "Kennedy at PO1"))  # fmt: skip
    assert infer_site([record], None) == ("EAST", "named by Event 11001 (06/02/1998 08:00:00)")


def test_site_from_event_14013() -> None:
    """14013 "... CCMAIL e-mail address <address> at <site> ..." (§4.8, KB Q167830)."""
    from sim.connector.events import describe
    from sim.eventlog import EventRecord, EventType

    strings = ("Smith, Fred", "WEST", "Smith, Fred")
    record = EventRecord(1, datetime(1998, 6, 2, 9, 0), "MSExchangeCCMC", EventType.WARNING,
                         "Dir-Synch", 14013, "N/A", "EXSRV1", describe(14013, *strings),
                         strings)  # fmt: skip
    assert infer_site([record], ())[0] == "WEST"
    assert infer_site([record], (("HQ", "P", "MSExchangeCCMC EXSRV1"),))[0] == "HQ"


def test_without_password_analyze_is_not_run_and_notes_say_so(tmp_path: Path) -> None:
    ev = evidence_from_files(DATA / "event70-only.txt", make_po(tmp_path / "po"))
    assert ev.analyze is None
    assert ev.msg_list is None
    assert (
        "ANALYZE and EXPORT /MSG# not run: the post office password is unknown (--po-password)"
        in ev.notes
    )


def test_wrong_password_does_not_run_analyze(tmp_path: Path) -> None:
    ev = evidence_from_files(
        DATA / "event70-only.txt", make_po(tmp_path / "po"), po_password="NOPE"
    )
    assert ev.analyze is None
    assert any("not the post office's password" in n for n in ev.notes)


def test_analyze_on_a_clean_copy_rules_out_damage(tmp_path: Path) -> None:
    ev = evidence_from_files(
        DATA / "event70-only.txt", make_po(tmp_path / "po"), po_password="SECRET"
    )
    assert ev.analyze is not None
    assert (ev.analyze.code, ev.analyze.account) == (0, ANALYZE_ACCOUNT)
    assert "SECRET" not in ev.analyze.command
    assert "No errors found." in ev.analyze.output
    assert "po-damaged" not in causes(diagnose(ev))


def test_analyze_on_a_damaged_copy_confirms_damage_and_leaves_the_original(
    tmp_path: Path,
) -> None:
    """ANALYZE runs on a copy: the customer's directory is byte for byte unchanged."""
    po = make_po(tmp_path / "po")
    break_chain(Postoffice(po))
    before = digest(po)
    ev = evidence_from_files(DATA / "event70-only.txt", po, po_password="SECRET")
    assert digest(po) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["po"]
    found = diagnose(ev)
    assert causes(found)[0] == "po-damaged"
    assert found[0].score >= 0.9
    assert ev.analyze is not None
    assert ev.analyze.code == 1


def test_postoffice_copy_not_modified_on_pyfakefs(fs) -> None:
    fs.add_real_directory(str(DATA))
    po = make_po(Path("/case/po"))
    before = digest(po)
    ev = evidence_from_files(DATA / "event70-only.txt", po, po_password="SECRET")
    assert ev.analyze is not None
    assert ev.analyze.code == 0
    assert digest(po) == before


def test_a_directory_that_is_not_a_post_office(tmp_path: Path) -> None:
    (tmp_path / "stuff").mkdir()
    (tmp_path / "stuff" / "README.TXT").write_text("hello")
    ev = evidence_from_files(DATA / "event70-only.txt", tmp_path / "stuff", po_password="X")
    assert ev.po_listing == (("README.TXT", 5),)
    assert ev.po_entries is None
    assert ev.analyze is None
    assert any("not a post office (no CCPOMBOX.*)" in n for n in ev.notes)


def test_ccmcdata_listing(tmp_path: Path) -> None:
    store = tmp_path / "Ccmcdata"
    for folder, names in {
        "Import": ["msg0002.ccm", "msg0001.ccm"],
        "Submit": [],
        "Bad": [],
    }.items():
        (store / folder).mkdir(parents=True)
        for name in names:
            (store / folder / name).write_text("x")
    (store / "loose.txt").write_text("not a folder")
    ev = evidence_from_files(DATA / "event70-only.txt", ccmcdata=store)
    assert ev.ccmcdata == (("Bad", ()), ("Import", ("msg0001.ccm", "msg0002.ccm")), ("Submit", ()))
    assert ev.store_root == ("Bad\\", "Import\\", "loose.txt", "Submit\\")  # listdir_sorted
    assert ev.folder("import") == ("msg0001.ccm", "msg0002.ccm")


def test_ccmcdata_und_reports(tmp_path: Path) -> None:
    """KB Q223772: the reports each ``.und`` of the copied Import folder holds."""
    store = tmp_path / "Ccmcdata"
    (store / "import").mkdir(parents=True)
    (store / "import" / "msg0001.ccm").write_text("x")
    (store / "import" / "msg0001.und").write_bytes(b"Reason: a\r\nx\r\nReason: a\r\nx\r\n")
    ev = evidence_from_files(DATA / "event70-only.txt", ccmcdata=store)
    assert ev.import_und_reports == (("msg0001.und", 2),)
    assert evidence_from_files(DATA / "event70-only.txt").import_und_reports is None


@pytest.mark.parametrize("option", ["postoffice", "ccmcdata"])
def test_directory_options_want_a_directory(tmp_path: Path, option: str) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(CustomerFilesError, match=f"{missing}: --{option} wants a directory"):
        evidence_from_files(DATA / "event70-only.txt", **{option: missing})


def test_unreadable_log_raises_eventlog_error(tmp_path: Path) -> None:
    with pytest.raises(EventLogError, match=r"bad-type\.txt:1: unknown event type"):
        evidence_from_files(DATA / "bad" / "bad-type.txt", make_po(tmp_path / "po"))


def test_same_files_same_evidence(tmp_path: Path) -> None:
    po = make_po(tmp_path / "po")
    again = tmp_path / "again" / "po"
    shutil.copytree(po, again)
    one: Evidence = evidence_from_files(DATA / "event70-only.txt", po, po_password="SECRET")
    two = evidence_from_files(DATA / "event70-only.txt", again, po_password="SECRET")
    assert one == two
    assert "post office PO1 (DB6) in po: P entries HQ (MSExchangeCCMC EXSRV1)" in one.notes
    assert "ANALYZE on a copy: result code 0, No errors found." in one.notes


# -- end to end: every catalogue scenario, diagnosed from the files a customer would send -----

SCENARIOS = sorted((Path(__file__).parents[2] / "scenarios").glob("*.scenario.yaml"))

#: causes the customer's files (log, post office, Ccmcdata) cannot tell from others with
#: the same events: the check that would is made elsewhere (§8 "How a support engineer
#: confirms it"); the diagnosis must name the cause and say which check tells
NOT_IN_THE_FILES = {
    "install-path-space": "the install path is on the Exchange server",
    "po-access-denied": "share permissions, GSNW and NetWare accounts are on the servers",
    "nt-service-pack-missing": "NT service pack, LSA2 hotfix and Drwtsn32.log are on the server",
    "header-too-large": "the NDR text is in the users' mailboxes (§8 row 14)",
}
#: causes of a scenario the customer's files cannot show to the rules as they stand
UNSEEN = {
    # the rule compares the P entry's comment with the Exchange server's name, which a
    # customer's evidence has only as the computer that logged the events
    "two-causes-ie-ri-and-site-comment": {"dirsync-comment-missing"},
}
#: scenarios whose files show only the damage the cause did: top finding expected instead
SYMPTOM_ONLY = {
    # §8 row 19 "PO corruption": ANALYZE on the copy confirms the damage; which tools the
    # connector runs is on the Exchange server
    "ccmail85-16bit-tools": "po-damaged",
}


@dataclass(frozen=True)
class SentFiles:
    """What the customer sends, saved at the moment the scenario is diagnosed."""

    text_log: Path
    evt_log: Path
    postoffice: Path
    ccmcdata: Path
    password: str
    cause: str
    scenario_id: str
    #: the scenario's ``diagnose:`` list, best first
    expected: tuple[str, ...]


def send_files(scenario: Path, where: Path, monkeypatch: pytest.MonkeyPatch) -> SentFiles:
    """Run a scenario; when it is diagnosed, save its log (text and .evt), PO and Ccmcdata."""
    import harness.collect
    from harness.runner import run_file
    from sim.evtformat import write_evt, write_nt_text

    real = harness.collect.collect
    saved: dict[str, str] = {}

    def capture(site):
        write_nt_text(site.world.eventlog.records, where / "AppEvent.txt")
        write_evt(site.world.eventlog.records, where / "AppEvent.Evt")
        shutil.copytree(site.po_path, where / "po")
        shutil.copytree(site.service.store.root, where / "Ccmcdata")
        saved["password"] = site.po_password
        return real(site)

    monkeypatch.setattr(harness.collect, "collect", capture)
    result = run_file(scenario, root=where / "run")
    assert "password" in saved, f"{scenario.name} was never diagnosed: {result.failures}"
    return SentFiles(where / "AppEvent.txt", where / "AppEvent.Evt", where / "po",
                     where / "Ccmcdata", saved["password"], result.cause, result.id,
                     result.expected_diagnosis)  # fmt: skip


def summary(found: list[Finding]) -> list[tuple[str, float]]:
    return [(f.cause, round(f.score, 2)) for f in found]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda p: p.name.removesuffix(".scenario.yaml"))
def test_scenario_diagnosed_from_the_customers_files(
    scenario: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A simulated case saved as files diagnoses to its own cause (or says what would tell)."""
    sent = send_files(scenario, tmp_path, monkeypatch)
    from_text = diagnose(evidence_from_files(sent.text_log))
    assert summary(diagnose(evidence_from_files(sent.evt_log))) == summary(from_text)
    found = diagnose(
        evidence_from_files(
            sent.text_log, sent.postoffice, sent.ccmcdata, po_password=sent.password
        )
    )
    if sent.cause == "healthy":
        assert found == []
        assert from_text == []
        return
    if sent.cause in SYMPTOM_ONLY:
        assert found[0].cause == SYMPTOM_ONLY[sent.cause], summary(found)
        return
    assert set(sent.expected) - UNSEEN.get(sent.scenario_id, set()) <= set(causes(found)), summary(
        found
    )
    if len(sent.expected) > 1:
        # several causes at once: all named; their order needs checks the files lack
        assert found[0].cause in sent.expected, summary(found)
    elif sent.cause in NOT_IN_THE_FILES:
        top = found[0]
        assert top.score < 0.9, f"{top.cause} must not look confirmed"
        assert top.confirm
        mine = next(f for f in found if f.cause == sent.cause)
        assert mine.confirm, "the finding says which check would tell"
    else:
        assert found[0].cause == sent.cause, summary(found)


def test_export_msg_list_runs_on_the_copy_for_the_site(tmp_path: Path) -> None:
    """EXPORT /N<site> /MSG# lists the site's queue (KB Q212759); the password is masked."""
    po = make_po(tmp_path / "po")
    before = digest(po)
    ev = evidence_from_files(DATA / "event70-only.txt", po, po_password="SECRET")
    assert ev.msg_list is not None
    assert ev.msg_list.command == (
        "EXPORT /NHQ /P****** /DC:\\CCDATA /MSG# /@C:\\CCSIMCHK\\MSGLIST.TXT /BATCH"
    )
    assert ev.msg_list.code == 0
    assert ev.msg_list.account == ANALYZE_ACCOUNT
    assert digest(po) == before


def test_no_msg_list_without_a_site(tmp_path: Path) -> None:
    po = make_po(tmp_path / "po", p_entry=None)
    ev = evidence_from_files(DATA / "event70-only.txt", po, po_password="SECRET")
    assert ev.analyze is not None
    assert ev.msg_list is None
