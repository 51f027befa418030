"""A plain-text rendering of questions, for reading in a terminal."""

from __future__ import annotations

from typing import Sequence

from ..questions import Question

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def render(questions: Sequence[Question]) -> str:
    lines: list[str] = []
    for number, q in enumerate(questions, 1):
        lines.append(f"{number}. [{q.family}/{q.kind}] {q.prompt}")
        if q.kind in ("multiple_choice", "true_false"):
            for letter, option in zip(LETTERS, q.options):
                lines.append(f"   {letter}) {option.text}{'   <- answer' if option.correct else ''}")
        elif q.kind == "matching":
            for letter, right in zip(LETTERS, q.choices):
                lines.append(f"   {letter}) {right}")
            for pair in q.pairs:
                lines.append(f"   - {pair.left}: ____")
            lines.append(f"   answer: {q.answer}")
        elif q.kind == "ordering":
            for letter, item in zip(LETTERS, q.choices):
                lines.append(f"   {letter}) {item}")
            lines.append(f"   answer: {q.answer}")
        else:
            lines.append(f"   answer: {q.answer}")
        lines.append(f"   why: {q.explanation}")
        lines.append("   source: " + "; ".join(f"{c.publisher}, {c.published}: \"{c.quote}\"" for c in q.citations))
        lines.append("")
    return "\n".join(lines)
