"""Answer sheets for optical mark reading: answer-sheets.pdf and answer-sheets.json.

One page per printed version and numbered copy (more pages only when its bubble rows do not
fit on one). Everything on a page is placed here, in PDF points from the page's top-left
corner, and the same numbers are written to answer-sheets.json: the registration marks, every
bubble's centre and radius and what it stands for, the Code 128 symbol and what it says, and
each row's key. ``quizgen grade`` reads scans back with that file alone. The Typst template
only draws the shapes and strings it is given.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import ExportError, Location, Problem
from ..questions import QuestionBank
from . import code128
from .printed import PAPERS, creation_time, versions

JSON_NAME = "answer-sheets.json"
PDF_NAME = "answer-sheets.pdf"
FORMAT = 1

PAGE_SIZES = {"a4": (595.28, 841.89), "letter": (612.0, 792.0)}
MARK_SIZE = 18.0        # registration mark: a solid square, this many points a side
MARK_INSET = 22.0       # from the paper's edge to the mark's outer edge
RADIUS = 5.5            # bubble radius
PITCH = 16.0            # between bubble centres in a row
ROW = 17.0              # between rows
LABEL = 30.0            # room for the row label left of the first bubble
STROKE = 0.9            # bubble outline
MODULE = 1.25           # Code 128 module width
CODE_HEIGHT = 34.0
DIGITS = 6              # student-number positions
BUBBLED = ("multiple_choice", "true_false", "matching", "ordering")


def build_id(bank: QuestionBank) -> str:
    """The build's identity as the codes carry it: the fact file's digest, first 8 hex digits."""
    return bank.input_sha256[:8]


def copy_label(letter: str, copy: int) -> str:
    return letter if copy == 0 else f"{letter}-{copy}"


def code_text(build: str, letter: str, copy: int, page: int) -> str:
    """What the barcode says: build, version, copy and page, separated by dashes."""
    return f"{build}-{letter}-{copy}-{page}"


def parse_code(text: str) -> tuple[str, str, int, int] | None:
    parts = text.split("-")
    if len(parts) != 4 or not parts[2].isdigit() or not parts[3].isdigit():
        return None
    return parts[0], parts[1], int(parts[2]), int(parts[3])


@dataclass
class _Page:
    shapes: dict[str, list] = field(default_factory=lambda: {"rects": [], "circles": [], "texts": []})

    def rect(self, x: float, y: float, w: float, h: float) -> None:
        self.shapes["rects"].append({"x": x, "y": y, "w": w, "h": h})

    def circle(self, x: float, y: float, r: float) -> None:
        self.shapes["circles"].append({"x": x, "y": y, "r": r})

    def text(self, x: float, y: float, body: str, size: float, bold: bool = False, align: str = "left",
             width: float = 0.0) -> None:
        self.shapes["texts"].append({"x": x, "y": y, "body": body, "size": size, "bold": bold, "align": align,
                                     "width": width})


def _rows(version) -> list[dict[str, Any]]:
    """The bubble rows of a version: one per multiple-choice or true/false question, one per
    matching part and one per ordering position. Short answers are not bubbled."""
    rows = []
    for item in version.items:
        q = item.question
        if q.kind not in BUBBLED:
            continue
        letters = [c.letter for c in item.choices]
        texts = [c.text for c in item.choices]
        points = getattr(item, "points", None)
        if q.kind in ("multiple_choice", "true_false"):
            parts = [(None, next(c.letter for c in item.choices if c.correct), "")]
        elif q.kind == "matching":
            letter_of = {c.text: c.letter for c in item.choices}
            right = {p.left: p.right for p in q.pairs}
            parts = [(i, letter_of[right[left]], left) for i, left in enumerate(item.left, 1)]
        else:
            letter_of = {c.text: c.letter for c in item.choices}
            parts = [(i, letter_of[text], str(i)) for i, text in enumerate(q.items, 1)]
        share = (points / len(parts)) if isinstance(points, (int, float)) else 1
        for part, key, part_text in parts:
            rows.append({
                "label": str(item.number) if part is None else f"{item.number}.{part}",
                "number": item.number, "part": part, "part_text": part_text, "question_id": q.id, "kind": q.kind,
                "key": key, "points": share,
                "choices": [{"letter": letter, "text": text} for letter, text in zip(letters, texts)],
            })
    return rows


def layout(bank: QuestionBank, settings) -> dict[str, Any]:
    """Every page's drawing and its data, as one JSON-ready value."""
    width, height = PAGE_SIZES.get(settings.paper, PAGE_SIZES["a4"])
    half = MARK_SIZE / 2
    offset = MARK_INSET + half
    marks = [{"corner": corner, "x": x, "y": y, "size": MARK_SIZE} for corner, x, y in (
        ("top-left", offset, offset), ("top-right", width - offset, offset),
        ("bottom-left", offset, height - offset), ("bottom-right", width - offset, height - offset))]
    left, right = MARK_INSET + MARK_SIZE + 14, width - MARK_INSET - MARK_SIZE - 14
    build = build_id(bank)
    sheets, drawings = [], []
    for version in versions(bank, settings):
        rows = _rows(version)
        if not rows:
            continue
        widest = max(len(r["choices"]) for r in rows)
        column = LABEL + widest * PITCH + 12
        columns = max(1, int((right - left) // column))
        top = 262.0
        per_column = max(1, int((height - offset - half - 14 - top) // ROW))
        per_page = columns * per_column
        pages = [rows[i:i + per_page] for i in range(0, len(rows), per_page)]
        label = copy_label(version.letter, version.copy)
        for page_number, page_rows in enumerate(pages, 1):
            page = _Page()
            for mark in marks:
                page.rect(mark["x"] - half, mark["y"] - half, MARK_SIZE, MARK_SIZE)
            # one line, smaller for a long title (about half an em a character)
            size = max(6.0, min(12.0, (right - left - 210) / (0.55 * max(1, len(version.title)))))
            page.text(left, 44, version.title, round(size, 2), bold=True)
            page.text(left, 70, "Name", 10)
            page.rect(left + 40, 82, 185, 0.8)
            page.text(left, 94, "Class", 10)
            page.rect(left + 40, 106, 185, 0.8)
            # the copy in large print, and in a barcode under it
            page.text(right - 200, 40, label, 30, bold=True, align="right", width=200)
            content = code_text(build, version.letter, version.copy, page_number)
            code_w = (code128.modules(content)) * MODULE
            code_x, code_y = right - code_w, 84.0
            for start, bar in code128.bars(content):
                page.rect(code_x + start * MODULE, code_y, bar * MODULE, CODE_HEIGHT)
            page.text(right - 200, code_y + CODE_HEIGHT + 3, content, 7, align="right", width=200)
            if len(pages) > 1:
                page.text(right - 200, code_y + CODE_HEIGHT + 13, f"{page_number} / {len(pages)}", 9,
                          align="right", width=200)
            # the student number: a row of ten bubbles (0-9) per position
            page.text(left, 124, "Student number", 10, bold=True)
            number = []
            for position in range(DIGITS):
                y = 150 + position * ROW
                page.rect(left, y + RADIUS, 16, 0.8)
                bubbles = []
                for digit in range(10):
                    x = left + LABEL + digit * PITCH
                    page.circle(x, y, RADIUS)
                    page.text(x - RADIUS, y - 3.2, str(digit), 6.5, align="center", width=2 * RADIUS)
                    bubbles.append({"digit": digit, "x": x, "y": y, "r": RADIUS})
                number.append({"position": position + 1, "bubbles": bubbles})
            page.text(left + LABEL + 10 * PITCH + 10, 150 - 4, "Fill one bubble in each row, dark and whole.", 8,
                      width=200)
            page.text(left + LABEL + 10 * PITCH + 10, 162, "To change an answer, erase it completely.", 8,
                      width=200)
            page.rect(left, top - 14, right - left, 0.8)
            placed = []
            for index, row in enumerate(page_rows):
                col, line = divmod(index, per_column)
                x0 = left + col * column
                y = top + 6 + line * ROW
                page.text(x0, y - 4.5, row["label"], 8.5, bold=row["part"] in (None, 1), width=LABEL - 4)
                choices = []
                for c, choice in enumerate(row["choices"]):
                    x = x0 + LABEL + c * PITCH
                    page.circle(x, y, RADIUS)
                    page.text(x - RADIUS, y - 3.2, choice["letter"], 6.5, align="center", width=2 * RADIUS)
                    choices.append({**choice, "x": x, "y": y, "r": RADIUS})
                placed.append({**row, "choices": choices})
            drawings.append(page.shapes)
            sheets.append({
                "version": version.letter, "copy": version.copy, "label": label,
                "page": page_number, "pages": len(pages),
                "code": {"symbology": "code128", "content": content, "x": code_x, "y": code_y,
                         "width": code_w, "height": CODE_HEIGHT, "module": MODULE},
                "student_number": number,
                "rows": placed,
            })
    return {
        "format": FORMAT,
        "build": build,
        "topic": bank.topic,
        "input_sha256": bank.input_sha256,
        "paper": settings.paper,
        "page": {"width": width, "height": height, "units": "pt", "origin": "top-left, y down"},
        "marks": marks,
        "stroke": STROKE,
        "sheets": sheets,
    }, drawings


def render(data: dict[str, Any], drawings: list, timestamp=None) -> bytes:
    import typst

    template = resources.files("quizgen").joinpath("exporters/templates/answer_sheet.typ")
    fonts = resources.files("quizgen").joinpath("exporters/fonts")
    payload = {"width": data["page"]["width"], "height": data["page"]["height"], "stroke": data["stroke"],
               "title": data["topic"], "pages": drawings}
    with resources.as_file(template) as path, resources.as_file(fonts) as font_dir:
        try:
            return typst.compile(path.read_bytes(), root=str(path.parent), ignore_system_fonts=True,
                                 font_paths=[str(font_dir)], timestamp=timestamp,
                                 sys_inputs={"data": json.dumps(payload, ensure_ascii=False)})
        except typst.TypstError as exc:  # a template bug, never user text: data is not markup
            raise ExportError(Problem(Location("answer_sheet.typ"), f"Typst failed: {exc.message}",
                                      "this is a bug in quizgen's template; please report it")) from None


def export(bank: QuestionBank, folder: Path, settings) -> list[str]:
    data, drawings = layout(bank, settings)
    if not data["sheets"]:
        return []  # no question can be bubbled: no sheet
    (folder / PDF_NAME).write_bytes(render(data, drawings, timestamp=creation_time(bank)))
    (folder / JSON_NAME).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return [PDF_NAME, JSON_NAME]


__all__ = ["export", "layout", "render", "PAPERS"]
