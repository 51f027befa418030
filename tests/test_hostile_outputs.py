"""Hostile text stays text in every output format, read back the way its real client reads it.

tests/data/hostile.yaml puts markup, Anki media/TTS/LaTeX/MathJax and template syntax,
spreadsheet formulas, GIFT, Typst and Markdown specials and addresses into names, the title,
templates, a label and quotes. One build with ``--format all`` writes every format; each format
has a reader below (a new exporter without one fails ``test_every_format_has_a_reader``). For
each format, every payload it carries must be found literally in what its client shows, and
nothing in the file may be read as markup, media, formula or syntax.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import lms
from conftest import DATA
from quizgen.exporters import anki as anki_deck
from quizgen.exporters import REGISTRY
from quizgen.questions import QuestionBank

EVERY = frozenset(REGISTRY) - {"sheets"}  # answer sheets show the title and bubbles, not the questions
NAMES = [  # entity names: every format shows them
    "<script>alert(1)</script>", "{{c1::x}} Cloze", '#panic("x")', "$x$ *bold* _it_ [link](http://x)",
    '=HYPERLINK("http://evil.example/","click")', "+1+2 Plus", "-3 Minus", "@SUM(A1:A2) At",
    "[sound:boom.mp3][anki:play:q:0] Sound", "[anki:tts lang=en_US]Speak[/anki:tts]",
    "[$]x^2[/$] [$$]y[/$$] [latex]z[/latex]", r"\(a+b\) \[c\] MathJax", "&lt;script&gt; AT&T &amp;",
    "GIFT a~b=c#d{e}f:g", "`code` ## h |t| > q", "URL https://evil.example/?a=1&b=<2>", "{{Front}} Accord",
    "<civilians> Plan", "</div><img src=x onerror=alert(1)>", "=cmd|' /C calc'!A0 Talks", "[sound:ev.mp3] Summit",
    r"[$$]e[/$$] \(e\) Truce", "about 280 <civilians>",
]
TITLE = r"=1+1 ../../etc/passwd [sound:title.mp3] \(t\) <b>T</b> &amp; {{c1::t}}"
TEMPLATES = [r"[anki:tts lang=en_US]tpl[/anki:tts] \[tpl\] <u>tpl</u>", "[$]tpl[/$] =tpl."]
LABEL = "endorsed [sound:label.mp3] <i>label</i> -label"
QUOTES = ["<i>quote</i> {{Back}} #set text(red) [sound:quote.mp3]", "[anki:tts lang=en_US]q[/anki:tts]",
          "[latex]q[/latex]", r"\(q\)", "&lt;q&gt;"]
SOURCE = ["<b>Bold</b> & {{Front}} Press", "#panic(\"x\") $x$ <script>alert('t')</script> [sound:src.mp3]"]

# Where each payload shows: names and templates in questions; the title everywhere but Quizlet's
# cards; the negated statement, which repeats the label, in why-an-option-is-wrong (Anki, Moodle,
# GIFT); quotes and sources with the
# evidence (GIFT carries only the explanation; Kahoot and Quizlet carry no evidence).
WHERE: dict[str, frozenset[str]] = {
    **{p: EVERY for p in NAMES + TEMPLATES},
    TITLE: EVERY - {"quizlet"} | {"sheets"},
    LABEL: frozenset({"json", "anki", "moodle", "gift", "html"}),
    **{p: frozenset({"json", "anki", "moodle", "canvas", "pdf", "markdown", "html"}) for p in QUOTES[:1]},
    **{p: frozenset({"json", "anki", "moodle", "canvas", "html"}) for p in QUOTES[1:]},
    **{p: frozenset({"json", "anki", "moodle", "canvas", "pdf", "markdown", "html"}) for p in SOURCE},
}


def flat(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Reading:
    """What a format's client shows (text), and anything it would interpret (problems)."""

    text: str = ""
    problems: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        self.text += flat(text) + "\n"


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    from typer.testing import CliRunner

    from quizgen.cli import app

    tmp = tmp_path_factory.mktemp("hostile")
    facts = tmp / "hostile.yaml"
    shutil.copy(DATA / "hostile.yaml", facts)
    out = tmp / "out"
    with pytest.MonkeyPatch.context() as patch:
        # A forked writer can hang once Typst has run in this process; these checks read the
        # outputs, whichever process wrote them.
        patch.setenv("QUIZGEN_NO_FORK", "1")
        result = CliRunner().invoke(app, ["build", str(facts), "--out", str(out), "--format", "all",
                                          "--count", "500", "--versions", "1"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    bank = QuestionBank.model_validate_json((out / "questions.json").read_text(encoding="utf-8"))
    return out, bank


# -- readers, one per format -------------------------------------------------------------

def read_json(out: Path, bank) -> Reading:
    reading = Reading()

    def walk(value):
        if isinstance(value, str):
            reading.add(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(json.loads((out / "questions.json").read_text(encoding="utf-8")))
    return reading


SEGMENT_BREAK = re.compile(r"<(?!/?(?:br|wbr)\b|!--)[^>]*>", re.I)  # MathJax joins text across these only
MATHJAX = re.compile(r"\\[()\[\]]")
ANKI_TAGS = re.compile(r"\[(?:sound:|anki:|\$|/\$|latex\]|/latex\])", re.I)


def read_anki(out: Path, bank) -> Reading:
    """The deck imported into a fresh collection with the real backend; every card rendered."""
    pytest.importorskip("anki.collection")
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    reading = Reading()
    folder = out.parent / "anki-learner"
    folder.mkdir(exist_ok=True)
    col = Collection(str(folder / "collection.anki2"))
    try:
        options = ImportAnkiPackageOptions(merge_notetypes=False, with_scheduling=False, with_deck_configs=False)
        col.import_anki_package(ImportAnkiPackageRequest(package_path=str(out / f"{bank.topic}.apkg"), options=options))
        for cid in col.find_cards(""):
            card = col.get_card(cid)
            if card.question_av_tags() or card.answer_av_tags():
                reading.problems.append(f"card {cid}: sound or speech {card.question_av_tags() + card.answer_av_tags()}")
            for side in (card.question(), card.answer()):
                # quizgen's own script on a type-in back is the one script a card may have
                body = side.split("</style>", 1)[-1].replace(anki_deck._ACCEPTED_SCRIPT, "")
                for bad in ("<img", "<script", "<b>", "<i>", "<u>", "<civilians", "{{", "}}"):
                    if bad in body:
                        reading.problems.append(f"card {cid}: {bad!r} in {body[:200]!r}")
                if ANKI_TAGS.search(body):  # what the backend would turn into media, speech, LaTeX or play buttons
                    reading.problems.append(f"card {cid}: Anki tag in {ANKI_TAGS.search(body).group()!r}")
                for segment in SEGMENT_BREAK.split(body):
                    if MATHJAX.search(html.unescape(segment)):
                        reading.problems.append(f"card {cid}: MathJax would typeset {segment[:80]!r}")
                reading.add(html.unescape(re.sub(r"<[^>]+>", "", body)))
    finally:
        col.close()
    return reading


def read_moodle_records(records: list[dict], reading: Reading) -> None:
    """Moodle's importer output: HTML fields must hold no element but the exporter's own."""
    own = ("<p>", "</p>", "<em>", "</em>")

    def html_field(value: str, page: bool = True) -> None:
        reading.problems.extend(lms.math_problems(value, page))
        try:
            reading.add(lms.literal(value, own, links=True))
        except AssertionError as error:
            reading.problems.append(f"markup in {error}")

    for record in records:
        if record["qtype"] == "category":  # a path: "/" between names, "//" inside one
            for name in re.split(r"(?<!/)/(?!/)", record["category"]):
                html_field(name.replace("//", "/"))
            continue
        # a name is never shown inside the filter's typesetting span: only Moodle's search counts
        html_field(record["name"], page=False)
        for key in ("questiontext", "generalfeedback"):
            html_field(record[key])
        if record.get("questiontextformat") != 1:
            reading.problems.append(f"{record['name']}: question text not read as HTML")
        if record["qtype"] == "multichoice":
            for part in record["answer"] + record["feedback"]:
                html_field(part["text"])
        elif record["qtype"] == "shortanswer":
            for answer in record["answer"]:  # compared with what the student types: plain
                reading.add(answer)
        elif record["qtype"] == "match":
            for part in record["subquestions"]:
                html_field(part["text"])
            for answer in record["subanswers"]:  # shown through format_string: HTML
                html_field(answer)
        for tag in record.get("savedtags", []):
            reading.add(tag)


def read_moodle(out: Path, bank) -> Reading:
    reading = Reading()
    read_moodle_records(lms.moodle_import("moodlexml_check.php", out / "moodle.xml"), reading)
    return reading


def read_gift(out: Path, bank) -> Reading:
    reading = Reading()
    read_moodle_records(lms.moodle_import("gift_check.php", out / "quiz.gift"), reading)
    return reading


def read_canvas(out: Path, bank) -> Reading:
    reading = Reading()
    with zipfile.ZipFile(out / "canvas-qti.zip") as package:
        root = ET.fromstring(package.read(next(n for n in package.namelist() if n != "imsmanifest.xml")))
    own = ("<p>", "</p>", "<em>", "</em>")
    for element in root.iter(f"{lms.QTI}mattext"):
        reading.problems.extend(lms.math_problems(element.text or ""))
        try:
            reading.add(lms.literal(element.text or "", own, links=True))
        except AssertionError as error:
            reading.problems.append(f"markup in {error}")
    reading.add(root.find(f"{lms.QTI}assessment").get("title"))
    by_id = {q.id: q for q in bank.questions}
    for item in root.iter(f"{lms.QTI}item"):
        question = by_id[item.get("ident")]
        if question.kind in ("matching", "ordering"):
            pairs, _ = lms.match_answers(question)
            if lms.canvas_matching(item) != pairs:
                reading.problems.append(f"{question.id}: Canvas pairs {lms.canvas_matching(item)}")
    return reading


FORMULA = ("=", "+", "-", "@", "\t", "\r")


def read_quizlet(out: Path, bank) -> Reading:
    reading = Reading()
    text = (out / "quizlet.tsv").read_text(encoding="utf-8")
    for row in csv.reader(io.StringIO(text, newline=""), delimiter="\t", quoting=csv.QUOTE_NONE):
        if len(row) != 2:
            reading.problems.append(f"row of {len(row)} fields: {row}")
        for cell in row:
            if cell.startswith(FORMULA):
                reading.problems.append(f"unguarded formula {cell!r}")
            reading.add(cell)
    return reading


def read_kahoot(out: Path, bank) -> Reading:
    openpyxl = pytest.importorskip("openpyxl")
    reading = Reading()
    with zipfile.ZipFile(out / "kahoot.xlsx") as package:
        for name in package.namelist():
            if name.startswith("xl/worksheets/") and re.search(rb"<f[ >]", package.read(name)):
                reading.problems.append(f"{name}: a formula element")
    for row in openpyxl.load_workbook(out / "kahoot.xlsx").active.iter_rows():
        for cell in row:
            if cell.value is not None:
                if cell.data_type != "s":
                    reading.problems.append(f"{cell.coordinate}: stored as {cell.data_type!r}")
                reading.add(str(cell.value))
    return reading


def read_pdf(out: Path, bank) -> Reading:
    import pdfplumber

    reading = Reading()
    for path in sorted(out.glob("*.pdf")):
        if path.name == "answer-sheets.pdf":
            continue  # read_sheets reads it
        with pdfplumber.open(path) as pdf:
            # the template's invisible break opportunities inside long words are not text
            reading.add(" ".join((page.extract_text() or "") for page in pdf.pages).replace("\u200b", ""))
    return reading


MARKDOWN_TAGS = {"h1", "h2", "p", "strong", "em", "ul", "ol", "li", "blockquote", "a"}


def read_markdown(out: Path, bank) -> Reading:
    """Every Markdown file rendered by a CommonMark renderer: only the document's own structure."""
    from markdown_it import MarkdownIt

    renderer = MarkdownIt("commonmark")
    reading = Reading()
    sources = {html.escape(c.url or "", quote=True) for q in bank.questions for c in q.citations}
    for path in sorted(out.glob("*.md")):
        rendered = renderer.render(path.read_text(encoding="utf-8"))
        for tag in re.findall(r"<(/?)([a-zA-Z0-9]+)([^>]*)>", rendered):
            if tag[1] not in MARKDOWN_TAGS:
                reading.problems.append(f"{path.name}: <{tag[1]}> in the rendered Markdown")
            elif tag[1] == "a" and not tag[0]:
                href = re.search(r'href="([^"]*)"', tag[2]).group(1)
                if html.unescape(href).replace("%3C", "<").replace("%3E", ">") not in {html.unescape(s) for s in sources}:
                    reading.problems.append(f"{path.name}: a link to {href}")
        reading.add(html.unescape(re.sub(r"<[^>]+>", " ", rendered)))
    return reading


def read_sheets(out: Path, bank) -> Reading:
    """The answer sheets as printed, and every string of their layout file."""
    import pdfplumber

    reading = Reading()
    with pdfplumber.open(out / "answer-sheets.pdf") as pdf:
        reading.add(" ".join((page.extract_text() or "") for page in pdf.pages))
    layout = json.loads((out / "answer-sheets.json").read_text(encoding="utf-8"))
    reading.add(" ".join(c["text"] for sheet in layout["sheets"] for row in sheet["rows"] for c in row["choices"]))
    return reading


def read_html(out: Path, bank) -> Reading:
    """The self-check page in Chromium, every question answered: its text, and any element,
    handler, script run or request that came from the data."""
    pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install -e '.[test]')")
    from selfcheck_browser import read_page

    reading = Reading()
    text, reading.problems = read_page(out / "self-check.html")
    reading.add(text)
    return reading


READERS = {"sheets": read_sheets, "html": read_html, "json": read_json, "anki": read_anki, "moodle": read_moodle, "gift": read_gift, "canvas": read_canvas,
           "quizlet": read_quizlet, "kahoot": read_kahoot, "pdf": read_pdf, "markdown": read_markdown}


def test_every_format_has_a_reader():
    assert set(REGISTRY) <= set(READERS), f"add a reader for {sorted(set(REGISTRY) - set(READERS))}"


def test_every_payload_is_in_the_fact_file_and_the_questions(build):
    out, bank = build
    source = (DATA / "hostile.yaml").read_text(encoding="utf-8")
    every = json.dumps(json.loads((out / "questions.json").read_text(encoding="utf-8")), ensure_ascii=False)
    for payload in WHERE:
        assert payload.replace("\\", "") in source.replace("\\", "") or payload in every, payload
    for payload in NAMES + TEMPLATES + [TITLE]:
        assert any(payload in q.prompt or payload in q.answer for q in bank.questions) or payload == TITLE, payload


@pytest.mark.parametrize("fmt", sorted(REGISTRY))
def test_hostile_text_is_literal_and_inert(build, fmt):
    out, bank = build
    if fmt not in READERS:
        pytest.fail(f"no reader for the {fmt!r} format in {__name__}")
    reading = READERS[fmt](out, bank)
    assert not reading.problems, reading.problems[:10]
    missing = [p for p, formats in WHERE.items() if fmt in formats and flat(p) not in reading.text]
    assert not missing, missing


# -- the escaping rules, for any text ------------------------------------------------------

import os  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

SPECIALS = st.sampled_from(list("[]{}()\\$<>&#*_`~=+-@|!:;'\" \t\n.1") + ["[sound:", "[anki:tts]", "[$]", "[$$]",
                                                                           "[latex]", "\\(", "\\[", "{{c1::", "&lt;"])
# control characters are invalid input (check refuses them); tab and line breaks are spacing
# CI raises QUIZGEN_FUZZ_EXAMPLES to thousands; a developer's run stays quick.
EXAMPLES = max(300, int(os.environ.get("QUIZGEN_FUZZ_EXAMPLES", "300")))
TEXT = st.lists(st.one_of(SPECIALS, st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=3)),
                max_size=30).map("".join)


@settings(max_examples=EXAMPLES, deadline=None, derandomize=os.environ.get("CI") == "true")
@given(TEXT)
def test_anki_field_html_is_literal_for_any_text(text):
    from quizgen.exporters.anki import text_html

    field_html = text_html(text)
    assert not re.search(r"[{}\[]", field_html)  # no template, media, TTS or LaTeX syntax for Anki's regexes
    assert not any(MATHJAX.search(html.unescape(s)) for s in SEGMENT_BREAK.split(field_html))
    assert html.unescape(field_html.replace("<span></span>", "")) == text
    assert not re.search(r"[<>]", field_html.replace("<span></span>", ""))  # no other element


@settings(max_examples=EXAMPLES, deadline=None, derandomize=os.environ.get("CI") == "true")
@given(TEXT)
def test_quizlet_field_is_one_guarded_field_for_any_text(text):
    from quizgen.exporters.quizlet import field_tsv

    field_text = field_tsv(text)
    assert not re.search(r"[\t\r\n]", field_text) and not field_text.startswith(FORMULA)
    assert field_text in (flat(text), "'" + flat(text))


@settings(max_examples=EXAMPLES, deadline=None, derandomize=os.environ.get("CI") == "true")
@given(TEXT)
def test_markdown_text_renders_literally_for_any_text(text):
    from markdown_it import MarkdownIt

    from quizgen.exporters.markdown import md

    if not flat(text):
        return
    rendered = MarkdownIt("commonmark").render(f"**1.** {md(text)}\n\n{md(text)}\n")
    tags = set(re.findall(r"</?([a-z0-9]+)", rendered))
    assert tags <= {"p", "strong"}, rendered
    shown = [html.unescape(re.sub(r"<[^>]+>", "", part)).strip() for part in rendered.split("</p>") if part.strip()]
    assert shown == [f"1. {flat(text)}", flat(text)]


@settings(max_examples=EXAMPLES, deadline=None, derandomize=os.environ.get("CI") == "true")
@given(TEXT)
def test_platform_html_is_literal_for_any_text(text):
    """Moodle, GIFT and Canvas text: no markup, no math for Moodle's filters or a page's MathJax."""
    from quizgen.exporters.platforms import html_text

    fragment = html_text(text)
    assert not lms.math_problems(fragment)
    assert lms.literal(fragment) == flat(text)
