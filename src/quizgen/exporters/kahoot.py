"""Kahoot! (kahoot.xlsx), in the layout of Kahoot's quiz spreadsheet template: headers on row 8
(columns B to H), questions from row 9.

Only multiple choice (up to four answers) and true/false. Kahoot allows a question of at most
120 characters and answers of at most 75: a question that does not fit is skipped and
reported, never cut. The time limit comes from Kahoot's allowed set, by reading length.
Needs the optional extra: pip install 'quizgen[kahoot]'.

Every cell is stored as text (numbers included), so no text starting with "=" becomes a formula:
openpyxl would otherwise store such a string as one.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

from ..errors import ExportError, Location, Problem
from ..questions import Question, QuestionBank
from .platforms import one_line, write_zip

HEADERS = ("Question - max 120 characters", "Answer 1 - max 75 characters", "Answer 2 - max 75 characters",
           "Answer 3 - max 75 characters", "Answer 4 - max 75 characters",
           "Time limit (sec) – 5, 10, 20, 30, 60, 90, 120, or 240 secs", "Correct answer(s) - choose at least one")
TIME_LIMITS = (5, 10, 20, 30, 60, 90, 120, 240)
MAX_QUESTION, MAX_ANSWER = 120, 75
FIXED_TIME = dt.datetime(2000, 1, 1)


def time_limit(question: Question) -> int:
    """Enough time to read it: about 4 words a second plus 10 seconds, rounded up to an allowed value."""
    words = len(question.prompt.split()) + sum(len(o.text.split()) for o in question.options)
    need = 10 + words / 4
    return next((t for t in TIME_LIMITS if t >= need), TIME_LIMITS[-1])


def rows(bank: QuestionBank) -> tuple[list[tuple], list[str]]:
    chosen, skipped = [], []
    for question in bank.in_family_order():
        if question.kind not in ("multiple_choice", "true_false"):
            continue
        prompt = one_line(question.prompt)
        answers = [one_line(o.text) for o in question.options]
        if len(prompt) > MAX_QUESTION or any(len(a) > MAX_ANSWER for a in answers) or len(answers) > 4:
            skipped.append(question.id)
            continue
        right = [str(i + 1) for i, o in enumerate(question.options) if o.correct]
        padded = answers + [None] * (4 - len(answers))
        chosen.append((prompt, *padded, time_limit(question), ",".join(right)))
    return chosen, skipped


def export(bank: QuestionBank, folder: Path, settings) -> tuple[list[str], list[str]]:
    try:
        from openpyxl import Workbook
    except ImportError:
        raise ExportError(Problem(Location("kahoot.xlsx"), "the kahoot output needs openpyxl, which is not installed",
                                  "pip install 'quizgen[kahoot]', or leave out --format kahoot")) from None
    data, skipped = rows(bank)
    book = Workbook()
    sheet = book.active
    sheet.title = "Sheet1"

    def text_cell(row: int, column: int, value) -> None:
        if value is not None:
            cell = sheet.cell(row=row, column=column, value=str(value))
            cell.data_type = "s"  # what openpyxl would have made a formula stays a string

    text_cell(2, 2, one_line(bank.title))
    text_cell(4, 2, "Made by quizgen from a cited fact file. Import it in Kahoot: Create → Import spreadsheet.")
    for column, header in enumerate(HEADERS, start=2):
        text_cell(8, column, header)
    for number, row in enumerate(data, start=1):
        text_cell(8 + number, 1, number)
        for column, value in enumerate(row, start=2):
            text_cell(8 + number, column, value)
    book.properties.creator = "quizgen"
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    book.save(buffer)
    # openpyxl stamps each zip entry with the clock: rewrite with fixed times for identical bytes
    # and its save sets the "modified" property to now: pin it too.
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source:
        members = [(name, source.read(name)) for name in source.namelist()]
    pinned = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    members = [(name, re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + pinned, data)
                if name == "docProps/core.xml" else data) for name, data in members]
    write_zip(folder / "kahoot.xlsx", members)
    notes = []
    if skipped:
        notes.append(f"kahoot.xlsx: skipped {len(skipped)} question(s) longer than Kahoot allows "
                     f"(question {MAX_QUESTION}, answers {MAX_ANSWER} characters)")
    return ["kahoot.xlsx"], notes
