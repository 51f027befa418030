"""Regenerate the self-check page's pictures in README.md and docs/self-check.md from the shipped
facts.yaml: a desktop window (light) and a 360-pixel-wide phone (dark), each with a multiple-choice
question answered wrong, as headless Chromium (Debian package `chromium`) shows them through
Playwright (the test extra).
Run from the repository root: `python tests/tools/make_selfcheck_images.py`.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
IMAGES = ROOT / "docs" / "images"
SHOTS = (  # name, viewport, colour scheme, whole page
    ("selfcheck-desktop.png", {"width": 900, "height": 1100}, "light", False),
    ("selfcheck-phone.png", {"width": 360, "height": 780}, "dark", False),
)


def main() -> int:
    sys.path.insert(0, str(ROOT / "src"))
    from playwright.sync_api import sync_playwright

    from quizgen import pipeline

    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        facts = Path(tmp) / "facts.yaml"
        shutil.copy(ROOT / "facts.yaml", facts)
        pipeline.build(facts, Path(tmp) / "out", formats=("html",))
        page_file = Path(tmp) / "out" / "self-check.html"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                                 args=["--no-sandbox"])
            for name, viewport, scheme, whole in SHOTS:
                context = browser.new_context(viewport=viewport, color_scheme=scheme, device_scale_factor=1)
                page = context.new_page()
                page.goto(page_file.as_uri())
                page.wait_for_selector("html[data-ready]", state="attached")
                # the first multiple-choice question with four options, answered wrong
                while page.locator("input[name=answer]").count() < 4:
                    page.click("#next")
                wrong = page.evaluate("""() => JSON.parse(document.getElementById('quizgen-data').textContent)
                    .questions.find(q => q.prompt === document.querySelector('legend').textContent)
                    .options.findIndex(o => !o[1])""")
                page.click(f"#option-{wrong}")
                page.click("#check")
                page.evaluate("() => document.activeElement.blur()")
                if viewport["width"] < 500:
                    page.evaluate("() => document.getElementById('position').scrollIntoView()")
                page.screenshot(path=str(IMAGES / name), full_page=whole)
                context.close()
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
