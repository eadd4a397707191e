"""``ccsim world exec`` with cc:Mail ADMIN and SETUP, and the read-only keys of the server."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.harness.test_cli_world import ccsim, ok, refused

PO = "/NPO1 /PSECRET /D\\\\POSRV\\CCDATA"


def test_admin_and_setup_change_the_world_they_run_in(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    w = tmp_path / "w"
    ok(capsys, "world", "new", w)
    assert ok(capsys, "world", "get", w, "network.gsnw").strip() == "network.gsnw = Not installed"
    out = ok(capsys, "world", "exec", w, "--as", "admin", "--", "SETUP", "GSNW")
    assert out.rstrip().endswith("SETUP completed successfully.")
    assert ok(capsys, "world", "get", w, "network.gsnw").strip() == "network.gsnw = Installed"
    out = ok(capsys, "world", "exec", w, "--as", "console", "--", "ADMIN", f"{PO} RENAME PO9")
    assert "Post office PO1 renamed PO9." in out
    assert "post office  PO9 at \\\\POSRV\\CCDATA" in ok(capsys, "world", "status", w)
    code, out, _ = ccsim(capsys, "world", "exec", w, "--as", "console", "--", "ADMIN", f"{PO} LIST")
    assert code == 3  # the old name no longer logs in
    assert "Invalid post office name or password." in out
    code, out, _ = ccsim(capsys, "world", "exec", w, "--as", "admin", "--", "SETUP", "IE99")
    assert (code, "No kit named IE99." in out) == (1, True)


def test_bad_input_to_the_tools_exits_2_with_one_line_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing, plain = tmp_path / "nope", tmp_path / "plain"
    plain.mkdir()
    for where, said in ((missing, "no such folder"), (plain, "not a world")):
        assert said in refused(capsys, "world", "exec", where, "--as", "admin", "--", "SETUP")
        assert said in refused(capsys, "world", "exec", where, "--as", "console", "--", "ADMIN")
    w = tmp_path / "w"
    ok(capsys, "world", "new", w)
    before = (w / "world.json").read_bytes()
    assert "--as admin" in refused(capsys, "world", "exec", w, "--", "SETUP", "GSNW")
    line = refused(capsys, "world", "exec", w, "--as", "console", "--", "SETUP", "GSNW")
    assert "--as admin" in line
    assert "--as admin is for SETUP" in refused(
        capsys, "world", "exec", w, "--as", "admin", "--", "EXPORT", "/?"
    )
    assert "--as console" in refused(capsys, "world", "exec", w, "--", "ADMIN", f"{PO} LIST")
    assert "service, console or admin" in refused(
        capsys, "world", "exec", w, "--as", "root", "--", "SETUP", "GSNW"
    )
    for key, kit in (("system.servicepack", "SP4I386"), ("network.gsnw", "GSNW")):
        assert f"SETUP {kit}" in refused(capsys, "world", "set", w, f"{key}=4")
    assert "did you mean system.servicepack?" in refused(
        capsys, "world", "get", w, "system.servicepak"
    )
    assert (w / "world.json").read_bytes() == before
    (w / "world.json").write_bytes(before[: len(before) // 2])
    assert "world.json:" in refused(capsys, "world", "exec", w, "--as", "admin", "--", "SETUP")
