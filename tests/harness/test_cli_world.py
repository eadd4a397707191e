"""``ccsim world``: a world in a folder on real disk, driven one command at a time."""

from __future__ import annotations

import fcntl
import hashlib
import json
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness.cli import main
from harness.commands.world import SEND_MAX
from harness.model_checks import MAX_TOTAL_MESSAGES

WRONG_PASSWORD = "q166045-wrong-password"
EXPORT_AS_PAGE = "/NPO1 /POLDPASS /D\\\\POSRV\\CCDATA /BATCH"


def ccsim(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main([str(a) for a in args])
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err


def ok(capsys: pytest.CaptureFixture[str], *args: str | Path) -> str:
    code, out, err = ccsim(capsys, *args)
    assert code == 0, err
    return out


def refused(capsys: pytest.CaptureFixture[str], *args: str | Path) -> str:
    """Exit 2, nothing on stdout, one line on stderr; returns the line."""
    code, out, err = ccsim(capsys, *args)
    assert (code, out) == (2, ""), err
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in err
    return err.strip()


def _ids(capsys: pytest.CaptureFixture[str], world: Path, *extra: str) -> list[int]:
    out = ok(capsys, "world", "events", world, *extra)
    return [int(line.split()[4].rstrip(":")) for line in out.splitlines() if line]


def test_worked_session_wrong_password_fixed_by_hand(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    w = tmp_path / "case"
    ok(capsys, "world", "new", w, "--from", WRONG_PASSWORD, "--seed", "3")
    assert (w / "world" / "POSRV" / "CCDATA").is_dir()  # plain files stay plain
    assert "Running" in ok(capsys, "world", "service", w, "start")
    assert "Event 70 x" in ok(capsys, "world", "run", w, "30m")
    assert 70 in _ids(capsys, w)
    code, out, _ = ccsim(
        capsys, "world", "exec", w, "--as", "service", "--", "EXPORT", EXPORT_AS_PAGE
    )
    assert code == 3
    assert "Invalid post office password." in out
    assert "postoffice.password = OLDPASS" in ok(capsys, "world", "get", w, "postoffice.password")
    ok(capsys, "world", "set", w, "postoffice.password=SECRET")
    ok(capsys, "world", "service", w, "restart")
    ok(capsys, "world", "send", w, "--to-exchange", "3", "--to-ccmail", "2")
    summary = ok(capsys, "world", "run", w, "30m")
    assert 70 not in _ids(capsys, w, "--since", "31m")
    assert 14031 in _ids(capsys, w, "--since", "31m")  # dirsync completes
    moved = summary.split("; ")[1]
    assert not moved.startswith("0 to Exchange"), summary
    assert "0 to cc:Mail" not in moved, summary
    status = ok(capsys, "world", "status", w)
    assert "MSExchangeCCMC Running" in status
    assert "all 45 messages accounted for" in status


def _session(capsys: pytest.CaptureFixture[str], w: Path) -> None:
    ok(capsys, "world", "new", w, "--from", WRONG_PASSWORD, "--seed", "7")
    ok(capsys, "world", "service", w, "start")
    ok(capsys, "world", "run", w, "20m")
    ok(capsys, "world", "set", w, "postoffice.password=SECRET", "logging.inbound=maximum")
    ok(capsys, "world", "service", w, "restart")
    ok(capsys, "world", "send", w, "--to-exchange", "2", "--to-ccmail", "2")
    ok(capsys, "world", "run", w, "25m")


def test_same_commands_give_byte_identical_state_in_any_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    a, b = tmp_path / "a", tmp_path / "deeper" / "other name"
    _session(capsys, a)
    _session(capsys, b)
    for name in ("world.json", "exchange.json"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert str(tmp_path) not in (a / "world.json").read_text(encoding="utf-8")
    ok(capsys, "world", "save", a, tmp_path / "a.ccworld")
    ok(capsys, "world", "save", b, tmp_path / "b.ccworld")
    assert (tmp_path / "a.ccworld").read_bytes() == (tmp_path / "b.ccworld").read_bytes()


def test_a_world_on_disk_behaves_as_the_same_world_kept_in_memory(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Saving and reopening between commands loses nothing: the logs match record for record."""
    from harness.loader import load_scenario
    from harness.worldstore import session

    w = tmp_path / "w"
    _session(capsys, w)
    scenario = load_scenario(session.find_scenario(WRONG_PASSWORD))
    site = session.build_world(scenario, 7, tmp_path / "mem")
    site.service.start()
    site.world.clock.advance(20 * 60)
    from harness.worldstore.keys import set_value

    set_value(site, "postoffice.password", "SECRET")
    set_value(site, "logging.inbound", "maximum")
    site.service.restart()
    site.send("to-exchange", 2)
    site.send("to-ccmail", 2)
    site.world.clock.advance(25 * 60)
    on_disk = ok(capsys, "world", "events", w).splitlines()
    assert on_disk == [r.line() for r in site.world.eventlog.records]
    assert json.loads((w / "world.json").read_text())["state"]["service"]["counters"] == {
        k: getattr(site.service.counters, k)
        for k in json.loads((w / "world.json").read_text())["state"]["service"]["counters"]
    }


def test_save_load_continues_identically(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    a = tmp_path / "a"
    _session(capsys, a)
    saved = tmp_path / "case.ccworld"
    ok(capsys, "world", "save", a, saved)
    b = tmp_path / "elsewhere" / "b"
    ok(capsys, "world", "load", saved, b)
    for w in (a, b):
        ok(capsys, "world", "send", w, "--to-exchange", "1")
        ok(capsys, "world", "run", w, "40m")
    assert (a / "world.json").read_bytes() == (b / "world.json").read_bytes()
    assert ok(capsys, "world", "events", a) == ok(capsys, "world", "events", b)
    with zipfile.ZipFile(saved) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert manifest["seed"] == 7
    assert "world.json" in manifest["files"]


def _tamper(src: Path, dst: Path, name: str, data: bytes) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, data if info.filename == name else zin.read(info))


def test_a_bad_saved_world_is_refused_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    w = tmp_path / "w"
    ok(capsys, "world", "new", w)
    saved = tmp_path / "w.ccworld"
    ok(capsys, "world", "save", w, saved)
    bad = tmp_path / "bad.ccworld"
    _tamper(saved, bad, "world.json", b"{}")
    assert "world.json" in refused(capsys, "world", "load", bad, tmp_path / "x1")
    assert not (tmp_path / "x1").exists()  # nothing written before every digest is checked
    escape = tmp_path / "escape.ccworld"
    with zipfile.ZipFile(saved) as zin, zipfile.ZipFile(escape, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
        zout.writestr("../outside.txt", b"x")
    assert "outside the world folder" in refused(capsys, "world", "load", escape, tmp_path / "x2")
    assert not (tmp_path / "outside.txt").exists()
    (tmp_path / "junk.ccworld").write_bytes(b"not a zip")
    assert "not a zip" in refused(
        capsys, "world", "load", tmp_path / "junk.ccworld", tmp_path / "x3"
    )
    assert "not an empty folder" in refused(capsys, "world", "load", saved, w)


def _with_state(src: Path, dst: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    """A saved world whose state is edited and whose manifest is made to match (digests
    prove the file is whole, not that its contents are sound)."""
    with zipfile.ZipFile(src) as zin:
        manifest = json.loads(zin.read("manifest.json"))
        doc = json.loads(zin.read("world.json"))
        edit(doc["state"])
        data = json.dumps(doc).encode()
        manifest["files"]["world.json"] = {
            "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data),
        }
        with zipfile.ZipFile(dst, "w") as zout:
            for info in zin.infolist():
                member = {"manifest.json": json.dumps(manifest).encode(), "world.json": data}
                zout.writestr(info, member.get(info.filename) or zin.read(info))


def _share(state: dict[str, Any], value: str) -> None:
    state["access"]["shares"][0]["path"] = value


@pytest.mark.parametrize(
    ("edit", "why"),
    [
        (lambda s: _share(s, "../../../outside"), "'../../../outside' leaves the world"),
        (lambda s: _share(s, "/tmp/outside"), "'/tmp/outside' leaves the world"),
        (lambda s: s["site"].update(std_po="../../outside"), "'../../outside' leaves the world"),
        (
            lambda s: s["service"]["store"].update(path="C:\\..\\..\\..\\outside"),
            "leaves its volume",
        ),
    ],
    ids=["share-up", "share-absolute", "users-post-office", "store"],
)
def test_a_saved_world_whose_state_leaves_the_world_is_refused_at_load(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    edit: Callable[[dict[str, Any]], None],
    why: str,
) -> None:
    """Every digest of such a file checks out; the state itself names a place outside
    the world. Before, load took it and a later command failed as an internal error (or
    wrote where the share pointed); now load opens the world once and refuses it, and
    leaves no folder behind."""
    w = tmp_path / "w"
    ok(capsys, "world", "new", w)
    saved = tmp_path / "w.ccworld"
    ok(capsys, "world", "save", w, saved)
    bad = tmp_path / "bad.ccworld"
    _with_state(saved, bad, edit)
    assert why in refused(capsys, "world", "load", bad, tmp_path / "x")
    assert not (tmp_path / "x").exists()
    ok(capsys, "world", "load", saved, tmp_path / "y")  # the untouched file still loads


def test_bad_input_to_each_subcommand_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing, plain = tmp_path / "nope", tmp_path / "plain"
    plain.mkdir()
    for sub in ("status", "events", "diagnose", "get"):
        assert "no such folder" in refused(capsys, "world", sub, missing)
        assert "not a world" in refused(capsys, "world", sub, plain)
    assert "not a world" in refused(capsys, "world", "run", plain, "10m")
    assert "not a world" in refused(capsys, "world", "service", plain, "start")
    assert "not a world" in refused(capsys, "world", "send", plain, "--to-ccmail", "1")
    assert "not a world" in refused(capsys, "world", "exec", plain, "--", "EXPORT", "/BATCH")
    assert "not a world" in refused(capsys, "world", "set", plain, "a=b")
    assert "not a world" in refused(capsys, "world", "save", plain, tmp_path / "p.ccworld")
    w = tmp_path / "w"
    ok(capsys, "world", "new", w)
    assert "not an empty folder" in refused(capsys, "world", "new", w)
    assert "no scenario" in refused(capsys, "world", "new", tmp_path / "n", "--from", "nothing")
    assert "DURATION" in refused(capsys, "world", "run", w, "soon")
    assert "restart" in refused(capsys, "world", "service", w, "pause")
    assert "--to-exchange" in refused(capsys, "world", "send", w)
    assert SEND_MAX == MAX_TOTAL_MESSAGES
    for option in ("--to-exchange", "--to-ccmail"):  # one command is bounded in time
        assert "10000" in refused(capsys, "world", "send", w, option, "99999999")
    assert "unknown program" in refused(capsys, "world", "exec", w, "--", "FORMAT", "C:")
    line = refused(capsys, "world", "set", w, "dirsync.schedul=Never")
    assert "did you mean dirsync.schedule?" in line
    assert "Always" in refused(capsys, "world", "set", w, "dirsync.schedule=Sometimes")
    assert "KEY=VALUE" in refused(capsys, "world", "set", w, "postoffice.name")
    assert "did you mean" in refused(capsys, "world", "get", w, "registry.Use AN")
    state = (w / "world.json").read_text(encoding="utf-8")
    (w / "world.json").write_text(state.replace('"version": 1', '"version": 99'), encoding="utf-8")
    assert "version 99 is not supported" in refused(capsys, "world", "status", w)
    (w / "world.json").write_text(state[: len(state) // 2], encoding="utf-8")
    assert "world.json:" in refused(capsys, "world", "status", w)
    (w / "world.json").write_text(state.replace('"now": 0.0', '"now": "x"'), encoding="utf-8")
    assert "bad state" in refused(capsys, "world", "run", w, "1m")


@pytest.mark.parametrize(
    ("key", "value", "why"),
    [
        ("registry.Connector Store Path", "C:\\..\\..\\..\\tmp\\x", "leaves its volume"),
        ("exchange.install_path", "/tmp/evil", "leaves the world"),
        ("system.path", "C:\\WINNT;C:\\..\\..\\..\\usr\\bin", "leaves its volume"),
    ],
)
def test_a_path_value_outside_the_world_is_refused_and_the_world_still_works(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, key: str, value: str, why: str
) -> None:
    """A path typed into a page or the registry goes through the path jail when it is
    set: before, the store path was kept and every later command on the world failed
    ('bad state'), and a PATH entry that left its volume made ``world run`` an internal
    error."""
    w = tmp_path / "w"
    ok(capsys, "world", "new", w)
    before = ok(capsys, "world", "get", w, key)
    assert why in refused(capsys, "world", "set", w, f"{key}={value}")
    assert ok(capsys, "world", "get", w, key) == before
    ok(capsys, "world", "service", w, "start")
    ok(capsys, "world", "run", w, "2m")


def test_an_output_that_cannot_be_written_is_refused_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Export, save and load name the path they cannot write, exit 2, and leave no temp file."""
    w, saved = tmp_path / "w", tmp_path / "w.ccworld"
    ok(capsys, "world", "new", w)
    ok(capsys, "world", "save", w, saved)
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    # /proc refuses new files even to root; a file is not a folder; a folder that is not there
    for where in (Path("/proc/ccsim-x"), a_file / "x", tmp_path / "none" / "x"):
        for suffix in (".evt", ".csv", ".txt"):
            line = refused(capsys, "world", "events", w, "--export", f"{where}{suffix}")
            assert f" {where}{suffix}: cannot write: " in line
        line = refused(capsys, "world", "save", w, f"{where}.ccworld")
        assert line.startswith(f"ccsim: {where}.ccworld: cannot write: ")
        if where.parent.exists():  # load makes a missing parent, as mkdir -p
            assert str(where) in refused(capsys, "world", "load", saved, where)
    assert "inside the input" in refused(capsys, "world", "events", w, "--export", w / "x.evt")
    assert "inside the world folder" in refused(capsys, "world", "load", saved, w / "x")
    assert not (w / "x").exists()
    assert "loaded" in ok(capsys, "world", "load", saved, tmp_path / "none" / "x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "none", "w", "w.ccworld"]


def test_a_second_command_on_a_locked_world_stops_at_once(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    w = tmp_path / "w"
    ok(capsys, "world", "new", w)
    before = (w / "world.json").read_bytes()
    with (w / "world.lock").open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        assert "another ccsim command" in refused(capsys, "world", "run", w, "10m")
    assert (w / "world.json").read_bytes() == before
    ok(capsys, "world", "run", w, "10m")
    assert (w / "world.json").read_bytes() != before


@pytest.mark.parametrize(
    ("change", "cause"),
    [
        (("set", "postoffice.password=WRONG"), "po-settings-invalid"),
        (("set", "share.\\\\POSRV\\CCDATA=No Access"), "po-access-denied"),
        (("touch", "CCPODOWN"), "po-shut-down"),
    ],
)
def test_a_world_broken_by_hand_is_diagnosed_like_a_fault(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, change: tuple[str, str], cause: str
) -> None:
    w = tmp_path / "w"
    ok(capsys, "world", "new", w, "--from", "healthy")
    ok(capsys, "world", "service", w, "start")
    ok(capsys, "world", "run", w, "20m")
    healthy = ok(capsys, "world", "diagnose", w)
    assert "1. " not in healthy
    assert healthy.startswith(f"Read:\n  world {w}: the Application log (")
    if change[0] == "set":
        ok(capsys, "world", "set", w, change[1])
    else:
        (w / "world" / "POSRV" / "CCDATA" / change[1]).write_bytes(b"")  # by hand, a text editor
    ok(capsys, "world", "service", w, "restart")
    ok(capsys, "world", "run", w, "30m")
    assert f"1. {cause}:" in ok(capsys, "world", "diagnose", w)


def test_the_installed_command_runs_a_world_in_fresh_processes(tmp_path: Path) -> None:
    exe = [sys.executable, "-m", "harness.cli", "world"]
    w = tmp_path / "w"
    for args in (["new", str(w), "--from", WRONG_PASSWORD], ["service", str(w), "start"]):
        subprocess.run([*exe, *args], check=True, capture_output=True)
    done = subprocess.run([*exe, "run", str(w), "10m"], capture_output=True, text=True)
    assert done.returncode == 0
    assert "Event 70 x" in done.stdout
    bad = subprocess.run([*exe, "status", str(tmp_path)], capture_output=True, text=True)
    assert bad.returncode == 2
    assert len(bad.stderr.splitlines()) == 1
