"""Printable quizzes as PDF, typeset by Typst: quiz-V.pdf and key-V.pdf for each version V.

The quiz data reaches Typst as one JSON value (sys.inputs), never pasted into markup.
Only Typst's embedded fonts and the DejaVu Sans shipped with quizgen (for Arabic and other
scripts Libertinus lacks) are used, system fonts ignored, and the creation date is
fixed from the data, so the same input gives the same bytes on every machine.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from ..errors import ExportError, Location, Problem
from ..questions import QuestionBank
from .printed import creation_time, version_data, versions


def render(data: dict, fmt: str = "pdf", ppi: float | None = None, timestamp=None) -> bytes | list[bytes]:
    import typst

    template = resources.files("quizgen").joinpath("exporters/templates/quiz.typ")
    fonts = resources.files("quizgen").joinpath("exporters/fonts")
    with resources.as_file(template) as path, resources.as_file(fonts) as font_dir:
        try:
            return typst.compile(path.read_bytes(), root=str(path.parent), ignore_system_fonts=True, format=fmt,
                                 font_paths=[str(font_dir)],
                                 ppi=ppi, sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
                                 timestamp=timestamp)
        except typst.TypstError as exc:  # a template bug, never user text: data is not markup
            raise ExportError(Problem(Location("quiz.typ"), f"Typst failed: {exc.message}",
                                      "this is a bug in quizgen's template; please report it")) from None


def export(bank: QuestionBank, folder: Path, settings) -> list[str]:
    written = []
    stamp = creation_time(bank)
    for version in versions(bank, settings):
        for mode, stem in (("quiz", "quiz"), ("key", "key")):
            name = f"{stem}-{version.letter}.pdf"
            (folder / name).write_bytes(render(version_data(version, mode, settings.paper), timestamp=stamp))
            written.append(name)
    return written
