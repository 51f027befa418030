"""A scan corpus made from real answer sheets: known pen marks, then a scanner's or a phone's damage.

``fill(image, sheet, rng)`` draws marks on a rendered page and returns what was meant;
``degrade(image, rng)`` rotates, scales, tilts, lights unevenly, blurs, adds noise and JPEG
artefacts. Both take a ``random.Random`` so a failing sheet can be made again from its seed.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

import cv2
import numpy as np


@dataclass
class Truth:
    """What the student meant: per row label, the letters marked (erased ones not included)."""

    rows: dict[str, tuple[str, ...]] = field(default_factory=dict)
    erased: dict[str, tuple[str, ...]] = field(default_factory=dict)   # label -> letters marked then erased
    student: str = ""
    styles: dict[tuple[str, str], str] = field(default_factory=dict)   # (label, letter) -> how it was marked


def _ink(rng: random.Random) -> int:
    """A pen's or a pencil's grey: 10 (felt pen) to 105 (soft pencil)."""
    return rng.choice([rng.randint(10, 60), rng.randint(40, 105)])


def _mark(image: np.ndarray, x: float, y: float, r: float, style: str, rng: random.Random) -> None:
    """One mark centred near (x, y) pixels on a bubble of radius r pixels."""
    ink = _ink(rng)
    jx, jy = rng.uniform(-0.15, 0.15) * r, rng.uniform(-0.15, 0.15) * r
    cx, cy = x + jx, y + jy
    width = max(2, int(round(r * rng.uniform(0.22, 0.4))))  # a pen stroke, relative to the bubble
    if style == "fill":
        # an irregular blob: a hand-filled disc covering most of the bubble
        points = []
        for k in range(16):
            a = 2 * math.pi * k / 16
            rr = r * rng.uniform(0.8, 1.08)
            points.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
        cv2.fillPoly(image, [np.array(points, np.int32)], ink, lineType=cv2.LINE_AA)
    elif style == "scribble":
        # back-and-forth strokes, as a hurried pencil fills a bubble
        for k in range(7):
            t = -0.8 + k * 0.27
            a = (int(cx - r * 0.9), int(cy + t * r))
            b = (int(cx + r * 0.9), int(cy + (t + rng.uniform(-0.2, 0.2)) * r))
            cv2.line(image, a, b, ink, width + 1, lineType=cv2.LINE_AA)
    elif style == "tick":
        a = (int(cx - 0.75 * r), int(cy))
        b = (int(cx - 0.15 * r), int(cy + 0.7 * r))
        c = (int(cx + 0.85 * r), int(cy - 0.85 * r))
        cv2.polylines(image, [np.array([a, b, c], np.int32)], False, ink, width + 1, lineType=cv2.LINE_AA)
    elif style == "cross":
        d = 0.8 * r
        cv2.line(image, (int(cx - d), int(cy - d)), (int(cx + d), int(cy + d)), ink, width + 1, lineType=cv2.LINE_AA)
        cv2.line(image, (int(cx - d), int(cy + d)), (int(cx + d), int(cy - d)), ink, width + 1, lineType=cv2.LINE_AA)
    elif style == "erased":
        # a filled mark rubbed out: a faint grey smudge where it was
        grey = rng.randint(175, 220)
        patch = image.copy()
        cv2.circle(patch, (int(cx), int(cy)), int(r * rng.uniform(0.8, 1.05)), grey, -1, lineType=cv2.LINE_AA)
        np.minimum(image, patch, out=image)
    else:
        raise ValueError(style)


MARKS = ("fill", "fill", "scribble", "tick", "cross")


def fill(image: np.ndarray, sheet: dict, scale: float, rng: random.Random) -> Truth:
    """Mark a rendered page (``scale`` pixels a point) as a student would; returns what was meant."""
    truth = Truth()
    digits = []
    for position in sheet["student_number"]:
        digit = rng.randrange(10)
        b = position["bubbles"][digit]
        style = rng.choice(MARKS)
        _mark(image, b["x"] * scale, b["y"] * scale, b["r"] * scale, style, rng)
        truth.styles[(f"student {position['position']}", str(digit))] = style
        digits.append(str(digit))
    truth.student = "".join(digits)
    for row in sheet["rows"]:
        letters = [c["letter"] for c in row["choices"]]
        roll = rng.random()
        if roll < 0.06:
            chosen: list[str] = []                               # left blank
        elif roll < 0.10:
            chosen = rng.sample(letters, 2)                      # two marks
        else:
            chosen = [rng.choice(letters)]
        erased: list[str] = []
        if rng.random() < 0.12:                                  # changed their mind: erased one first
            erased = [rng.choice([letter for letter in letters if letter not in chosen] or letters)]
            erased = [e for e in erased if e not in chosen]
        for choice in row["choices"]:
            letter = choice["letter"]
            if letter in chosen:
                style = rng.choice(MARKS)
            elif letter in erased:
                style = "erased"
            else:
                continue
            _mark(image, choice["x"] * scale, choice["y"] * scale, choice["r"] * scale, style, rng)
            truth.styles[(row["label"], letter)] = style
        truth.rows[row["label"]] = tuple(sorted(chosen))
        truth.erased[row["label"]] = tuple(erased)
    return truth


def degrade(image: np.ndarray, rng: random.Random, upside_down: bool = False) -> np.ndarray:
    """The page as a scanner or a phone gives it back: on a larger bed, turned up to ±5°, scaled
    90-110%, tilted in perspective, lit unevenly, blurred, noisy and JPEG-compressed."""
    h, w = image.shape
    bed_w, bed_h = int(w * 1.2), int(h * 1.2)
    angle = rng.uniform(-5, 5) + (180 if upside_down else 0)
    scale = rng.uniform(0.9, 1.1)
    centre = (w / 2, h / 2)
    rot = cv2.getRotationMatrix2D(centre, angle, scale)
    rot[0, 2] += (bed_w - w) / 2
    rot[1, 2] += (bed_h - h) / 2
    affine = np.vstack([rot, [0, 0, 1]])
    # a phone held not quite flat: the corners pulled by up to 2% of the page
    src = np.array([[0, 0], [bed_w, 0], [0, bed_h], [bed_w, bed_h]], np.float32)
    jitter = 0.02 * min(bed_w, bed_h)
    dst = src + np.array([[rng.uniform(-jitter, jitter), rng.uniform(-jitter, jitter)] for _ in range(4)], np.float32)
    matrix = cv2.getPerspectiveTransform(src, dst) @ affine
    background = rng.randint(200, 255)
    out = cv2.warpPerspective(image, matrix, (bed_w, bed_h), flags=cv2.INTER_LINEAR, borderValue=background)
    # uneven light: a gradient from one side, down to 70% at worst
    yy, xx = np.mgrid[0:bed_h, 0:bed_w].astype(np.float32)
    a = rng.uniform(0, 2 * math.pi)
    ramp = (xx * math.cos(a) + yy * math.sin(a))
    ramp = (ramp - ramp.min()) / (ramp.max() - ramp.min())
    light = 1.0 - rng.uniform(0.0, 0.3) * ramp
    out = out.astype(np.float32) * light
    sigma = rng.uniform(0.0, 1.2)
    if sigma > 0.3:
        out = cv2.GaussianBlur(out, (0, 0), sigma)
    out += np.random.default_rng(rng.randrange(2**32)).normal(0, rng.uniform(0, 8), out.shape).astype(np.float32)
    out = np.clip(out, 0, 255).astype(np.uint8)
    ok, jpeg = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(35, 90)])
    assert ok
    return cv2.imdecode(jpeg, cv2.IMREAD_GRAYSCALE)


def render_pages(pdf_path, dpi: float) -> list[np.ndarray]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf_path))
    return [np.asarray(page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")).copy()
            for page in document]
