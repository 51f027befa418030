"""What the print exporters share: the versions of the quiz, as plain data."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..dates import parse_date
from ..questions import QuestionBank
from ..quiz import Version, make_versions, select

PAPERS = {"a4": "a4", "letter": "us-letter"}


_LAST: list = []  # (bank, key, versions) of the last call: the PDF and Markdown exporters share it


def versions(bank: QuestionBank, settings) -> list[Version]:
    key = (settings.count, settings.seed, tuple(settings.families), tuple(settings.kinds), settings.versions,
           settings.title, settings.include_background)
    if _LAST and _LAST[0] is bank and _LAST[1] == key:
        return _LAST[2]
    chosen = select(bank.questions, settings.count, settings.seed, settings.families, settings.kinds,
                    settings.include_background)
    result = make_versions(chosen, settings.versions, settings.seed, settings.title or bank.title)
    _LAST[:] = [bank, key, result]
    return result


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


def version_data(version: Version, mode: str, paper: str) -> dict[str, Any]:
    def citation(c) -> dict[str, Any]:
        return {**c.model_dump(mode="json"), "published_human": human(c.published)}

    sections = []
    for section in version.sections:
        items = []
        for item in section.items:
            q = item.question
            items.append({
                "number": item.number,
                "question": {"kind": q.kind, "prompt": q.prompt, "answer": q.answer, "accepted": list(q.accepted),
                             "explanation": q.explanation, "citations": [citation(c) for c in q.citations],
                             "evidence": [{**citation(source), "quotes": [c.quote for c in quotes]}
                                          for source, quotes in q.citations_by_source()]},
                "choices": [{"letter": c.letter, "text": c.text, "correct": c.correct} for c in item.choices],
                "left": list(item.left),
                "key": item.key,
                "key_text": item.key_text,
            })
        sections.append({"kind": section.kind, "title": section.title, "instructions": section.instructions,
                         "items": items})
    return {
        "mode": mode,
        "title": version.title,
        "version": version.letter,
        "paper": PAPERS.get(paper, paper),
        "count": len(version.items),
        "sections": sections,
        "sources": [{"publisher": s.publisher, "title": s.title, "url": s.url, "published_human": human(s.published)}
                    for s in version.sources],
    }
