"""Moodle XML (moodle.xml): one category per family, every kind as its native Moodle type.

Multiple choice → multichoice, true/false → truefalse, short answer → shortanswer (every
accepted spelling), matching → matching, ordering → matching (item → position), which any
Moodle imports without plugins. General feedback carries the explanation and sources; the
question id is the stable ``idnumber``.

Every text Moodle shows as HTML is written as escaped plain text (``*_html`` values), including
the right-hand answers of matching, which Moodle shows through ``format_string``. Short-answer
answers stay plain (Moodle compares them with what the student types), with "*", Moodle's
wildcard, escaped. Tags follow ``lms_tags``
(Moodle keeps 50 characters). A matching question with fewer than three distinct answers cannot
be saved from Moodle's edit form: its provably wrong extra answers are added, and a question that
has too few is left out and counted.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from pathlib import Path

from ..questions import Question, QuestionBank
from .platforms import (feedback, html_text, lms_tags, match_pairs, moodle_answer_pattern, moodle_can_save,
                        one_line)


def _text(parent: ET.Element, tag: str, value: str, fmt: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    ET.SubElement(element, "text").text = value
    return element


def category_path(title: str, family_title: str) -> str:
    # Moodle shows category names as HTML and escapes a slash in a path by doubling it.
    clean = lambda name: html_text(name).replace("/", "//")  # noqa: E731
    return f"$course$/top/{clean(title)}/{clean(family_title)}"


# Moodle strips elements from a name, so a name keeps math delimiters from its filters with
# character references only (the filters search the stored text; see platforms.html_text).
_NAME_REFS = str.maketrans({"\\": "&#92;", "$": "&#36;", "[": "&#91;"})


def name_html(question: Question, limit: int = 100) -> str:
    """The question's name as Moodle lists it (as HTML): the prompt's first words, escaped, and
    never past Moodle's 255 characters."""
    escape = lambda text: html.escape(text, quote=False).translate(_NAME_REFS)  # noqa: E731
    raw = one_line(question.prompt)
    if len(raw) <= limit:
        return escape(raw)
    cut = raw[:limit]
    cut = cut[:cut.rfind(" ")] if " " in cut else cut
    while len(escape(cut)) > 250:
        cut = cut[:-1]
    return escape(cut) + " …"


def question_element(quiz: ET.Element, question: Question, topic: str) -> None:
    kind = {"multiple_choice": "multichoice", "true_false": "truefalse", "short_answer": "shortanswer",
            "matching": "matching", "ordering": "matching"}[question.kind]
    element = ET.SubElement(quiz, "question", {"type": kind})
    _text(element, "name", name_html(question))
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
            answer = _text(element, "answer", moodle_answer_pattern(accepted), "moodle_auto_format")
            answer.set("fraction", "100")
    else:
        ET.SubElement(element, "shuffleanswers").text = "true"
        pairs, extras = match_pairs(question)
        for left_html, right_html in [(f"<p>{html_text(left)}</p>", html_text(right)) for left, right in pairs] + [
                ("", html_text(extra)) for extra in extras]:
            sub = _text(element, "subquestion", left_html, "html")
            ET.SubElement(ET.SubElement(sub, "answer"), "text").text = right_html
    tags = ET.SubElement(element, "tags")
    for tag in lms_tags(question, topic):
        ET.SubElement(ET.SubElement(tags, "tag"), "text").text = tag


def savable(question: Question) -> bool:
    return question.kind not in ("matching", "ordering") or moodle_can_save(question)


def render(bank: QuestionBank) -> tuple[bytes, list[str]]:
    quiz = ET.Element("quiz")
    by_family: dict[str, list[Question]] = {}
    skipped = []
    for question in bank.in_family_order():
        if savable(question):
            by_family.setdefault(question.family, []).append(question)
        else:
            skipped.append(question.id)
    for family, questions in by_family.items():  # dicts keep the families' order
        category = ET.SubElement(quiz, "question", {"type": "category"})
        _text(category, "category", category_path(bank.title, bank.family_titles().get(family, family)))
        for question in questions:
            question_element(quiz, question, bank.topic)
    ET.indent(quiz, space="  ")
    xml = ET.tostring(quiz, encoding="utf-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + xml + b"\n", skipped


def skipped_note(name: str, skipped: list[str]) -> list[str]:
    return [f"{name}: left out {len(skipped)} matching question(s) with fewer than 3 distinct answers "
            f"(Moodle cannot save them)"] if skipped else []


def export(bank: QuestionBank, folder: Path, settings) -> tuple[list[str], list[str]]:
    xml, skipped = render(bank)
    (folder / "moodle.xml").write_bytes(xml)
    return ["moodle.xml"], skipped_note("moodle.xml", skipped)
