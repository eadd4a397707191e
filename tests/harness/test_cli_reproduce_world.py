"""``ccsim reproduce --world FILE.ccworld``: the customer's case as a saved world."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.harness.test_cli_world import _ids, ccsim, ok, refused

LOG = Path(__file__).parent.parent / "data" / "eventlogs" / "event70-only.txt"
EXPORT = "/NPO1 /POLDPASS /D\\\\POSRV\\CCDATA /DIRECTORY /@C:\\dir.txt /BATCH"


def _reproduce(capsys: pytest.CaptureFixture[str], folder: Path, *extra: str | Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    scenario, world = folder / "case.scenario.yaml", folder / "case.ccworld"
    return ok(capsys, "reproduce", "--eventlog", LOG, "-o", scenario, "--world", world, *extra)


def test_the_reproduced_case_opens_as_a_world_that_fails_like_the_customer(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    said = _reproduce(capsys, tmp_path / "out")
    saved = tmp_path / "out" / "case.ccworld"
    assert f"wrote {saved}: the case as a world" in said
    assert (tmp_path / "out" / "case.scenario.yaml").is_file()
    w = tmp_path / "colleague" / "w"
    ok(capsys, "world", "load", saved, w)
    assert "world        case-event70-only (seed 0)" in ok(capsys, "world", "status", w)
    assert ok(capsys, "world", "get", w, "postoffice.password").strip().endswith("OLDPASS")
    ok(capsys, "world", "service", w, "start")
    ok(capsys, "world", "run", w, "30m")
    assert 70 in _ids(capsys, w)  # the customer's Event 70, reproduced
    code, out, _ = ccsim(capsys, "world", "exec", w, "--as", "service", "--", "EXPORT", EXPORT)
    assert code == 3, out
    ok(capsys, "world", "set", w, "postoffice.password=SECRET")
    ok(capsys, "world", "service", w, "restart")
    ok(capsys, "world", "run", w, "30m")
    assert 70 not in _ids(capsys, w, "--since", "31m")


def test_the_saved_world_is_the_same_bytes_from_any_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _reproduce(capsys, tmp_path / "a")
    _reproduce(capsys, tmp_path / "b" / "deeper")
    a = (tmp_path / "a" / "case.ccworld").read_bytes()
    assert a == (tmp_path / "b" / "deeper" / "case.ccworld").read_bytes()
    assert str(tmp_path).encode() not in a


def test_a_bad_world_target_is_refused_before_anything_is_written(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    scenario = tmp_path / "case.scenario.yaml"
    args = ("reproduce", "--eventlog", LOG, "-o", scenario, "--world")
    assert "must end in .ccworld" in refused(capsys, *args, tmp_path / "case.zip")
    assert "no such folder" in refused(capsys, *args, tmp_path / "nowhere" / "c.ccworld")
    log = tmp_path / "customer.ccworld"  # a customer log that happens to have that name
    log.write_bytes(LOG.read_bytes())
    line = refused(capsys, "reproduce", "--eventlog", log, "-o", scenario, "--world", log)
    assert "is the input" in line
    assert "may not overwrite an input" in line
    assert log.read_bytes() == LOG.read_bytes()
    assert not scenario.exists()
    taken = tmp_path / "taken.ccworld"
    taken.write_bytes(b"a colleague's world")
    assert "exists (use --force" in refused(capsys, *args, taken)
    assert taken.read_bytes() == b"a colleague's world"
    assert not scenario.exists()
    ok(capsys, *args, taken, "--force")
    assert taken.read_bytes().startswith(b"PK")
