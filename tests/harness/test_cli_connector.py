"""``ccsim connector run`` end to end against a post office on real disk."""

import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import _build_app
from sim.evtformat import read_nt_text
from sim.postoffice import Postoffice
from sim.postoffice.populate import populate


@pytest.fixture
def po_dir(tmp_path: Path) -> Path:
    from faker import Faker

    faker = Faker("en_US")
    faker.seed_instance(5)
    path = tmp_path / "ccdata"
    po = Postoffice.create(path, name="PO1", password="SECRET")
    populate(po, faker, random.Random(5), users=5, messages=5)
    return path


def _run(*args: str):
    return CliRunner().invoke(_build_app(), ["connector", "run", *args])


def _events(path: Path) -> list[tuple[float, int]]:
    with path.open(encoding="utf-8", newline="") as fh:
        records = read_nt_text(fh, name=path.name)
    records.sort(key=lambda r: (r.when, r.record_number))
    start = records[0].when
    return [((r.when - start).total_seconds(), r.event_id) for r in records]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_healthy_post_office_dirsync_completes_and_70_stops(po_dir: Path, tmp_path: Path) -> None:
    log = tmp_path / "app.csv"
    keep = tmp_path / "exchange"
    before = _snapshot(po_dir)
    result = _run(
        "--postoffice", str(po_dir), "--po-name", "PO1", "--po-password", "SECRET",
        "--for", "30m", "--eventlog", str(log), "--exchange", str(keep),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Directory synchronization completed." in result.output
    events = _events(log)
    ids = [i for _, i in events]
    assert ids.index(14001) < ids.index(14031)
    first_done = ids.index(14031)
    assert 70 not in ids[first_done:]
    # dirsync wrote the site's P entry into the copy; the folder given is only read
    assert Postoffice(keep / "POSRV" / "CCDATA").find("EX1") is not None
    assert _snapshot(po_dir) == before


def test_wrong_password_keeps_logging_70(po_dir: Path, tmp_path: Path) -> None:
    log = tmp_path / "app.txt"
    result = _run(
        "--postoffice", str(po_dir), "--po-name", "PO1", "--po-password", "WRONG",
        "--for", "30m", "--eventlog", str(log),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "did not complete" in result.output
    events = _events(log)
    ids = [i for _, i in events]
    assert 14001 in ids
    assert 14031 not in ids
    assert max(t for t, i in events if i == 70) >= 25 * 60
    assert ids.count(70) > 100


def test_ccpodown_gives_event_71(po_dir: Path, tmp_path: Path) -> None:
    Postoffice(po_dir).shut_down()
    log = tmp_path / "app.evt"
    result = _run(
        "--postoffice", str(po_dir), "--po-name", "PO1", "--po-password", "SECRET",
        "--for", "5m", "--eventlog", str(log),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = log.read_bytes()
    assert data[4:8] == b"LfLe"  # an NT .evt file (written because the name ends in .evt)
    text = tmp_path / "again.txt"
    _run(
        "--postoffice", str(po_dir), "--po-name", "PO1", "--po-password", "SECRET",
        "--for", "5m", "--eventlog", str(text),
    )  # fmt: skip
    ids = [i for _, i in _events(text)]
    assert 71 in ids
    assert 67 not in ids


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--for", "2x"], "needs a unit"),
        (["--for", "0m"], "zero"),
        (["--format", "xml"], "--format must be text or evt"),
        (["--install-path", "/etc"], "--install-path must be a drive path"),
        (["--po-password", "ELEVENCHARS"], "longer than 10"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(po_dir: Path, args: list[str], message: str) -> None:
    base = {"--postoffice": str(po_dir), "--po-name": "PO1", "--po-password": "SECRET"}
    for key, value in zip(args[::2], args[1::2], strict=True):
        base[key] = value
    result = _run(*[x for kv in base.items() for x in kv])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_missing_post_office_directory_exits_2(tmp_path: Path) -> None:
    result = _run("--postoffice", str(tmp_path / "nope"), "--po-name", "PO1", "--po-password", "X")
    assert result.exit_code == 2
    assert "is not a directory" in result.output


def test_exchange_store_is_kept_between_runs(po_dir: Path, tmp_path: Path) -> None:
    keep = tmp_path / "exchange"
    args = ["--postoffice", str(po_dir), "--po-name", "PO1", "--po-password", "SECRET"]
    assert _run(*args, "--for", "5m", "--exchange", str(keep)).exit_code == 0
    first = json.loads((keep / "exchange.json").read_text(encoding="utf-8"))
    assert (keep / "C" / "EXCHSRVR" / "CCMCDATA" / "Export").is_dir()
    assert _run(*args, "--for", "5m", "--exchange", str(keep), "--seed", "9").exit_code == 0
    second = json.loads((keep / "exchange.json").read_text(encoding="utf-8"))
    aliases = sorted(b["alias"] for b in first["mailboxes"])
    assert aliases == sorted(b["alias"] for b in second["mailboxes"])
    assert len(first["custom_recipients"]) > 0
