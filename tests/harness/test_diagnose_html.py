"""``ccsim diagnose --html``: the customer's case as one page, the log untrusted."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

from typer.testing import CliRunner

from harness.cli import _build_app
from harness.customer import evidence_from_files
from harness.customerlog import read_eventlog
from harness.diagnosis import diagnose

DATA = Path(__file__).parent.parent / "data" / "eventlogs"
NS = {"s": "http://www.w3.org/2000/svg"}


def ccsim(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(_build_app(), list(args))
    return result.exit_code, result.stdout, result.stderr


def svg(page: str) -> ET.Element:
    match = re.search(r"<svg .*?</svg>", page, re.S)
    assert match is not None
    return ET.fromstring(match.group(0))


def test_page_holds_timeline_inputs_findings(tmp_path: Path) -> None:
    log = DATA / "first-dirsync-log-ends.txt"
    out = tmp_path / "case.html"
    code, stdout, _ = ccsim("diagnose", "--eventlog", str(log), "--html", str(out))
    assert code == 0
    assert "dirsync-not-completed" in stdout  # the terminal output is unchanged
    page = out.read_text(encoding="utf-8")
    evidence = evidence_from_files(log)
    findings = diagnose(evidence)
    root = svg(page)
    lanes = {
        int(g.get("data-event", "")): int(g.get("data-count", ""))
        for g in root.iterfind("s:g[@class='lane']", NS)
    }
    assert lanes == dict(Counter(r.event_id for r in evidence.events))
    quoted = {q for f in findings for q in f.evidence}
    want = {r.record_number for r in evidence.events if r.line() in quoted}
    marked = {int(p.get("data-record", "")) for p in root.iterfind("s:path[@class='quoted']", NS)}
    assert marked == want
    assert want  # the last Event 70 and the first 14031 are quoted
    assert "What was read" in page
    for note in evidence.notes:
        assert note.split(":")[0] in page
    for rank, f in enumerate(findings, 1):
        assert f'id="finding-{rank}"' in page
        assert f.fix.replace("'", "&#x27;").replace('"', "&quot;") in page
    assert "<script" not in page


def test_hostile_log_is_escaped(tmp_path: Path) -> None:
    source = (DATA / "event70-only.txt").read_text(encoding="utf-8")
    line = next(x for x in source.splitlines() if ",70," in x)
    evil = line.replace("Lotus", "<script>alert(1)</script> & \\\"q\\\" '\x01\x1b'")
    log = tmp_path / "evil.txt"
    log.write_text(source + evil + "\n", encoding="utf-8")
    read_eventlog(log)  # still a readable log
    out = tmp_path / "evil.html"
    code, _, err = ccsim("diagnose", "--eventlog", str(log), "--html", str(out))
    assert code == 0, err
    page = out.read_text(encoding="utf-8")
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "\x01" not in page
    assert "\x1b" not in page
    svg(page)  # well-formed XML despite the control characters


def test_html_never_overwrites_an_input(tmp_path: Path) -> None:
    log = tmp_path / "log.txt"
    log.write_bytes((DATA / "event70-only.txt").read_bytes())
    before = log.read_bytes()
    code, _, err = ccsim("diagnose", "--eventlog", str(log), "--html", str(log))
    assert code == 2
    assert "overwrite an input" in err
    assert len(err.strip().splitlines()) == 1
    assert log.read_bytes() == before
    code, _, err = ccsim("diagnose", "--eventlog", str(log), "--html", str(tmp_path / "no/x.html"))
    assert code == 2
    assert "no such folder" in err
