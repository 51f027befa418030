"""An accessibility audit of the self-check page with axe-core, in light and dark.

axe-core comes from the npm registry: .ci/run installs it into a cache folder outside the
repository and names it in QUIZGEN_AXE_DIR; without that, the test installs it with npm into
~/.cache/quizgen-tests (or $QUIZGEN_TEST_CACHE). Only when npm or the registry is not available
does the audit skip, saying why. The page is audited as it opens, and with each kind of question
answered wrong (its feedback, reasons, explanation and sources shown).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from quizgen.exporters import Settings
from quizgen.exporters import html as selfcheck
from selfcheck_browser import NO_CHROMIUM, answer_any, chromium_path, launch, open_page, page_data

SERIOUS = {"serious", "critical"}


def axe_script() -> str:
    folders = [os.environ.get("QUIZGEN_AXE_DIR"),
               os.environ.get("QUIZGEN_TEST_CACHE") or str(Path.home() / ".cache" / "quizgen-tests")]
    for folder in filter(None, folders):
        script = Path(folder) / "node_modules" / "axe-core" / "axe.min.js"
        if script.is_file():
            return script.read_text(encoding="utf-8")
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed, so axe-core cannot be fetched: the accessibility audit did not run")
    target = Path(folders[-1])
    target.mkdir(parents=True, exist_ok=True)
    try:
        result = subprocess.run([npm, "install", "--prefix", str(target), "--no-save", "--no-audit", "--no-fund",
                                 "--loglevel=error", "axe-core@4"], capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        pytest.skip("npm install axe-core timed out (no npm registry?): the accessibility audit did not run")
    script = target / "node_modules" / "axe-core" / "axe.min.js"
    if result.returncode != 0 or not script.is_file():
        pytest.skip(f"npm could not install axe-core ({result.stderr.strip()[-300:]}): the accessibility audit did not run")
    return script.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def axe():
    return axe_script()


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="Playwright is not installed (pip install -e '.[test]')")
    if chromium_path() is None:
        pytest.skip(NO_CHROMIUM)
    with sync_api.sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def page_path(tmp_path_factory):
    from test_selfcheck import one_of_each_kind

    from conftest import FACTS
    from quizgen import pipeline

    facts = pipeline.check_facts(FACTS).facts
    bank = one_of_each_kind(pipeline.bank(facts, 1, pipeline.make_questions(facts, 1)))
    folder = tmp_path_factory.mktemp("a11y")
    selfcheck.export(bank, folder, Settings())
    return folder / "self-check.html"


def audit(page, axe_source: str) -> list[dict]:
    if not page.evaluate("() => !!window.axe"):
        page.evaluate(axe_source)  # through the debugger, as a test harness: the page's policy still holds for it
    return page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ["violations"]});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(" ") + ": " + n.failureSummary).slice(0, 3)}));
    }""")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_violation(browser, axe, page_path, scheme, capsys):
    visit = open_page(browser, page_path, color_scheme=scheme)
    page = visit.page
    states = {"opened": audit(page, axe)}
    for number, question in enumerate(page_data(page)["questions"]):
        answer_any(page)
        states[f"{question['kind']} answered"] = audit(page, axe)
        if number < len(page_data(page)["questions"]) - 1:
            page.click("#next")
    serious = {state: [v for v in found if v["impact"] in SERIOUS] for state, found in states.items()}
    serious = {state: found for state, found in serious.items() if found}
    assert not serious, json.dumps(serious, indent=1)
    others = sorted({f"{v['id']} ({v['impact']})" for found in states.values() for v in found})
    with capsys.disabled():
        print(f"\naxe-core, {scheme}: {len(states)} states, no serious or critical violation; others: "
              f"{', '.join(others) or 'none'}")
    page.context.close()
