"""Code 128 (ISO/IEC 15417), code set B: text to bar widths, in pure Python.

Each symbol is six alternating bar/space widths in modules (bar first) adding up to 11;
the stop symbol has seven (13 modules). A symbol is: start B, the data, the check symbol
(start value plus each value times its position, modulo 103), stop.
"""

from __future__ import annotations

PATTERNS = (
    "212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 "
    "221312 231212 112232 122132 122231 113222 123122 123221 223211 221132 "
    "221231 213212 223112 312131 311222 321122 321221 312212 322112 322211 "
    "212123 212321 232121 111323 131123 131321 112313 132113 132311 211313 "
    "231113 231311 112133 112331 132131 113123 113321 133121 313121 211331 "
    "231131 213113 213311 213131 311123 311321 331121 312113 312311 332111 "
    "314111 221411 431111 111224 111422 121124 121421 141122 141221 112214 "
    "112412 122114 122411 142112 142211 241211 221114 413111 241112 134111 "
    "111242 121142 121241 114212 124112 124211 411212 421112 421211 212141 "
    "214121 412121 111143 111341 131141 114113 114311 411113 411311 113141 "
    "114131 311141 411131 211412 211214 211232 2331112"
).split()
START_B = 104
STOP = 106
QUIET = 10  # modules of white space each side, as the standard asks


def values(text: str) -> list[int]:
    """The symbol values of ``text`` in code set B, with start, check and stop."""
    if not text or any(not 32 <= ord(c) <= 126 for c in text):
        raise ValueError("Code 128 set B holds printable ASCII only")
    data = [ord(c) - 32 for c in text]
    check = (START_B + sum(i * v for i, v in enumerate(data, 1))) % 103
    return [START_B, *data, check, STOP]


def bars(text: str) -> list[tuple[int, int]]:
    """The dark bars as (start, width) in modules, counted from the left edge of the symbol
    (the quiet zone not included)."""
    result = []
    position = 0
    for value in values(text):
        for index, width in enumerate(PATTERNS[value]):
            width = int(width)
            if index % 2 == 0:
                result.append((position, width))
            position += width
    return result


def modules(text: str) -> int:
    """The symbol's width in modules, quiet zones not included."""
    return 11 * (len(text) + 3) + 2
