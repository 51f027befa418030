"""Printable quizzes as Markdown (quiz-V.md and key-V.md, quiz-copies.md): the same content as the PDFs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Sequence

from ..questions import QuestionBank
from ..quiz import Version
from .printed import grid, human, label, shortfall, versions, words

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


def _fill(text: str, **values) -> str:
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(value))
    return text


def grid_markdown(papers: Sequence[Version], texts: dict[str, str]) -> list[str]:
    """The marking grid as a table: question number × paper."""
    data = grid(papers, texts)
    out = [f"## {md(texts['print_grid'])}", "", md(texts["print_points_note"]), ""]
    out.append("| " + " | ".join([md(texts["print_grid_number"]), *(md(c) for c in data["columns"])]) + " |")
    out.append("|" + "---|" * (len(data["columns"]) + 1))
    for row in data["rows"]:
        cells = [md(c["answer"]) + (f" \\[{c['points']}\\]" if c["points"] is not None else "") for c in row["cells"]]
        out.append(f"| {row['number']} | " + " | ".join(cells) + " |")
    out.append(f"| **{md(texts['print_total'])}** | " + " | ".join(f"**{t}**" for t in data["totals"]) + " |")
    out.append("")
    for line in data["accepted"]:
        out += [md(line), ""]
    return out


def quiz_markdown(version: Version, answer_key: bool, settings=None, everyone: Sequence[Version] = ()) -> str:
    from . import Settings

    settings = settings or Settings()
    texts = words(settings)
    count = len(version.items)
    heading = texts["print_key"] if answer_key else texts["print_quiz"]
    out = []
    if settings.school:
        out += [md(settings.school), ""]
    out += [f"# {md(version.title)}", "",
            f"{md(heading)} · {md(label(version, texts))} · {md(_fill(texts['print_questions'], count=count))} · "
            f"{md(_fill(texts['print_points'], points=version.total_points))}", ""]
    if settings.time:
        out += [md(_fill(texts["print_time"], time=settings.time)), ""]
    if answer_key:
        out += grid_markdown(everyone or [version], texts)
        out += [f"## {md(texts['print_explained'])}", ""]
    else:
        out += [f"{md(texts['print_name'])}: ____________________  {md(texts['print_class'])}: __________", "",
                f"{md(texts['print_date'])}: ____________  {md(texts['print_score'])}: ______ / "
                f"{version.total_points}", "",
                md(settings.instructions or texts["print_instructions"]), ""]
    for section in version.sections:
        out += [f"## {md(section.title)}", ""]
        if not answer_key:
            out += [f"*{md(section.instructions)}*", ""]
        for item in section.items:
            q = item.question
            out += [f"**{item.number}.** {md(q.prompt)} \\[{item.points}\\]", ""]
            if answer_key:
                line = f"**{md(item.key)}**"
                if item.key_text != item.key:
                    line += f" — {md(item.key_text)}"
                out += [line, ""]
                others = [a for a in q.accepted if a != q.answer]
                if others:
                    out += [md(_fill(texts["print_also_accepted"], answers=", ".join(others))), ""]
                out += [md(q.explanation), ""]
                for source, quotes in q.citations_by_source():
                    out += [f"> {md(source.publisher)}, {human(source.published)}:"]
                    out += [f"> - “{md(c.quote)}”" for c in quotes] + [""]
                continue
            if q.kind == "multiple_choice":
                out += [f"- {c.letter}. {md(c.text)}" for c in item.choices] + [""]
            elif q.kind == "ordering":
                out += [f"- {c.letter}. {md(c.text)}" for c in item.choices] + [""]
                out += ["  ".join(f"{i}. \\_\\_\\_" for i in range(1, len(item.choices) + 1)), ""]
            elif q.kind == "true_false":
                out += [f"{md(texts['true'])} / {md(texts['false'])}", ""]
            elif q.kind == "matching":
                out += [f"{i}. ____ {md(left)}" for i, left in enumerate(item.left, 1)] + [""]
                out += [f"- {c.letter}. {md(c.text)}" for c in item.choices] + [""]
            else:
                out += ["________________________________________", ""]
    if answer_key or settings.sources:
        out += [f"## {md(texts['print_sources'])}", ""]
        for number, s in enumerate(version.sources, 1):
            line = f"{number}. {md(s.publisher)}, “{md(s.title)}”, {human(s.published)}"
            if s.url:
                line += f". <{s.url.replace('>', '%3E').replace('<', '%3C')}>"
            out.append(line)
    return "\n".join(out).rstrip() + "\n"


def export(bank: QuestionBank, folder: Path, settings) -> tuple[list[str], list[str]]:
    written = []
    papers = versions(bank, settings)
    for version in (p for p in papers if not p.copy):
        for answer_key, stem in ((False, "quiz"), (True, "key")):
            name = f"{stem}-{version.letter}.md"
            text = quiz_markdown(version, answer_key, settings, papers)
            (folder / name).write_text(text, encoding="utf-8", newline="\n")
            written.append(name)
    copies = [p for p in papers if p.copy]
    if copies:
        text = "\n---\n\n".join(quiz_markdown(p, False, settings) for p in copies)
        (folder / "quiz-copies.md").write_text(text, encoding="utf-8", newline="\n")
        written.append("quiz-copies.md")
    return written, shortfall(bank, settings)
