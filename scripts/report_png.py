"""Render an HTML report to a PNG with headless Chromium (the Debian package ``chromium``).

    python scripts/report_png.py REPORT.html OUT.png [--width 1280] [--height 2000]
    python scripts/report_png.py --demo docs/report-timeline.png

``--demo`` runs two catalogue scenarios (one on a fresh connector whose first
dirsync never completes, one with a wrong post office password), writes their
report and renders it: the picture shown in ``docs/reports.md``. Chromium runs
with a new empty profile, no network services and no GPU; the page needs none.
Exit 2 with one line when Chromium is missing or fails.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

DEMO = ("q166045-first-dirsync", "q166045-wrong-password")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def chromium() -> str:
    """The Chromium executable on PATH."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise SystemExit("report_png: chromium not found (Debian: apt-get install chromium)")


def screenshot(page: Path, out: Path, width: int, height: int) -> None:
    """Render ``page`` (a local file) to ``out`` at ``width`` x ``height`` pixels."""
    with tempfile.TemporaryDirectory() as profile:
        command = [
            chromium(),
            *FLAGS,
            f"--user-data-dir={profile}",
            f"--screenshot={out.resolve()}",
            f"--window-size={width},{height}",
            page.resolve().as_uri(),
        ]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0 or not out.is_file():
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise SystemExit(f"report_png: chromium failed ({done.returncode}): {last}")


def demo_report(folder: Path) -> Path:
    """Run the demo scenarios and write their HTML report in ``folder``."""
    from harness.html import render_html
    from harness.runner import run_file
    from harness.selection import builtin_dir

    results = [run_file(builtin_dir() / f"{name}.scenario.yaml") for name in DEMO]
    page = folder / "report.html"
    page.write_text(render_html(results), encoding="utf-8")
    return page


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", help="REPORT.html OUT.png, or OUT.png with --demo")
    parser.add_argument("--demo", action="store_true", help="render the catalogue demo report")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=1400)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        if args.demo:
            (out,) = map(Path, args.paths)
            page = demo_report(Path(folder))
        else:
            page, out = map(Path, args.paths)
            if page.resolve() == out.resolve():
                raise SystemExit("report_png: the PNG would overwrite the report")
        screenshot(page, out, args.width, args.height)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
