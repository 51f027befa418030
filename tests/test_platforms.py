"""Classroom-platform outputs, each parsed back and compared with questions.json."""

from __future__ import annotations

import csv
import shutil
import xml.etree.ElementTree as ET
import zipfile

import pytest

import lms
from conftest import DATA, FACTS
from quizgen import pipeline
from quizgen.exporters import REGISTRY
from quizgen.exporters.kahoot import HEADERS, TIME_LIMITS
from quizgen.exporters.platforms import ordering_pairs
from quizgen.questions import QuestionBank

PLATFORMS = ("moodle", "gift", "canvas", "quizlet", "kahoot")


def build(tmp_path, source):
    facts = tmp_path / source.name
    shutil.copy(source, facts)
    out = tmp_path / "out"
    result = pipeline.build(facts, out, formats=("json",) + PLATFORMS)
    bank = QuestionBank.model_validate_json((out / "questions.json").read_text(encoding="utf-8"))
    return out, bank, result


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    return build(tmp_path_factory.mktemp("platforms"), FACTS)


def expected_pairs(question):
    if question.kind == "ordering":
        return ordering_pairs(question)
    return [(p.left, p.right) for p in question.pairs]


def test_every_platform_is_registered():
    assert set(PLATFORMS) <= set(REGISTRY)


SOURCES = pytest.mark.parametrize("source", [FACTS, DATA / "hostile.yaml"], ids=["shipped", "hostile"])


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    cache = {}

    def get(source):
        if source not in cache:
            cache[source] = build(tmp_path_factory.mktemp(source.stem), source)
        return cache[source]

    return get


def expect_categories(records, bank):
    """Each question lands in its family's category, named after the title."""
    current, by_id = None, {}
    for record in records:
        if record["qtype"] == "category":
            current = record["category"]
        else:
            by_id[record.get("idnumber") or record["name"]] = (record, current)
    for question in bank.questions:
        if question.id in by_id:
            title = bank.family_titles().get(question.family, question.family)
            assert lms.category_names(by_id[question.id][1]) == lms.category(bank.title, title)
    return {k: v[0] for k, v in by_id.items()}


def counted_skips(result, name):
    note = next((n for n in result.notes if n.startswith(f"{name}: left out")), None)
    return int(note.split()[3]) if note else 0


@SOURCES
def test_moodle_xml_imports_as_the_questions(built, source):
    """Moodle's own XML importer reads every question back, field by field, as plain text shown literally."""
    out, bank, result = built(source)
    records = lms.moodle_import("moodlexml_check.php", out / "moodle.xml")
    by_id = expect_categories(records, bank)
    kept = [q for q in bank.questions if lms.moodle_can_save(q)]
    assert sorted(by_id) == sorted(q.id for q in kept)
    assert counted_skips(result, "moodle.xml") == len(bank.questions) - len(kept)
    qtypes = {"multiple_choice": "multichoice", "true_false": "truefalse", "short_answer": "shortanswer",
              "matching": "match", "ordering": "match"}
    for question in kept:
        record = by_id[question.id]
        assert record["qtype"] == qtypes[question.kind]
        assert record["questiontextformat"] == 1 and lms.paragraph(record["questiontext"]) == question.prompt
        name = lms.literal(record["name"])
        assert name == question.prompt or (name.endswith(" …") and question.prompt.startswith(name[:-2]))
        assert record["generalfeedbackformat"] == 1
        assert question.explanation in lms.literal(record["generalfeedback"], ("<p>", "</p>", "<em>", "</em>"), links=True)
        assert record["savedtags"] == record["tags"] and all(len(t) <= lms.TAG_LIMIT for t in record["tags"])
        assert len(set(record["tags"])) == 3 and any(t.endswith("::" + question.kind) for t in record["tags"])
        if question.kind == "multiple_choice":
            assert [lms.literal(a["text"]) for a in record["answer"]] == [o.text for o in question.options]
            assert all(a["format"] == 1 for a in record["answer"])
            assert record["fraction"] == [1 if o.correct else 0 for o in question.options]
            assert [lms.literal(f["text"]) for f in record["feedback"]] == [o.why for o in question.options]
        elif question.kind == "true_false":
            assert record["correctanswer"] == (question.answer == "True")
        elif question.kind == "short_answer":
            assert lms.accepts_exactly(record["answer"], list(question.accepted)) and set(record["fraction"]) == {1}
        else:
            pairs, extras = lms.match_answers(question)
            got = [(lms.paragraph(s["text"]) if s["text"] else "", lms.literal(a))
                   for s, a in zip(record["subquestions"], record["subanswers"])]
            assert got == pairs + [("", extra) for extra in extras]
            assert len(set(record["subanswers"])) >= 3  # what Moodle's edit form asks


@SOURCES
def test_gift_imports_as_the_questions(built, source):
    """Moodle's own GIFT importer reads every question back as HTML showing the text literally."""
    out, bank, result = built(source)
    records = lms.moodle_import("gift_check.php", out / "quiz.gift")
    by_id = expect_categories(records, bank)
    kept = [q for q in bank.questions if lms.moodle_can_save(q)]
    assert sorted(by_id) == sorted(q.id for q in kept)
    assert counted_skips(result, "quiz.gift") == len(bank.questions) - len(kept)
    for question in kept:
        record = by_id[question.id]
        assert record["questiontextformat"] == 1 and lms.literal(record["questiontext"]) == question.prompt
        assert record["generalfeedbackformat"] == 1
        assert question.explanation in lms.literal(record["generalfeedback"], ("<p>", "</p>", "<em>", "</em>"), links=True)
        if question.kind == "multiple_choice":
            assert record["qtype"] == "multichoice"
            assert [lms.literal(a["text"]) for a in record["answer"]] == [o.text for o in question.options]
            assert all(a["format"] == 1 for a in record["answer"])
            assert record["fraction"] == [1 if o.correct else 0 for o in question.options]
            assert [lms.literal(f["text"]) for f in record["feedback"]] == [o.why for o in question.options]
        elif question.kind == "true_false":
            assert record["qtype"] == "truefalse" and record["correctanswer"] == (question.answer == "True")
        elif question.kind == "short_answer":
            assert record["qtype"] == "shortanswer"
            assert lms.accepts_exactly(record["answer"], list(question.accepted)) and set(record["fraction"]) == {1}
        else:
            assert record["qtype"] == "match"
            pairs, extras = lms.match_answers(question)
            assert all(s["format"] == 1 for s in record["subquestions"])
            got = [(lms.literal(s["text"]), lms.literal(a)) for s, a in zip(record["subquestions"], record["subanswers"])]
            assert got == pairs + [("", extra) for extra in extras]


def test_moodle_short_answers_take_asterisks_literally(shipped, tmp_path):
    """"*" is Moodle's wildcard: an accepted answer holding one must accept only itself."""
    from quizgen.exporters import gift, moodle

    bank = shipped[1]
    question = next(q for q in bank.questions if q.kind == "short_answer")
    question = question.model_copy(update={"answer": "*Star* a*b", "accepted": ("*Star* a*b", "[html]x\\*y", "a\\b")})
    small = bank.model_copy(update={"questions": (question,)})
    (tmp_path / "moodle.xml").write_bytes(moodle.render(small)[0])
    (tmp_path / "quiz.gift").write_text(gift.render(small)[0], encoding="utf-8")
    for script, name in (("moodlexml_check.php", "moodle.xml"), ("gift_check.php", "quiz.gift")):
        record = next(r for r in lms.moodle_import(script, tmp_path / name) if r["qtype"] != "category")
        assert lms.accepts_exactly(record["answer"], list(question.accepted)), (name, record["answer"])
    assert not lms.accepts_exactly(list(question.accepted), list(question.accepted))  # unescaped: a wildcard


def test_moodle_tags_fit_and_stay_distinct(shipped):
    """Moodle keeps 50 characters of a tag: long topic ids are shortened, distinct per topic."""
    from quizgen.exporters.platforms import lms_tags
    from quizgen.questions import KINDS

    question = shipped[1].questions[0]
    seen = {}
    for topic in ("t", "libya-moscow-talks-2020", "a" * 120, "a" * 119 + "b", "x-" * 60):
        for kind in KINDS:
            tags = lms_tags(question.model_copy(update={"kind": kind}), topic)
            assert all(len(t) <= 50 for t in tags) and len(set(tags)) == 3
            assert seen.setdefault(tags[0], topic) == topic  # one topic, one tag; never two topics
    assert lms_tags(question, "libya-moscow-talks-2020")[0] == "quizgen::libya-moscow-talks-2020"


def test_matching_with_too_few_answers_is_left_out_of_moodle_and_counted(shipped):
    from quizgen.exporters import gift, moodle
    from quizgen.questions import Pair

    bank = shipped[1]
    matching = next(q for q in bank.questions if q.kind == "matching")
    two = matching.model_copy(update={"id": "m-two", "pairs": (Pair(left="a", right="X"), Pair(left="b", right="Y"),
                                                               Pair(left="c", right="X")), "choices": ("X", "Y")})
    padded = two.model_copy(update={"id": "m-padded", "choices": ("X", "Y", "Z")})
    small = bank.model_copy(update={"questions": (two, padded)})
    xml, skipped = moodle.render(small)
    assert skipped == ["m-two"] and b"m-padded" in xml and b"m-two" not in xml
    assert xml.count(b"<subquestion") == 4  # three pairs and the proven-wrong Z
    text, skipped = gift.render(small)
    assert skipped == ["m-two"] and "= -> Z" in text and "m-two" not in text


def test_gift_escapes_every_special():
    from quizgen.exporters.gift import escape, plain_gift

    assert escape("a~b=c#d{e}f:g\\h") == "a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h"
    # a short answer starting with "[" gets a format marker Moodle strips, never reads its own
    assert plain_gift("[html]x") == "[html][html]x" and plain_gift("x [y]") == "x [y]"


def test_canvas_qti_package_and_items(shipped):
    out, bank, _ = shipped
    with zipfile.ZipFile(out / "canvas-qti.zip") as package:
        manifest = ET.fromstring(package.read("imsmanifest.xml"))
        ns = {"cp": "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1", "q": "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"}
        hrefs = [f.get("href") for f in manifest.iterfind(".//cp:file", ns)]
        assert len(hrefs) == 1 and hrefs[0] in package.namelist()
        resource = manifest.find(".//cp:resource", ns)
        assert resource.get("type") == "imsqti_xmlv1p2"
        root = ET.fromstring(package.read(hrefs[0]))
    by_id = {q.id: q for q in bank.questions}
    items = root.findall(".//q:item", ns)
    assert sorted(i.get("ident") for i in items) == sorted(by_id)
    types = {"multiple_choice": "multiple_choice_question", "true_false": "true_false_question",
             "short_answer": "short_answer_question", "matching": "matching_question", "ordering": "matching_question"}
    for element in items:
        question = by_id[element.get("ident")]
        meta = {f.findtext("q:fieldlabel", namespaces=ns): f.findtext("q:fieldentry", namespaces=ns)
                for f in element.iterfind(".//q:qtimetadatafield", ns)}
        assert meta["question_type"] == types[question.kind]
        if question.kind in ("multiple_choice", "true_false"):
            labels = {l.get("ident"): lms.literal_html(l.findtext(".//q:mattext", namespaces=ns))
                      for l in element.iterfind(".//q:response_label", ns)}
            right = element.findtext(".//q:respcondition/q:conditionvar/q:varequal", namespaces=ns)
            assert labels[right] == question.answer
        elif question.kind == "short_answer":
            assert [v.text for v in element.iterfind(".//q:varequal", ns)] == list(question.accepted)
        else:
            assert lms.canvas_matching(element) == expected_pairs(question)
            assert not meta["original_answer_ids"]
        if question.kind in ("multiple_choice", "true_false"):
            ids = meta["original_answer_ids"].split(",")
            assert all(i.isdigit() for i in ids) and len(set(ids)) == len(question.options)


def test_canvas_matching_rule_catches_ids_sharing_digits(shipped):
    """The reader above is strict enough to fail ids that share a run of digits."""
    out, bank, _ = shipped
    with zipfile.ZipFile(out / "canvas-qti.zip") as package:
        root = ET.fromstring(package.read(next(n for n in package.namelist() if n != "imsmanifest.xml")))
    item = next(i for i in root.iter(f"{lms.QTI}item") if any(
        f.findtext(f"{lms.QTI}fieldentry") == "matching_question" for f in i.iter(f"{lms.QTI}qtimetadatafield")))
    good = lms.canvas_matching(item)
    assert len({right for _, right in good}) > 1
    for element in item.iter():  # the old scheme: every id started with the question id's digits
        for attribute in ("ident", "respident"):
            if element.get(attribute, "").isdigit():
                element.set(attribute, "q2020-" + element.get(attribute))
        if element.tag == f"{lms.QTI}varequal" and element.text.isdigit():
            element.text = "q2020-" + element.text
    bad = lms.canvas_matching(item)
    assert len({right for _, right in bad}) == 1 and bad != good


def test_quizlet_tsv(shipped):
    out, bank, _ = shipped
    text = (out / "quizlet.tsv").read_text(encoding="utf-8")
    rows = list(csv.reader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE))
    assert all(len(row) == 2 and all(cell.strip() for cell in row) for row in rows)
    expected = sum(1 for q in bank.questions if q.kind in ("multiple_choice", "short_answer", "true_false")) + \
        sum(len(q.pairs) for q in bank.questions if q.kind == "matching")
    assert len(rows) == expected
    cards = dict(rows)
    for question in bank.questions:
        if question.kind in ("multiple_choice", "short_answer"):
            assert cards[question.prompt] == question.answer


def test_kahoot_spreadsheet(shipped):
    openpyxl = pytest.importorskip("openpyxl")
    out, bank, result = shipped
    sheet = openpyxl.load_workbook(out / "kahoot.xlsx").active
    assert tuple(sheet.cell(row=8, column=c).value for c in range(2, 9)) == HEADERS
    # every cell is text, so nothing can become a formula
    assert {c.data_type for r in sheet.iter_rows() for c in r if c.value is not None} == {"s"}
    by_prompt = {q.prompt: q for q in bank.questions if q.kind in ("multiple_choice", "true_false")}
    rows = [r for r in sheet.iter_rows(min_row=9, values_only=True) if r[1]]
    skipped = next((int(n.split()[2]) for n in result.notes if n.startswith("kahoot.xlsx: skipped")), 0)
    assert len(rows) + skipped == len(by_prompt)
    for number, row in enumerate(rows, 1):
        assert row[0] == str(number)
        question = by_prompt[row[1]]
        answers = [a for a in row[2:6] if a]
        assert len(row[1]) <= 120 and all(len(a) <= 75 for a in answers)
        assert answers == [o.text for o in question.options]
        assert int(row[6]) in TIME_LIMITS
        assert [answers[int(i) - 1] for i in str(row[7]).split(",")] == [question.answer]


def test_kahoot_formula_text_stays_text(tmp_path):
    """A title or answer starting with "=" is stored as a string: no <f> element in the sheet."""
    openpyxl = pytest.importorskip("openpyxl")
    from quizgen.exporters import kahoot
    from quizgen.questions import Option

    bank = QuestionBank.model_validate_json((build(tmp_path, DATA / "minimal.yaml")[0] / "questions.json").read_text(
        encoding="utf-8"))
    question = next(q for q in bank.questions if q.kind == "multiple_choice")
    options = tuple(Option(text=f"=SUM({i})" if not o.correct else "@cmd", correct=o.correct, why=o.why)
                    for i, o in enumerate(question.options))
    question = question.model_copy(update={"prompt": "=HYPERLINK(\"http://x\")", "options": options})
    kahoot.export(bank.model_copy(update={"title": "+1+1", "questions": (question,)}), tmp_path, None)
    with zipfile.ZipFile(tmp_path / "kahoot.xlsx") as package:
        assert b"<f>" not in package.read("xl/worksheets/sheet1.xml")
    sheet = openpyxl.load_workbook(tmp_path / "kahoot.xlsx").active
    cells = [c for r in sheet.iter_rows() for c in r if c.value is not None]
    assert {c.data_type for c in cells} == {"s"}
    assert sheet["B2"].value == "+1+1" and sheet["B9"].value == "=HYPERLINK(\"http://x\")"


def test_quizlet_guards_formulas_and_keeps_rows():
    """OWASP CSV injection: a field starting with = + - @ tab or CR gets a leading quote; tabs and
    line breaks inside a text never split a field or a card."""
    from quizgen.exporters.quizlet import field_tsv

    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "\n@x"):
        field = field_tsv(text)
        assert field.startswith("'") and "\t" not in field and "\n" not in field and "\r" not in field
        assert field[1:] == " ".join(text.split())
    assert field_tsv("a\tb\r\nc") == "a b c" and field_tsv("x = 1") == "x = 1"


def test_kahoot_never_cuts_a_long_question(tmp_path):
    from quizgen.exporters.kahoot import rows

    out, bank, _ = build(tmp_path, DATA / "hostile.yaml")
    kept, skipped = rows(bank)
    for question in bank.questions:
        if question.kind in ("multiple_choice", "true_false") and len(question.prompt) > 120:
            assert question.id in skipped
    assert all(any(row[0] == q.prompt for q in bank.questions) for row in kept)


def test_platform_outputs_are_byte_identical_on_rebuild(shipped, tmp_path):
    out, _, _ = shipped
    again, _, _ = build(tmp_path, FACTS)
    for name in ("moodle.xml", "quiz.gift", "canvas-qti.zip", "quizlet.tsv", "kahoot.xlsx"):
        assert (again / name).read_bytes() == (out / name).read_bytes(), name


def test_build_format_option(tmp_path, run_cli):
    facts = tmp_path / "facts.yaml"
    shutil.copy(DATA / "minimal.yaml", facts)
    code, stdout, _ = run_cli("build", facts, "--out", tmp_path / "o", "--format", "gift", "--format", "quizlet")
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "o").iterdir() if not p.name.startswith(".")) == ["quiz.gift",
                                                                                               "quizlet.tsv"]
    code, _, err = run_cli("build", facts, "--out", tmp_path / "o", "--format", "word")
    assert code == 2 and "--format 'word'" in err
