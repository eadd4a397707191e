"""``ccsim connector run`` with the scenario world fields: site, traffic, rights, NetWare.

Each option changes what the run does, on a copy of the post office given; the
folder given is only read. Bad values exit 2 with one line.
"""

from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.api import ccmail_site
from harness.cli import _build_app
from harness.commands.connector import ConnectorRun, RunOptions, run_connector
from harness.commands.connector_world import WorldOptions
from sim.postoffice import Postoffice
from sim.postoffice.layout import Location
from tests.harness.test_cli_connector import _snapshot
from tests.harness.test_connector_run_fast import _postoffice


@pytest.fixture
def po_dir(tmp_path: Path) -> Path:
    return _postoffice(tmp_path / "ccdata")


def _connector(po: Path, keep: Path, world: WorldOptions, duration: str = "1h") -> ConnectorRun:
    return run_connector(RunOptions(po, "PO1", "SECRET", duration, exchange=keep, world=world))


def _run(*args: str):
    return CliRunner().invoke(_build_app(), ["connector", "run", *args])


def _base(po: Path) -> list[str]:
    return ["--postoffice", str(po), "--po-name", "PO1", "--po-password", "SECRET"]


def test_traffic_is_delivered_and_counted(po_dir: Path, tmp_path: Path) -> None:
    before = _snapshot(po_dir)
    quiet = _connector(po_dir, tmp_path / "quiet", WorldOptions())
    world = WorldOptions(traffic=("to_exchange=10/1m", "to_ccmail=6/2m"))
    busy = _connector(po_dir, tmp_path / "busy", world)
    assert (quiet.to_exchange, quiet.to_ccmail) == (0, 0)
    assert (busy.to_exchange, busy.to_ccmail, busy.ndrs) == (10, 6, 0)
    # the six for cc:Mail are in the users' mailboxes of the copy, the input is unchanged
    copy = Postoffice(tmp_path / "busy" / "POSRV" / "CCDATA")
    local = [e for e in copy.entries() if e.location is Location.LOCAL and e.mailbox]
    original = Postoffice(po_dir)
    waiting = sum(len(copy.refs(e)) for e in local)
    had = sum(len(original.refs(e)) for e in original.entries() if e.mailbox and
              e.location is Location.LOCAL)  # fmt: skip
    assert waiting - had == 6
    assert _snapshot(po_dir) == before


def test_traffic_every_defaults_to_a_minute_and_stops_at_the_end(
    po_dir: Path, tmp_path: Path
) -> None:
    """``to-exchange=100`` for 30m: one a minute as the field's default, so 30 by the end
    (the 30th at 30:00 is still exported at that poll: the clock runs to the end)."""
    run = _connector(po_dir, tmp_path / "k", WorldOptions(traffic=("to-exchange=100",)), "30m")
    assert 28 <= run.to_exchange <= 30
    assert run.to_ccmail == 0


def test_site_names_the_p_entry_dirsync_creates(po_dir: Path, tmp_path: Path) -> None:
    run = _connector(po_dir, tmp_path / "hq", WorldOptions(site="HQ", traffic=("to_exchange=3",)))
    copy = Postoffice(tmp_path / "hq" / "POSRV" / "CCDATA")
    assert copy.find("HQ") is not None
    assert copy.find("EX1") is None
    assert run.dirsync_completed
    assert run.to_exchange == 3


def test_no_share_rights_give_event_70_result_code_3(po_dir: Path, tmp_path: Path) -> None:
    run = _connector(po_dir, tmp_path / "k", WorldOptions(share_permission="No Access"))
    events = dict(run.events)
    assert events[70] > 200
    assert 14031 not in events
    assert 58 not in events
    assert "returned result code 3" in dict(run.texts)[70]
    assert not run.dirsync_completed


def test_read_only_share_fails_outbound_only_with_event_59(po_dir: Path, tmp_path: Path) -> None:
    """Read lets nothing be written: EXPORT fails (70) and IMPORT too (59), §6."""
    run = _connector(po_dir, tmp_path / "k", WorldOptions(share_permission="Read"))
    assert 59 in dict(run.events)
    assert 14031 not in dict(run.events)


def test_netware_with_gsnw_works_as_the_nt_share(po_dir: Path, tmp_path: Path) -> None:
    nt = _connector(po_dir, tmp_path / "nt", WorldOptions(traffic=("to_exchange=4",)))
    for access in ("gsnw-gateway", "netware-account"):
        world = WorldOptions(host="netware", netware_access=access, traffic=("to_exchange=4",))
        nw = _connector(po_dir, tmp_path / access, world)
        assert nw.events == nt.events
        assert nw.to_exchange == nt.to_exchange == 4
        assert Postoffice(tmp_path / access / "NW1" / "SYS" / "CCDATA").find("EX1") is not None


def _scenario_events(tmp_path: Path, fault: str, **params: object) -> set[int]:
    """The event IDs the scenario world logs in an hour with ``fault`` on NetWare, its
    first dirsync not done and logging at maximum, as ``connector run`` has them."""
    levels = dict.fromkeys(("general", "inbound", "outbound", "dir_synch"), "maximum")
    connector = {"first_dirsync": "pending", "logging": levels}
    with ccmail_site(seed=0, root=tmp_path / f"site-{fault}", connector=connector,
                     postoffice={"host": {"kind": "netware"}}) as site:  # fmt: skip
        site.apply_fault(fault, **params)
        site.run("1h")
        return {e.event_id for e in site.events(source="MSExchangeCCMC")}


def test_netware_without_gsnw_fails_as_the_scenario_world_does(
    po_dir: Path, tmp_path: Path
) -> None:
    run = _connector(po_dir, tmp_path / "k", WorldOptions(host="netware", gsnw=False))
    events = Counter(dict(run.events))
    assert events[70] > 200
    assert not run.dirsync_completed
    assert set(events) == _scenario_events(tmp_path, "netware-without-gsnw")


def test_missing_trustee_rights_fail_as_the_scenario_world_does(
    po_dir: Path, tmp_path: Path
) -> None:
    """Without Modify and Create EXPORT cannot run (70) and IMPORT cannot write (59)."""
    run = _connector(po_dir, tmp_path / "k", WorldOptions(host="netware", trustees="RF"))
    assert 70 in dict(run.events)
    assert 59 in dict(run.events)
    expected = _scenario_events(tmp_path, "netware-missing-rights", missing=["Modify", "Create"])
    assert set(dict(run.events)) == expected


def test_the_cli_takes_the_options_and_shows_the_traffic(po_dir: Path, tmp_path: Path) -> None:
    result = _run(*_base(po_dir), "--for", "30m", "--site", "HQ", "--traffic", "to_ccmail=5/1m",
                  "--host", "netware", "--netware-access", "netware-account", "--gsnw",
                  "--trustees", "Read, File Scan, Modify, Create")  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = {line.split("  ")[0]: line.split()[-1] for line in result.output.splitlines() if line}
    assert rows["Exchange -> cc:Mail"] == "5"
    assert "Directory synchronization completed." in result.output


def test_a_symlink_in_the_post_office_is_named_not_followed(po_dir: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the copy", encoding="utf-8")
    (po_dir / "NOTES.TXT").symlink_to(secret)
    keep = tmp_path / "keep"
    result = _run(*_base(po_dir), "--for", "15m", "--exchange", str(keep))
    assert result.exit_code == 0, result.output
    assert "Not copied: NOTES.TXT: a symbolic link (not followed)" in result.output
    assert not (keep / "POSRV" / "CCDATA" / "NOTES.TXT").exists()
    assert secret.read_text(encoding="utf-8") == "not for the copy"


def test_a_second_run_in_the_same_exchange_folder_copies_afresh(
    po_dir: Path, tmp_path: Path
) -> None:
    keep = tmp_path / "keep"
    first = _connector(po_dir, keep, WorldOptions(traffic=("to_ccmail=3",)))
    second = _connector(po_dir, keep, WorldOptions(traffic=("to_ccmail=3",)))
    assert first.to_ccmail == second.to_ccmail == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--site", "A/B"], "--site 'A/B': String should match pattern"),
        (["--site", ""], "--site '': Value should have at least 1 item"),
        (["--traffic", "sideways=3"], "--traffic 'sideways=3': give DIRECTION=COUNT[/EVERY]"),
        (["--traffic", "to_exchange=ten"], "--traffic 'to_exchange=ten': count: Input should"),
        (["--traffic", "to_exchange=3/2x"], "--traffic 'to_exchange=3/2x': every:"),
        (["--traffic", "to_exchange=20000"], "count: Input should be less than or equal to"),
        (["--traffic", "to_exchange=1", "--traffic", "to-exchange=2"], "to-exchange is given"),
        (["--traffic", "to_exchange=3001"], "more than 3000 messages to Exchange"),
        (["--traffic", "to_exchange=3000", "--traffic", "to_ccmail=7001"], "more than 10000"),
        (["--host", "vms"], "--host must be one of nt, netware, not 'vms'"),
        (["--share-permission", "Write"], "--share-permission must be one of 'No Access', Read"),
        (["--host", "netware", "--share-permission", "Read"], "is an NT share setting"),
        (["--no-gsnw"], "--no-gsnw is a NetWare setting: give --host netware too"),
        (["--trustees", "RF"], "--trustees is a NetWare setting"),
        (["--host", "netware", "--trustees", "RWX"], "--trustees: unknown right 'RWX'"),
        (["--host", "netware", "--netware-access", "bindery"], "--netware-access must be one"),
    ],
)
def test_bad_world_options_exit_2_with_one_line(
    po_dir: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    keep = tmp_path / "keep"
    result = _run(*_base(po_dir), "--exchange", str(keep), *args)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("ccsim: ")
    assert message in lines[0]
    assert not (keep / "POSRV").exists(), "checked before anything is copied"


def test_a_post_office_inside_the_exchange_folder_is_refused(tmp_path: Path) -> None:
    keep = tmp_path / "keep"
    (keep / "po").mkdir(parents=True)
    result = _run(*_base(keep / "po"), "--exchange", str(keep))
    assert result.exit_code == 2
    assert "is inside --exchange" in result.output
