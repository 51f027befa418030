"""Reading one scanned page: registration marks, homography, code, student number, bubbles.

Pure functions over numpy images (grayscale, uint8) and the layout from answer-sheets.json.
Nothing here writes files or guesses: a bubble is ``filled``, ``empty`` or ``unclear``, and a
row with an unclear bubble or two marks is left for the teacher.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import cv2
import numpy as np

K = 3.0                   # pixels per point of the upright page the scan is mapped onto (216 dpi)
VIEW = 1.8                # pixels per point of the upright page kept for pictures (130 dpi)
INNER = 0.62              # share of the bubble radius that is read (inside the printed ring)
DARK = 0.5                # a pixel darker than half the paper's white is ink
FILLED = 0.25             # ink share above an empty bubble's from which a bubble counts as filled
EMPTY = 0.06              # ink share above an empty bubble's up to which it counts as empty
BASE_LIMIT = 0.3          # an empty bubble's own ink share and darkness (its letter) stay below this
FAINT = 0.05              # mean darkness above an empty bubble's that makes an "empty" bubble unclear


class PageError(Exception):
    """A page that cannot be read; the message says why, for the teacher."""


@dataclass(frozen=True)
class Bubble:
    letter: str
    state: str            # filled | empty | unclear
    ink: float            # share of ink pixels inside the bubble, less an empty bubble's
    shade: float          # mean darkness inside the bubble, less an empty bubble's


@dataclass(frozen=True)
class Row:
    label: str
    bubbles: tuple[Bubble, ...]

    @property
    def chosen(self) -> tuple[str, ...]:
        return tuple(b.letter for b in self.bubbles if b.state == "filled")

    @property
    def problem(self) -> str:
        """Why the row needs a person ("" when it was read): two marks, or an unclear bubble."""
        if any(b.state == "unclear" for b in self.bubbles):
            return "unclear mark (faint, small or erased)"
        if len(self.chosen) > 1:
            return "more than one mark"
        return ""

    @property
    def answer(self) -> str | None:
        """The one letter chosen, "" for none, None when the row needs a person."""
        if self.problem:
            return None
        return self.chosen[0] if self.chosen else ""


@dataclass
class Page:
    code: str
    build: str
    version: str
    copy: int
    page: int
    upside_down: bool
    image: np.ndarray                 # the page mapped upright onto the layout (VIEW pixels a point)
    student_rows: tuple[Row, ...]     # one row of digits per student-number position
    rows: dict[str, Row] = field(default_factory=dict)

    @property
    def student_number(self) -> str | None:
        """The digits, or None when a position needs a person."""
        digits = [r.answer for r in self.student_rows]
        if any(d is None for d in digits) or not any(digits):
            return None
        return "".join(d or "" for d in digits)


DETECT = 1.4              # pixels per point at most while looking for the registration marks


def _marks(gray: np.ndarray, layout: dict[str, Any]) -> np.ndarray | None:
    """The four registration marks' centres in the image (TL, TR, BL, BR), or None. They are
    looked for in a smaller copy of a large scan, then measured again at full size."""
    page = layout["page"]
    scale = (gray.shape[0] * gray.shape[1] / (page["width"] * page["height"])) ** 0.5
    if scale <= DETECT * 1.2:
        return _find_marks(gray, layout, scale)
    factor = DETECT / scale
    small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_LINEAR)
    quad = _find_marks(small, layout, DETECT)
    if quad is None:
        return None
    side = layout["marks"][0]["size"] * scale
    refined = []
    for x, y in quad / factor:
        half = int(side * 0.7)
        x0, y0 = max(0, int(x) - half), max(0, int(y) - half)
        crop = gray[y0:int(y) + half + 1, x0:int(x) + half + 1]
        ink = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)[1]
        moments = cv2.moments(ink, binaryImage=True)
        if moments["m00"] < 0.5 * side * side:
            refined.append((x, y))
        else:
            refined.append((x0 + moments["m10"] / moments["m00"], y0 + moments["m01"] / moments["m00"]))
    return np.array(refined, np.float32)


def _find_marks(gray: np.ndarray, layout: dict[str, Any], scale: float) -> np.ndarray | None:
    side = layout["marks"][0]["size"] * scale
    blurred = cv2.GaussianBlur(gray, (5, 5), 0)
    block = int(side * 4) | 1
    attempts = (lambda: cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)[1],
                lambda: cv2.adaptiveThreshold(blurred, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV,
                                              block, 30))
    for threshold in attempts:
        binary = threshold()
        contours, _ = cv2.findContours(binary, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
        candidates = []
        for contour in contours:
            area = cv2.contourArea(contour)
            if not (0.45 * side * side <= area <= 2.2 * side * side):
                continue
            (cx, cy), (w, h), _ = cv2.minAreaRect(contour)
            if min(w, h) / max(w, h) < 0.75 or area / (w * h) < 0.85:
                continue
            if cv2.contourArea(cv2.convexHull(contour)) > area * 1.08:
                continue
            moments = cv2.moments(contour)
            candidates.append((moments["m10"] / moments["m00"], moments["m01"] / moments["m00"]))
        if len(candidates) < 4:
            continue
        points = np.array(candidates)
        height, width = gray.shape
        chosen = []
        for corner in ((0, 0), (width, 0), (0, height), (width, height)):
            distances = np.hypot(points[:, 0] - corner[0], points[:, 1] - corner[1])
            chosen.append(points[int(np.argmin(distances))])
        quad = np.array(chosen)
        if len({tuple(p) for p in quad}) < 4:
            continue
        expected = np.array([[m["x"], m["y"]] for m in layout["marks"]])
        ratio = (np.linalg.norm(quad[1] - quad[0]) / np.linalg.norm(quad[2] - quad[0]))
        want = np.linalg.norm(expected[1] - expected[0]) / np.linalg.norm(expected[2] - expected[0])
        if abs(ratio / want - 1) > 0.15:
            continue
        return quad.astype(np.float32)
    return None


def _read_code(image: np.ndarray, box: dict[str, float]) -> str | None:
    """The Code 128 in ``box`` (points) of an upright page, read by zxing-cpp; tried as scanned,
    then as the mean of its bars' columns (noise averaged away), then that sharpened (blur undone).
    The symbol's check digit keeps a damaged code from reading as another."""
    import zxingcpp

    margin = 14
    x0, y0 = max(0, int((box["x"] - margin) * K)), max(0, int((box["y"] - margin) * K))
    x1, y1 = int((box["x"] + box["width"] + margin) * K), int((box["y"] + box["height"] + margin) * K)
    crop = image[y0:y1, x0:x1]
    if crop.size == 0:
        return None
    bars = image[int((box["y"] + 4) * K):int((box["y"] + box["height"] - 4) * K), x0:x1]
    profile = np.tile(bars.mean(axis=0).astype(np.float32), (40, 1))
    sharpened = [cv2.addWeighted(profile, 1 + amount, cv2.GaussianBlur(profile, (0, 0), sigma), -amount, 0)
                 for amount, sigma in ((1.0, 2.0), (2.0, 2.0), (3.0, 1.5))]
    for attempt in (crop, profile, *sharpened):
        attempt = np.ascontiguousarray(np.clip(attempt, 0, 255).astype(np.uint8))
        found = zxingcpp.read_barcodes(attempt, formats=zxingcpp.BarcodeFormat.Code128, try_rotate=False)
        if found:
            return found[0].text
    # A blurred, compressed scan merges thin spaces: the profile at four times its width, sharpened
    # and cut at its own local mean, brings the bars' edges back. Bars made this way are only
    # believed when they spell a quizgen code (the check digit alone lets through a rare misread).
    from ..exporters.answer_sheet import parse_code

    line = bars.mean(axis=0).astype(np.float32).reshape(1, -1)
    for factor, amount, sigma, window in ((4, 3.0, 1.5, 16), (2, 3.0, 1.5, 16), (2, 2.0, 2.0, 16), (4, 4.0, 1.0, 16)):
        wide = cv2.resize(line, (line.shape[1] * factor, 1), interpolation=cv2.INTER_CUBIC)
        sharp = cv2.addWeighted(wide, 1 + amount, cv2.GaussianBlur(wide, (0, 0), sigma * factor), -amount, 0)
        local = cv2.GaussianBlur(sharp, (0, 0), window * factor)
        cut = np.ascontiguousarray(np.tile(np.where(sharp < local, 0, 255).astype(np.uint8), (40, 1)))
        found = zxingcpp.read_barcodes(cut, formats=zxingcpp.BarcodeFormat.Code128, try_rotate=False)
        if found and parse_code(found[0].text) is not None:
            return found[0].text
    return None


def _paper(image: np.ndarray) -> np.ndarray:
    """The paper's white around each point of the page, at a quarter of its size: uneven light
    is divided out bubble by bubble."""
    small = cv2.resize(image, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    white = cv2.dilate(small, np.ones((9, 9), np.uint8))
    return np.maximum(cv2.GaussianBlur(white, (0, 0), 4).astype(np.float32), 40.0)


@lru_cache(maxsize=16)
def _disc(radius: float) -> tuple[np.ndarray, int]:
    size = int(np.ceil(radius))
    yy, xx = np.mgrid[-size:size + 1, -size:size + 1]
    return (xx * xx + yy * yy) <= radius * radius, size


def _measure(image: np.ndarray, paper: np.ndarray, bubbles: list[dict[str, Any]]) -> list[tuple[float, float]]:
    """Per bubble: the share of ink pixels inside it, and its mean darkness, against the paper."""
    out = []
    for b in bubbles:
        mask, size = _disc(round(b["r"] * INNER * K, 2))
        cx, cy = int(round(b["x"] * K)), int(round(b["y"] * K))
        patch = image[cy - size:cy + size + 1, cx - size:cx + size + 1]
        if patch.shape != mask.shape:
            out.append((1.0, 1.0))  # off the page: never read as empty
            continue
        white = paper[min(cy // 4, paper.shape[0] - 1), min(cx // 4, paper.shape[1] - 1)]
        values = np.minimum(patch[mask].astype(np.float32) / white, 1.0)
        out.append((float((values < DARK).mean()), float(1.0 - values.mean())))
    return out


def _classify(ink: float, shade: float) -> str:
    if ink >= FILLED:
        return "filled"
    if ink <= EMPTY and shade <= FAINT:
        return "empty"
    return "unclear"


def read_page(gray: np.ndarray, layout: dict[str, Any]) -> Page:
    """Read one scanned page against the layout. Raises PageError saying why it cannot."""
    if gray.ndim != 2:
        gray = cv2.cvtColor(gray, cv2.COLOR_BGR2GRAY)
    page = layout["page"]
    size = (int(round(page["width"] * K)), int(round(page["height"] * K)))
    target = np.array([[m["x"] * K, m["y"] * K] for m in layout["marks"]], np.float32)
    sheets = {(s["version"], s["copy"], s["page"]): s for s in layout["sheets"]}
    # where any copy's code may be (their lengths differ with the copy number)
    left = min(s["code"]["x"] for s in layout["sheets"])
    right = max(s["code"]["x"] + s["code"]["width"] for s in layout["sheets"])
    first = layout["sheets"][0]["code"]
    code_box = {"x": left, "y": first["y"], "width": right - left, "height": first["height"]}
    turned = {**code_box, "x": page["width"] - code_box["x"] - code_box["width"],
              "y": page["height"] - code_box["y"] - code_box["height"]}
    found_marks = False
    for turn in (None, cv2.ROTATE_90_CLOCKWISE):
        attempt = gray if turn is None else cv2.rotate(gray, turn)
        quad = _marks(attempt, layout)
        if quad is None:
            continue
        found_marks = True
        matrix = cv2.getPerspectiveTransform(quad, target)
        upright = cv2.warpPerspective(attempt, matrix, size, flags=cv2.INTER_LINEAR, borderValue=255)
        upside_down = False
        text = _read_code(upright, code_box)
        if text is None and _read_code(upright, turned) is not None:
            upright = cv2.rotate(upright, cv2.ROTATE_180)
            upside_down = True
            text = _read_code(upright, code_box)
        if text is not None:
            break
    else:
        if not found_marks:
            raise PageError("no registration marks found: a blank page, or not a quizgen answer sheet")
        raise PageError("the copy's code cannot be read (torn, covered or written over?)")
    from ..exporters.answer_sheet import parse_code

    parsed = parse_code(text)
    if parsed is None:
        raise PageError(f"the code {text!r} is not a quizgen answer sheet's")
    build, version, copy, number = parsed
    if build != layout["build"]:
        raise PageError(f"this sheet is from another build ({build}; the layout is build {layout['build']})")
    sheet = sheets.get((version, copy, number))
    if sheet is None:
        raise PageError(f"copy {version}-{copy} page {number} is not in this layout")

    paper = _paper(upright)
    groups = [(f"student {d['position']}", [{**b, "letter": str(b["digit"])} for b in d["bubbles"]])
              for d in sheet["student_number"]]
    groups += [(row["label"], row["choices"]) for row in sheet["rows"]]
    measured = [_measure(upright, paper, bubbles) for _, bubbles in groups]
    # an empty bubble's own ink (its printed letter, the paper's grain): the median of the bubbles
    # with the same letter that are not far above the page's median bubble (most are empty)
    every = [v for values in measured for v in values]
    # (a sheet filled nearly everywhere must not make its filled bubbles the "empty" ones: an
    # empty bubble's own ink is never above BASE_LIMIT)
    middle = (min(BASE_LIMIT, float(np.median([v[0] for v in every]))),
              min(BASE_LIMIT, float(np.median([v[1] for v in every]))))
    by_letter: dict[str, list[tuple[float, float]]] = {}
    for (_, bubbles), values in zip(groups, measured):
        for b, value in zip(bubbles, values):
            if value[0] <= middle[0] + EMPTY and value[1] <= middle[1] + FAINT:
                by_letter.setdefault(b["letter"], []).append(value)
    base = {letter: (float(np.median([v[0] for v in values])), float(np.median([v[1] for v in values])))
            for letter, values in by_letter.items() if len(values) >= 2}
    rows = []
    for (label, bubbles), values in zip(groups, measured):
        read = []
        for b, (ink, shade) in zip(bubbles, values):
            zero = base.get(b["letter"], middle)
            ink, shade = ink - zero[0], shade - zero[1]
            read.append(Bubble(b["letter"], _classify(ink, shade), round(ink, 4), round(shade, 4)))
        rows.append(Row(label, tuple(read)))
    student_rows = tuple(rows[:len(sheet["student_number"])])
    view = cv2.resize(upright, None, fx=VIEW / K, fy=VIEW / K, interpolation=cv2.INTER_AREA)
    return Page(text, build, version, copy, number, upside_down, view, student_rows,
                {r.label: r for r in rows[len(student_rows):]})
