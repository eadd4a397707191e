"""The HTML reports looked at in a real browser: headless Chromium driven by Playwright.

Not part of the default run (``tox -e browser``; it needs the Debian package
``chromium``). Parsing the page (tests/harness/test_html.py, test_timeline.py)
proves what the page holds; this proves what a person sees: the filter box
appears and filters, the timeline is drawn with a size, a lane label jumps to its
rows, a customer's ``<script>`` never runs, and with scripts disabled every
scenario is still shown.
"""

from __future__ import annotations

import runpy
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from typer.testing import CliRunner

from harness.cli import _build_app
from harness.html import render_html
from harness.report import RunResult, Status
from harness.runner import run_file
from harness.selection import builtin_dir

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "eventlogs"
#: the flags of scripts/report_png.py (a closed network, no GPU, a new profile); Playwright
#: adds ``--headless`` itself
FLAGS = [
    flag
    for flag in runpy.run_path(str(ROOT / "scripts" / "report_png.py"))["FLAGS"]
    if flag not in ("--headless", "--hide-scrollbars")
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    assert executable, "tox -e browser needs Chromium (Debian: apt-get install chromium)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A page with a passed, a failed and a second passed scenario."""
    wrong = run_file(builtin_dir() / "q166045-wrong-password.scenario.yaml")
    healthy = run_file(builtin_dir() / "healthy.scenario.yaml")
    failed = RunResult(
        **{
            **{f: getattr(healthy, f) for f in healthy.__slots__},
            "id": "healthy-marked-failed",
            "status": Status.FAILED,
            "failures": ["expected Event 70 was not logged"],
        }
    )
    page = tmp_path_factory.mktemp("report") / "report.html"
    page.write_text(render_html([wrong, healthy, failed]), encoding="utf-8")
    return page


def ccsim(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(_build_app(), list(args))
    return result.exit_code, result.stdout, result.stderr


def shown_sections(page: Page) -> list[str]:
    return page.eval_on_selector_all(
        "section[data-status]", "els => els.filter(e => !e.hidden).map(e => e.id)"
    )


def test_filter_box_appears_and_filters(browser: Browser, report: Path) -> None:
    page = browser.new_page()
    page.goto(report.as_uri())
    assert page.is_visible("#filters")  # the script ran and un-hid it
    everything = shown_sections(page)
    assert len(everything) == 3
    assert everything[0].endswith("healthy-marked-failed")  # the failed one is pinned first

    page.fill("#filter", "wrong-password")
    shown = shown_sections(page)
    assert len(shown) == 1
    assert shown[0].endswith("q166045-wrong-password")
    rows = page.eval_on_selector_all(
        "table.summary tr[data-status]", "els => els.filter(e => !e.hidden).length"
    )
    assert rows == 1

    page.fill("#filter", "")
    page.select_option("#status", "failed")
    assert [s.split("-", 1)[1] for s in shown_sections(page)] == ["healthy-marked-failed"]
    page.select_option("#status", "")
    page.select_option("#cause", "po-settings-invalid")  # the wrong password's cause
    assert [s.split("-", 1)[1] for s in shown_sections(page)] == ["q166045-wrong-password"]
    page.close()


def test_timeline_is_drawn_and_lane_labels_jump_to_rows(browser: Browser, report: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(report.as_uri())
    section = page.locator("section[id$='q166045-wrong-password']")
    section.locator("summary").first.click()  # a passed scenario starts folded
    svg = section.locator("svg.timeline").first
    box = svg.bounding_box()
    assert box is not None
    assert box["width"] > 600
    assert box["height"] > 100
    link = section.locator("svg.timeline a").first
    target = link.get_attribute("href") or link.get_attribute("xlink:href") or ""
    assert target.startswith("#")
    link.click()
    assert page.evaluate("location.hash") == target
    row = page.locator(f"[id='{target[1:]}']")
    assert row.count() == 1
    row_box = row.bounding_box()
    assert row_box is not None
    assert 0 <= row_box["y"] < 800  # scrolled into view
    page.close()


def test_without_scripts_everything_is_shown(browser: Browser, report: Path) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(report.as_uri())
    assert not page.is_visible("#filters")  # a filter box that could not work stays hidden
    assert len(shown_sections(page)) == 3
    assert page.locator("svg.timeline").count() >= 3  # the picture needs no script
    context.close()


def test_a_customers_script_never_runs(browser: Browser, tmp_path: Path) -> None:
    source = (DATA / "event70-only.txt").read_text(encoding="utf-8")
    line = next(x for x in source.splitlines() if ",70," in x)
    evil = line.replace(
        "Lotus", "<script>window.pwned=1</script><img src=x onerror='window.pwned=2'> & \"q\""
    )
    log = tmp_path / "evil.txt"
    log.write_text(source + evil + "\n", encoding="utf-8")
    out = tmp_path / "case.html"
    code, _, err = ccsim("diagnose", "--eventlog", str(log), "--html", str(out))
    assert code == 0, err
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(out.as_uri())
    page.wait_for_load_state("load")
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.locator("script").count() == 0
    assert page.locator("img").count() == 0
    assert not dialogs
    assert "<script>window.pwned=1</script>" in page.inner_text("body")  # shown as text
    titles = page.eval_on_selector_all("svg title", "els => els.map(e => e.textContent)")
    assert any("window.pwned=1" in t for t in titles)  # the hover text of the mark
    page.close()
