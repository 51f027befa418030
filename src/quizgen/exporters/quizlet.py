"""Quizlet (quizlet.tsv): term TAB definition, one card per line, for Quizlet's "Import" box.

Multiple choice and short answer: the question and its answer. True/false: the statement and
True or False. Matching: one card per pair. Ordering has no card form and is left out.

Text stays text, as OWASP's CSV-injection guidance asks: tabs and line breaks inside a text become
spaces (so no text can add a field or a card), and a field starting with = + - @ (or tab or
carriage return, which cannot occur after that) gets a leading single quote, so a spreadsheet
opening the file never reads it as a formula.
"""

from __future__ import annotations

from pathlib import Path

from ..questions import QuestionBank
from .platforms import one_line

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def field_tsv(text: str) -> str:
    """Plain text as one guarded TSV field."""
    text = one_line(text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def render(bank: QuestionBank) -> str:
    lines = []
    for question in bank.in_family_order():
        if question.kind in ("multiple_choice", "short_answer", "true_false"):
            lines.append((question.prompt, question.answer))
        elif question.kind == "matching":
            lines.extend((f"{pair.left} — {question.prompt}", pair.right) for pair in question.pairs)
    return "".join(f"{field_tsv(term)}\t{field_tsv(definition)}\n" for term, definition in lines)


def export(bank: QuestionBank, folder: Path, settings) -> list[str]:
    (folder / "quizlet.tsv").write_text(render(bank), encoding="utf-8", newline="\n")
    return ["quizlet.tsv"]
