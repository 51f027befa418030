"""The self-check page (`--format html`, out/self-check.html).

The file itself is checked as text (one file, nothing to fetch, a policy that allows only its
own hashed style and script, data that cannot close its script element, byte-identical builds);
the page is driven in a real Chromium, by keyboard: every kind answered right and wrong, what is
shown after each answer, progress, filters, requests, layout on a phone.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FACTS, build_document
from quizgen import pipeline
from quizgen.exporters import DEFAULT, REGISTRY, Settings
from quizgen.exporters import html as selfcheck
from quizgen.questions import KINDS, QuestionBank
from selfcheck_browser import NO_CHROMIUM, active, chromium_path, launch, open_page, page_data, tab_to

LIMIT = 400 * 1024


@pytest.fixture(scope="module")
def shipped_bank() -> QuestionBank:
    facts = pipeline.check_facts(FACTS).facts
    return pipeline.bank(facts, 1, pipeline.make_questions(facts, 1))


def one_of_each_kind(bank: QuestionBank) -> QuestionBank:
    chosen = []
    for kind in KINDS:
        # a multiple-choice question with at least three options, so two can be wrong
        candidates = [q for q in bank.questions if q.kind == kind and (kind != "multiple_choice" or len(q.options) > 2)]
        chosen.append(candidates[0])
    return bank.model_copy(update={"questions": tuple(chosen)})


def write_page(folder, bank: QuestionBank, wording=None):
    folder.mkdir(parents=True, exist_ok=True)
    assert selfcheck.export(bank, folder, Settings(words=wording or {})) == ["self-check.html"]
    return folder / "self-check.html"


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


# -- the file ---------------------------------------------------------------------------------

def test_html_is_a_default_format():
    assert "html" in REGISTRY and "html" in DEFAULT


def test_one_self_contained_file_with_a_strict_policy(shipped_bank, tmp_path):
    page = write_page(tmp_path, shipped_bank).read_text(encoding="utf-8")
    head = page.split("<script", 1)[0]
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', head).group(1)
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'none'"
    assert "unsafe" not in policy and "http" not in policy and "*" not in policy
    style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    assert [attrs for attrs, _ in scripts] == [' type="application/json" id="quizgen-data"', ""]

    def digest(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    assert directives["script-src"] == digest(scripts[1][1])
    assert directives["style-src"] == digest(style)
    # nothing that would load anything: no src or href attribute, no url() or @import in the style
    assert not re.search(r"\s(?:src|href|srcset|action)\s*=", page.replace(scripts[0][1], ""))
    assert "url(" not in style and "@import" not in style
    data = json.loads(scripts[0][1])
    assert len(data["questions"]) == len(shipped_bank.questions)
    assert data["build"] == shipped_bank.input_sha256 and data["topic"] == shipped_bank.topic


def test_builds_are_byte_identical(tmp_path):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "facts.yaml").write_bytes(FACTS.read_bytes())
        pipeline.build(tmp_path / name / "facts.yaml", tmp_path / name / "out", formats=("html",))
    assert (tmp_path / "a/out/self-check.html").read_bytes() == (tmp_path / "b/out/self-check.html").read_bytes()


def test_shipped_topic_page_is_under_400_kb(shipped_bank, tmp_path):
    size = write_page(tmp_path, shipped_bank).stat().st_size
    assert size < LIMIT, f"{size} bytes"


TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40) | st.sampled_from(
    ["</script>", "</SCRIPT >", "<!--", "<script>", "]]>", "\u2028\u2029", "&lt;", "</scr", "ipt>"])


@settings(max_examples=max(200, int(os.environ.get("QUIZGEN_FUZZ_EXAMPLES", "200"))), deadline=None,
          derandomize=os.environ.get("CI") == "true")
@given(st.lists(TEXT, max_size=5))
def test_embedded_json_cannot_leave_its_script_element(texts):
    value = {"texts": texts, "joined": "".join(texts)}
    embedded = selfcheck.script_json(value)
    assert not re.search(r"[<>&\u2028\u2029]", embedded)
    assert json.loads(embedded) == value


def test_each_source_is_embedded_once(shipped_bank):
    data = selfcheck.page_data(shipped_bank)
    assert len(data["sources"]) == len({c.source for q in shipped_bank.questions for c in q.citations})
    for entry, question in zip(data["questions"], shipped_bank.in_family_order()):
        shown = [(data["sources"][number]["title"], quote) for number, quote in entry["cites"]]
        assert shown == list(dict.fromkeys((c.title, c.quote) for c in question.citations))


def test_only_web_addresses_become_links():
    assert selfcheck.link("https://example.org/a?b=1&c=<2>") == "https://example.org/a?b=1&c=<2>"
    assert selfcheck.link("HTTP://example.org") == "HTTP://example.org"
    for url in ("javascript:alert(1)", " javascript:x", "data:text/html,<b>", "file:///etc/passwd", "//evil", "", None):
        assert selfcheck.link(url) is None, url


def test_words_are_data_and_a_fact_file_changes_them(tmp_path, shipped_bank):
    words = selfcheck.words()
    assert words["selfcheck_check"] and all(key.startswith("selfcheck_") for key in words)
    import yaml

    document = yaml.safe_load(FACTS.read_text(encoding="utf-8"))
    document["wording"] = {**document.get("wording", {}), "selfcheck_check": "Prüfen",
                           "selfcheck_score": "{right}/{answered} ({total})"}
    facts, questions = build_document(tmp_path, document)
    assert facts.file.wording["selfcheck_check"] == "Prüfen"
    out = tmp_path / "out"
    pipeline.build(tmp_path / "facts.yaml", out, formats=("html",))
    page = (out / "self-check.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'id="quizgen-data">(.*?)</script>', page, re.S).group(1))
    assert data["words"]["selfcheck_check"] == "Prüfen"
    assert data["words"]["selfcheck_score"] == "{right}/{answered} ({total})"
    assert data["words"]["selfcheck_next"] == words["selfcheck_next"]


def test_a_wording_change_must_keep_the_page_placeholders(tmp_path):
    import yaml

    from quizgen.errors import QuizgenError

    document = yaml.safe_load(FACTS.read_text(encoding="utf-8"))
    document["wording"] = {"selfcheck_position": "{number} / {total}"}
    with pytest.raises(QuizgenError) as error:
        build_document(tmp_path, document)
    assert "selfcheck_position" in str(error.value.problems[0].message)


# -- the page in a browser --------------------------------------------------------------------

@pytest.fixture(scope="module")
def kinds_page(tmp_path_factory, shipped_bank):
    bank = one_of_each_kind(shipped_bank)
    return write_page(tmp_path_factory.mktemp("kinds"), bank), bank


def go_to_kind(visit, kind: str):
    """From the page's start, by keyboard: to the Next button, Enter until the kind shows."""
    page = visit.page
    data = page_data(page)
    number = next(i for i, q in enumerate(data["questions"]) if q["kind"] == kind)
    for _ in range(number):
        tab_to(page, "e.id === 'next'")
        page.keyboard.press("Enter")
        assert active(page) == "position"  # the page moved the focus to the new question
    return data["questions"][number]


def right_option(question) -> int:
    return next(i for i, option in enumerate(question["options"]) if option[1])


def wrong_option(question) -> int:
    return next(i for i, option in enumerate(question["options"]) if not option[1])


def answer_by_keyboard(page, question, right: bool) -> None:
    kind = question["kind"]
    if kind in ("multiple_choice", "true_false"):
        target = right_option(question) if right else wrong_option(question)
        tab_to(page, "e.name === 'answer'")
        page.keyboard.press("Space")
        for _ in range(target):
            page.keyboard.press("ArrowDown")
        assert page.evaluate("() => document.querySelector('input[name=answer]:checked').value") == str(target)
        page.keyboard.press("Enter")  # the form's implicit submission
    elif kind == "short_answer":
        tab_to(page, "e.id === 'typed'")
        page.keyboard.type(question["accepted"][-1] if right else "not " + question["answer"])
        page.keyboard.press("Enter")
    elif kind == "matching":
        for number, (left, right_text) in enumerate(question["pairs"]):
            tab_to(page, f"e.id === 'pair-{number}'")
            wanted = question["choices"].index(right_text)
            if not right and number == 0:
                wanted = next(i for i, c in enumerate(question["choices"]) if c != right_text)
            for _ in range(wanted + 1):  # the first entry is the empty choice
                page.keyboard.press("ArrowDown")
            assert page.evaluate(f"() => document.getElementById('pair-{number}').value") == str(wanted)
        tab_to(page, "e.id === 'check'")
        page.keyboard.press("Enter")
    elif kind == "ordering":
        items = question["items"]
        goal = items if right else items[1:] + items[:1]
        for position, item in enumerate(goal):
            current = page.evaluate("() => [...document.querySelectorAll('#order li span')].map(s => s.textContent)")
            steps = current.index(item) - position
            if steps <= 0:
                continue
            label = page_data(page)["words"]["selfcheck_move_up"].replace("{item}", item)
            page.focus("#position")
            tab_to(page, f"e.getAttribute('aria-label') === {json.dumps(label)}")
            for _ in range(steps):
                page.keyboard.press("Enter")  # the focus stays on the moved item's button
            assert item in page.inner_text("#status")
        shown = page.evaluate("() => [...document.querySelectorAll('#order li span')].map(s => s.textContent)")
        assert shown == goal
        tab_to(page, "e.id === 'check'")
        page.keyboard.press("Enter")


@pytest.mark.parametrize("right", [True, False], ids=["right", "wrong"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_answered_by_keyboard(browser, kinds_page, kind, right):
    path, bank = kinds_page
    visit = open_page(browser, path)
    page = visit.page
    question = go_to_kind(visit, kind)
    words = page_data(page)["words"]
    answer_by_keyboard(page, question, right)

    verdict = page.inner_text("#verdict")
    assert verdict.startswith(words["selfcheck_right"] if right else words["selfcheck_wrong"]), verdict
    answer_line = words["selfcheck_right_answer"].replace("{answer}", question["answer"])
    assert (answer_line in verdict) is (not right)
    assert active(page) == "verdict"  # the result takes the focus; it is also a live region
    assert page.get_attribute("#verdict", "aria-live") == "polite"
    assert page.evaluate("() => [...document.querySelectorAll('#question input, #question select, #question button')]"
                         ".every(e => e.disabled)")

    details = page.inner_text("#details")
    full = bank.questions[[q.id for q in bank.questions].index(question["id"])]
    if kind in ("multiple_choice", "true_false"):
        for option in full.options:
            if not option.correct:  # every wrong option with why it is wrong
                assert option.text in details and option.why in details
        right_text = next(o.text for o in full.options if o.correct)
        assert page.inner_text("#question .mark-right") == right_text  # marked where it stands
        assert page.locator("#question .mark-wrong").count() == (0 if right else 1)
        if not right:
            chosen = page.inner_text("#details .mark-wrong")
            assert words["selfcheck_your_choice"] in chosen
    elif kind == "short_answer":
        for spelling in full.accepted:
            assert spelling in details
    elif kind == "matching":
        for pair in full.pairs:
            assert pair.left in details and pair.right in details
        assert page.locator("#details .mark-wrong").count() == (0 if right else 1)
    elif kind == "ordering":
        assert page.evaluate("() => [...document.querySelectorAll('#details ol li')].map(l => l.textContent)") \
            == list(full.items)
    assert full.explanation in details
    for citation in full.citations:
        assert citation.quote in details and citation.publisher in details and citation.title in details
    links = page.evaluate("() => [...document.querySelectorAll('#details a')].map(a => [a.textContent, "
                          "a.getAttribute('href'), a.rel])")
    expected = {(c.title, c.url) for c in full.citations if c.url}
    assert {(text, href) for text, href, _ in links} == expected
    assert all("noopener" in rel for _, _, rel in links)

    storage = page.evaluate(f"() => JSON.parse(localStorage.getItem('quizgen:{bank.topic}:{bank.input_sha256}'))")
    assert storage == {"results": {question["id"]: right}}
    score = words["selfcheck_score"].format(right=int(right), answered=1, total=len(bank.questions))
    assert page.inner_text("#score") == score
    assert not visit.errors and visit.requests == [path.resolve().as_uri()]
    page.context.close()


@pytest.mark.parametrize("typed, right", [
    ("recep tayyip erdogan", True), ("  RECEP   Tayyip\tErdoğan ", True), ("ＲＥＣＥＰ ＴＡＹＹＩＰ ＥＲＤＯＧＡＮ", True),
    ("Recep Tayyip Erdo\u0306gan", True), ("Recep Erdogan", False), ("Recep Tayyip Erdogan!", False),
])
def test_short_answer_forgives_case_accents_width_and_spacing(browser, shipped_bank, tmp_path, typed, right):
    base = next(q for q in shipped_bank.questions if q.kind == "short_answer")
    question = base.model_copy(update={"answer": "Recep Tayyip Erdoğan", "accepted": ("Recep Tayyip Erdoğan", "Erdoğan")})
    path = write_page(tmp_path, shipped_bank.model_copy(update={"questions": (question,)}))
    visit = open_page(browser, path)
    page = visit.page
    page.focus("#typed")
    page.keyboard.type(typed)
    page.keyboard.press("Enter")
    words = page_data(page)["words"]
    assert page.inner_text("#verdict").startswith(words["selfcheck_right"] if right else words["selfcheck_wrong"])
    page.context.close()


@pytest.mark.parametrize("kind", ["matching", "ordering"])
def test_matching_and_ordering_by_pointer(browser, kinds_page, kind):
    path, bank = kinds_page
    visit = open_page(browser, path)
    page = visit.page
    data = page_data(page)
    number = next(i for i, q in enumerate(data["questions"]) if q["kind"] == kind)
    for _ in range(number):
        page.click("#next")
    question = data["questions"][number]
    if kind == "matching":
        for index, (left, right) in enumerate(question["pairs"]):
            page.get_by_label(left, exact=True).select_option(label=right)
    else:
        for position, item in enumerate(question["items"]):
            while True:
                shown = page.evaluate("() => [...document.querySelectorAll('#order li span')].map(s => s.textContent)")
                if shown.index(item) == position:
                    break
                page.get_by_role("button", name=data["words"]["selfcheck_move_up"].replace("{item}", item)).click()
    page.get_by_role("button", name=data["words"]["selfcheck_check"]).click()
    assert page.inner_text("#verdict").startswith(data["words"]["selfcheck_right"])
    page.context.close()


def test_checking_without_an_answer_says_so_and_records_nothing(browser, kinds_page):
    path, bank = kinds_page
    visit = open_page(browser, path)
    page = visit.page
    question = go_to_kind(visit, "multiple_choice")
    tab_to(page, "e.id === 'check'")
    page.keyboard.press("Enter")
    assert page.inner_text("#status") == page_data(page)["words"]["selfcheck_answer_first"]
    assert page.inner_text("#verdict") == ""
    assert page.evaluate("() => localStorage.length") == 0
    assert question["id"]
    page.context.close()


def test_progress_is_kept_per_build_and_again_and_clear_work(browser, shipped_bank, tmp_path):
    bank = one_of_each_kind(shipped_bank)
    path = write_page(tmp_path, bank)
    visit = open_page(browser, path)
    page = visit.page
    words = page_data(page)["words"]
    first = page_data(page)["questions"][0]
    page.focus("#position")
    answer_by_keyboard(page, first, right=False)
    page.reload()
    page.wait_for_selector("html[data-ready]", state="attached")
    assert page.inner_text("#score") == words["selfcheck_score"].format(right=0, answered=1, total=len(bank.questions))
    # "again": only the question answered wrong
    page.focus("#family")
    tab_to(page, "e.id === 'again'")
    page.keyboard.press("Space")
    assert page.inner_text("#position") == words["selfcheck_position"].format(number=1, count=1)
    assert page.inner_text("legend") == first["prompt"]
    answer_by_keyboard(page, first, right=True)  # it stays in this round once answered right
    assert page.inner_text("#verdict").startswith(words["selfcheck_right"])
    page.focus("#again")
    page.keyboard.press("Space")
    page.keyboard.press("Space")  # a new round: nothing answered wrong is left
    assert page.inner_text("#position") == words["selfcheck_none"]
    # another build of the facts keeps its own progress
    other = bank.model_copy(update={"input_sha256": "0" * 64})
    other_path = write_page(tmp_path / "other", other)
    other_visit = open_page(browser, other_path, context=page.context)  # same browser storage, other build
    assert other_visit.page.inner_text("#score") == words["selfcheck_score"].format(
        right=0, answered=0, total=len(bank.questions))
    other_visit.page.close()
    page.bring_to_front()
    # clear
    tab_to(page, "e.id === 'clear'")
    page.keyboard.press("Enter")
    assert page.inner_text("#status") == words["selfcheck_cleared"]
    assert page.evaluate("() => localStorage.length") == 0
    assert page.inner_text("#score") == words["selfcheck_score"].format(right=0, answered=0, total=len(bank.questions))
    page.context.close()


def test_family_filter_shows_only_that_family(browser, shipped_bank, tmp_path):
    path = write_page(tmp_path, shipped_bank)
    visit = open_page(browser, path)
    page = visit.page
    data = page_data(page)
    assert [f["title"] for f in data["families"]] == [f.title for f in shipped_bank.families]
    assert page.evaluate("() => [...document.querySelectorAll('#family option')].slice(1).map(o => o.textContent)") \
        == [f.title for f in shipped_bank.families]
    family = shipped_bank.families[2]
    tab_to(page, "e.id === 'family'")
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    assert page.evaluate("() => document.getElementById('family').value") == family.id
    count = sum(q.family == family.id for q in shipped_bank.questions)
    assert page.inner_text("#position") == data["words"]["selfcheck_position"].format(number=1, count=count)
    prompts = {q.prompt for q in shipped_bank.questions if q.family == family.id}
    for _ in range(min(count, 5)):
        assert page.inner_text("legend") in prompts
        page.click("#next")
    page.context.close()


def test_no_request_leaves_the_page(browser, shipped_bank, tmp_path):
    """Opened from a file and used: the only request is the file itself; whatever tries to reach
    further is refused by the page's policy before any request is made."""
    path = write_page(tmp_path, shipped_bank)
    visit = open_page(browser, path)
    page = visit.page
    from selfcheck_browser import answer_any

    for _ in range(6):
        answer_any(page)
        page.click("#next")
    assert visit.requests == [path.resolve().as_uri()], visit.requests
    refused = page.evaluate("""async () => {
        const seen = [];
        document.addEventListener("securitypolicyviolation", e => seen.push(e.violatedDirective));
        try { await fetch("http://127.0.0.1:9/x"); } catch (error) { seen.push("fetch failed"); }
        const img = new Image(); img.src = "http://127.0.0.1:9/x.png"; document.body.appendChild(img);
        const style = document.createElement("link"); style.rel = "stylesheet"; style.href = "http://127.0.0.1:9/x.css";
        document.head.appendChild(style);
        await new Promise(resolve => setTimeout(resolve, 300));
        return seen;
    }""")
    assert "fetch failed" in refused
    assert {"connect-src", "img-src", "style-src-elem"} <= set(refused), refused
    tried = visit.requests[1:]
    assert sorted(tried) == ["http://127.0.0.1:9/x.css", "http://127.0.0.1:9/x.png"]  # fetch: refused before a request
    assert all(visit.failed[url] == "csp" for url in tried), visit.failed  # blocked by the policy
    assert visit.blocked == []  # nothing reached the network
    page.context.close()


@pytest.mark.parametrize("width", [360, 640])
def test_fits_a_phone_and_200_percent_zoom(browser, kinds_page, width):
    """360 px: a phone; 640 px: a 1280-pixel window at 200 % zoom. No sideways scrolling, in any state."""
    path, bank = kinds_page
    visit = open_page(browser, path, viewport={"width": width, "height": 700})
    page = visit.page
    from selfcheck_browser import answer_any

    for number in range(len(bank.questions)):
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        answer_any(page)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        if number < len(bank.questions) - 1:
            page.click("#next")
    page.context.close()


def test_dark_scheme_and_print_stylesheet(browser, kinds_page):
    path, _ = kinds_page
    light = open_page(browser, path, color_scheme="light")
    dark = open_page(browser, path, color_scheme="dark")
    background = "() => getComputedStyle(document.body).backgroundColor"
    assert light.page.evaluate(background) == "rgb(255, 255, 255)"
    assert dark.page.evaluate(background) != light.page.evaluate(background)
    dark.page.emulate_media(media="print")
    assert dark.page.evaluate(background) == "rgb(255, 255, 255)"
    assert dark.page.evaluate("() => getComputedStyle(document.getElementById('tools')).display") == "none"
    assert dark.page.evaluate("() => getComputedStyle(document.getElementById('steps')).display") == "none"
    light.page.context.close()
    dark.page.context.close()


def test_benchmark_script_runs(tmp_path):
    """benchmarks/self_check.py measures the shipped page; its times are reported, never asserted."""
    import subprocess
    import sys

    from conftest import ROOT

    if chromium_path() is None:
        pytest.skip(NO_CHROMIUM)
    pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install -e '.[test]')")
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "self_check.py"), "--runs", "1",
                             "--chromium", chromium_path()], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "| first question interactive" in result.stdout and "| file size |" in result.stdout


def test_right_to_left_text_reads_right_to_left(browser, shipped_bank, tmp_path):
    base = next(q for q in shipped_bank.questions if q.kind == "multiple_choice")
    arabic = "من وقّع على اتفاق وقف إطلاق النار؟"
    question = base.model_copy(update={"prompt": arabic})
    path = write_page(tmp_path, shipped_bank.model_copy(update={"questions": (question,)}))
    visit = open_page(browser, path)
    page = visit.page
    assert page.evaluate("() => document.querySelector('legend').matches(':dir(rtl)')")
    assert page.evaluate("() => document.querySelector('#position').matches(':dir(ltr)')")
    page.context.close()
