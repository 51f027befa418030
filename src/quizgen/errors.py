"""One exception family for everything a user can get wrong.

A :class:`Problem` is one located finding (an error or a warning). A
:class:`QuizgenError` carries one or more problems; the CLI prints each on its
own line and exits with status 1. Nothing else in quizgen prints or exits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Location:
    """Where a problem is: a file and, when known, a 1-based line and column."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        text = self.file
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return text


@dataclass(frozen=True)
class Problem:
    """One finding: where, what, and how to fix it."""

    location: Location
    message: str
    hint: str = ""
    severity: Severity = "error"
    code: str = field(default="", compare=False)

    def __str__(self) -> str:
        text = f"{self.location}: {self.severity}: {self.message}"
        if self.hint:
            text += f" (hint: {self.hint})"
        # One problem is always one line, whatever the input contained.
        return " ".join(text.split("\n"))

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class QuizgenError(Exception):
    """Base of every error quizgen reports to a user."""

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(Location("quizgen"), problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class FactFileError(QuizgenError):
    """The fact file cannot be read or is not valid."""


class QuestionError(QuizgenError):
    """Generated questions failed a post-generation check (a bug or an unprovable fact set)."""


class ExportError(QuizgenError):
    """An output could not be produced."""


def located(file: str, line: int | None, column: int | None, message: str, hint: str = "",
            severity: Severity = "error", code: str = "") -> Problem:
    """Shorthand for a Problem at file:line:column."""
    return Problem(Location(file, line, column), message, hint, severity, code)
