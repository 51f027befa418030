"""Which characters a set of fonts can draw, read from the fonts' own character maps.

Typst draws a character no font covers as an empty box without a word of warning, so the
printed exporters check every text against the fonts first and refuse what would print as a
box. Only the ``cmap`` table is read (TrueType/OpenType, formats 4 and 12; collections too).
"""

from __future__ import annotations

import struct
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Iterable

FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")


def _tables(data: bytes, offset: int) -> dict[bytes, tuple[int, int]]:
    count = struct.unpack_from(">H", data, offset + 4)[0]
    tables = {}
    for i in range(count):
        tag, _, start, length = struct.unpack_from(">4sLLL", data, offset + 12 + 16 * i)
        tables[tag] = (start, length)
    return tables


def _cmap(data: bytes, start: int) -> set[int]:
    covered: set[int] = set()
    count = struct.unpack_from(">H", data, start + 2)[0]
    for i in range(count):
        platform, encoding, sub = struct.unpack_from(">HHL", data, start + 4 + 8 * i)
        if not (platform == 0 or (platform == 3 and encoding in (1, 10))):
            continue
        at = start + sub
        fmt = struct.unpack_from(">H", data, at)[0]
        if fmt == 4:
            segments = struct.unpack_from(">H", data, at + 6)[0] // 2
            ends = struct.unpack_from(f">{segments}H", data, at + 14)
            starts = struct.unpack_from(f">{segments}H", data, at + 16 + 2 * segments)
            deltas = struct.unpack_from(f">{segments}h", data, at + 16 + 4 * segments)
            ranges_at = at + 16 + 6 * segments
            offsets = struct.unpack_from(f">{segments}H", data, ranges_at)
            for s, (first, last, delta, range_offset) in enumerate(zip(starts, ends, deltas, offsets)):
                for code in range(first, last + 1):
                    if code == 0xFFFF:
                        continue
                    if range_offset == 0:
                        glyph = (code + delta) & 0xFFFF
                    else:
                        where = ranges_at + 2 * s + range_offset + 2 * (code - first)
                        glyph = struct.unpack_from(">H", data, where)[0]
                        glyph = (glyph + delta) & 0xFFFF if glyph else 0
                    if glyph:
                        covered.add(code)
        elif fmt == 12:
            groups = struct.unpack_from(">L", data, at + 12)[0]
            for g in range(groups):
                first, last, glyph = struct.unpack_from(">LLL", data, at + 16 + 12 * g)
                covered.update(code for code in range(first, last + 1) if glyph + code - first)
    return covered


@lru_cache(maxsize=None)
def coverage(path: str) -> frozenset[int]:
    """Every code point one font file (or each font of a collection) maps to a glyph."""
    data = Path(path).read_bytes()
    offsets = [0]
    if data[:4] == b"ttcf":
        count = struct.unpack_from(">L", data, 8)[0]
        offsets = list(struct.unpack_from(f">{count}L", data, 12))
    covered: set[int] = set()
    for offset in offsets:
        tables = _tables(data, offset)
        if b"cmap" in tables:
            covered |= _cmap(data, tables[b"cmap"][0])
    return frozenset(covered)


def font_files(folders: Iterable[str | Path]) -> list[Path]:
    files: list[Path] = []
    for folder in folders:
        folder = Path(folder)
        if folder.is_file():
            files.append(folder)
        elif folder.is_dir():
            files.extend(sorted(p for p in folder.rglob("*") if p.suffix.lower() in FONT_SUFFIXES))
    return files


def needs_no_glyph(char: str) -> bool:
    """Spaces, line breaks and invisible format characters (joiners, direction marks) draw nothing."""
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Zs", "Zl", "Zp")


def missing(text: str, covered: frozenset[int] | set[int]) -> list[str]:
    """The characters of ``text`` no font covers, each once, in order."""
    return list(dict.fromkeys(c for c in text if ord(c) not in covered and not needs_no_glyph(c)))
