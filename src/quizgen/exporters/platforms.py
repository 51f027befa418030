"""What the classroom-platform exporters share: plain-text helpers and fixed-time zips."""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path

from ..ids import digest
from ..questions import KINDS, Question

ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def one_line(text: str) -> str:
    return " ".join(text.split())


# Math typesetting on the platforms: Moodle's MathJax and TeX filters look for \( \[ $$ and [tex]
# in the stored HTML (filter/mathjaxloader, filter/tex); Canvas's MathJax looks for \( \[ and $$ in
# the page's text, where MathJax never joins text across an element. An empty element between the
# two characters of each delimiter, and "[" as a character reference, keep any text out of both.
_MATH_DELIMITER = re.compile(r"\\(?=[()\[\]])|\$(?=\$)")


def html_text(text: str) -> str:
    """Plain text as an HTML fragment (for formats whose text fields hold HTML) that shows as
    written: markup escaped, no math delimiter left for the platform to typeset."""
    escaped = html.escape(one_line(text), quote=False)
    return _MATH_DELIMITER.sub(lambda m: m.group() + "<span></span>", escaped).replace("[", "&#91;")


def feedback(question: Question) -> str:
    """Explanation and sources as HTML: what a student sees after answering. Every quote that
    establishes the answer, grouped by source."""
    parts = [f"<p>{html_text(question.explanation)}</p>"]
    for c, quotes in question.citations_by_source():
        source = f"{html_text(c.publisher)}, {html_text(c.published)}, “{html_text(c.title)}”"
        if c.url:
            source = f'<a href="{html.escape(c.url, quote=True)}">{source}</a>'
        parts.append(f"<p>{source}: " + " ".join(f"<em>“{html_text(q.quote)}”</em>" for q in quotes) + "</p>")
    return "".join(parts)


def ordering_pairs(question: Question) -> list[tuple[str, str]]:
    """An ordering question as matching: each item to its position, 1 first (the question's own
    wording says which end comes first; numerals need no language)."""
    return [(item, str(position)) for position, item in enumerate(question.items, 1)]


def write_zip(path: Path, members: list[tuple[str, bytes]]) -> None:
    with zipfile.ZipFile(path, "w") as target:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, data)


# -- what Moodle (XML and GIFT) needs ------------------------------------------------------

# Moodle keeps at most 50 characters of a tag (core_tag_tag::normalize, TAG_MAX_LENGTH).
TAG_LIMIT = 50
# Moodle's matching edit form refuses a question with fewer than three distinct answers.
MIN_MATCH_ANSWERS = 3


def lms_tags(question: Question, topic: str) -> list[str]:
    """Tags of at most TAG_LIMIT characters: ``quizgen::<topic>``, ``quizgen::<topic>::<family>``,
    ``quizgen::<topic>::<kind>`` (families and kinds never share a name). A topic id too long for
    that is shortened to its start and a hash of the whole, so tags stay distinct per topic."""
    longest = max(len(name) for name in KINDS) + 2  # a longer family tag is shortened below
    room = TAG_LIMIT - len("quizgen::") - longest
    key = topic if len(topic) <= room else f"{topic[:room - 7].rstrip('-_.')}-{digest(topic, length=6)}"
    base = f"quizgen::{key}"
    tags = [base, f"{base}::{question.family}", f"{base}::{question.kind}"]
    return [t if len(t) <= TAG_LIMIT else f"{t[:TAG_LIMIT - 7]}-{digest(t, length=6)}" for t in tags]


def match_pairs(question: Question) -> tuple[list[tuple[str, str]], list[str]]:
    """A matching or ordering question as (left, right) pairs plus extra wrong answers: the
    right-hand choices that answer no item (the question proves them wrong)."""
    pairs = ordering_pairs(question) if question.kind == "ordering" else [(p.left, p.right) for p in question.pairs]
    rights = {right for _, right in pairs}
    extras = [] if question.kind == "ordering" else sorted({c for c in question.choices if c not in rights})
    return pairs, extras


def moodle_can_save(question: Question) -> bool:
    pairs, extras = match_pairs(question)
    return len({right for _, right in pairs}) + len(extras) >= MIN_MATCH_ANSWERS


def moodle_answer_pattern(text: str) -> str:
    """A short answer as Moodle's pattern for it: "*" is Moodle's wildcard and "\\*" a literal
    asterisk (qtype_shortanswer_question::compare_string_with_wildcard), so every "*" is escaped."""
    return one_line(text).replace("*", "\\*")
