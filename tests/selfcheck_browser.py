"""Driving the self-check page (out/self-check.html) in a real Chromium, for the tests.

Chromium comes from the system's packages (Debian `chromium`, installed by .ci/run); Playwright
drives it through its executable path (Playwright's own browser downloads are not used). Without
Chromium the tests that need it skip, saying so.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM_CANDIDATES = (os.environ.get("QUIZGEN_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                       shutil.which("chromium-browser"))
NO_CHROMIUM = ("Chromium is not installed (Debian package `chromium`, which .ci/run installs; or set "
               "QUIZGEN_CHROMIUM to its executable): the self-check page is not driven in a browser")
# Elements the page itself makes; any other element would have come from the data.
PAGE_TAGS = {"html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "p", "div", "label",
             "select", "option", "input", "button", "main", "form", "fieldset", "legend", "nav", "ul", "ol", "li",
             "strong", "span", "cite", "a", "q", "script"}


def chromium_path() -> str | None:
    for candidate in CHROMIUM_CANDIDATES:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def launch(playwright):
    path = chromium_path()
    if path is None:
        pytest.skip(NO_CHROMIUM)
    return playwright.chromium.launch(executable_path=path, args=["--no-sandbox", "--disable-gpu"])


@dataclass
class Visit:
    """A page opened from its file, with every request it tried and everything it said."""

    page: object
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # request -> why it failed


# Installed before the page's own script: any alert, confirm, prompt, print or opened window that
# text from the data might start is recorded instead of shown.
SPIES = """
window.__quizgenSpied = [];
for (const name of ["alert", "confirm", "prompt", "print", "open"]) {
  window[name] = (...args) => { window.__quizgenSpied.push(name + ":" + args.join(",")); };
}
"""


def open_page(browser, path: Path, context=None, **context_options) -> Visit:
    """The page in a new context (its own storage), or in a new tab of ``context``."""
    context = context or browser.new_context(**context_options)
    page = context.new_page()
    visit = Visit(page)
    page_url = path.resolve().as_uri()

    def route(route_):
        url = route_.request.url
        if url == page_url:
            route_.continue_()
        else:
            visit.blocked.append(url)
            route_.abort()

    page.route("**/*", route)
    page.on("request", lambda request: visit.requests.append(request.url))
    page.on("requestfailed", lambda request: visit.failed.__setitem__(request.url, request.failure or ""))
    page.on("console", lambda message: visit.errors.append(message.text) if message.type in ("error", "warning")
            else None)
    page.on("pageerror", lambda error: visit.errors.append(str(error)))
    page.on("dialog", lambda dialog: (visit.dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script(SPIES)
    page.goto(page_url)
    page.wait_for_selector("html[data-ready]", state="attached", timeout=15000)
    return visit


def active(page) -> str:
    """What has the keyboard focus: its id, or its aria-label, or its tag."""
    return page.evaluate("""() => { const e = document.activeElement;
        return e ? (e.id || e.getAttribute("aria-label") || e.tagName.toLowerCase()) : ""; }""")


def tab_to(page, test: str, limit: int = 60) -> None:
    """Press Tab until the focused element passes ``test`` (a JavaScript expression on ``e``)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const e = document.activeElement; return !!e && ({test}); }}"):
            return
    raise AssertionError(f"Tab never reached an element where {test}")


def page_data(page) -> dict:
    return page.evaluate("() => JSON.parse(document.getElementById('quizgen-data').textContent)")


def answer_any(page) -> None:
    """Answer the question shown, somehow (the first option, a typed word, the first choices), and check it."""
    page.evaluate("""() => {
        const first = document.querySelector("input[name=answer]");
        if (first) { first.checked = true; }
        const typed = document.getElementById("typed");
        if (typed) { typed.value = "x"; }
        for (const select of document.querySelectorAll("form select")) { select.selectedIndex = 1; }
    }""")
    page.click("#check")


def walk_every_question(page) -> tuple[str, list[str]]:
    """Every question of the page answered and checked, in turn: all the text shown, and anything
    found that the page did not make itself (elements, attributes, text without dir="auto")."""
    texts, problems = [], []
    count = len(page_data(page)["questions"])
    for number in range(count):
        answer_any(page)
        texts.append(page.inner_text("body"))
        problems.extend(page.evaluate("""(allowed) => {
            const found = [];
            for (const e of document.querySelectorAll("*")) {
                const tag = e.tagName.toLowerCase();
                if (!allowed.includes(tag)) { found.push("element <" + tag + ">"); }
                for (const a of e.attributes) {
                    if (a.name.startsWith("on")) { found.push("attribute " + a.name + " on <" + tag + ">"); }
                }
                if (tag === "a" && !/^https?:/.test(e.getAttribute("href") || "")) {
                    found.push("link to " + e.getAttribute("href"));
                }
                const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
                if (own && !e.closest("[dir]") && !["title", "style", "script"].includes(tag)) {
                    found.push("text without dir: " + e.textContent.slice(0, 60));
                }
            }
            return found;
        }""", sorted(PAGE_TAGS)))
        if number < count - 1:
            page.click("#next")
    spied = page.evaluate("() => window.__quizgenSpied")
    problems.extend(f"the data ran {call}" for call in spied)
    return "\n".join(texts), problems


def read_page(path: Path) -> tuple[str, list[str]]:
    """The page opened in Chromium and every question answered: what it shows, and what went
    wrong (elements or handlers from the data, scripts run, requests, errors, dialogs)."""
    from playwright.sync_api import sync_playwright

    if chromium_path() is None:
        pytest.skip(NO_CHROMIUM)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            visit = open_page(browser, path)
            text, problems = walk_every_question(visit.page)
            problems += [f"request {url}" for url in visit.requests if url != path.resolve().as_uri()]
            problems += [f"console or script error: {error}" for error in visit.errors]
            problems += [f"dialog: {message}" for message in visit.dialogs]
        finally:
            browser.close()
    return text, problems
