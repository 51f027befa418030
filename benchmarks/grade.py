"""Grading speed: sheets per second for scanned 300-dpi A4 answer sheets.

Builds the shipped fact file with 26 versions, renders each answer sheet at the chosen dpi,
fills it and damages it as a scanner would (tests/omr_corpus.py), writes the scans as JPEG files,
then times `quizgen grade` on them in-process (loading, reading, marking and writing every
output) and `read_page` alone. Needs the grade extra.

    python benchmarks/grade.py [--sheets 26] [--dpi 300]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sheets", type=int, default=26)
    parser.add_argument("--dpi", type=int, default=300)
    args = parser.parse_args()
    import cv2
    from omr_corpus import degrade, fill, render_pages

    from quizgen import grade, pipeline
    from quizgen.exporters import Settings
    from quizgen.grade.read import read_page

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        out = tmp / "out"
        pipeline.build(ROOT / "facts.yaml", out, formats=("json", "sheets"),
                       settings=Settings(versions=min(26, args.sheets)))
        layout = json.loads((out / "answer-sheets.json").read_text(encoding="utf-8"))
        pages = render_pages(out / "answer-sheets.pdf", args.dpi)
        paths = []
        for index, (image, sheet) in enumerate(zip(pages, layout["sheets"])):
            rng = random.Random(index)
            image = image.copy()
            fill(image, sheet, args.dpi / 72, rng)
            path = tmp / f"scan-{index:02d}.jpg"
            cv2.imwrite(str(path), degrade(image, rng), [cv2.IMWRITE_JPEG_QUALITY, 85])
            paths.append(path)
        wall, cpu = time.perf_counter(), time.process_time()
        grade.run(paths, out / "answer-sheets.json", tmp / "grades")
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        images = [cv2.imread(str(p), cv2.IMREAD_GRAYSCALE) for p in paths]
        read_wall, read_cpu = time.perf_counter(), time.process_time()
        for image in images:
            read_page(image, layout)
        read_wall, read_cpu = time.perf_counter() - read_wall, time.process_time() - read_cpu
    n = len(paths)
    print(f"| {n} sheets at {args.dpi} dpi | quizgen grade: {n / wall:.1f} sheets/s ({wall / n * 1000:.0f} ms a sheet, "
          f"CPU {cpu / n * 1000:.0f} ms) | read_page alone: {read_wall / n * 1000:.0f} ms a page "
          f"(CPU {read_cpu / n * 1000:.0f} ms) |")


if __name__ == "__main__":
    main()
