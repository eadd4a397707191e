"""harness.api: the site in code, its misuse errors, the fixtures and the program executables."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

import harness.api as api
from harness.api import ApiError, CcmailPrograms, CcmailSite, ccmail_site
from harness.commands.shim import main as shim_main
from harness.commands.shim import translate
from sim.clock import DEFAULT_EPOCH
from sim.postoffice.postoffice import Postoffice


def digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_every_public_name_is_importable() -> None:
    for name in api.__all__:
        assert getattr(api, name) is not None, name
    assert "internal" in (api.__doc__ or "")


def test_the_same_seed_builds_the_same_site_in_any_folder(tmp_path: Path) -> None:
    with (
        ccmail_site(seed=3, root=tmp_path / "a") as one,
        ccmail_site(seed=3, root=tmp_path / "b") as two,
    ):
        assert digest(one.postoffice) == digest(two.postoffice)
        one.send("to-exchange", 2)
        two.send("to-exchange", 2)
        assert [r.line() for r in one.run("5m")] == [r.line() for r in two.run("5m")]
    with ccmail_site(seed=4, root=tmp_path / "c") as other:
        assert digest(other.postoffice) != digest(tmp_path / "a" / "POSRV" / "CCDATA")


def test_world_fields_shape_the_site(tmp_path: Path) -> None:
    with ccmail_site(root=tmp_path, postoffice={"db": 8, "users": 3, "name": "SALES"}) as site:
        identity = Postoffice(site.postoffice).identity()
        assert (identity.db_version, identity.name) == (8, "SALES")
        assert site.po_name == "SALES"
        assert site.admin_switches.startswith("/NSALES /P")


def test_traffic_starts_with_the_first_run(tmp_path: Path) -> None:
    traffic = {"to_exchange": {"count": 4, "every": "1m"}}
    logging = {"logging": {"inbound": "maximum", "general": "medium"}}
    with ccmail_site(root=tmp_path, traffic=traffic, connector=logging) as site:
        before = len(site.world.ledger)  # the mail already in the mailboxes
        site.run("10m")
        assert len(site.world.ledger) == before + 4
        assert site.conservation().ok
        assert site.now == 600


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: ccmail_site(postoffice={"db": 7}).__enter__(), "world field postoffice.db:"),
        (lambda: ccmail_site(nonsense=1).__enter__(), "world field nonsense:"),
        (lambda: ccmail_site(seed=-1).__enter__(), "seed -1: a whole number from 0 to"),
        (lambda: ccmail_site(seed=2**32).__enter__(), "seed 4294967296"),
    ],
    ids=["bad-db", "unknown-field", "negative-seed", "big-seed"],
)
def test_a_bad_site_is_one_line_api_error(call, message: str) -> None:
    with pytest.raises(ApiError) as caught:
        call()
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_misuse_of_a_site_is_one_line_api_error(ccmail_site: CcmailSite) -> None:
    cases = [
        (lambda: ccmail_site.apply_fault("wrong-po-pasword"), "did you mean 'wrong-po-password'"),
        (lambda: ccmail_site.apply_fault("wrong-po-password", colour=1), "colour"),
        (lambda: ccmail_site.apply_fix("no-such-fix"), "unknown fix 'no-such-fix'"),
        (lambda: ccmail_site.run("ten minutes"), "duration 'ten minutes'"),
        (lambda: ccmail_site.run(-5), "cannot run back in time"),
        (lambda: ccmail_site.send("sideways"), "'to-exchange' or 'to-ccmail'"),  # type: ignore[arg-type]
        (lambda: ccmail_site.send("to-exchange", -1), "a whole number of messages"),
        (lambda: ccmail_site.exec("ANALYZE", "", as_="service"), "use as_='admin'"),
        (lambda: ccmail_site.exec("EXPORT", "", as_="admin"), "the console runs"),
    ]
    for call, message in cases:
        with pytest.raises(ApiError) as caught:
            call()
        assert message in str(caught.value)
        assert "\n" not in str(caught.value)


def test_exec_runs_the_programs_with_their_result_codes(ccmail_site: CcmailSite) -> None:
    site = ccmail_site
    good = site.exec("EXPORT", f"{site.admin_switches} /DIRECTORY /@C:\\dir.txt")
    assert good.code == 0
    assert "Directory exported" in good.output
    wrong = f"/N{site.po_name} /PWRONG /D{site.po_unc} /DIRECTORY /@C:\\dir.txt"
    assert site.exec("EXPORT.EXE", wrong).code == 3  # KB Q166045
    analyze = site.exec("ANALYZE", site.admin_switches)
    assert analyze.code == 0
    assert "No errors found." in analyze.output


def test_events_filter_by_id_source_and_time(ccmail_site: CcmailSite) -> None:
    site = ccmail_site
    site.apply_fault("wrong-po-password", password="OLDPASS")
    first = site.run("5m")
    later = site.run("5m")
    assert {r.event_id for r in first} == {r.event_id for r in later}
    assert site.events(70) == [r for r in site.events() if r.event_id == 70]
    late = site.events(70, since=301)
    assert late
    assert late == [
        r for r in later if r.event_id == 70 and (r.when - DEFAULT_EPOCH).total_seconds() >= 301
    ]
    assert len(site.events(70, since=0)) == len(site.events(70))
    assert site.events(source="NoSuchSource") == []


def test_a_site_under_pyfakefs(fs: object) -> None:
    with ccmail_site(seed=1, root="/fake/site") as site:
        assert str(site.postoffice).startswith("/fake/site")
        site.send("to-ccmail", 2)
        site.run("10m")
        assert site.conservation().ok
        assert site.diagnose() == []


def test_the_shim_reads_the_unc_as_the_post_office() -> None:
    args = ["/NPO1", "/PX", "/D\\\\posrv\\ccdata", "/DIRECTORY", "/@a.txt", "\\\\POSRV\\CCDATA"]
    assert translate(args, "/real/po", "\\\\POSRV\\CCDATA") == [
        "/NPO1", "/PX", "/D/real/po", "/DIRECTORY", "/@a.txt", "/real/po",
    ]  # fmt: skip
    assert shim_main(["NOTEPAD", "x", "y", "z"]) == 2


def test_programs_on_path_meet_the_post_office_state(
    ccmail_site: CcmailSite, ccmail_programs: CcmailPrograms, tmp_path: Path
) -> None:
    site, programs = ccmail_site, ccmail_programs
    listing = tmp_path / "dir.txt"
    export = ["EXPORT", *programs.switches.split(), "/DIRECTORY", f"/@{listing}"]
    done = subprocess.run(export, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout
    assert listing.is_file()
    (site.postoffice / "CCPODOWN").write_text("", encoding="ascii")
    down = subprocess.run(export, capture_output=True, text=True, check=False)
    assert down.returncode == 4  # KB Q282172
    assert "Post office is temporarily shut down." in down.stdout
    (site.postoffice / "CCPODOWN").unlink()
    analyze = subprocess.run(
        ["ANALYZE.EXE", *programs.switches.split()], capture_output=True, text=True, check=False
    )
    assert analyze.returncode == 0, analyze.stdout
    outside = subprocess.run(
        ["EXPORT", *programs.switches.split(), "/DIRECTORY", "/@/etc/ccsim-dir.txt"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert outside.returncode != 0
    assert not Path("/etc/ccsim-dir.txt").exists()
