"""Printable quizzes as Markdown (quiz-V.md and key-V.md): the same content as the PDFs."""

from __future__ import annotations

import re
from pathlib import Path

from ..questions import QuestionBank
from ..quiz import Version
from .printed import human, versions

# Every character CommonMark (and GitHub's dialect) may read as markup, "&" included: an escaped
# "&" keeps "&lt;" from being read as a character reference.
_SPECIAL = re.compile(r"([\\`*_\[\]<>#|$~{}!&])")
# What starts a list item, a setext heading or a thematic break at the start of a line.
_LINE_START = re.compile(r"^(\d+)([.)])|^([-+=])")


def md(text: str) -> str:
    """Escape Markdown (and HTML) specials so text prints literally; keep it on one line."""
    text = " ".join(text.split())
    text = _SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", text)


def quiz_markdown(version: Version, answer_key: bool) -> str:
    count = len(version.items)
    heading = "Answer key" if answer_key else "Quiz"
    out = [f"# {md(version.title)}", "", f"{heading} · Version {version.letter} · {count} questions", ""]
    if not answer_key:
        out += ["Name: ____________________  Class: __________", "",
                f"Date: ____________  Score: ______ / {count}", ""]
    for section in version.sections:
        out += [f"## {section.title}", ""]
        if not answer_key:
            out += [f"*{section.instructions}*", ""]
        for item in section.items:
            q = item.question
            out += [f"**{item.number}.** {md(q.prompt)}", ""]
            if answer_key:
                line = f"**Answer:** {md(item.key)}"
                if item.key_text != item.key:
                    line += f" — {md(item.key_text)}"
                out += [line, ""]
                others = [a for a in q.accepted if a != q.answer]
                if others:
                    out += [f"Also accepted: {md(', '.join(others))}", ""]
                out += [md(q.explanation), ""]
                for source, quotes in q.citations_by_source():
                    out += [f"> {md(source.publisher)}, {human(source.published)}:"]
                    out += [f"> - “{md(c.quote)}”" for c in quotes] + [""]
                continue
            if q.kind in ("multiple_choice", "ordering"):
                out += [f"- {c.letter}. {md(c.text)}" for c in item.choices] + [""]
                if q.kind == "ordering":
                    out += ["Order, earliest first: " + "  ".join("____" for _ in item.choices), ""]
            elif q.kind == "true_false":
                out += ["True / False", ""]
            elif q.kind == "matching":
                out += [f"{i}. ____ {md(left)}" for i, left in enumerate(item.left, 1)] + [""]
                out += [f"- {c.letter}. {md(c.text)}" for c in item.choices] + [""]
            else:
                out += ["Answer: ________________________________________", ""]
    out += ["## Sources", ""]
    for number, s in enumerate(version.sources, 1):
        line = f"{number}. {md(s.publisher)}, “{md(s.title)}”, {human(s.published)}"
        if s.url:
            line += f". <{s.url.replace('>', '%3E').replace('<', '%3C')}>"
        out.append(line)
    return "\n".join(out).rstrip() + "\n"


def export(bank: QuestionBank, folder: Path, settings) -> list[str]:
    written = []
    for version in versions(bank, settings):
        for answer_key, stem in ((False, "quiz"), (True, "key")):
            name = f"{stem}-{version.letter}.md"
            (folder / name).write_text(quiz_markdown(version, answer_key), encoding="utf-8", newline="\n")
            written.append(name)
    return written
