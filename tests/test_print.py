"""Printed quizzes checked by reading the PDFs' text back (pdfplumber)."""

from __future__ import annotations

import re
import shutil

import pytest

from conftest import DATA, FACTS
from quizgen import pipeline
from quizgen.exporters import Settings
from quizgen.exporters.printed import versions
from quizgen.questions import QuestionBank

pdfplumber = pytest.importorskip("pdfplumber")


def pages(path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [" ".join((page.extract_text() or "").split()) for page in pdf.pages]


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("print")
    facts = tmp / "facts.yaml"
    shutil.copy(FACTS, facts)
    out = tmp / "out"
    pipeline.build(facts, out, formats=("json", "markdown", "pdf"))
    bank = QuestionBank.model_validate_json((out / "questions.json").read_text(encoding="utf-8"))
    return out, bank


def test_two_versions_with_keys_by_default(shipped):
    out, _ = shipped
    names = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert names == ["key-A.md", "key-A.pdf", "key-B.md", "key-B.pdf", "questions.json",
                     "quiz-A.md", "quiz-A.pdf", "quiz-B.md", "quiz-B.pdf"]


@pytest.mark.parametrize("letter", ["A", "B"])
def test_every_question_appears_in_the_versions_order(shipped, letter):
    out, bank = shipped
    version = versions(bank, Settings())[ord(letter) - ord("A")]
    text = " ".join(pages(out / f"quiz-{letter}.pdf"))
    position = 0
    for item in version.items:
        marker = f"{item.number}. {flat(item.question.prompt)[:60]}"
        found = text.find(marker, position)
        assert found >= 0, marker
        position = found
        if item.question.kind == "multiple_choice":
            for choice in item.choices:
                assert f"{choice.letter}. {flat(choice.text)[:40]}" in text
        for left in item.left:
            assert flat(left) in text


@pytest.mark.parametrize("letter", ["A", "B"])
def test_key_matches_its_version_and_questions_json(shipped, letter):
    out, bank = shipped
    by_id = {q.id: q for q in bank.questions}
    version = versions(bank, Settings())[ord(letter) - ord("A")]
    quiz_text = " ".join(pages(out / f"quiz-{letter}.pdf"))
    key_text = " ".join(pages(out / f"key-{letter}.pdf"))
    for item in version.items:
        truth = by_id[item.question.id]  # as questions.json has it
        if truth.kind == "multiple_choice":
            letter_of = next(c.letter for c in item.choices if c.text == truth.answer)
            assert f"{letter_of}. {flat(truth.answer)[:40]}" in quiz_text
            assert f"{item.number}. " in key_text and f"{letter_of} — {letter_of}. {flat(truth.answer)[:40]}" in key_text
        elif truth.kind == "true_false":
            assert re.search(rf"{re.escape(flat(truth.prompt)[-30:])} {truth.answer}\b", key_text)
        elif truth.kind == "short_answer":
            assert flat(truth.answer) in key_text
        elif truth.kind == "ordering":
            letters = {c.text: c.letter for c in item.choices}
            assert ", ".join(letters[i] for i in truth.items) in key_text


def test_versions_differ_in_order_not_in_questions(shipped):
    _, bank = shipped
    a, b = versions(bank, Settings())
    assert sorted(i.question.id for i in a.items) == sorted(i.question.id for i in b.items)
    assert [i.question.id for i in a.items] != [i.question.id for i in b.items]
    # answer letters spread evenly within a version
    for version in (a, b):
        letters = [i.key for i in version.items if i.question.kind == "multiple_choice" and len(i.choices) == 4]
        if len(letters) >= 4:
            counts = [letters.count(x) for x in "ABCD"]
            assert max(counts) - min(counts) <= 1, counts


def test_every_page_has_version_and_page_x_of_y(shipped):
    out, _ = shipped
    for letter in "AB":
        for kind in ("quiz", "key"):
            texts = pages(out / f"{kind}-{letter}.pdf")
            for number, text in enumerate(texts, 1):
                assert f"Version {letter} · Page {number} of {len(texts)}" in text


def test_no_question_is_split_across_pages(shipped):
    out, bank = shipped
    version = versions(bank, Settings())[0]
    texts = pages(out / "quiz-A.pdf")
    for item in version.items:
        marker = f"{item.number}. {flat(item.question.prompt)[:40]}"
        page = next(t for t in texts if marker in t)
        shown = [c.text for c in item.choices if item.question.kind != "true_false"] + list(item.left)
        for text in shown:
            assert flat(text)[:20] in page, (item.number, text)


def test_selection_balances_families_and_avoids_giveaways(shipped):
    _, bank = shipped
    chosen = [i.question for i in versions(bank, Settings())[0].items]
    assert len(chosen) == 20
    assert {q.family for q in chosen} == {"signing", "backing", "dates", "roles", "figures"}
    assert len({q.kind for q in chosen}) == 5
    for q in chosen:
        for other in chosen:
            if other is not q and q.kind in ("multiple_choice", "short_answer") and len(q.answer) > 3:
                assert q.answer.casefold() not in other.prompt.casefold()


def test_rebuild_gives_identical_pdf_bytes(shipped, tmp_path):
    out, _ = shipped
    facts = tmp_path / "facts.yaml"
    shutil.copy(FACTS, facts)
    pipeline.build(facts, tmp_path / "again", formats=("markdown", "pdf"))
    for name in ("quiz-A.pdf", "key-B.pdf", "quiz-B.md"):
        assert (tmp_path / "again" / name).read_bytes() == (out / name).read_bytes()


def test_paper_sizes(tmp_path):
    facts = tmp_path / "facts.yaml"
    shutil.copy(DATA / "minimal.yaml", facts)
    for paper, width in (("a4", 595), ("letter", 612)):
        pipeline.build(facts, tmp_path / paper, formats=("pdf",), settings=Settings(paper=paper, versions=1))
        with pdfplumber.open(tmp_path / paper / "quiz-A.pdf") as pdf:
            assert round(pdf.pages[0].width) == width


def test_hostile_text_prints_literally(tmp_path):
    facts = tmp_path / "hostile.yaml"
    shutil.copy(DATA / "hostile.yaml", facts)
    out = tmp_path / "out"
    pipeline.build(facts, out, formats=("json", "markdown", "pdf"), settings=Settings(count=50, versions=1))
    # (without the invisible break opportunities the template puts inside long words)
    text = (" ".join(pages(out / "quiz-A.pdf")) + " ".join(pages(out / "key-A.pdf"))).replace("\u200b", "")
    for literal in ('#panic("x")', "$x$ *bold* _it_ [link](http://x)", "<script>alert(1)</script>",
                    "{{c1::x}} Cloze", "{{Front}} Accord", "Envoy {{Tags}}", "../../etc/passwd"):
        assert literal in text, literal
    # Arabic is drawn with the shipped DejaVu Sans (Libertinus has no Arabic glyphs)
    with pdfplumber.open(out / "key-A.pdf") as pdf:
        arabic = [c for page in pdf.pages for c in page.chars if "\u0600" <= c["text"] <= "\u06ff"]
    assert arabic and all("DejaVu" in c["fontname"] for c in arabic)
    markdown = (out / "quiz-A.md").read_text(encoding="utf-8")
    assert r"\<script\>alert(1)\</script\>" in markdown
    assert r"\$x\$ \*bold\* \_it\_ \[link\](http://x)" in markdown
    # nothing was written outside the output folder, whatever the title says
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hostile.yaml", "out"]


def test_golden_markdown(shipped, golden):
    out, _ = shipped
    for name in ("quiz-A.md", "key-A.md"):
        golden(f"shipped/{name}", (out / name).read_text(encoding="utf-8"))


def test_quiz_command_options(tmp_path, run_cli):
    out = tmp_path / "q"
    code, stdout, _ = run_cli("quiz", FACTS, "--count", "8", "--versions", "3", "--family", "dates",
                              "--paper", "letter", "--title", "Dates drill", "--out", out)
    assert code == 0, stdout
    assert sorted(p.name for p in out.glob("*.pdf")) == ["answer-sheets.pdf", "key-A.pdf", "key-B.pdf", "key-C.pdf",
                                                         "quiz-A.pdf", "quiz-B.pdf", "quiz-C.pdf"]
    text = pages(out / "quiz-C.pdf")[0]
    assert "Dates drill" in text and "8 questions" in text
    markdown = (out / "key-B.md").read_text(encoding="utf-8")
    assert markdown.count("**Answer:**") == 8
    code, _, err = run_cli("quiz", FACTS, "--paper", "legal", "--out", out)
    assert code == 2 and "--paper" in err
