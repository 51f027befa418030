"""Moodle GIFT (quiz.gift): plain text, one question per block, specials escaped.

Matching carries "who backs whom" and the other matchings; ordering becomes matching
(item → position). A matching item containing "->" cannot be written in GIFT and is skipped
with a note.
"""

from __future__ import annotations

from pathlib import Path

from ..questions import Question, QuestionBank
from .moodle import category_path
from .platforms import one_line, ordering_pairs

SPECIALS = "\\~=#{}:"


def escape(text: str) -> str:
    text = one_line(text)
    return "".join("\\" + ch if ch in SPECIALS else ch for ch in text)


def block(question: Question) -> str | None:
    head = f"// {question.id}\n::{escape(question.id)}::{escape(question.prompt)}"
    general = f"####{escape(question.explanation)}"
    if question.kind == "multiple_choice":
        answers = "\n".join(f"{'=' if o.correct else '~'}{escape(o.text)}#{escape(o.why)}" for o in question.options)
        return f"{head} {{\n{answers}\n{general}\n}}"
    if question.kind == "true_false":
        return f"{head} {{{'TRUE' if question.options[0].correct else 'FALSE'}{general}}}"
    if question.kind == "short_answer":
        answers = "\n".join(f"={escape(a)}" for a in (question.accepted or (question.answer,)))
        return f"{head} {{\n{answers}\n{general}\n}}"
    pairs = ordering_pairs(question) if question.kind == "ordering" else [(p.left, p.right) for p in question.pairs]
    if any("->" in left or "->" in right for left, right in pairs):
        return None
    answers = "\n".join(f"={escape(left)} -> {escape(right)}" for left, right in pairs)
    return f"{head} {{\n{answers}\n{general}\n}}"


def render(bank: QuestionBank) -> tuple[str, list[str]]:
    parts, skipped = [], []
    family = None
    for question in sorted(bank.questions, key=lambda q: (q.family, q.id)):
        if question.family != family:
            family = question.family
            parts.append(f"$CATEGORY: {category_path(bank.title, bank.family_titles().get(family, family))}")
        text = block(question)
        if text is None:
            skipped.append(question.id)
        else:
            parts.append(text)
    return "\n\n".join(parts) + "\n", skipped


def export(bank: QuestionBank, folder: Path, settings) -> tuple[list[str], list[str]]:
    text, skipped = render(bank)
    (folder / "quiz.gift").write_text(text, encoding="utf-8", newline="\n")
    notes = [f"quiz.gift: skipped {len(skipped)} matching question(s) whose items contain '->'"] if skipped else []
    return ["quiz.gift"], notes
