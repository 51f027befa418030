"""Printable quizzes as PDF, typeset by Typst: quiz-V.pdf and key-V.pdf for each version V, and
quiz-copies.pdf holding the numbered copies one after another (each from an odd page).

Every key starts with the marking grid of every version and copy. The quiz data reaches Typst
as one JSON value (sys.inputs), never pasted into markup. One typeface family, DejaVu Sans
(shipped with quizgen: Latin, Greek, Cyrillic, Arabic, Hebrew and more), is used for every
script, plus the fonts of ``--font-path``; system fonts are ignored, and the creation date is
fixed from the data, so the same input gives the same bytes on every machine. A character none
of those fonts covers is refused before typesetting: Typst would draw it as an empty box.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any, Iterator

from ..errors import ExportError, Location, Problem
from ..questions import QuestionBank
from . import glyphs
from .printed import creation_time, document, shortfall, version_data, versions

__all__ = ["render", "export", "version_data"]


def render(data: dict, fmt: str = "pdf", ppi: float | None = None, timestamp=None,
           font_paths: tuple[str, ...] = ()) -> bytes | list[bytes]:
    import typst

    template = resources.files("quizgen").joinpath("exporters/templates/quiz.typ")
    fonts = resources.files("quizgen").joinpath("exporters/fonts")
    with resources.as_file(template) as path, resources.as_file(fonts) as font_dir:
        try:
            return typst.compile(path.read_bytes(), root=str(path.parent), ignore_system_fonts=True, format=fmt,
                                 font_paths=[str(font_dir), *font_paths],
                                 ppi=ppi, sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
                                 timestamp=timestamp)
        except typst.TypstError as exc:  # a template bug, never user text: data is not markup
            raise ExportError(Problem(Location("quiz.typ"), f"Typst failed: {exc.message}",
                                      "this is a bug in quizgen's template; please report it")) from None


def covered(font_paths: tuple[str, ...] = ()) -> frozenset[int]:
    """The characters every weight used can draw: the shipped DejaVu Sans (regular and bold,
    the characters both have) and any font in ``font_paths``."""
    fonts = resources.files("quizgen").joinpath("exporters/fonts")
    with resources.as_file(fonts) as font_dir:
        shipped = [glyphs.coverage(str(p)) for p in glyphs.font_files([font_dir])]
    result = frozenset.intersection(*shipped) if shipped else frozenset()
    for path in glyphs.font_files(font_paths):
        result |= glyphs.coverage(str(path))
    return result


def _texts(bank: QuestionBank, data: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(fact id or "", what, text) for every text a document prints."""
    for name in ("title", "school", "time", "instructions"):
        if data.get(name):
            yield "", f"quiz {name}", data[name]
    for key, text in data["words"].items():
        yield "", f"wording {key}", text
    ids = {q.prompt: q for q in bank.questions}
    for paper in data["papers"]:
        for section in paper["sections"]:
            for item in section["items"]:
                q = item["question"]
                source = ids.get(q["prompt"])
                where = f"question {source.id} (facts {', '.join(source.facts)})" if source else "a question"
                yield source.facts[0] if source else "", where, " ".join([q["prompt"], q["answer"], *q["accepted"], q["explanation"],
                                       *(c["text"] for c in item["choices"]), *item["left"],
                                       *(c["quote"] + " " + c["publisher"] for c in q["citations"])])
    for s in data["sources"]:
        yield "", "sources", " ".join(filter(None, (s["publisher"], s["title"], s["url"])))


def check_glyphs(bank: QuestionBank, data: dict[str, Any], settings) -> None:
    have = covered(tuple(settings.font_paths))
    problems: list[Problem] = []
    seen: set[str] = set()
    locations = dict(getattr(settings, "fact_locations", {}) or {})
    for fact, where, text in _texts(bank, data):
        missing = [c for c in glyphs.missing(text, have) if c not in seen]
        if not missing:
            continue
        seen.update(missing)
        names = ", ".join(f"{c} (U+{ord(c):04X})" for c in missing[:8]) + (" …" if len(missing) > 8 else "")
        problems.append(Problem(
            Location(locations.get(fact) or getattr(settings, "facts_path", "") or bank.topic),
            f"{where}: no font can print {names}; the PDF would show empty boxes",
            "pass --font-path DIR with a font that has these characters (for Chinese, Japanese or Korean, "
            "for example Noto Sans CJK); the shipped DejaVu Sans covers Latin, Greek, Cyrillic, Arabic and "
            "Hebrew", code="missing-glyphs"))
    if problems:
        raise ExportError(problems)


def export(bank: QuestionBank, folder: Path, settings) -> tuple[list[str], list[str]]:
    written = []
    stamp = creation_time(bank)
    papers = versions(bank, settings)
    lettered = [p for p in papers if not p.copy]
    copies = [p for p in papers if p.copy]
    documents = []
    for version in lettered:
        documents.append((f"quiz-{version.letter}.pdf", document([version], "quiz", settings)))
        documents.append((f"key-{version.letter}.pdf", document([version], "key", settings, papers)))
    if copies:
        documents.append(("quiz-copies.pdf", document(copies, "quiz", settings)))
    if documents:
        check_glyphs(bank, documents[1][1] if len(documents) > 1 else documents[0][1], settings)
    for name, data in documents:
        (folder / name).write_bytes(render(data, timestamp=stamp, font_paths=tuple(settings.font_paths)))
        written.append(name)
    return written, shortfall(bank, settings)
