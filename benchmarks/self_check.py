"""How fast the self-check page for the shipped facts.yaml opens in headless Chromium.

Builds out/self-check.html for the shipped topic into a temporary folder, opens it from its file
in a fresh browser context several times, and reports the file's size and the time from the
start of navigation until the first question can be answered (the page's `quizgen:ready` mark,
set once the first question, its controls and the Check button are in place), median and worst,
as well as the wall time Python sees. Needs Chromium (Debian `chromium`) and Playwright (the test
extra). Target: under 400 KB and under 1 s.

    .venv/bin/python benchmarks/self_check.py [--runs 7]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    from playwright.sync_api import sync_playwright

    from quizgen import pipeline

    with tempfile.TemporaryDirectory() as tmp:
        facts = Path(tmp) / "facts.yaml"
        shutil.copy(ROOT / "facts.yaml", facts)
        pipeline.build(facts, Path(tmp) / "out", formats=("html",))
        page_file = Path(tmp) / "out" / "self-check.html"
        size = page_file.stat().st_size
        marks, walls = [], []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chromium, args=["--no-sandbox"])
            for _ in range(args.runs + 1):  # the first run warms the browser up and is not counted
                context = browser.new_context()
                page = context.new_page()
                started = time.perf_counter()
                page.goto(page_file.as_uri())
                page.wait_for_selector("#check:not([disabled])")
                walls.append(time.perf_counter() - started)
                marks.append(page.evaluate("() => performance.getEntriesByName('quizgen:ready')[0].startTime") / 1000)
                context.close()
            version = browser.version
            browser.close()
    marks, walls = marks[1:], walls[1:]
    print(f"Self-check page for the shipped facts.yaml, headless Chromium {version}, {args.runs} runs:\n")
    print("| measure | value |\n|---|---:|")
    print(f"| file size | {size / 1024:.0f} KB ({size:,} bytes) |")
    print(f"| first question interactive (navigation start to ready), median | {statistics.median(marks):.3f} s |")
    print(f"| the same, worst | {max(marks):.3f} s |")
    print(f"| open and wait, as Python sees it, median | {statistics.median(walls):.3f} s |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
