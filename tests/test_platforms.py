"""Classroom-platform outputs, each parsed back and compared with questions.json."""

from __future__ import annotations

import csv
import html
import re
import shutil
import xml.etree.ElementTree as ET
import zipfile

import pytest

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


# -- a small GIFT reader, written from the format's description ----------------------

def gift_unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text).strip()


def split_unescaped(text: str, marker: str) -> list[str]:
    parts, current, i = [], "", 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            current += text[i:i + 2]
            i += 2
        elif text.startswith(marker, i):
            parts.append(current)
            current = ""
            i += len(marker)
        else:
            current += text[i]
            i += 1
    parts.append(current)
    return parts


def parse_gift(text: str) -> dict[str, dict]:
    questions = {}
    for block in re.split(r"\n\s*\n", text):
        lines = [l for l in block.splitlines() if not l.startswith("//") and not l.startswith("$CATEGORY")]
        body = "\n".join(lines).strip()
        if not body:
            continue
        match = re.match(r"::((?:\\.|[^:\\])*)::(.*)", body, re.S)
        assert match, body
        name, rest = gift_unescape(match.group(1)), match.group(2)
        opening = next(i for i, ch in enumerate(rest) if ch == "{" and (i == 0 or rest[i - 1] != "\\"))
        prompt, answers = rest[:opening], rest[opening + 1:rest.rstrip().rfind("}")]
        answers, _, general = answers.partition("####")
        entry = {"prompt": gift_unescape(prompt), "general": gift_unescape(general), "right": [], "wrong": [],
                 "pairs": [], "tf": None}
        stripped = answers.strip()
        if stripped in ("TRUE", "FALSE"):
            entry["tf"] = stripped == "TRUE"
        for line in stripped.splitlines():
            line = line.strip()
            if not line or line in ("TRUE", "FALSE"):
                continue
            text_part = split_unescaped(line[1:], "#")[0]
            if line[0] == "=" and "->" in line:
                left, right = split_unescaped(text_part, "->")
                entry["pairs"].append((gift_unescape(left), gift_unescape(right)))
            elif line[0] == "=":
                entry["right"].append(gift_unescape(text_part))
            elif line[0] == "~":
                entry["wrong"].append(gift_unescape(text_part))
        questions[name] = entry
    return questions


def test_every_platform_is_registered():
    assert set(PLATFORMS) <= set(REGISTRY)


def test_moodle_xml_reads_back_to_the_questions(shipped):
    out, bank, _ = shipped
    root = ET.parse(out / "moodle.xml").getroot()
    categories = [q for q in root if q.get("type") == "category"]
    assert len(categories) == len({q.family for q in bank.questions})
    by_id = {q.id: q for q in bank.questions}
    items = [q for q in root if q.get("type") != "category"]
    assert sorted(q.findtext("idnumber") for q in items) == sorted(by_id)
    types = {"multiple_choice": "multichoice", "true_false": "truefalse", "short_answer": "shortanswer",
             "matching": "matching", "ordering": "matching"}
    for element in items:
        question = by_id[element.findtext("idnumber")]
        assert element.get("type") == types[question.kind]
        assert html.unescape(re.sub("<[^>]+>", "", element.findtext("questiontext/text"))) == question.prompt
        assert html.unescape(question.explanation) in html.unescape(element.findtext("generalfeedback/text"))
        answers = element.findall("answer")
        if question.kind == "multiple_choice":
            right = [html.unescape(a.findtext("text")) for a in answers if a.get("fraction") == "100"]
            assert right == [question.answer] and len(answers) == len(question.options)
        elif question.kind == "true_false":
            right = [a.findtext("text") for a in answers if a.get("fraction") == "100"]
            assert right == [question.answer.lower()]
        elif question.kind == "short_answer":
            assert [a.findtext("text") for a in answers] == list(question.accepted)
        else:
            pairs = [(html.unescape(re.sub("<[^>]+>", "", s.findtext("text"))), s.findtext("answer/text"))
                     for s in element.findall("subquestion")]
            assert pairs == expected_pairs(question)
        assert {t.text for t in element.findall("tags/tag/text")} == set(question.tags)


def test_gift_reads_back_to_the_questions(shipped):
    out, bank, _ = shipped
    parsed = parse_gift((out / "quiz.gift").read_text(encoding="utf-8"))
    assert sorted(parsed) == sorted(q.id for q in bank.questions)
    for question in bank.questions:
        entry = parsed[question.id]
        assert entry["prompt"] == question.prompt
        assert entry["general"] == question.explanation
        if question.kind == "multiple_choice":
            assert entry["right"] == [question.answer]
            assert sorted(entry["wrong"]) == sorted(o.text for o in question.options if not o.correct)
        elif question.kind == "true_false":
            assert entry["tf"] == (question.answer == "True")
        elif question.kind == "short_answer":
            assert entry["right"] == list(question.accepted)
        else:
            assert entry["pairs"] == expected_pairs(question)


def test_gift_escapes_every_special():
    from quizgen.exporters.gift import escape

    assert escape("a~b=c#d{e}f:g\\h") == "a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h"
    assert gift_unescape(escape("a~b=c#d{e}f:g\\h")) == "a~b=c#d{e}f:g\\h"


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
            labels = {l.get("ident"): html.unescape(l.findtext(".//q:mattext", namespaces=ns))
                      for l in element.iterfind(".//q:response_label", ns)}
            right = element.findtext(".//q:respcondition/q:conditionvar/q:varequal", namespaces=ns)
            assert labels[right] == question.answer
        elif question.kind == "short_answer":
            assert [v.text for v in element.iterfind(".//q:varequal", ns)] == list(question.accepted)
        else:
            responses = element.findall(".//q:response_lid", ns)
            got = []
            for response in responses:
                left = html.unescape(response.findtext("q:material/q:mattext", namespaces=ns))
                labels = {l.get("ident"): html.unescape(l.findtext(".//q:mattext", namespaces=ns))
                          for l in response.iterfind(".//q:response_label", ns)}
                right = next(v.text for v in element.iterfind(".//q:varequal", ns) if v.get("respident") == response.get("ident"))
                got.append((left, labels[right]))
            assert got == expected_pairs(question)


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
    by_prompt = {q.prompt: q for q in bank.questions if q.kind in ("multiple_choice", "true_false")}
    rows = [r for r in sheet.iter_rows(min_row=9, values_only=True) if r[1]]
    skipped = next((int(n.split()[2]) for n in result.notes if n.startswith("kahoot.xlsx: skipped")), 0)
    assert len(rows) + skipped == len(by_prompt)
    for number, row in enumerate(rows, 1):
        assert row[0] == number
        question = by_prompt[row[1]]
        answers = [a for a in row[2:6] if a]
        assert len(row[1]) <= 120 and all(len(a) <= 75 for a in answers)
        assert answers == [o.text for o in question.options]
        assert row[6] in TIME_LIMITS
        assert [answers[int(i) - 1] for i in str(row[7]).split(",")] == [question.answer]


def test_kahoot_never_cuts_a_long_question(tmp_path):
    from quizgen.exporters.kahoot import rows

    out, bank, _ = build(tmp_path, DATA / "hostile.yaml")
    kept, skipped = rows(bank)
    for question in bank.questions:
        if question.kind in ("multiple_choice", "true_false") and len(question.prompt) > 120:
            assert question.id in skipped
    assert all(any(row[0] == q.prompt for q in bank.questions) for row in kept)


def test_hostile_text_survives_every_platform(tmp_path):
    out, bank, _ = build(tmp_path, DATA / "hostile.yaml")
    literals = ["<script>alert(1)</script>", "{{c1::x}} Cloze", '#panic("x")', "$x$ *bold* _it_ [link](http://x)",
                "عبد الله بن زايد"]
    gift = parse_gift((out / "quiz.gift").read_text(encoding="utf-8"))
    gift_text = "\n".join(e["prompt"] + "\n" + "\n".join(e["right"] + e["wrong"]) for e in gift.values())
    moodle = ET.parse(out / "moodle.xml").getroot()
    moodle_text = "\n".join(html.unescape(t.text or "") for t in moodle.iter("text"))
    with zipfile.ZipFile(out / "canvas-qti.zip") as package:
        name = next(n for n in package.namelist() if n != "imsmanifest.xml")
        qti = ET.fromstring(package.read(name))
    qti_text = "\n".join(html.unescape(t.text or "") for t in qti.iter() if t.tag.endswith("mattext"))
    quizlet = (out / "quizlet.tsv").read_text(encoding="utf-8")
    for literal in literals:
        in_questions = any(literal in q.prompt or literal in q.answer or any(literal in o.text for o in q.options)
                           for q in bank.questions)
        assert in_questions, literal
        for name, text in (("gift", gift_text), ("moodle", moodle_text), ("qti", qti_text), ("quizlet", quizlet)):
            assert literal in text, (name, literal)


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
