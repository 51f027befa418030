"""Exporters: one module per output format, registered here.

An exporter is ``export(bank, folder, settings)``: it receives the question bank
(never facts or YAML) and writes its files into ``folder``, which the pipeline
later swaps into place as a whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from importlib import import_module
from pathlib import Path
from typing import Any, Mapping, Protocol

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
    # Printed quizzes. None: not set on the command line, so the fact file's `quiz:` block (or the
    # default) decides; `with_fact_file` fills them in before any exporter runs.
    copies: int = 0                                   # numbered, individually shuffled copies besides the versions
    points: Mapping[str, int] = field(default_factory=dict)  # kind or question id -> points
    instructions: str | None = None                   # printed under the title
    time: str | None = None                           # time allowed, as written ("40 minutes")
    school: str | None = None                         # a school/class line above the title
    font_size: float | None = None                    # body text size in points (large print: 14 or more)
    sources: bool | None = None                       # the source list on the student's paper (always on the key)
    font_paths: tuple[str, ...] = ()                  # folders of the user's fonts, for scripts the shipped ones lack
    words: Mapping[str, str] = field(default_factory=dict)  # the fact file's `wording:` changes
    count_given: bool = False                         # --count was given: say so when fewer questions exist
    facts_path: str = ""                              # the fact file, to name it in messages
    fact_locations: Mapping[str, str] = field(default_factory=dict)  # fact id -> "file:line:column"
    include_background: bool = False  # printed quizzes: also questions on background facts
    # Anki: each question id's note modification time, and retired notes (see notestate).
    note_times: Mapping[str, int] = field(default_factory=dict)
    retired: tuple = ()
    note_type_times: Mapping[str, int] = field(default_factory=dict)  # note type (kind) -> its own time


def with_fact_file(settings: Settings, facts: Any) -> Settings:
    """The settings with what the command line left open taken from the fact set's `quiz:` block,
    the file's wording changes, and where each fact stands in the file (for messages): what the
    print exporters need from the fact file, so that they never see the facts themselves."""
    quiz = facts.file.quiz
    changes: dict[str, Any] = {"words": dict(facts.file.wording), "facts_path": facts.path,
                               "fact_locations": {fact.id: str(facts.where("facts", index))
                                                  for index, fact in enumerate(facts.file.facts)}}
    if quiz is not None:
        for name in ("title", "instructions", "time", "school", "font_size", "sources"):
            if getattr(settings, name) is None and getattr(quiz, name) is not None:
                changes[name] = getattr(quiz, name)
        if quiz.paper is not None and settings.paper == "a4":
            changes["paper"] = quiz.paper
        if quiz.points:
            changes["points"] = {**quiz.points, **settings.points}
        if quiz.copies and not settings.copies:
            changes["copies"] = quiz.copies
    return replace(settings, **changes)


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
    "sheets": "quizgen.exporters.answer_sheet",
    "html": "quizgen.exporters.html",
}
# Formats that need an optional package (the extra of the same name installs it).
REQUIRES: dict[str, str] = {"kahoot": "openpyxl"}
# What a fresh user expects from `quizgen build`: the question bank, the Anki deck and printable
# quizzes with their answer sheets, and the self-check page. Classroom platforms are chosen with --format (or --format all).
DEFAULT = ("json", "anki", "markdown", "pdf", "sheets", "html")


def get(name: str) -> Exporter:
    return import_module(REGISTRY[name]).export  # type: ignore[no-any-return]
