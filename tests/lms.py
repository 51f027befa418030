"""Moodle's own importers (extractions in ../shared/lms, run with php) and what Moodle should
store for each question, written from Moodle's rules rather than from the exporters' code."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import ROOT

TAG_LIMIT = 50  # Moodle's TAG_MAX_LENGTH
FAMILY_NAMES = {"signing": "Who signed", "backing": "Who backs whom", "dates": "Key dates", "roles": "Who is who",
                "figures": "Figures"}


def lms_dir() -> Path | None:
    for candidate in (os.environ.get("QUIZGEN_LMS"), str(ROOT.parent / "shared" / "lms")):
        if candidate and (Path(candidate) / "gift_check.php").is_file():
            return Path(candidate)
    return None


def moodle_import(script: str, path: Path) -> list[dict]:
    """Every question Moodle's importer reads from the file, as JSON; no importer error allowed."""
    if shutil.which("php") is None:
        pytest.skip("php is not on PATH: Moodle's importers cannot run (apt-get install php-cli php-xml php-mbstring)")
    folder = lms_dir()
    if folder is None:
        pytest.skip("Moodle's importer extractions (../shared/lms or $QUIZGEN_LMS) are not beside the repository")
    done = subprocess.run(["php", str(folder / script), str(path)], capture_output=True, text=True, check=True)
    assert re.search(r"\b0 import(er)? errors", done.stderr), done.stderr
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


TAG = re.compile(r"<[^>]*>")


# The empty element quizgen puts between the characters of a math delimiter: nothing shows.
EMPTY = "<span></span>"
LINK = re.compile(r'^<a href="[^"<>]*">$')


def literal(fragment: str, allowed: tuple[str, ...] = (), links: bool = False) -> str:
    """The text an HTML fragment shows, after checking it holds no element but the allowed ones
    (and, with links, a sources' links with a quoted address)."""
    fragment = fragment.replace(EMPTY, "")
    tags = {t for t in TAG.findall(fragment) if t not in allowed and not (links and (LINK.match(t) or t == "</a>"))}
    assert not tags, (tags, fragment)
    return html.unescape(TAG.sub("", fragment))


def paragraph(fragment: str) -> str:
    assert fragment.startswith("<p>") and fragment.endswith("</p>"), fragment
    return literal(fragment[3:-4])


def match_answers(question) -> tuple[list[tuple[str, str]], list[str]]:
    """Matching pairs as Moodle should hold them: ordering as item → position (the positions are
    the right-hand column, in order), plus the question's wrong right-hand choices."""
    if question.kind == "ordering":
        from quizgen.exporters.platforms import ordering_pairs

        return ordering_pairs(question), []
    rights = {p.right for p in question.pairs}
    return [(p.left, p.right) for p in question.pairs], sorted(set(question.choices) - rights)


def moodle_can_save(question) -> bool:
    if question.kind not in ("matching", "ordering"):
        return True
    pairs, extras = match_answers(question)
    return len({r for _, r in pairs} | set(extras)) >= 3


def category_names(path: str) -> list[str]:
    """The names in a category path as Moodle splits it ("/" between names, "//" inside one),
    as they show."""
    return [literal(name.replace("//", "/")) for name in re.split(r"(?<!/)/(?!/)", path)]


def category(title: str, family: str) -> list[str]:
    return ["$course$", "top", " ".join(title.split()), FAMILY_NAMES.get(family, family)]


QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"


def canvas_matching(item: ET.Element) -> list[tuple[str, str]]:
    r"""(left, right) pairs of a QTI matching item as Canvas's importer pairs them.

    Canvas turns the QTI 1.2 item into QTI 2 (response_lid → choiceInteraction, response_label →
    simpleChoice with the same identifier, varequal → match) and reads it in
    gems/plugins/qti_exporter/lib/qti/associate_interaction.rb:
    - get_canvas_matches: the choices of the FIRST choiceInteraction are the matches; a match's
      match_id is the first run of digits in its identifier (`identifier =~ /(\d+)/; $1.to_i`);
    - get_canvas_answers: each choiceInteraction is an answer; a responseIf whose SCORE is a sum
      links the answer to the match named by the baseValue (match_map by identifier);
    - ensure_correct_format: an answer's right side is the text of the FIRST match whose match_id
      equals the answer's match_id.
    """
    responses = item.findall(f".//{QTI}response_lid")
    matches, match_map = [], {}
    for local, label in enumerate(responses[0].iterfind(f".//{QTI}response_label")):
        digits = re.search(r"(\d+)", label.get("ident"))
        match = {"match_id": int(digits.group(1)) if digits else -1 - local,
                 "text": literal_html(label.findtext(f".//{QTI}mattext"))}
        matches.append(match)
        match_map[label.get("ident")] = match
    answers, answer_map = [], {}
    for response in responses:
        answer = {"left": literal_html(response.findtext(f"{QTI}material/{QTI}mattext"))}
        answers.append(answer)
        answer_map[response.get("ident")] = answer
    for condition in item.iterfind(f".//{QTI}respcondition"):
        variable = condition.find(f"{QTI}conditionvar/{QTI}varequal")
        setvar = condition.find(f"{QTI}setvar")
        answer = answer_map.get(variable.get("respident"))
        if answer is not None and setvar.get("action") == "Add" and variable.text in match_map:
            answer["match_id"] = match_map[variable.text]["match_id"]
    return [(a["left"], next(m["text"] for m in matches if m["match_id"] == a.get("match_id"))) for a in answers]


def literal_html(fragment: str) -> str:
    fragment = fragment.replace(EMPTY, "")
    assert "<" not in fragment, fragment  # no element: the text is shown as it is
    return html.unescape(fragment)


# What would make a platform typeset math: in Moodle, its filters' search of the stored HTML
# (filter/mathjaxloader: \( \[ $$; filter/tex: $$ [tex]); in a page, MathJax's search of each
# run of text between elements.
MOODLE_MATH = re.compile(r"\\[(\[]|\$\$|\[tex\]", re.I)
PAGE_MATH = re.compile(r"\\[(\[]|\$\$")


def math_problems(fragment: str, page: bool = True) -> list[str]:
    found = [f"Moodle would typeset {m.group()!r}" for m in MOODLE_MATH.finditer(fragment)]
    for run in [] if not page else re.split(r"<(?!/?(?:br|wbr)\b|!--)[^>]*>", fragment):
        found += [f"MathJax would typeset {m.group()!r}" for m in PAGE_MATH.finditer(html.unescape(run))]
    return found


def shortanswer_matches(pattern: str, response: str) -> bool:
    """Whether Moodle accepts a typed response for a short-answer pattern, as
    question/type/shortanswer/question.php compare_string_with_wildcard does (case-sensitive):
    runs of unescaped "*" match anything, "\\*" is a literal asterisk."""
    bits = re.split(r"(?<!\\)\*+", pattern)
    regexp = "^" + ".*".join(re.escape(bit.replace("\\*", "*")) for bit in bits) + "$"
    return re.match(regexp, response, re.S) is not None


def accepts_exactly(patterns: list[str], accepted: list[str]) -> bool:
    """Each accepted answer is matched by its own pattern, and nothing else that differs from it."""
    for pattern, answer in zip(patterns, accepted, strict=True):
        if not shortanswer_matches(pattern, answer) or shortanswer_matches(pattern, answer + "!"):
            return False
        if "*" in answer and shortanswer_matches(pattern, answer.replace("*", "zz*zz")):
            return False
    return True
