"""What the print exporters share: the papers of the quiz (versions and numbered copies), the
marking grid and the words around them, as plain data."""

from __future__ import annotations

import datetime as dt
from typing import Any, Sequence

from ..dates import parse_date
from ..questions import QuestionBank
from ..quiz import Item, Version, default_words, make_versions, select

PAPERS = {"a4": "a4", "letter": "us-letter"}
FONT_SIZE = 11.0
GRID_COLUMNS = 6  # papers per table on the key's first page


_LAST: list = []  # (bank, key, versions) of the last call: the print exporters share it


def words(settings) -> dict[str, str]:
    """The shipped wording with the fact file's changes."""
    return {**default_words(), **dict(getattr(settings, "words", {}) or {})}


def versions(bank: QuestionBank, settings) -> list[Version]:
    """Every printed paper: the lettered versions, then the numbered copies (``copy`` 1..N)."""
    key = (settings.count, settings.seed, tuple(settings.families), tuple(settings.kinds), settings.versions,
           settings.title, settings.copies, tuple(sorted(settings.points.items())),
           tuple(sorted(words(settings).items())), settings.include_background)
    if _LAST and _LAST[0] is bank and _LAST[1] == key:
        return _LAST[2]
    chosen = select(bank.questions, settings.count, settings.seed, settings.families, settings.kinds,
                    settings.include_background)
    result = make_versions(chosen, settings.versions, settings.seed, settings.title or bank.title,
                           copies=settings.copies, words=words(settings), points=settings.points)
    _LAST[:] = [bank, key, result]
    return result


def shortfall(bank: QuestionBank, settings) -> list[str]:
    """A warning when the quiz holds fewer questions than ``--count`` asked for."""
    papers = versions(bank, settings)
    have = len(papers[0].items) if papers else 0
    if have < settings.count and getattr(settings, "count_given", False):
        return [f"warning: the printed quiz has {have} questions, fewer than the {settings.count} asked for "
                f"(--count): that is every question the chosen families and kinds allow without two resting "
                f"on the same facts or giving each other away"]
    return []


def human(iso: str) -> str:
    try:
        return parse_date(iso).human()
    except ValueError:
        return iso


def creation_time(bank: QuestionBank) -> dt.datetime:
    """A fixed creation date from the data (the newest source), never the clock."""
    dates = [parse_date(c.published) for q in bank.questions for c in q.citations]
    newest = max(dates, key=lambda d: d.sort_key()) if dates else parse_date("2000")
    return dt.datetime(newest.year, newest.month or 1, newest.day or 1, tzinfo=dt.timezone.utc)


def label(version: Version, texts: dict[str, str]) -> str:
    """How a paper names itself: "Version A", or "Copy 3"."""
    if version.copy:
        return texts["print_copy"].format(copy=version.copy)
    return texts["print_version"].format(version=version.letter)


def grid_answer(item: Item, texts: dict[str, str]) -> str:
    """The answer as the marking grid shows it: a letter, True/False, the letters of a matching
    (for left items 1, 2, ...) or of an order, or a short answer (its other accepted spellings are
    listed under the grid)."""
    q = item.question
    if q.kind == "matching":
        return " ".join(f"{number}{part.split('-', 1)[1]}" for number, part in
                        enumerate(item.key.split(", "), 1))
    if q.kind == "ordering":
        return " ".join(item.key.split(", "))
    return item.key


def grid(papers: Sequence[Version], texts: dict[str, str]) -> dict[str, Any]:
    """Question number × paper: each paper's answers, with its points in brackets where they are
    not 1, each paper's total, and every short answer's other accepted spellings."""
    rows = []
    count = max((len(p.items) for p in papers), default=0)
    for index in range(count):
        items = [p.items[index] if index < len(p.items) else None for p in papers]
        rows.append({
            "number": index + 1,
            "cells": [{"answer": grid_answer(i, texts) if i else "", "points": i.points if i and i.points != 1 else None}
                      for i in items],
        })
    accepted = []
    for item in sorted(papers[0].items if papers else [], key=lambda i: i.question.id):
        others = [a for a in item.question.accepted if a != item.question.answer]
        if item.question.kind == "short_answer" and others:
            accepted.append(texts["print_also_accepted_for"].format(answer=item.question.answer,
                                                                    answers=", ".join(others)))
    columns = [label(p, texts) for p in papers]
    chunks = [list(range(start, min(start + GRID_COLUMNS, len(papers))))
              for start in range(0, len(papers), GRID_COLUMNS)]
    return {"columns": columns, "rows": rows, "totals": [p.total_points for p in papers], "chunks": chunks,
            "accepted": accepted}


def paper_data(version: Version, texts: dict[str, str]) -> dict[str, Any]:
    def citation(c) -> dict[str, Any]:
        return {**c.model_dump(mode="json"), "published_human": human(c.published)}

    sections = []
    for section in version.sections:
        items = []
        for item in section.items:
            q = item.question
            items.append({
                "number": item.number,
                "points": item.points,
                "question": {"kind": q.kind, "prompt": q.prompt, "answer": q.answer, "accepted": list(q.accepted),
                             "explanation": q.explanation, "citations": [citation(c) for c in q.citations],
                             "evidence": [{**citation(source), "quotes": [c.quote for c in quotes]}
                                          for source, quotes in q.citations_by_source()]},
                "choices": [{"letter": c.letter, "text": c.text, "correct": c.correct} for c in item.choices],
                "left": list(item.left),
                "key": item.key,
                "key_text": item.key_text,
                "grid": grid_answer(item, texts),
            })
        sections.append({"kind": section.kind, "title": section.title, "instructions": section.instructions,
                         "items": items})
    return {"label": label(version, texts), "version": version.letter, "copy": version.copy,
            "count": len(version.items), "points": version.total_points, "sections": sections}


def document(papers: Sequence[Version], mode: str, settings, everyone: Sequence[Version] = ()) -> dict[str, Any]:
    """Everything one PDF shows: ``papers`` (a version, or every numbered copy), and for a key the
    marking grid of ``everyone``."""
    texts = words(settings)
    first = papers[0]
    return {
        "mode": mode,
        "title": first.title,
        "paper": PAPERS.get(settings.paper, settings.paper),
        "font_size": settings.font_size or FONT_SIZE,
        "school": settings.school,
        "time": texts["print_time"].format(time=settings.time) if settings.time else None,
        "instructions": settings.instructions or texts["print_instructions"],
        "show_sources": mode == "key" or bool(settings.sources),
        "words": {key: value for key, value in texts.items() if key.startswith("print_") or key in ("true", "false")},
        "papers": [paper_data(p, texts) for p in papers],
        "grid": grid(everyone or papers, texts) if mode == "key" else None,
        "sources": [{"publisher": s.publisher, "title": s.title, "url": s.url, "published_human": human(s.published)}
                    for s in first.sources],
    }


def version_data(version: Version, mode: str, paper: str) -> dict[str, Any]:
    """One version's quiz or key with default settings on ``paper`` (for pictures and tests)."""
    from . import Settings

    return document([version], mode, Settings(paper=paper))
