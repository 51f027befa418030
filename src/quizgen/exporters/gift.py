"""Moodle GIFT (quiz.gift): plain text, one question per block.

Written as Moodle's own GIFT exporter writes HTML questions (question/format/gift/format.php,
``write_questiontext`` and ``repchar``): the question text starts with ``[html]``, so Moodle reads
it and every answer and feedback as HTML, and each text is HTML-escaped first, then GIFT's
specials ``\\ ~ = # { } :`` are escaped. General feedback is the same HTML as in moodle.xml: the
explanation and every quote that establishes the answer, grouped by source. The right-hand answers of matching have no format in GIFT
and Moodle shows them as HTML too, so they are escaped the same way; short-answer answers stay
plain, since Moodle compares them with what the student types.

Matching carries "who backs whom" and the other matchings; ordering becomes matching
(item → position). As in moodle.xml, a matching question with fewer than three distinct answers
is left out and counted.
"""

from __future__ import annotations

from pathlib import Path

from ..questions import Question, QuestionBank
from .moodle import category_path, savable, skipped_note
from .platforms import feedback, html_text, match_pairs, moodle_answer_pattern, one_line

SPECIALS = "\\~=#{}:"
# Moodle reads a leading "[name]" of a text as its format (parse_text_with_format).
FORMAT_MARKER = "[html]"


def escape(text: str) -> str:
    """GIFT-escape a text (already in the form Moodle should store)."""
    text = one_line(text)
    return "".join("\\" + ch if ch in SPECIALS else ch for ch in text)


def html_gift(text: str) -> str:
    """Plain text as an escaped HTML fragment inside GIFT."""
    return escape(html_text(text))


def plain_gift(text: str) -> str:
    """A short answer as Moodle's pattern for it (its "*" escaped): a leading "[" must not be read as
    a format marker, so such a text gets an explicit one that Moodle strips."""
    text = moodle_answer_pattern(text)
    return escape(FORMAT_MARKER + text if text.startswith("[") else text)


def block(question: Question) -> str:
    head = f"// {question.id}\n::{escape(question.id)}::{FORMAT_MARKER}{html_gift(question.prompt)}"
    general = f"####{escape(feedback(question))}"  # explanation and every quote, grouped by source
    if question.kind == "multiple_choice":
        answers = "\n".join(f"{'=' if o.correct else '~'}{html_gift(o.text)}#{html_gift(o.why)}" for o in question.options)
        return f"{head} {{\n{answers}\n{general}\n}}"
    if question.kind == "true_false":
        return f"{head} {{{'TRUE' if question.options[0].correct else 'FALSE'}{general}}}"
    if question.kind == "short_answer":
        answers = "\n".join(f"={plain_gift(a)}" for a in (question.accepted or (question.answer,)))
        return f"{head} {{\n{answers}\n{general}\n}}"
    # HTML escaping turns ">" into "&gt;", so no text can contain GIFT's "->".
    pairs, extras = match_pairs(question)
    answers = "\n".join([f"={html_gift(left)} -> {html_gift(right)}" for left, right in pairs]
                        + [f"= -> {html_gift(extra)}" for extra in extras])
    return f"{head} {{\n{answers}\n{general}\n}}"


def render(bank: QuestionBank) -> tuple[str, list[str]]:
    parts, skipped = [], []
    family = None
    for question in bank.in_family_order():
        if not savable(question):
            skipped.append(question.id)
            continue
        if question.family != family:
            family = question.family
            parts.append(f"$CATEGORY: {category_path(bank.title, bank.family_titles().get(family, family))}")
        parts.append(block(question))
    return "\n\n".join(parts) + "\n", skipped


def export(bank: QuestionBank, folder: Path, settings) -> tuple[list[str], list[str]]:
    text, skipped = render(bank)
    (folder / "quiz.gift").write_text(text, encoding="utf-8", newline="\n")
    return ["quiz.gift"], skipped_note("quiz.gift", skipped)
