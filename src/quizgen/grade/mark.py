"""Marking: pages read → one result per copy, corrections applied, and the item analysis.

Pure functions over the layout (answer-sheets.json as data) and the pages read.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Sequence

from ..errors import Location, Problem

STUDENT = "student"


@dataclass(frozen=True)
class RowResult:
    label: str
    question_id: str
    kind: str
    number: int
    part: int | None
    part_text: str                 # matching: the left item; ordering: the position; else ""
    key: str
    key_text: str
    points: float
    answer: str | None             # the letter read ("" none), None while it waits for the teacher
    review: str = ""               # why it waits for the teacher
    corrected: bool = False
    choices: tuple[tuple[str, str], ...] = ()   # (letter, text)

    @property
    def earned(self) -> float | None:
        if self.answer is None:
            return None
        return self.points if self.answer == self.key else 0.0

    @property
    def answer_text(self) -> str | None:
        if not self.answer:
            return None
        return dict(self.choices).get(self.answer)


@dataclass
class CopyResult:
    label: str
    version: str
    copy: int
    sources: list[str] = field(default_factory=list)     # "file page N" per page of the copy
    student: str | None = None
    student_review: str = ""
    rows: list[RowResult] = field(default_factory=list)

    @property
    def score(self) -> float:
        return sum(r.earned or 0.0 for r in self.rows)

    @property
    def total(self) -> float:
        return sum(r.points for r in self.rows)

    @property
    def pending(self) -> int:
        return sum(1 for r in self.rows if r.answer is None) + (1 if self.student is None else 0)


def results(layout: dict[str, Any], pages: Sequence[tuple[str, Any]]) -> list[CopyResult]:
    """One result per copy from its pages read: ``pages`` is (source, read.Page) in scan order."""
    sheets = {(s["version"], s["copy"], s["page"]): s for s in layout["sheets"]}
    copies: dict[tuple[str, int], CopyResult] = {}
    for source, page in pages:
        sheet = sheets[(page.version, page.copy, page.page)]
        result = copies.setdefault((page.version, page.copy), CopyResult(sheet["label"], page.version, page.copy))
        result.sources.append(source)
        if page.page == 1 or result.student is None:
            number = page.student_number
            if number is not None:
                result.student, result.student_review = number, ""
            elif not result.student_review:
                result.student_review = _student_problem(page.student_rows)
        for row in sheet["rows"]:
            read = page.rows[row["label"]]
            choices = tuple((c["letter"], c["text"]) for c in row["choices"])
            part_text = row.get("part_text", "") or ("" if row["part"] is None else str(row["part"]))
            result.rows.append(RowResult(
                row["label"], row["question_id"], row["kind"], row["number"], row["part"], part_text, row["key"],
                dict(choices).get(row["key"], row["key"]), float(row["points"]), read.answer, read.problem,
                choices=choices))
    ordered = sorted(copies.values(), key=lambda c: (c.version, c.copy))
    for result in ordered:
        result.rows.sort(key=lambda r: (r.number, r.part or 0))
    return ordered


def _student_problem(rows) -> str:
    problems = [f"digit {i}: {r.problem}" for i, r in enumerate(rows, 1) if r.problem]
    return "; ".join(problems) or "no student number filled in"


# -- corrections -------------------------------------------------------------------------

CORRECTION_COLUMNS = ("sheet", "row", "answer")


def parse_corrections(text: str, name: str, copies: Sequence[CopyResult]) -> tuple[dict, list[Problem]]:
    """The teacher's decisions: CSV with the columns sheet, row, answer (others ignored, so a
    filled-in review/review.csv is a corrections file). ``row`` is a printed row label ("7",
    "12.3") or "student"; ``answer`` a letter, the student number, or empty for no answer."""
    problems: list[Problem] = []
    found: dict[tuple[str, str], str] = {}
    by_label = {c.label: c for c in copies}
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or [h.strip().lower() for h in header[:3]] != list(CORRECTION_COLUMNS):
        return {}, [Problem(Location(name, 1, 1), "a corrections file starts with the columns sheet,row,answer",
                            "fill in the answer column of review/review.csv and pass that file")]
    for line, cells in enumerate(reader, 2):
        if not any(c.strip() for c in cells):
            continue
        sheet, row, answer = ([c.strip() for c in cells] + ["", "", ""])[:3]
        where = Location(name, line, 1)
        copy = by_label.get(sheet)
        if copy is None:
            problems.append(Problem(where, f"no sheet {sheet!r} among the scans",
                                    "use the sheet label printed large on the answer sheet, e.g. A or A-3"))
            continue
        if row.lower() == STUDENT:
            if not answer.isdigit():
                problems.append(Problem(where, f"the student number {answer!r} is not digits"))
                continue
            found[(sheet, STUDENT)] = answer
            continue
        target = next((r for r in copy.rows if r.label == row), None)
        if target is None:
            problems.append(Problem(where, f"sheet {sheet} has no row {row!r}", "use the row label printed on the "
                                    "sheet, e.g. 7 or 12.3"))
            continue
        answer = answer.upper()
        letters = [letter for letter, _ in target.choices]
        if answer and answer not in letters:
            problems.append(Problem(where, f"row {row} of sheet {sheet} has no choice {answer!r}",
                                    f"one of {', '.join(letters)}, or empty for no answer"))
            continue
        if (sheet, row) in found:
            problems.append(Problem(where, f"sheet {sheet} row {row} is corrected twice"))
            continue
        found[(sheet, row)] = answer
    return found, problems


def apply_corrections(copies: Sequence[CopyResult], corrections: dict) -> list[CopyResult]:
    out = []
    for copy in copies:
        rows = [replace(r, answer=corrections[(copy.label, r.label)], review="", corrected=True)
                if (copy.label, r.label) in corrections else r for r in copy.rows]
        student, why = copy.student, copy.student_review
        if (copy.label, STUDENT) in corrections:
            student, why = corrections[(copy.label, STUDENT)], ""
        out.append(replace(copy, rows=rows, student=student, student_review=why))
    return out


# -- item analysis -----------------------------------------------------------------------

def _pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    n = len(xs)
    if n < 3:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / math.sqrt(sxx * syy)


MIN_FOR_FLAGS = 10   # fewer students than this: numbers only, no flags


def item_analysis(copies: Sequence[CopyResult]) -> list[dict[str, Any]]:
    """Per question (by id, whatever number it had on each copy): difficulty (share of its points
    earned), discrimination (point-biserial: correlation of the question's score with the rest
    of the test), how often each option was chosen, and flags."""
    totals = {c.label: c.score for c in copies}
    ranked = sorted(totals, key=lambda label: -totals[label])
    strong = set(ranked[:max(1, math.ceil(len(ranked) * 0.27))])
    questions: dict[str, list[tuple[str, list[RowResult]]]] = {}
    for copy in copies:
        rows: dict[str, list[RowResult]] = {}
        for row in copy.rows:
            rows.setdefault(row.question_id, []).append(row)
        for qid, parts in rows.items():
            questions.setdefault(qid, []).append((copy.label, parts))
    analysis = []
    for qid, answered in questions.items():
        first = answered[0][1][0]
        scores, rests, strong_scores = [], [], []
        counts: dict[str, dict[str, int]] = {}
        for label, parts in answered:
            for row in parts:
                options = counts.setdefault(row.part_text, {text: 0 for _, text in row.choices})
                if row.answer is not None:
                    key = row.answer_text if row.answer else ""
                    options[key] = options.get(key, 0) + 1
            if any(row.answer is None for row in parts):
                continue  # waits for the teacher: not counted yet
            earned = sum(row.earned or 0.0 for row in parts)
            possible = sum(row.points for row in parts)
            score = earned / possible if possible else 0.0
            scores.append(score)
            rests.append(totals[label] - earned)
            if label in strong:
                strong_scores.append(score)
        keys = {row.part_text: row.key_text for _, parts in answered for row in parts}
        wrong = {part: {text: n for text, n in options.items() if text and text != keys.get(part)}
                 for part, options in counts.items()}
        blank = sum(options.get("", 0) for options in counts.values())
        n = len(scores)
        difficulty = sum(scores) / n if n else None
        discrimination = _pearson(scores, rests)
        flags = []
        if len(copies) >= MIN_FOR_FLAGS:
            if strong_scores and sum(strong_scores) / len(strong_scores) < 0.5:
                flags.append("most strong students get it wrong")
            if discrimination is not None and discrimination < 0:
                flags.append("negative discrimination")
            if first.kind == "multiple_choice":
                unused = sorted(text for options in wrong.values() for text, count in options.items() if count == 0)
                if unused:
                    flags.append("options nobody chose: " + "; ".join(unused))
        analysis.append({
            "question_id": qid, "kind": first.kind,
            "numbers": {label: parts[0].number for label, parts in answered},
            "students": n,
            "difficulty": None if difficulty is None else round(difficulty, 4),
            "discrimination": None if discrimination is None else round(discrimination, 4),
            "wrong_options": {part: dict(sorted(options.items())) for part, options in sorted(wrong.items())},
            "blank": blank,
            "flags": flags,
        })
    analysis.sort(key=lambda a: (min(a["numbers"].values()), a["question_id"]))
    return analysis


def natural(label: str) -> tuple[int, int]:
    number, _, part = label.partition(".")
    return int(number), int(part or 0)


def row_labels(copies: Iterable[CopyResult]) -> list[str]:
    return sorted({r.label for c in copies for r in c.rows}, key=natural)
