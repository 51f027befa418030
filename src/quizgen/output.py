"""Atomic output: build into a fresh folder beside the target, then swap it in.

On any failure the previous output folder is left as it was, and leftovers of an
interrupted build are cleaned up (or restored) on the next run.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable

from .errors import ExportError, located

MARKER = ".quizgen-output"


def _leftovers(out: Path, kind: str) -> list[Path]:
    return sorted(out.parent.glob(f".{out.name}.{kind}-*"))


def recover(out: Path) -> None:
    """Undo what an interrupted build left: restore a moved-away output, drop staging folders."""
    olds = _leftovers(out, "old")
    if not out.exists() and olds:
        os.rename(olds[-1], out)
        olds = olds[:-1]
    for leftover in olds + _leftovers(out, "tmp"):
        shutil.rmtree(leftover, ignore_errors=True)


def guard(out: Path, protected: list[Path]) -> None:
    display = str(out)
    if out.exists() and not out.is_dir():
        raise ExportError(located(display, None, None, "output path exists and is not a folder",
                                  "choose another --out"))
    resolved = out.resolve()
    for path in protected + [Path.cwd()]:
        path = path.resolve()
        if resolved == path or resolved in path.parents:
            raise ExportError(located(display, None, None, f"refusing to replace a folder that holds {path.name or path}",
                                      "give --out a folder of its own, such as out/"))
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise ExportError(located(display, None, None, "folder is not empty and was not written by quizgen",
                                  "quizgen replaces its output folder whole; choose an empty or new --out"))


def write_atomically(out: Path, produce: Callable[[Path], list[str]], protected: list[Path]) -> list[str]:
    """Run ``produce(staging)`` and swap the staging folder in as ``out``; return the files written."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    recover(out)
    guard(out, protected)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(staging, 0o777 & ~mask)  # mkdtemp makes it private; an output folder is not
        files = produce(staging)
        (staging / MARKER).write_text("This folder is written by quizgen and replaced whole by each build.\n",
                                      encoding="utf-8")
        if out.exists():
            old = out.parent / f".{out.name}.old-{staging.name.rsplit('-', 1)[-1]}"
            os.rename(out, old)
            os.rename(staging, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return files
