"""Exporters: one module per output format, registered here.

An exporter is ``export(bank, folder, settings)``: it receives the question bank
(never facts or YAML) and writes its files into ``folder``, which the pipeline
later swaps into place as a whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Mapping, Protocol

from ..questions import QuestionBank


@dataclass(frozen=True)
class Settings:
    seed: int = 1
    versions: int = 2
    count: int = 20
    paper: str = "a4"
    title: str | None = None
    families: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    # Anki: each question id's note modification time, and retired notes (see notestate).
    note_times: Mapping[str, int] = field(default_factory=dict)
    retired: tuple = ()
    note_type_times: Mapping[str, int] = field(default_factory=dict)  # note type (kind) -> its own time
    # The fact file's `wording:` changes, for outputs whose own words are data (the self-check page).
    wording: Mapping[str, str] = field(default_factory=dict)


class Exporter(Protocol):
    def __call__(self, bank: QuestionBank, folder: Path, settings: Settings) -> list[str]: ...


# name -> module holding `export`; imported only when used (some pull in heavy libraries).
REGISTRY: dict[str, str] = {
    "json": "quizgen.exporters.json_bank",
    "anki": "quizgen.exporters.anki",
    "markdown": "quizgen.exporters.markdown",
    "pdf": "quizgen.exporters.pdf",
    "moodle": "quizgen.exporters.moodle",
    "gift": "quizgen.exporters.gift",
    "canvas": "quizgen.exporters.canvas",
    "quizlet": "quizgen.exporters.quizlet",
    "kahoot": "quizgen.exporters.kahoot",
    "html": "quizgen.exporters.html",
}
# Formats that need an optional package (the extra of the same name installs it).
REQUIRES: dict[str, str] = {"kahoot": "openpyxl"}
# What a fresh user expects from `quizgen build`: the question bank, the Anki deck and printable
# quizzes, and the self-check page. Classroom platforms are chosen with --format (or --format all).
DEFAULT = ("json", "anki", "markdown", "pdf", "html")


def get(name: str) -> Exporter:
    return import_module(REGISTRY[name]).export  # type: ignore[no-any-return]
