"""Canvas question bank as QTI 1.2 (canvas-qti.zip): import it under Settings → Import course
content → "QTI .zip file". Canvas files the questions in a bank named after the title.

Kinds: multiple_choice_question, true_false_question, short_answer_question (every accepted
spelling), matching_question; ordering becomes matching (item → position).

Answer ids are plain integers, as Canvas's own exporter writes them: Canvas's importer takes the
first run of digits in a matching answer's id as its match id
(gems/plugins/qti_exporter/lib/qti/associate_interaction.rb, ``get_canvas_matches``), so ids that
shared a prefix with digits would all pair with the first answer. Within a question the ids are
distinct: choices from 1001, matching items from 2001, their answers from 3001.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from ..ids import digest
from ..questions import Question, QuestionBank
from .platforms import feedback, html_text, match_pairs, one_line, write_zip

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
TYPES = {"multiple_choice": "multiple_choice_question", "true_false": "true_false_question",
         "short_answer": "short_answer_question", "matching": "matching_question",
         "ordering": "matching_question"}
CHOICE_IDS, ITEM_IDS, MATCH_IDS = 1001, 2001, 3001


def _meta(parent: ET.Element, fields: list[tuple[str, str]]) -> None:
    meta = ET.SubElement(parent, "qtimetadata")
    for label, entry in fields:
        field = ET.SubElement(meta, "qtimetadatafield")
        ET.SubElement(field, "fieldlabel").text = label
        ET.SubElement(field, "fieldentry").text = entry


def _material(parent: ET.Element, html: str) -> None:
    ET.SubElement(ET.SubElement(parent, "material"), "mattext", {"texttype": "text/html"}).text = html


def _score(resprocessing: ET.Element) -> None:
    outcomes = ET.SubElement(resprocessing, "outcomes")
    ET.SubElement(outcomes, "decvar", {"maxvalue": "100", "minvalue": "0", "varname": "SCORE", "vartype": "Decimal"})


def item(section: ET.Element, question: Question) -> None:
    element = ET.SubElement(section, "item", {"ident": question.id, "title": one_line(question.prompt)[:80]})
    choices: list[tuple[str, str, bool]] = []
    if question.kind in ("multiple_choice", "true_false"):
        choices = [(str(CHOICE_IDS + i), o.text, o.correct) for i, o in enumerate(question.options)]
    _meta(ET.SubElement(element, "itemmetadata"), [
        ("question_type", TYPES[question.kind]), ("points_possible", "1.0"),
        ("original_answer_ids", ",".join(c[0] for c in choices)),
        ("assessment_question_identifierref", f"ref-{question.id}")])
    presentation = ET.SubElement(element, "presentation")
    _material(presentation, f"<p>{html_text(question.prompt)}</p>")
    resprocessing = ET.SubElement(element, "resprocessing")
    _score(resprocessing)
    if choices:
        response = ET.SubElement(presentation, "response_lid", {"ident": "response1", "rcardinality": "Single"})
        render = ET.SubElement(response, "render_choice")
        for ident, text, _ in choices:
            _material(ET.SubElement(render, "response_label", {"ident": ident}), html_text(text))
        right = next(ident for ident, _, correct in choices if correct)
        condition = ET.SubElement(resprocessing, "respcondition", {"continue": "No"})
        ET.SubElement(ET.SubElement(condition, "conditionvar"), "varequal", {"respident": "response1"}).text = right
        ET.SubElement(condition, "setvar", {"action": "Set", "varname": "SCORE"}).text = "100"
    elif question.kind == "short_answer":
        response = ET.SubElement(presentation, "response_str", {"ident": "response1", "rcardinality": "Single"})
        ET.SubElement(ET.SubElement(response, "render_fib"), "response_label", {"ident": "answer1", "rshuffle": "No"})
        condition = ET.SubElement(resprocessing, "respcondition", {"continue": "No"})
        variables = ET.SubElement(condition, "conditionvar")
        for accepted in question.accepted or (question.answer,):
            ET.SubElement(variables, "varequal", {"respident": "response1"}).text = one_line(accepted)
        ET.SubElement(condition, "setvar", {"action": "Set", "varname": "SCORE"}).text = "100"
    else:
        pairs, extras = match_pairs(question)
        rights = sorted({right for _, right in pairs} | set(extras))
        right_ids = {right: str(MATCH_IDS + i) for i, right in enumerate(rights)}
        share = f"{100 / len(pairs):.2f}"
        for index, (left, right) in enumerate(pairs):
            ident = f"response_{ITEM_IDS + index}"
            response = ET.SubElement(presentation, "response_lid", {"ident": ident})
            _material(response, html_text(left))
            render = ET.SubElement(response, "render_choice")
            for text in rights:
                _material(ET.SubElement(render, "response_label", {"ident": right_ids[text]}), html_text(text))
            condition = ET.SubElement(resprocessing, "respcondition")
            ET.SubElement(ET.SubElement(condition, "conditionvar"), "varequal", {"respident": ident}).text = right_ids[right]
            ET.SubElement(condition, "setvar", {"action": "Add", "varname": "SCORE"}).text = share
    general = ET.SubElement(element, "itemfeedback", {"ident": "general_fb"})
    _material(ET.SubElement(general, "flow_mat"), feedback(question))


def assessment_xml(bank: QuestionBank, ident: str) -> bytes:
    root = ET.Element("questestinterop", {"xmlns": QTI_NS})
    assessment = ET.SubElement(root, "assessment", {"ident": ident, "title": one_line(bank.title)})
    _meta(assessment, [("cc_maxattempts", "1")])
    section = ET.SubElement(assessment, "section", {"ident": "root_section"})
    for question in bank.in_family_order():
        item(section, question)
    ET.indent(root, space="  ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"


def manifest_xml(ident: str) -> bytes:
    root = ET.Element("manifest", {"identifier": f"{ident}-manifest",
                                   "xmlns": "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"})
    metadata = ET.SubElement(root, "metadata")
    ET.SubElement(metadata, "schema").text = "IMS Content"
    ET.SubElement(metadata, "schemaversion").text = "1.1.3"
    ET.SubElement(root, "organizations")
    resources = ET.SubElement(root, "resources")
    resource = ET.SubElement(resources, "resource", {"identifier": ident, "type": "imsqti_xmlv1p2"})
    ET.SubElement(resource, "file", {"href": f"{ident}/{ident}.xml"})
    ET.indent(root, space="  ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"


def export(bank: QuestionBank, folder: Path, settings) -> list[str]:
    ident = f"quizgen-{digest(bank.topic, length=16)}"
    write_zip(folder / "canvas-qti.zip", [("imsmanifest.xml", manifest_xml(ident)),
                                          (f"{ident}/{ident}.xml", assessment_xml(bank, ident))])
    return ["canvas-qti.zip"]
