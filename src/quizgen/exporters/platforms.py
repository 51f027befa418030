"""What the classroom-platform exporters share: plain-text helpers and fixed-time zips."""

from __future__ import annotations

import html
import zipfile
from pathlib import Path

from ..questions import Question

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
ORDINALS = ("1st", "2nd", "3rd") + tuple(f"{n}th" for n in range(4, 27))


def one_line(text: str) -> str:
    return " ".join(text.split())


def html_text(text: str) -> str:
    """Plain text as an HTML fragment (for formats whose text fields hold HTML)."""
    return html.escape(one_line(text), quote=False)


def feedback(question: Question) -> str:
    """Explanation and sources as HTML: what a student sees after answering."""
    parts = [f"<p>{html_text(question.explanation)}</p>"]
    for c in question.citations:
        source = f"{html_text(c.publisher)}, {html_text(c.published)}, “{html_text(c.title)}”"
        if c.url:
            source = f'<a href="{html.escape(c.url, quote=True)}">{source}</a>'
        parts.append(f"<p>{source}: <em>“{html_text(c.quote)}”</em></p>")
    return "".join(parts)


def ordering_pairs(question: Question) -> list[tuple[str, str]]:
    """An ordering question as matching: each item to its position."""
    return [(item, f"{ORDINALS[i]} (earliest)" if i == 0 else ORDINALS[i]) for i, item in enumerate(question.items)]


def write_zip(path: Path, members: list[tuple[str, bytes]]) -> None:
    with zipfile.ZipFile(path, "w") as target:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, data)
