"""``ccsim diagnose CASE``: a folder or zip as the customer sends it, its pieces found by content.

Every case here is built by hand with known pieces: an Application log under a name
that says nothing, a post office copy and a ``Ccmcdata`` copy in folders named
anything, loose ``.ini`` files, a System log, files that are none of these, links,
and zip members that try to leave the folder or blow up.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness import customer_case
from harness.cli import _build_app
from harness.customer import CustomerFilesError, evidence_from_files, read_case_folder
from harness.customerlog import read_eventlog
from harness.diagnosis import diagnose
from tests.harness.test_customer import DATA, digest, make_po

SYSTEM = "".join(
    f"6/2/98,8:0{n}:00 AM,Service Control Manager,Information,None,7036,N/A,EXSRV1,"
    f"The Messenger service entered the running state.\r\n"
    for n in range(5)
)


def ccsim(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(_build_app(), list(args))
    return result.exit_code, result.stdout, result.stderr


def make_case(root: Path) -> Path:
    """The log as ``from-customer/app.dat``, the PO in ``backup/x``, the store in ``stuff``."""
    (root / "from-customer").mkdir(parents=True)
    shutil.copy(DATA / "event70-only.txt", root / "from-customer" / "app.dat")
    make_po(root / "backup" / "x", p_entry=None)
    for folder in ("Import", "Submit", "Bad"):
        (root / "stuff" / folder).mkdir(parents=True)
    (root / "stuff" / "Import" / "msg0001.ccm").write_text("x")
    (root / "settings.txt").write_bytes(b"[Export]\r\nPostOffice=PO1\r\n")
    (root / "readme.txt").write_text("Hello support, the connector stopped on Monday.\n")
    (root / "sys.log").write_text(SYSTEM, newline="")
    return root


def uses(entries) -> dict[str, str]:
    return {e.file: e.use for e in entries}


def test_a_case_folder_is_read_by_content_like_the_same_files_given_by_option(
    tmp_path: Path,
) -> None:
    case = make_case(tmp_path / "case")
    (case / "passwd").symlink_to("/etc/passwd")
    before = digest(case)
    evidence, inputs, entries = read_case_folder(case)
    assert uses(entries) == {
        "backup/x/": "post office copy",
        "from-customer/app.dat": "event log, diagnosed",
        "passwd": "skipped",
        "readme.txt": "ignored",
        "settings.txt": "connector .ini file",
        "stuff/": "connector store copy",
        "sys.log": "event log, not diagnosed",
    }
    by_name = {e.file: e for e in entries}
    assert by_name["passwd"].why == "a link: not followed"
    assert by_name["readme.txt"].why.startswith("not an event log: expected 9 fields")
    assert by_name["sys.log"].why == "System log, 5 record(s), 0 CCMC"
    assert by_name["backup/x/"].why.endswith("file(s)")
    assert [s.file for s in inputs] == ["from-customer/app.dat"]
    given = evidence_from_files(DATA / "event70-only.txt", case / "backup" / "x", case / "stuff")
    assert evidence.events == given.events
    assert (evidence.po_name, evidence.po_entries) == (given.po_name, given.po_entries)
    assert evidence.ccmcdata == given.ccmcdata == (("Bad", ()), ("Import", ("msg0001.ccm",)),
                                                   ("Submit", ()))  # fmt: skip
    assert [f.cause for f in diagnose(evidence)] == [f.cause for f in diagnose(given)]
    assert digest(case) == before


def _zip(path: Path, build) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        build(archive)
    return path


def test_a_zip_is_unpacked_sealed_and_every_member_named(tmp_path: Path) -> None:
    folder = make_case(tmp_path / "case")

    def build(archive: zipfile.ZipFile) -> None:
        for path in sorted(folder.rglob("*")):  # folders too: the store's are empty
            archive.write(path, path.relative_to(folder).as_posix())
        archive.writestr("../escaped.txt", "out")
        archive.writestr("/abs.txt", "out")
        archive.writestr("C:/windows.txt", "out")
        link = zipfile.ZipInfo("link")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
        archive.writestr(zipfile.ZipInfo("bomb.bin"), b"\0" * (20 << 20), zipfile.ZIP_BZIP2)
        archive.writestr("inner.zip", (tmp_path / "empty.zip").read_bytes())

    _zip(tmp_path / "empty.zip", lambda a: a.writestr("x", "y"))
    case = _zip(tmp_path / "case.zip", build)
    before = case.read_bytes()
    evidence, inputs, entries = read_case_folder(case)
    got = uses(entries)
    assert got["from-customer/app.dat"] == "event log, diagnosed"
    assert got["backup/x/"] == "post office copy"
    assert got["stuff/"] == "connector store copy"
    by_name = {e.file: e.why for e in entries}
    assert by_name["../escaped.txt"] == "named outside the case: not unpacked"
    assert by_name["/abs.txt"] == "named outside the case: not unpacked"
    assert by_name["C:/windows.txt"] == "named outside the case: not unpacked"
    assert by_name["link"] == "a link: not unpacked"
    assert by_name["bomb.bin"].startswith(f"would unpack to {20 << 20} bytes from ")
    assert by_name["inner.zip"].startswith("a zip inside the case: not opened")
    assert evidence.po_name == "PO1"
    assert inputs[0].records == len(read_eventlog(DATA / "event70-only.txt").records) == 21
    assert not (tmp_path / "escaped.txt").exists()
    assert case.read_bytes() == before


def test_a_zip_over_the_member_cap_is_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(customer_case, "MAX_MEMBERS", 3)
    case = _zip(tmp_path / "case.zip", lambda a: [a.writestr(f"f{n}", "x") for n in range(4)])
    with pytest.raises(CustomerFilesError, match=r"case.zip: 4 members \(at most 3\): not opened"):
        read_case_folder(case)


def test_a_zip_over_the_total_cap_stops_at_the_cap(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(customer_case, "MAX_TOTAL", 1000)
    case = _zip(tmp_path / "case.zip", lambda a: a.writestr("big.txt", "x" * 5000))
    with pytest.raises(CustomerFilesError, match="unpacks to more than 1000 bytes"):
        read_case_folder(case)


def test_a_case_with_no_readable_log_is_refused_with_why(tmp_path: Path) -> None:
    (tmp_path / "case").mkdir()
    (tmp_path / "case" / "readme.txt").write_text("hello\n")
    with pytest.raises(CustomerFilesError, match=r"no event log could be read in it \(readme"):
        read_case_folder(tmp_path / "case")


def test_cli_case_folder_json_lists_the_case(tmp_path: Path) -> None:
    case = make_case(tmp_path / "case")
    code, out, err = ccsim("diagnose", str(case), "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert [i["file"] for i in doc["inputs"]] == ["from-customer/app.dat"]
    assert {e["file"]: e["use"] for e in doc["case"]}["readme.txt"] == "ignored"
    assert doc["findings"][0]["cause"] == "dirsync-not-completed"
    code, out, _ = ccsim("diagnose", str(case))
    assert code == 0
    assert "  case case: 6 item(s) found" in out
    assert "  backup/x/: post office copy (9 file(s))" in out
    assert "  sys.log: event log, not diagnosed (System log, 5 record(s), 0 CCMC)" in out


@pytest.mark.parametrize("kind", ["fifo", "link", "neither", "both"])
def test_cli_case_refusals_are_one_line_exit_2(tmp_path: Path, kind: str) -> None:
    case = make_case(tmp_path / "case")
    args = ["diagnose", str(case), "--eventlog", str(DATA / "event70-only.txt")]
    if kind == "fifo":
        os.mkfifo(tmp_path / "pipe")
        args = ["diagnose", str(tmp_path / "pipe")]
    elif kind == "link":
        (tmp_path / "l").symlink_to(case)
        args = ["diagnose", str(tmp_path / "l")]
    elif kind == "neither":
        args = ["diagnose"]
    code, out, err = ccsim(*args)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("ccsim: ")
