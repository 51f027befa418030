"""Marking scanned answer sheets (`quizgen grade`).

Needs the optional extra quizgen[grade] (OpenCV, zxing-cpp, pypdfium2); nothing here imports
them until a grading run starts, so the rest of quizgen works without them.

The run: load the layout (answer-sheets.json of the build that printed the sheets), load every
page of every scan, read each page (read.py), refuse the run if any page cannot be read or two
pages are the same copy, mark every copy against its key (mark.py), apply the teacher's
corrections, analyse the items, and write the results (report.py) into a folder the caller
swaps into place whole.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from ..errors import Location, Problem, QuizgenError

PACKAGES = {"cv2": "opencv-python-headless", "zxingcpp": "zxing-cpp", "pypdfium2": "pypdfium2", "numpy": "numpy"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp"}
PDF_DPI = 200
REDUCED_ENOUGH = 1600   # pixels on the long side of a half-size JPEG (an A4 page at ~140 dpi)


class GradeError(QuizgenError):
    """Scans, a layout or a corrections file that cannot be graded."""


def missing_packages() -> list[str]:
    """The grade extra's packages that cannot be imported here."""
    import importlib

    missing = []
    for module, package in PACKAGES.items():
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(package)
    return missing


def require() -> None:
    missing = missing_packages()
    if missing:
        raise GradeError(Problem(Location("quizgen grade"), f"grading needs {', '.join(missing)}, not installed here",
                                 "pip install 'quizgen[grade]'"))


def load_layout(path: Path) -> dict[str, Any]:
    where = Location(str(path))
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GradeError(Problem(where, "no such file", "pass the answer-sheets.json written beside the "
                                 "answer-sheets.pdf you printed (--sheets)")) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GradeError(Problem(where, f"not an answer-sheet layout: {exc}",
                                 "pass the answer-sheets.json quizgen wrote with the sheets")) from None
    if not _is_layout(data):
        raise GradeError(Problem(where, "not an answer-sheet layout quizgen can read",
                                 "pass the answer-sheets.json quizgen wrote with the sheets"))
    return data


def _is_layout(data: Any) -> bool:
    """The shape read.py and mark.py rely on, checked before any page is read."""
    def number(v: Any) -> bool:
        return isinstance(v, (int, float)) and not isinstance(v, bool)

    def has(obj: Any, **kinds: Any) -> bool:
        return isinstance(obj, dict) and all(k in obj and isinstance(obj[k], t) for k, t in kinds.items())

    def place(obj: Any, *keys: str) -> bool:
        return isinstance(obj, dict) and all(number(obj.get(k)) for k in keys)

    try:
        if not has(data, format=int, build=str, input_sha256=str, page=dict, marks=list, sheets=list):
            return False
        if data["format"] != 1 or not data["sheets"] or len(data["marks"]) != 4:
            return False
        if not place(data["page"], "width", "height") or not all(place(m, "x", "y", "size") for m in data["marks"]):
            return False
        for sheet in data["sheets"]:
            if not has(sheet, version=str, copy=int, page=int, pages=int, label=str, code=dict, student_number=list,
                       rows=list) or not place(sheet["code"], "x", "y", "width", "height"):
                return False
            for digit in sheet["student_number"]:
                if not has(digit, position=int, bubbles=list) or not all(
                        place(b, "x", "y", "r") and isinstance(b.get("digit"), int) for b in digit["bubbles"]):
                    return False
            for row in sheet["rows"]:
                if not has(row, label=str, number=int, question_id=str, kind=str, key=str, choices=list) \
                        or not number(row.get("points")) or not row["choices"]:
                    return False
                if not all(place(c, "x", "y", "r") and has(c, letter=str, text=str) for c in row["choices"]):
                    return False
        return True
    except (TypeError, AttributeError):
        return False


def load_scans(paths: Sequence[Path]) -> tuple[list[tuple[str, Any]], list[Problem]]:
    """Every page of every scan as (source, grayscale image); PDFs rendered at PDF_DPI."""
    import cv2
    import numpy as np

    pages: list[tuple[str, Any]] = []
    problems: list[Problem] = []
    for path in paths:
        where = Location(str(path))
        try:
            raw = Path(path).read_bytes()
        except FileNotFoundError:
            problems.append(Problem(where, "no such file"))
            continue
        except OSError as exc:
            problems.append(Problem(where, f"cannot read it: {exc.strerror or exc}"))
            continue
        if raw.startswith(b"%PDF"):
            import pypdfium2 as pdfium

            try:
                document = pdfium.PdfDocument(raw)
                count = len(document)
                for index in range(count):
                    bitmap = document[index].render(scale=PDF_DPI / 72, grayscale=True)
                    image = np.asarray(bitmap.to_numpy())
                    image = image if image.ndim == 2 else cv2.cvtColor(image[..., :3], cv2.COLOR_BGR2GRAY)
                    pages.append((f"{path} page {index + 1}" if count > 1 else str(path), np.ascontiguousarray(image)))
            except pdfium.PdfiumError as exc:
                problems.append(Problem(where, f"a damaged or protected PDF ({exc})", "scan it again, or export "
                                        "the pages as PNG or JPEG"))
            continue
        buffer = np.frombuffer(raw, np.uint8)
        ok, images = cv2.imdecodemulti(buffer, cv2.IMREAD_GRAYSCALE) if raw[:4] in (b"II*\0", b"MM\0*") else (
            False, [])
        if not ok:
            image = None
            if raw.startswith(b"\xff\xd8"):
                # a large JPEG (300 dpi and more) is read at half size straight from its DCT: as
                # good for reading and much quicker
                image = cv2.imdecode(buffer, cv2.IMREAD_REDUCED_GRAYSCALE_2)
                if image is not None and max(image.shape) < REDUCED_ENOUGH:
                    image = None
            if image is None and raw:
                image = cv2.imdecode(buffer, cv2.IMREAD_GRAYSCALE)
            images = [] if image is None else [image]
        if not images:
            problems.append(Problem(where, "not an image or PDF that can be read",
                                    "scans are PDF, PNG, JPEG or TIFF files"))
            continue
        for index, image in enumerate(images):
            pages.append((f"{path} page {index + 1}" if len(images) > 1 else str(path), image))
    return pages, problems


@dataclass
class Graded:
    layout: dict[str, Any]
    pages: list[tuple[str, Any]]     # (source, read.Page)
    copies: list                     # mark.CopyResult
    analysis: list[dict[str, Any]]

    @property
    def pending(self) -> int:
        return sum(c.pending for c in self.copies)


def grade(scans: Sequence[Path], layout_path: Path, corrections: Path | None = None) -> Graded:
    """Read and mark every page; raises GradeError listing every page that cannot be graded
    (nothing is written then)."""
    require()
    from . import mark
    from .read import PageError, read_page

    layout = load_layout(layout_path)
    images, problems = load_scans(scans)
    pages = []
    seen: dict[tuple[str, int, int], str] = {}
    for source, image in images:
        try:
            page = read_page(image, layout)
        except PageError as exc:
            file, _, where = source.partition(" page ")
            problems.append(Problem(Location(file), f"{'page ' + where + ': ' if where else ''}{exc}",
                                    _hint(str(exc))))
            continue
        key = (page.version, page.copy, page.page)
        label = next(s["label"] for s in layout["sheets"] if (s["version"], s["copy"]) == key[:2])
        if key in seen:
            file, _, where = source.partition(" page ")
            problems.append(Problem(Location(file), f"{'page ' + where + ': ' if where else ''}sheet {label} "
                                    f"(page {page.page}) was scanned already, as {seen[key]}",
                                    "each copy has its own number: two students cannot share one; remove the "
                                    "duplicate scan"))
            continue
        seen[key] = source
        pages.append((source, page))
    if problems:
        raise GradeError(problems)
    if not pages:
        raise GradeError(Problem(Location("quizgen grade"), "no pages to grade", "pass the scanned sheets"))
    copies = mark.results(layout, pages)
    if corrections is not None:
        try:
            text = Path(corrections).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise GradeError(Problem(Location(str(corrections)), f"cannot read it: {exc}")) from None
        found, problems = mark.parse_corrections(text, str(corrections), copies)
        if problems:
            raise GradeError(problems)
        copies = mark.apply_corrections(copies, found)
    return Graded(layout, pages, copies, mark.item_analysis(copies))


def _hint(message: str) -> str:
    if "another build" in message:
        return "grade it with the answer-sheets.json of the build that printed it"
    if "registration marks" in message:
        return "remove blank pages; scan the whole sheet, all four corner squares inside the picture"
    if "code" in message:
        return "scan it again flat and sharp; the barcode by the large version letter must be whole"
    return ""


def write(graded: Graded, folder: Path) -> list[str]:
    from .report import write as write_files

    return write_files(folder, graded.layout, graded.copies, graded.pages, graded.analysis)


def run(scans: Sequence[Path], layout_path: Path, out: Path, corrections: Path | None = None,
        on_replaced=None) -> tuple[Graded, list[str]]:
    """Grade and write the results into ``out``, replaced whole and atomically: a run that fails
    leaves ``out`` as it was."""
    from ..output import write_atomically

    graded = grade(scans, layout_path, corrections)
    protected = [Path(p) for p in scans] + [Path(layout_path)] + ([Path(corrections)] if corrections else [])
    files = write_atomically(Path(out), lambda staging: write(graded, staging), protected, on_replaced=on_replaced)
    return graded, files
