"""Atomic output: build into a fresh folder beside the target, then swap it in.

On any failure the previous output folder is left as it was. On Linux the swap is one
atomic exchange (renameat2); elsewhere two renames, and a build killed between them is
restored on the next run. Leftovers of an interrupted build are removed on the next run.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Callable

from .errors import ExportError, located

MARKER = ".quizgen-output"
RENAME_EXCHANGE = 2
AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE). False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes
        import ctypes.util

        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    return False


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
            if _exchange(staging, out):
                # one atomic step: out/ is the new build, staging holds the old one
                shutil.rmtree(staging, ignore_errors=True)
            else:
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
