"""The cards themselves, rendered by the real Anki backend (and, where a browser is needed, by
headless Chromium): what each front asks, what each back shows, and how tall a back is on a phone."""

from __future__ import annotations

import html
import json
import re
import shutil
import statistics
import subprocess
from pathlib import Path

import pytest

from conftest import FACTS
from quizgen import pipeline
from quizgen.exporters import anki as anki_deck
from quizgen.questions import Question

pytest.importorskip("anki.collection")
from test_anki import Learner, apkg, build, copy_topic, visible  # noqa: E402
from test_anki_updates import import_with  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
TYPE_MARKER = re.compile(r"\[\[type:[^\]]*\]\]")


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    """The shipped facts, built and imported: (bank questions by id, learner). The file's own
    "Where did … sign the Moscow ceasefire agreement?" questions, which it turns off because the
    document's name holds the answer, are turned back on: they are type-in fronts that show it."""
    tmp = tmp_path_factory.mktemp("cards")
    facts = copy_topic(tmp)
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text.replace("  signed:\n    skip: [ask_place]\n", ""), encoding="utf-8")
    assert facts.read_text(encoding="utf-8") != text
    pipeline.build(facts, tmp / "out", formats=("json", "anki"))
    bank = json.loads((tmp / "out" / "questions.json").read_text(encoding="utf-8"))
    person = Learner(tmp / "learner")
    person.import_(apkg(tmp / "out"))
    yield {q["id"]: Question.model_validate(q) for q in bank["questions"]}, person
    person.close()


def cards_of(person: Learner, kind: str):
    for cid in person.col.find_cards(f'"note:{anki_deck.NOTE_TYPE_NAMES[kind]}"'):
        card = person.col.get_card(cid)
        yield card, card.note()["QuestionId"]


def typed_back(person: Learner, card, typed: str) -> str:
    """The back as Anki's reviewer shows it after the learner typed ``typed``: the type-answer marker
    replaced by Anki's own comparison with the Answer field."""
    expected = visible(card.note()["Answer"])
    return TYPE_MARKER.sub(lambda _: person.col.compare_answer(expected, typed), card.answer())


def words(text: str) -> str:
    return " ".join(text.casefold().split())


def test_no_type_in_front_shows_its_answer(deck):
    questions, person = deck
    fronts = 0
    for card, qid in cards_of(person, "short_answer"):
        front = words(visible(card.question()))
        for answer in {questions[qid].answer, *questions[qid].accepted}:
            assert not re.search(r"(?<!\w)" + re.escape(words(answer)) + r"(?!\w)", front), (qid, answer)
        fronts += 1
    given_away = [q for q in questions.values() if anki_deck.gives_answer_away(q)]
    assert fronts == sum(q.kind == "short_answer" for q in questions.values()) - len(given_away)
    # the quality rules leave out a question whose prompt gives its answer away before any export
    assert fronts > 0 and all(q.kind == "short_answer" for q in given_away)


def test_gives_answer_away_matches_whole_words_only():
    def question(prompt: str, answer: str, accepted=()) -> Question:
        return Question(id="q", family="f", kind="short_answer", template="t", prompt=prompt, answer=answer,
                        accepted=(answer, *accepted), explanation="e", facts=("x",), as_of="2020",
                        citations=[{"source": "s", "publisher": "p", "title": "t", "published": "2020",
                                    "quote": "q"}])

    assert anki_deck.gives_answer_away(question("Where was the Moscow agreement signed?", "Moscow"))
    assert anki_deck.gives_answer_away(question("Who is Macron's minister?", "Emmanuel Macron", ("Macron",)))
    assert not anki_deck.gives_answer_away(question("Where did the Muscovites meet?", "Moscow"))
    assert not anki_deck.gives_answer_away(question("How many in 20200?", "2020"))


def test_multiple_choice_and_true_false_backs_show_the_answer_once(deck):
    questions, person = deck
    checked = 0
    for kind in ("multiple_choice", "true_false"):
        for card, qid in cards_of(person, kind):
            back = card.answer()
            shown = back.split('id="answer"', 1)[1].split('class="sources"', 1)[0]
            text = visible(re.sub(r"<[^>]+>", "\n", shown))
            answer = questions[qid].answer
            if kind == "true_false":
                assert len(re.findall(rf"(?<!\w){answer}(?!\w)", text)) == 1, (qid, text)
            else:
                assert 'class="answer"' not in shown
                assert shown.count('class="right"') == 1
                lines = [line.strip() for line in text.splitlines() if line.strip()]
                assert lines.count(answer) == 1, (qid, lines)
            checked += 1
    assert checked == sum(q.kind in ("multiple_choice", "true_false") for q in questions.values())


def test_sources_are_grouped_one_line_each_with_their_quotes(deck):
    questions, person = deck
    for cid in person.col.find_cards(""):
        card = person.col.get_card(cid)
        question = questions[card.note()["QuestionId"]]
        sources = card.answer().split('class="sources"', 1)[1]
        assert sources.count('class="source"') == len({c.source for c in question.citations})
        assert sources.count("<q>") == len({(c.source, c.quote) for c in question.citations})
        for citation in question.citations:
            assert f"<q>{anki_deck.text_html(citation.quote)}</q>" in sources
            assert f'<div class="source">{anki_deck.text_html(citation.publisher)}, ' in sources


def test_matching_and_ordering_backs_use_the_letters_of_the_front(deck):
    questions, person = deck
    seen = 0
    for kind in ("matching", "ordering"):
        for card, qid in cards_of(person, kind):
            question = questions[qid]
            pool = re.search(r'<ol class="pool" type="A">(.*?)</ol>', card.question()).group(1)
            letters = {visible(item): letter for letter, item in zip("ABCDEFGH", re.findall(r"<li[^>]*>(.*?)</li>", pool))}
            back = card.answer().split('id="answer"', 1)[1]
            shown = dict((visible(text), letter) for letter, text in
                         re.findall(r'<b class="letter">([A-Z])\.</b> ([^<]*)<', back))
            expected = [p.right for p in question.pairs] if kind == "matching" else list(question.items)
            assert [shown[html.unescape(anki_deck.text_html(e))] for e in expected] == [letters[e] for e in expected]
            seen += 1
    assert seen == sum(q.kind in ("matching", "ordering") for q in questions.values())


def test_templates_are_named_for_what_they_show(deck):
    _, person = deck
    models = [m for m in person.col.models.all() if m["name"].startswith("quizgen")]
    assert models and all(m["tmpls"][0]["name"] == anki_deck.TEMPLATE_NAMES[k]
                          for m in models for k, n in anki_deck.NOTE_TYPE_NAMES.items() if n == m["name"])
    assert not any(m["tmpls"][0]["name"].startswith("Card ") for m in models)


def test_renaming_templates_renames_them_in_place_for_existing_learners(tmp_path, monkeypatch):
    """Template ids are pinned: a collection made from a build with the old names ("Card 1") takes
    the new names without a copied "+" note type or a conflicting note."""
    facts = copy_topic(tmp_path)
    monkeypatch.setattr(anki_deck, "TEMPLATE_NAMES", dict.fromkeys(anki_deck.TEMPLATE_NAMES, "Card 1"))
    build(facts, tmp_path / "old", 1_700_000_000, monkeypatch)
    monkeypatch.undo()
    person = Learner(tmp_path / "learner")
    first = import_with(person, apkg(tmp_path / "old"))
    build(facts, tmp_path / "new", 1_700_100_000, monkeypatch)
    log = import_with(person, apkg(tmp_path / "new"))
    assert log == {"new": 0, "updated": 0, "duplicate": first["new"], "conflicting": 0}
    person.col.models._clear_cache()
    names = {m["name"]: m["tmpls"][0]["name"] for m in person.col.models.all() if m["name"].startswith("quizgen")}
    assert not any(n.endswith("+") for n in names)
    assert set(names.values()) <= set(anki_deck.TEMPLATE_NAMES.values()) and len(names) == 5
    person.close()


def chromium_dom(page: str, tmp: Path, width: int = 500) -> str:
    source = tmp / "page.html"
    source.write_text(page, encoding="utf-8")
    result = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                             "--disable-background-networking", "--disable-component-update", "--disable-sync",
                             f"--user-data-dir={tmp / 'profile'}", f"--window-size={width},900",
                             "--virtual-time-budget=10000", "--dump-dom", source.as_uri()],
                            check=True, capture_output=True, timeout=180, text=True)
    return result.stdout


def in_frames(pages: list[str], width: int) -> str:
    """Each card page in its own frame ``width`` pixels wide (the phone's viewport, so the card's
    phone rules apply); a script writes each frame's content height into the DOM."""
    frames = "".join(f'<iframe style="width:{width}px;height:50px;border:0;display:block" srcdoc="{html.escape(p)}">'
                     "</iframe>" for p in pages)
    script = ("<script>window.addEventListener('load', function () { var h = [];"
              "document.querySelectorAll('iframe').forEach(function (f) {"
              "h.push(f.contentDocument.documentElement.scrollHeight); });"
              "document.body.setAttribute('data-heights', JSON.stringify(h)); });</script>")
    return f'<!doctype html><meta charset="utf-8"><body style="margin:0">{frames}{script}</body>'


def page(card_html: str) -> str:
    return ('<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
            f'<body class="card">{card_html}</body>')


@pytest.mark.skipif(CHROMIUM is None, reason="needs headless Chromium (Debian package chromium)")
def test_typed_accepted_spelling_is_not_marked_wrong(deck, tmp_path):
    questions, person = deck
    card, qid = next((c, q) for c, q in cards_of(person, "short_answer")
                     if len(set(questions[q].accepted) - {questions[q].answer}) > 0)
    question = questions[qid]
    variant = next(a for a in question.accepted if a != question.answer)
    backs = [typed_back(person, card, typed) for typed in (question.answer, variant, "wrong answer")]
    assert "typeBad" in backs[1] or "typeMissed" in backs[1]  # Anki itself compares with one answer only
    states = []
    for back in backs:
        shown = chromium_dom(page(back), tmp_path)
        states.append(('class="qg-typed accepted"' in shown, re.search(r'class="v typed"', shown) is not None))
    assert states == [(False, False), (True, True), (False, False)]
    shown = chromium_dom(page(backs[1]), tmp_path)
    assert f'<span class="typed-text">{html.escape(variant, quote=False)}</span>' in shown


@pytest.mark.skipif(CHROMIUM is None, reason="needs headless Chromium (Debian package chromium)")
def test_backs_are_compact_on_a_400px_phone(deck, tmp_path):
    """Every back's height at 400 px wide, measured in Chromium. Anki's own reviewer adds a little
    margin; the limits leave room for it."""
    _, person = deck
    backs = []
    for cid in sorted(person.col.find_cards("")):
        card = person.col.get_card(cid)
        backs.append(TYPE_MARKER.sub(lambda _: person.col.compare_answer(visible(card.note()["Answer"]),
                                                                         visible(card.note()["Answer"])),
                                     card.answer()))
    dom = chromium_dom(in_frames([page(b) for b in backs], 400), tmp_path)
    heights = json.loads(html.unescape(re.search(r'data-heights="([^"]*)"', dom).group(1)))
    assert len(heights) == len(backs)
    report = {"cards": len(heights), "median": statistics.median(heights), "max": max(heights),
              "over_900": sum(h > 900 for h in heights)}
    (tmp_path / "heights.json").write_text(json.dumps(report), encoding="utf-8")
    print("back heights at 400 px:", report)
    # The earlier layout (a source line per quote, no phone rules): median 539 px, tallest 1,518 px.
    assert report["max"] <= 1100 and report["median"] <= 450, report
