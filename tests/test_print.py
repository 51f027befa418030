"""Printed quizzes checked by reading the PDFs back (pdfplumber): the questions in each paper's
order, the marking grid against questions.json, page counts, colours, sizes and copied text."""

from __future__ import annotations

import re
import shutil

import pytest
import yaml

from conftest import DATA, FACTS
from quizgen import pipeline
from quizgen.exporters import Settings
from quizgen.exporters.printed import versions
from quizgen.questions import QuestionBank

pdfplumber = pytest.importorskip("pdfplumber")

ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad")


def pages(path) -> list[str]:
    """Each page's text on one line, without the points marks and the True/False choices a
    question's first line carries at the right."""
    with pdfplumber.open(path) as pdf:
        texts = [" ".join((page.extract_text() or "").split()) for page in pdf.pages]
    return [re.sub(r"(\d+)\.(?=\S)", r"\1. ", re.sub(r" ?(True False )?\[\d+\]", "", t)) for t in texts]


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


@pytest.fixture(scope="module")
def with_copies(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("copies")
    facts = tmp / "facts.yaml"
    shutil.copy(FACTS, facts)
    out = tmp / "out"
    settings = Settings(copies=3, points={"ordering": 2})
    pipeline.build(facts, out, formats=("json", "markdown", "pdf"), settings=settings)
    bank = QuestionBank.model_validate_json((out / "questions.json").read_text(encoding="utf-8"))
    return out, bank, settings


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
        marker = f"{item.number}. {flat(item.question.prompt)[:25]}"
        found = text.find(marker, position)
        assert found >= 0, marker
        position = found
        if item.question.kind == "multiple_choice":
            for choice in item.choices:
                assert f"{choice.letter}. {flat(choice.text)[:25]}" in text
        for left in item.left:
            assert flat(left)[:25] in text


def test_default_quiz_takes_at_most_two_pages_per_copy(shipped, with_copies):
    out, _ = shipped
    for letter in "AB":
        with pdfplumber.open(out / f"quiz-{letter}.pdf") as pdf:
            assert len(pdf.pages) <= 2
    copies_out, _, _ = with_copies
    texts = pages(copies_out / "quiz-copies.pdf")
    for copy in (1, 2, 3):
        own = [t for t in texts if f"Copy {copy} · Page" in t]
        assert 1 <= len(own) <= 2
        assert f"Copy {copy} · Page {len(own)} of {len(own)}" in own[-1]


def expected_cell(item, truth) -> str:
    """What the grid must say for one question on one paper, worked out from questions.json and
    the paper's own order of choices."""
    letters = {c.text: c.letter for c in item.choices}
    if truth.kind == "multiple_choice":
        return letters[truth.answer]
    if truth.kind == "true_false":
        return truth.answer
    if truth.kind == "matching":
        right = {p.left: p.right for p in truth.pairs}
        return " ".join(f"{i}{letters[right[left]]}" for i, left in enumerate(item.left, 1))
    if truth.kind == "ordering":
        return " ".join(letters[text] for text in truth.items)
    return truth.answer


def grid_table(path) -> list[list[str]]:
    with pdfplumber.open(path) as pdf:
        rows = [row for table in pdf.pages[0].extract_tables() for row in table]
    return [[flat(cell or "") for cell in row] for row in rows]


def check_grid(path, papers, bank):
    by_id = {q.id: q for q in bank.questions}
    rows = grid_table(path)
    headers = [row for row in rows if row[0] == "No."]
    body = {}
    for row in rows:
        if row[0].isdigit():
            body.setdefault(int(row[0]), []).append(row)
    labels = [cell for header in headers for cell in header[1:]]
    assert labels == [f"Copy {p.copy}" if p.copy else f"Version {p.letter}" for p in papers]
    for number in range(1, len(papers[0].items) + 1):
        cells = [cell for row in body[number] for cell in row[1:]]
        items = [p.items[number - 1] for p in papers]
        assert len(cells) == len(items)
        for cell, item in zip(cells, items):
            want = expected_cell(item, by_id[item.question.id])
            if item.points != 1:
                want += f" [{item.points}]"
            assert cell == flat(want), (number, cell, want)
    totals = [cell for row in rows if row[0] == "Total" for cell in row[1:]]
    assert totals == [str(p.total_points) for p in papers]
    first = pages(path)[0]
    for item in papers[0].items:
        for other in item.question.accepted:
            assert flat(other) in first


@pytest.mark.parametrize("letter", ["A", "B"])
def test_key_first_page_is_the_grid_of_every_version(shipped, letter):
    out, bank = shipped
    papers = versions(bank, Settings())
    check_grid(out / f"key-{letter}.pdf", papers, bank)
    first = pages(out / f"key-{letter}.pdf")[0]
    assert f"{sum(i.points for i in papers[0].items)} points" in first


def test_key_grid_lists_every_copy_with_its_own_answers(with_copies):
    out, bank, settings = with_copies
    papers = versions(bank, settings)
    assert [(p.letter, p.copy) for p in papers] == [("A", 0), ("B", 0), ("A", 1), ("B", 2), ("A", 3)]
    check_grid(out / "key-A.pdf", papers, bank)
    # each copy shuffled on its own: no two papers hold the same order
    orders = {tuple(i.question.id for i in p.items) for p in papers}
    assert len(orders) == len(papers)
    # the points asked for, per kind, and 1 per pair for matching
    for item in papers[0].items:
        want = {"ordering": 2, "matching": len(item.question.pairs)}.get(item.question.kind, 1)
        assert item.points == want


@pytest.mark.parametrize("letter", ["A", "B"])
def test_explained_key_follows_with_answers_and_evidence(shipped, letter):
    out, bank = shipped
    by_id = {q.id: q for q in bank.questions}
    version = versions(bank, Settings())[ord(letter) - ord("A")]
    texts = pages(out / f"key-{letter}.pdf")
    assert "Answers explained" in texts[1]
    key_text = " ".join(texts[1:])
    for item in version.items:
        truth = by_id[item.question.id]
        if truth.kind == "multiple_choice":
            letter_of = next(c.letter for c in item.choices if c.text == truth.answer)
            assert f"{letter_of} — {letter_of}. {flat(truth.answer)[:30]}" in key_text
        elif truth.kind == "true_false":
            assert f"{item.number}. {flat(truth.prompt)[:20]}" in key_text
        elif truth.kind == "ordering":
            letters = {c.text: c.letter for c in item.choices}
            assert ", ".join(letters[i] for i in truth.items) in key_text
        assert flat(truth.citations[0].quote)[:25] in key_text


def test_every_page_has_its_paper_and_page_x_of_y(shipped):
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
        marker = f"{item.number}. {flat(item.question.prompt)[:25]}"
        page = next(t for t in texts if marker in t)
        shown = [c.text for c in item.choices if item.question.kind != "true_false"] + list(item.left)
        for text in shown:
            assert flat(text)[:20] in page, (item.number, text)


def test_sources_are_on_the_key_not_on_the_students_paper(shipped, tmp_path):
    out, bank = shipped
    quiz = " ".join(pages(out / "quiz-A.pdf"))
    key = " ".join(pages(out / "key-A.pdf"))
    titles = {c.title for q in bank.questions for c in q.citations}
    for title in titles:
        assert flat(title)[:30] not in quiz
    assert any(flat(title)[:30] in key for title in titles)
    assert "## Sources" not in (out / "quiz-A.md").read_text(encoding="utf-8")
    facts = tmp_path / "facts.yaml"
    shutil.copy(FACTS, facts)
    pipeline.build(facts, tmp_path / "on", formats=("markdown", "pdf"), settings=Settings(sources=True, versions=1))
    shown = " ".join(pages(tmp_path / "on" / "quiz-A.pdf"))
    assert "Sources" in shown and any(flat(title)[:30] in shown for title in titles)


def dark(color) -> bool:
    """Black or nearly (grey level, RGB or CMYK), as a photocopier's threshold keeps it."""
    if color is None:
        return True
    values = list(color) if isinstance(color, (tuple, list)) else [color]
    if len(values) == 4:
        return values[3] >= 0.8 or max(values[:3]) >= 0.8
    return max(values) <= 0.2


def test_print_is_black_and_large_enough_to_photocopy(shipped):
    out, _ = shipped
    with pdfplumber.open(out / "quiz-A.pdf") as pdf:
        for page in pdf.pages:
            for char in page.chars:
                assert dark(char["non_stroking_color"]), char
                if char["text"].strip():
                    assert char["size"] >= 9.9, (char["text"], char["size"])
            for shape in page.lines + page.rects + page.curves:
                if shape.get("stroke"):
                    assert dark(shape["stroking_color"]), shape
                    assert shape.get("linewidth", 1) >= 0.6


def test_copied_text_has_no_zero_width_characters(shipped):
    out, bank = shipped
    urls = [c.url for q in bank.questions for c in q.citations if c.url]
    for name in ("quiz-A.pdf", "key-A.pdf", "key-B.pdf"):
        with pdfplumber.open(out / name) as pdf:
            text = "".join(c["text"] for page in pdf.pages for c in page.chars)
        assert not [z for z in ZERO_WIDTH if z in text], name
    key = "".join(pages(out / "key-A.pdf")).replace(" ", "")
    assert urls and all(url in key for url in urls)  # each address copies whole, line breaks aside


def test_one_typeface_for_every_script(tmp_path):
    facts = tmp_path / "hostile.yaml"
    shutil.copy(DATA / "hostile.yaml", facts)
    pipeline.build(facts, tmp_path / "out", formats=("pdf",), settings=Settings(count=50, versions=1))
    with pdfplumber.open(tmp_path / "out" / "key-A.pdf") as pdf:
        chars = [c for page in pdf.pages for c in page.chars if c["text"].strip()]
    arabic = [c for c in chars if "\u0600" <= c["text"] <= "\u06ff"]
    assert arabic
    assert {c["fontname"].split("+")[-1].split("-")[0] for c in chars} == {"DejaVuSans"}


def test_hostile_text_prints_literally(tmp_path):
    facts = tmp_path / "hostile.yaml"
    shutil.copy(DATA / "hostile.yaml", facts)
    out = tmp_path / "out"
    pipeline.build(facts, out, formats=("json", "markdown", "pdf"), settings=Settings(count=50, versions=1))
    text = " ".join(pages(out / "quiz-A.pdf")) + " ".join(pages(out / "key-A.pdf"))
    for literal in ('#panic("x")', "$x$ *bold* _it_ [link](http://x)", "<script>alert(1)</script>",
                    "{{c1::x}} Cloze", "{{Front}} Accord", "Envoy {{Tags}}", "../../etc/passwd"):
        assert literal in text, literal
    markdown = (out / "quiz-A.md").read_text(encoding="utf-8")
    assert r"\<script\>alert(1)\</script\>" in markdown
    assert r"\$x\$ \*bold\* \_it\_ \[link\](http://x)" in markdown
    # nothing was written outside the output folder, whatever the title says
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hostile.yaml", "out"]


def cjk_file(tmp_path, name="卡特"):
    doc = yaml.safe_load((DATA / "minimal.yaml").read_text(encoding="utf-8"))
    for entity in doc["entities"]:
        if entity["id"] == "carter":
            entity["name"] = name
    facts = tmp_path / "cjk.yaml"
    facts.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return facts


def test_characters_no_font_has_are_refused_with_the_fix(tmp_path, run_cli):
    facts = cjk_file(tmp_path)
    out = tmp_path / "q"
    code, stdout, err = run_cli("quiz", facts, "--out", out)
    assert code == 1, (stdout, err)
    line = next(line for line in err.splitlines() if "no font can print" in line)
    assert re.match(rf"{re.escape(str(facts))}:\d+:\d+: error: question ", line)
    assert "卡 (U+5361)" in line and "特 (U+7279)" in line
    assert "question " in line and "--font-path DIR" in line
    assert not out.exists()
    # the fonts' own character maps decide, not a list of scripts
    from quizgen.exporters import glyphs, pdf

    have = pdf.covered()
    assert glyphs.missing("Ş ş ğ ع ש Ж 卡", have) == ["卡"]
    # an empty font folder adds nothing
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    assert pdf.covered((str(fonts),)) == have


MATH_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuMathTeXGyre.ttf"


@pytest.mark.skipif(not shutil.os.path.exists(MATH_FONT), reason="needs the Debian package fonts-dejavu-extra")
def test_font_path_brings_the_missing_characters(tmp_path, run_cli):
    facts = cjk_file(tmp_path, "Carter \u210a")  # SCRIPT SMALL G: not in DejaVu Sans, in DejaVu Math
    code, _, err = run_cli("quiz", facts, "--out", tmp_path / "no")
    assert code == 1 and "\u210a (U+210A)" in err
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    shutil.copy(MATH_FONT, fonts)
    code, _, err = run_cli("quiz", facts, "--font-path", fonts, "--out", tmp_path / "yes")
    assert code == 0, err
    with pdfplumber.open(tmp_path / "yes" / "key-A.pdf") as pdf:
        drawn = [c for page in pdf.pages for c in page.chars if c["text"] == "\u210a"]
    assert drawn and all("Math" in c["fontname"] for c in drawn)


def test_quiz_block_and_wording_set_the_paper(tmp_path, run_cli):
    doc = yaml.safe_load(FACTS.read_text(encoding="utf-8"))
    doc["quiz"] = {"points": {"true_false": 2}, "instructions": "Pen only. No notes.", "time": "40 minutes",
                   "school": "Hillside School · Year 10", "sources": True, "font_size": 14}
    doc.setdefault("wording", {})["print_section_true_false"] = "Vrai ou faux"
    facts = tmp_path / "facts.yaml"
    facts.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "q"
    code, stdout, err = run_cli("quiz", facts, "--versions", "1", "--out", out)
    assert code == 0, err
    text = " ".join(pages(out / "quiz-A.pdf"))
    for shown in ("Pen only. No notes.", "Time allowed: 40 minutes", "Hillside School · Year 10", "Vrai ou faux",
                  "Sources"):
        assert shown in text, shown
    with pdfplumber.open(out / "quiz-A.pdf") as pdf:
        assert max(c["size"] for c in pdf.pages[0].chars if c["text"] == "W") >= 14
    markdown = (out / "quiz-A.md").read_text(encoding="utf-8")
    assert "## Vrai ou faux" in markdown and "Hillside School" in markdown
    # the command line wins over the file
    code, _, err = run_cli("quiz", facts, "--versions", "1", "--hide-sources", "--points", "true_false=3",
                           "--out", out)
    assert code == 0, err
    assert "## Sources" not in (out / "quiz-A.md").read_text(encoding="utf-8")
    assert "\\[3\\]" in (out / "quiz-A.md").read_text(encoding="utf-8")


def test_quiz_block_and_print_wording_are_checked(tmp_path, run_cli):
    doc = yaml.safe_load(FACTS.read_text(encoding="utf-8"))
    doc["quiz"] = {"paper": "legal"}
    facts = tmp_path / "facts.yaml"
    facts.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    code, _, err = run_cli("check", facts)
    assert code == 1 and "quiz" in err and "paper" in err
    del doc["quiz"]
    doc.setdefault("wording", {})["print_page"] = "Seite {page} von {total}"
    facts.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    code, _, err = run_cli("check", facts)
    assert code == 1 and "wording 'print_page' uses {total}" in err


def test_fewer_questions_than_asked_is_a_warning(tmp_path, run_cli):
    out = tmp_path / "q"
    code, stdout, err = run_cli("quiz", FACTS, "--count", "100", "--versions", "1", "--out", out)
    assert code == 0
    warning = next(line for line in err.splitlines() if "fewer than the 100 asked for" in line)
    number = int(re.search(r"has (\d+) questions", warning)[1])
    assert 20 < number < 100
    assert f"{number} questions" in pages(out / "quiz-A.pdf")[0]
    # the default count says nothing
    code, stdout, err = run_cli("quiz", DATA / "minimal.yaml", "--out", tmp_path / "m")
    assert code == 0 and "fewer than" not in err


def test_selection_balances_families_and_avoids_giveaways(shipped):
    _, bank = shipped
    chosen = [i.question for i in versions(bank, Settings())[0].items]
    assert len(chosen) == 20
    assert {q.family for q in chosen} == {q.family for q in bank.questions}  # every family the topic has
    assert len({q.kind for q in chosen}) >= 4
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


def test_golden_markdown(shipped, golden):
    out, _ = shipped
    for name in ("quiz-A.md", "key-A.md"):
        golden(f"shipped/{name}", (out / name).read_text(encoding="utf-8"))


def test_quiz_command_options(tmp_path, run_cli):
    out = tmp_path / "q"
    code, stdout, _ = run_cli("quiz", FACTS, "--count", "8", "--versions", "3", "--family", "dates",
                              "--paper", "letter", "--title", "Dates drill", "--copies", "2", "--out", out)
    assert code == 0, stdout
    assert sorted(p.name for p in out.glob("*.pdf")) == ["answer-sheets.pdf", "key-A.pdf", "key-B.pdf", "key-C.pdf",
                                                         "quiz-A.pdf", "quiz-B.pdf", "quiz-C.pdf", "quiz-copies.pdf"]
    text = pages(out / "quiz-C.pdf")[0]
    assert "Dates drill" in text and "8 questions" in text
    markdown = (out / "key-B.md").read_text(encoding="utf-8")
    assert markdown.count("| Copy 1 | Copy 2 |") == 1 and markdown.count("\n**") >= 8
    code, _, err = run_cli("quiz", FACTS, "--paper", "legal", "--out", out)
    assert code == 2 and "--paper" in err
    code, _, err = run_cli("quiz", FACTS, "--points", "matching", "--out", out)
    assert code == 2 and "KIND=N" in err


def test_points_for_an_unknown_kind_are_refused_with_a_suggestion(tmp_path, run_cli):
    doc = yaml.safe_load(FACTS.read_text(encoding="utf-8"))
    doc["quiz"] = {"points": {"matchng": 2, "signing-ask_date-d61c0941d4": 3}}
    facts = tmp_path / "facts.yaml"
    facts.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    code, _, err = run_cli("check", facts)
    assert code == 1 and "'matchng' is neither a question kind nor a question id" in err
    assert "did you mean 'matching'?" in err and re.search(rf"{re.escape(str(facts))}:\d+:\d+: error", err)


def test_no_page_holds_only_the_source_list(shipped, tmp_path):
    out, _ = shipped
    facts = tmp_path / "facts.yaml"
    shutil.copy(FACTS, facts)
    pipeline.build(facts, tmp_path / "on", formats=("pdf",), settings=Settings(sources=True))
    for path in [out / "key-A.pdf", out / "key-B.pdf", tmp_path / "on" / "quiz-A.pdf", tmp_path / "on" / "quiz-B.pdf"]:
        for text in pages(path):
            if " Sources 1. " in text:
                before = text.split(" Sources 1. ")[0]
                assert re.search(r"\b\d+\. \S", before), (path.name, text[:120])


def test_options_sit_closer_to_their_prompt_than_to_the_next_question(shipped):
    """Proximity: the gap between a prompt and its options is smaller than the gap before the next
    question, measured on the page."""
    out, bank = shipped
    version = versions(bank, Settings())[0]
    with pdfplumber.open(out / "quiz-A.pdf") as pdf:
        lines = [(round(line["top"], 1), round(line["bottom"], 1), " ".join(line["text"].split()))
                 for page_index, page in enumerate(pdf.pages) for line in page.extract_text_lines()
                 if page_index == 0]
    inner, outer = [], []
    for item, following in zip(version.items, version.items[1:]):
        if item.question.kind != "multiple_choice" or following.question.kind != "multiple_choice":
            continue
        start = next((i for i, l in enumerate(lines) if l[2].startswith(f"{item.number}.")), None)
        after = next((i for i, l in enumerate(lines) if l[2].startswith(f"{following.number}.")), None)
        if start is None or after is None:
            continue
        option = next(i for i in range(start, after) if lines[i][2].startswith("A."))
        inner.append(lines[option][0] - lines[option - 1][1])
        outer.append(lines[after][0] - lines[after - 1][1])
    assert len(inner) >= 4
    assert max(inner) < min(outer), (inner, outer)
