"""Moodle XML (moodle.xml): one category per family, every kind as its native Moodle type.

Multiple choice → multichoice, true/false → truefalse, short answer → shortanswer (every
accepted spelling), matching → matching, ordering → matching (item → position), which any
Moodle imports without plugins. General feedback carries the explanation and sources; the
question id is the stable ``idnumber``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from ..questions import Question, QuestionBank
from .platforms import feedback, html_text, one_line, ordering_pairs


def _text(parent: ET.Element, tag: str, value: str, fmt: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    ET.SubElement(element, "text").text = value
    return element


def category_path(title: str, family_title: str) -> str:
    clean = lambda name: one_line(name).replace("/", "//")  # noqa: E731 - Moodle escapes a slash by doubling it
    return f"$course$/top/{clean(title)}/{clean(family_title)}"


def name_of(question: Question) -> str:
    words, name = one_line(question.prompt).split(" "), ""
    for word in words:
        if len(name) + len(word) + 1 > 100:
            return name + " …"
        name = f"{name} {word}".strip()
    return name


def question_element(quiz: ET.Element, question: Question) -> None:
    kind = {"multiple_choice": "multichoice", "true_false": "truefalse", "short_answer": "shortanswer",
            "matching": "matching", "ordering": "matching"}[question.kind]
    element = ET.SubElement(quiz, "question", {"type": kind})
    _text(element, "name", name_of(question))
    _text(element, "questiontext", f"<p>{html_text(question.prompt)}</p>", "html")
    _text(element, "generalfeedback", feedback(question), "html")
    ET.SubElement(element, "defaultgrade").text = "1"
    ET.SubElement(element, "penalty").text = "0.3333333"
    ET.SubElement(element, "hidden").text = "0"
    ET.SubElement(element, "idnumber").text = question.id
    if question.kind == "multiple_choice":
        ET.SubElement(element, "single").text = "true"
        ET.SubElement(element, "shuffleanswers").text = "true"
        ET.SubElement(element, "answernumbering").text = "abc"
        for option in question.options:
            answer = _text(element, "answer", html_text(option.text), "html")
            answer.set("fraction", "100" if option.correct else "0")
            _text(answer, "feedback", html_text(option.why), "html")
    elif question.kind == "true_false":
        for value in ("true", "false"):
            right = (value == "true") == question.options[0].correct  # options: true first, then false
            answer = _text(element, "answer", value, "moodle_auto_format")
            answer.set("fraction", "100" if right else "0")
            _text(answer, "feedback", html_text(question.options[0].why if question.options else ""), "html")
    elif question.kind == "short_answer":
        ET.SubElement(element, "usecase").text = "0"
        for accepted in question.accepted or (question.answer,):
            answer = _text(element, "answer", one_line(accepted), "moodle_auto_format")
            answer.set("fraction", "100")
    else:
        ET.SubElement(element, "shuffleanswers").text = "true"
        pairs = ordering_pairs(question) if question.kind == "ordering" else [(p.left, p.right) for p in question.pairs]
        for left, right in pairs:
            sub = _text(element, "subquestion", f"<p>{html_text(left)}</p>", "html")
            answer = ET.SubElement(sub, "answer")
            ET.SubElement(answer, "text").text = one_line(right)
    tags = ET.SubElement(element, "tags")
    for tag in question.tags:
        ET.SubElement(ET.SubElement(tags, "tag"), "text").text = tag


def render(bank: QuestionBank) -> bytes:
    quiz = ET.Element("quiz")
    by_family: dict[str, list[Question]] = {}
    for question in sorted(bank.questions, key=lambda q: q.id):
        by_family.setdefault(question.family, []).append(question)
    for family, questions in sorted(by_family.items()):
        category = ET.SubElement(quiz, "question", {"type": "category"})
        _text(category, "category", category_path(bank.title, bank.family_titles().get(family, family)))
        for question in questions:
            question_element(quiz, question)
    ET.indent(quiz, space="  ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="utf-8", xml_declaration=False) + b"\n"


def export(bank: QuestionBank, folder: Path, settings) -> list[str]:
    (folder / "moodle.xml").write_bytes(render(bank))
    return ["moodle.xml"]
