"""Writing a grading run's files into a folder (the caller swaps it into place whole)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any, Sequence

import cv2
import numpy as np

from .mark import CopyResult, row_labels
from .read import VIEW as K
from .read import _paper

GREEN, RED, ORANGE, BLUE = (40, 150, 40), (30, 30, 210), (0, 140, 255), (200, 90, 20)


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def _csv(rows: Sequence[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(rows)
    return buffer.getvalue()


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.-]+", "_", text)


def grades_csv(copies: Sequence[CopyResult]) -> str:
    labels = row_labels(copies)
    rows: list[list[Any]] = [["sheet", "version", "copy", "student", "score", "total", "to_review", "scans",
                              *labels]]
    for c in copies:
        by_label = {r.label: r for r in c.rows}
        cells = []
        for label in labels:
            row = by_label.get(label)
            cells.append("" if row is None else ("review" if row.answer is None else _number(row.earned)))
        rows.append([c.label, c.version, c.copy, c.student or "", _number(c.score), _number(c.total), c.pending,
                     "; ".join(c.sources), *cells])
    return _csv(rows)


def answers_csv(copies: Sequence[CopyResult]) -> str:
    rows: list[list[Any]] = [["sheet", "student", "row", "question_id", "key", "answer", "points", "earned",
                              "review", "corrected"]]
    for c in copies:
        for r in c.rows:
            rows.append([c.label, c.student or "", r.label, r.question_id, r.key,
                         "?" if r.answer is None else (r.answer or "-"), _number(r.points), _number(r.earned),
                         r.review, "yes" if r.corrected else ""])
    return _csv(rows)


def analysis_csv(analysis: Sequence[dict[str, Any]]) -> str:
    rows: list[list[Any]] = [["question_id", "kind", "numbers", "students", "difficulty", "discrimination",
                              "wrong_options", "blank", "flags"]]
    for a in analysis:
        wrong = "; ".join(f"{(part + ': ') if part else ''}{text} ×{n}" for part, options in a["wrong_options"].items()
                          for text, n in options.items())
        rows.append([a["question_id"], a["kind"], " ".join(f"{k}:{v}" for k, v in a["numbers"].items()), a["students"],
                     "" if a["difficulty"] is None else a["difficulty"],
                     "" if a["discrimination"] is None else a["discrimination"], wrong, a["blank"],
                     "; ".join(a["flags"])])
    return _csv(rows)


def _row_box(sheet_row: dict[str, Any]) -> tuple[int, int, int, int]:
    """A row's rectangle on the upright page, in reading pixels: its label to its last bubble."""
    first, last = sheet_row["choices"][0], sheet_row["choices"][-1]
    r = first["r"]
    x0, x1 = first["x"] - 34, last["x"] + r + 6
    y0, y1 = first["y"] - r - 5, first["y"] + r + 5
    return int(x0 * K), int(y0 * K), int(x1 * K), int(y1 * K)


def _png(image: np.ndarray) -> bytes:
    ok, data = cv2.imencode(".png", image, [cv2.IMWRITE_PNG_COMPRESSION, 1])
    if not ok:  # pragma: no cover - OpenCV writes PNG for any 8-bit image
        raise RuntimeError("PNG encoding failed")
    return data.tobytes()


def annotate(image: np.ndarray, sheet: dict[str, Any], copy: CopyResult) -> np.ndarray:
    """The page as read, with what was read marked: green right, red wrong (the key ringed in
    green), orange waiting for the teacher; the score and the student number at the top."""
    # the light evened out, then eight grey levels: the marks stay visible, the scanner's grain
    # and shadows go (a small, quick PNG)
    white = cv2.resize(_paper(image), (image.shape[1], image.shape[0]), interpolation=cv2.INTER_LINEAR)
    flat = np.clip(image.astype(np.float32) / white * 255.0 + 12.0, 0, 255)
    levels = np.minimum((flat // 32) * 32 + 16, 255)
    canvas = cv2.cvtColor(levels.astype(np.uint8), cv2.COLOR_GRAY2BGR)
    rows = {r.label: r for r in copy.rows}
    for row in sheet["rows"]:
        result = rows[row["label"]]
        bubble = {c["letter"]: c for c in row["choices"]}

        def ring(letter: str, colour, thick: int) -> None:
            c = bubble[letter]
            cv2.circle(canvas, (int(c["x"] * K), int(c["y"] * K)), int((c["r"] + 2.2) * K), colour, thick, cv2.LINE_AA)

        if result.answer is None:
            x0, y0, x1, y1 = _row_box(row)
            cv2.rectangle(canvas, (x0, y0), (x1, y1), ORANGE, 2)
        elif result.answer == result.key:
            ring(result.answer, GREEN, 3)
        else:
            if result.answer:
                ring(result.answer, RED, 3)
            ring(result.key, GREEN, 2)
    score = f"{_number(copy.score)} / {_number(copy.total)}"
    if copy.pending:
        score += f"  ({copy.pending} to review)"
    width = canvas.shape[1]
    cv2.putText(canvas, score, (int(width * 0.42), int(200 * K)), cv2.FONT_HERSHEY_SIMPLEX, 1.3, RED, 3, cv2.LINE_AA)
    student = copy.student or "?"
    cv2.putText(canvas, f"student {student}", (int(width * 0.42), int(228 * K)), cv2.FONT_HERSHEY_SIMPLEX, 0.9, BLUE,
                2, cv2.LINE_AA)
    return canvas


def write(folder: Path, layout: dict[str, Any], copies: Sequence[CopyResult], pages: Sequence[tuple[str, Any]],
          analysis: Sequence[dict[str, Any]]) -> list[str]:
    """Every output of a grading run; returns the names written, in order."""
    written = []

    def put(name: str, data: bytes | str) -> None:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        written.append(name)

    put("grades.csv", grades_csv(copies))
    put("answers.csv", answers_csv(copies))
    put("item-analysis.csv", analysis_csv(analysis))
    put("item-analysis.json", json.dumps({"format": 1, "build": layout["build"], "input_sha256": layout["input_sha256"],
                                          "sheets": len(copies), "questions": list(analysis)},
                                         ensure_ascii=False, indent=1) + "\n")
    sheets = {(s["version"], s["copy"], s["page"]): s for s in layout["sheets"]}
    by_copy = {(c.version, c.copy): c for c in copies}
    review = [["sheet", "row", "answer", "reason", "read", "image", "scan"]]
    for source, page in pages:
        sheet = sheets[(page.version, page.copy, page.page)]
        copy = by_copy[(page.version, page.copy)]
        suffix = f"-p{page.page}" if sheet["pages"] > 1 else ""
        put(f"sheets/{_safe(copy.label)}{suffix}.png", _png(annotate(page.image, sheet, copy)))
        results = {r.label: r for r in copy.rows}
        for row in sheet["rows"]:
            result = results[row["label"]]
            if result.answer is not None:
                continue
            x0, y0, x1, y1 = _row_box(row)
            name = f"review/{_safe(copy.label)}_{_safe(row['label'])}.png"
            crop = page.image[max(0, y0):y1, max(0, x0):x1]
            put(name, _png(cv2.resize(crop, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)))
            read = " ".join(f"{b.letter}:{b.state}" for b in page.rows[row["label"]].bubbles)
            review.append([copy.label, row["label"], "", result.review, read, name, source])
        if copy.student is None and page.page == 1:
            digits = sheet["student_number"]
            first, last = digits[0]["bubbles"][0], digits[-1]["bubbles"][-1]
            box = (int((first["x"] - 34) * K), int((first["y"] - 12) * K), int((last["x"] + 12) * K),
                   int((last["y"] + 12) * K))
            name = f"review/{_safe(copy.label)}_student.png"
            put(name, _png(page.image[box[1]:box[3], box[0]:box[2]]))
            review.append([copy.label, "student", "", copy.student_review, "", name, source])
    put("review/review.csv", _csv(review))
    return written
