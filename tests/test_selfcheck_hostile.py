"""Hostile text on the self-check page: shown literally, never markup, never run.

tests/data/hostile.yaml (markup, handlers, template and formula syntax in every field), with
some names changed to payloads that would set a flag on the window if the page ever ran them,
and ones that try to end the embedded JSON's script element. Every question is answered, so
options, reasons, explanations, quotes and sources are all shown.
"""

from __future__ import annotations

import pytest
import yaml

from conftest import DATA, build_document
from quizgen import pipeline
from quizgen.exporters import Settings
from quizgen.exporters import html as selfcheck
from selfcheck_browser import NO_CHROMIUM, chromium_path, launch, open_page, walk_every_question

FLAGS = {
    "p1": "<img src=x onerror=\"window.__pwned='img'\">",
    "p2": "</script><script>window.__pwned='script'</script>",
    "p3": "<!--<script>window.__pwned='comment'</script>",
    "p4": "<svg onload=\"window.__pwned='svg'\"></svg> end",
    "p6": "<a href=\"javascript:window.__pwned='link'\">link</a>",
    "p7": "</SCRIPT ><iframe srcdoc=\"<script>parent.__pwned='frame'</script>\"></iframe>",
}


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile-page")
    document = yaml.safe_load((DATA / "hostile.yaml").read_text(encoding="utf-8"))
    for entity in document["entities"]:
        if entity["id"] in FLAGS:
            entity["name"] = FLAGS[entity["id"]]
    facts, questions = build_document(folder, document)
    bank = pipeline.bank(facts, 1, questions)
    # a citation whose address is not a web address, and a quote with the line separators JavaScript
    # once read as line ends (the loader refuses both in a fact file; the page does not rely on that)
    first = bank.questions[0]
    odd = first.citations[0].model_copy(update={"url": "javascript:window.__pwned='href'", "source": "odd",
                                                "title": "Odd <b>source</b>",
                                                "quote": "one\u2028two\u2029three </script> four"})
    bank = bank.model_copy(update={"questions": (first.model_copy(update={"citations": (*first.citations, odd)}),
                                                 *bank.questions[1:])})
    selfcheck.export(bank, folder, Settings())
    return folder / "self-check.html", bank


@pytest.fixture(scope="module")
def walked(hostile_page):
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="Playwright is not installed (pip install -e '.[test]')")
    if chromium_path() is None:
        pytest.skip(NO_CHROMIUM)
    path, bank = hostile_page
    with sync_api.sync_playwright() as playwright:
        browser = launch(playwright)
        visit = open_page(browser, path)
        text, problems = walk_every_question(visit.page)
        flags = visit.page.evaluate("() => [window.__pwned, parent.__pwned, document.querySelectorAll('script').length,"
                                    " document.querySelectorAll('iframe, img, svg').length]")
        links = visit.page.evaluate("() => [...document.querySelectorAll('a')].map(a => a.getAttribute('href'))")
        # the first question again, for its sources
        visit.page.evaluate("() => { document.getElementById('family').value = ''; "
                            "document.getElementById('family').dispatchEvent(new Event('change')); }")
        from selfcheck_browser import answer_any

        answer_any(visit.page)
        first_links = visit.page.evaluate("() => [...document.querySelectorAll('#details cite')]"
                                          ".map(c => [c.textContent, c.querySelector('a') ? c.querySelector('a').href : null])")
        first_text = visit.page.inner_text("#details")
        result = {"first_text": first_text, "text": " ".join(text.split()), "problems": problems, "flags": flags, "visit": visit, "links": links,
                  "first_links": first_links}
        browser.close()
    return result


def test_no_payload_runs_or_becomes_an_element(walked):
    assert walked["problems"] == []
    assert walked["flags"] == [None, None, 2, 0]  # no flag set; only the page's own two scripts
    assert walked["visit"].dialogs == [] and walked["visit"].errors == []
    assert walked["visit"].requests == [walked["visit"].requests[0]] and walked["visit"].blocked == []


def test_every_payload_is_shown_literally(walked):
    for payload in FLAGS.values():
        assert " ".join(payload.split()) in walked["text"], payload
    for payload in ("[sound:boom.mp3][anki:play:q:0] Sound", "&lt;script&gt; AT&T &amp;", "<civilians> Plan",
                    "</div><img src=x onerror=alert(1)>", "عبد الله بن زايد", "<b>Bold</b> & {{Front}} Press",
                    "<i>quote</i> {{Back}} #set text(red) [sound:quote.mp3]"):
        assert payload in walked["text"], payload


def test_only_web_addresses_are_links(walked):
    assert all(href.startswith(("http://", "https://")) for href in walked["links"])
    assert ["Odd <b>source</b>", None] in walked["first_links"]
    assert "three </script> four" in walked["first_text"]


def test_the_title_is_text_in_the_head(hostile_page):
    path, bank = hostile_page
    page = path.read_text(encoding="utf-8")
    head = page.split("<body>", 1)[0]
    assert "<b>" not in head and "&lt;b&gt;T&lt;/b&gt;" in head
    body = page.split("<body>", 1)[1]
    # the data's markup appears only escaped inside the JSON
    assert "<script>window" not in body and "</script><script>window" not in page
