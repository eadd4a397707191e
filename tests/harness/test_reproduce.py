"""``ccsim reproduce``: a customer's case becomes a scenario that validates and runs green."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

import harness.reproduce
from harness.cli import _build_app
from harness.customer import evidence_from_files
from harness.damage import break_chain, fragment
from harness.diagnosis import Finding
from harness.loader import load_scenario
from harness.reproduce import ReproduceError, reproducer_for
from harness.runner import run_file
from sim.postoffice.layout import Location
from sim.postoffice.postoffice import Postoffice

DATA = Path(__file__).parent.parent / "data" / "eventlogs"


def ccsim(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(_build_app(), list(args))
    return result.exit_code, result.stdout, result.stderr


def make_po(path: Path, *, p_entry: bool = True) -> Path:
    po = Postoffice.create(path, name="PO1", password="SECRET")
    po.add_entry("Smith, Fred", Location.LOCAL)
    if p_entry:
        po.add_entry("HQ", Location.POST_OFFICE, comments="MSExchangeCCMC EXSRV1")
    return path


def damaged(path: Path) -> Path:
    break_chain(Postoffice(make_po(path)))
    return path


def fragmented(path: Path) -> Path:
    fragment(Postoffice(make_po(path)))
    return path


def without_p_entry(path: Path) -> Path:
    return make_po(path, p_entry=False)


@dataclass(frozen=True)
class Case:
    log: str
    postoffice: Callable[[Path], Path] | None
    cause: str
    fault: str
    events: tuple[int, ...]
    fix: str


CASES = {
    "plain-70": Case("event70-only.txt", None, "po-settings-invalid", "wrong-po-password",
                     (70,), "correct-po-settings"),
    "first-dirsync-clears": Case("first-dirsync-clears.txt", None, "dirsync-not-completed",
                                 "fresh-connector", (70, 14031), "advance"),
    "outbound-only": Case("outbound-only.txt", None, "po-access-denied",
                          "netware-missing-rights", (59, 67), "grant-access"),
    "no-p-entry": Case("event70-only.txt", without_p_entry, "dirsync-not-completed",
                       "fresh-connector", (70,), "run-dirsync"),
    "damaged": Case("event70-only.txt", damaged, "po-damaged", "damage-postoffice", (70,),
                    "repair-postoffice"),
    "fragmented": Case("event70-only.txt", fragmented, "po-damaged", "fragment-postoffice",
                       (70,), "repair-postoffice"),
}  # fmt: skip


def reproduce(case: Case, tmp_path: Path, *extra: str) -> tuple[int, Path, str, str]:
    out = tmp_path / "case.scenario.yaml"
    args = ["reproduce", "--eventlog", str(DATA / case.log), "-o", str(out), *extra]
    if case.postoffice is not None:
        po = case.postoffice(tmp_path / "po")
        args += ["--postoffice", str(po), "--po-password", "SECRET"]
    code, stdout, stderr = ccsim(*args)
    return code, out, stdout, stderr


@pytest.mark.parametrize("name", CASES)
def test_reproduce_then_validate_then_run(name: str, tmp_path: Path) -> None:
    """The written file validates, runs green, and carries the cause, fault, events and fix."""
    case = CASES[name]
    code, out, stdout, stderr = reproduce(case, tmp_path)
    assert code == 0, stderr
    assert stdout == f"wrote {out}: reproduces {case.cause} (check it: ccsim run {out})\n"
    assert ccsim("validate", str(out))[:2] == (0, f"{out}: ok\n")
    scenario = load_scenario(out)
    assert scenario.cause == case.cause
    assert scenario.diagnose == [case.cause]
    assert [use.name for use in scenario.faults] == [case.fault]
    assert [(e.id, e.min) for e in scenario.expect.events] == [(n, 1) for n in case.events]
    fixes = [getattr(item, "name", None) or next(iter(type(item).model_fields)) for item in
             scenario.fix]  # fmt: skip
    assert fixes == [case.fix]
    result = run_file(out, root=tmp_path / "run")
    assert result.passed, "\n".join(result.failures)


def test_header_names_the_log_and_the_finding(tmp_path: Path) -> None:
    code, out, _, _ = reproduce(CASES["plain-70"], tmp_path)
    assert code == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    log = DATA / "event70-only.txt"
    assert lines[0] == f"# Reproduces a customer case; written by `ccsim reproduce` from {log}"
    assert lines[1].startswith("# event70-only.txt: NT Event Viewer comma-delimited text")
    assert lines[2] == "# Top finding: po-settings-invalid (score 0.50, Q166045)"
    assert lines[3].startswith("#   06/02/1998 08:00:00 MSExchangeCCMC Error 70: Lotus cc:Mail")
    assert any(line.startswith("# Next check: Compare Name/Password/Path") for line in lines)
    assert any(line.startswith("# Ranked next: dirsync-not-completed 0.45") for line in lines)
    assert any(line.startswith("# Fault: wrong-po-password.") for line in lines)
    assert "id: case-event70-only" in lines


def test_customer_names_carried_into_the_world(tmp_path: Path) -> None:
    code, out, _, _ = reproduce(CASES["damaged"], tmp_path)
    assert code == 0
    world = load_scenario(out).world
    assert world.postoffice.name == "PO1"
    assert (world.exchange.server, world.exchange.site) == ("EXSRV1", "HQ")


def test_same_log_same_bytes(tmp_path: Path) -> None:
    case = CASES["outbound-only"]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert reproduce(case, tmp_path / "a")[0] == 0
    assert reproduce(case, tmp_path / "b")[0] == 0
    first = (tmp_path / "a" / "case.scenario.yaml").read_bytes()
    assert first == (tmp_path / "b" / "case.scenario.yaml").read_bytes()


def test_existing_file_is_not_overwritten_without_force(tmp_path: Path) -> None:
    out = tmp_path / "case.scenario.yaml"
    out.write_text("# mine\n")
    code, _, _, stderr = reproduce(CASES["plain-70"], tmp_path)
    assert code == 2
    assert stderr == f"ccsim: {out} exists: not overwritten (use --force)\n"
    assert out.read_text() == "# mine\n"
    code, _, _, _ = reproduce(CASES["plain-70"], tmp_path, "--force")
    assert code == 0
    assert out.read_text(encoding="utf-8").startswith("# Reproduces a customer case")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.scenario.yaml"]


def test_output_must_be_a_scenario_file(tmp_path: Path) -> None:
    out = tmp_path / "case.yaml"
    code, _, stderr = ccsim(
        "reproduce", "--eventlog", str(DATA / "event70-only.txt"), "-o", str(out)
    )
    assert code == 2
    assert stderr == f"ccsim: {out}: name the output *.scenario.yaml\n"
    assert not out.exists()


def test_unwritable_output_exits_2(tmp_path: Path) -> None:
    out = tmp_path / "missing" / "case.scenario.yaml"
    code, _, stderr = ccsim(
        "reproduce", "--eventlog", str(DATA / "event70-only.txt"), "-o", str(out)
    )
    assert code == 2
    assert stderr.startswith(f"ccsim: {out}: cannot write")
    assert len(stderr.splitlines()) == 1


def test_nothing_to_reproduce_in_a_healthy_log(tmp_path: Path) -> None:
    out = tmp_path / "case.scenario.yaml"
    code, _, stderr = ccsim("reproduce", "--eventlog", str(DATA / "healthy.txt"), "-o", str(out))
    assert code == 2
    assert "no finding to reproduce" in stderr
    assert not out.exists()


def test_malformed_log_exits_2_with_file_and_line(tmp_path: Path) -> None:
    bad = DATA / "bad" / "bad-type.txt"
    code, _, stderr = ccsim(
        "reproduce", "--eventlog", str(bad), "-o", str(tmp_path / "x.scenario.yaml")
    )
    assert code == 2
    assert stderr.startswith(f"ccsim: {bad}:1: unknown event type 'Fatal'")


@pytest.fixture
def empty_catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No catalogue scenario to use as a template."""
    empty = tmp_path / "empty-catalogue"
    empty.mkdir()
    monkeypatch.setattr(harness.reproduce, "catalogue_dir", lambda: empty)
    return empty


@pytest.mark.usefixtures("empty_catalogue")
def test_cause_without_a_fault_names_the_cause() -> None:
    ev = evidence_from_files(DATA / "thread-dies.txt")
    finding = Finding("corrupt-message", 0.7, ("85",), "Q176375", "remove the message")
    with pytest.raises(
        ReproduceError, match=r"cause 'corrupt-message' \(§8 row 12\) has no catalogue scenario"
    ):
        reproducer_for(finding, ev)


@pytest.mark.usefixtures("empty_catalogue")
def test_cli_exits_2_naming_a_cause_without_a_fault(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "case.scenario.yaml"
    code, _, stderr = ccsim(
        "reproduce", "--eventlog", str(DATA / "event70-only.txt"), "-o", str(out)
    )
    assert code == 2
    assert stderr.startswith(
        "ccsim: cause 'po-settings-invalid' (§8 row 1) has no catalogue scenario"
    )
    assert not out.exists()


def test_other_causes_use_the_first_catalogue_scenario_as_template(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first catalogue scenario for the cause is used as written when the one the cause
    module would pick is not there."""
    catalogue = tmp_path / "catalogue"
    catalogue.mkdir()
    source = Path(__file__).parents[2] / "scenarios" / "q166045-wrong-password.scenario.yaml"
    shutil.copy(source, catalogue / "b.scenario.yaml")
    (catalogue / "a.scenario.yaml").write_text("cause: healthy\n")  # another cause: passed over
    monkeypatch.setattr(harness.reproduce, "catalogue_dir", lambda: catalogue)
    out = tmp_path / "case.scenario.yaml"
    code, _, stderr = ccsim(
        "reproduce", "--eventlog", str(DATA / "event70-only.txt"), "-o", str(out)
    )
    assert code == 0, stderr
    text = out.read_text(encoding="utf-8")
    assert "# Fault: wrong-po-password. From the catalogue scenario b.scenario.yaml:" in text
    scenario, template = load_scenario(out), load_scenario(source)
    assert scenario.id == "case-event70-only"
    assert scenario.world == template.world
    assert scenario.faults == template.faults
    assert scenario.fix == template.fix
    assert [(e.id, e.min, e.max) for e in scenario.expect.events] == [(70, 1, None)]
    assert scenario.expect.queues == template.expect.queues
    assert run_file(out, root=tmp_path / "run").passed


def test_a_broken_template_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    catalogue = tmp_path / "catalogue"
    catalogue.mkdir()
    (catalogue / "x.scenario.yaml").write_text("id: x\ncause: po-settings-invalid\n")
    monkeypatch.setattr(harness.reproduce, "catalogue_dir", lambda: catalogue)
    out = tmp_path / "case.scenario.yaml"
    code, _, stderr = ccsim(
        "reproduce", "--eventlog", str(DATA / "event70-only.txt"), "-o", str(out)
    )
    assert code == 2
    assert stderr.startswith(
        "ccsim: cause 'po-settings-invalid' (§8 row 1): its catalogue scenario x.scenario.yaml "
        "does not load"
    )
    assert len(stderr.splitlines()) == 1
    assert not out.exists()


def test_thread_dying_reproduced_from_the_catalogue_scenario(tmp_path: Path) -> None:
    """corrupt-message has no reproducer here: its catalogue scenario is the template."""
    out = tmp_path / "case.scenario.yaml"
    code, _, stderr = ccsim(
        "reproduce", "--eventlog", str(DATA / "thread-dies.txt"), "-o", str(out)
    )
    assert code == 0, stderr
    text = out.read_text(encoding="utf-8")
    assert "# Top finding: corrupt-message (score 0.40," in text
    assert "From the catalogue scenario q212759-corrupt-message.scenario.yaml" in text
    assert "# The log shows none of the template's expected events (the log's: 67, 85, 86)" in text
    assert load_scenario(out).cause == "corrupt-message"
    assert run_file(out, root=tmp_path / "run").passed
