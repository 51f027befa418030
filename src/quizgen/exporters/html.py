"""The self-check page (out/self-check.html): practise every question in any browser, offline.

One self-contained file: the page's HTML, CSS and script are package data
(``exporters/selfcheck/``), the questions are embedded as JSON in a
``<script type="application/json">`` element and the script builds the page from them, inserting
every text with ``textContent`` (never as markup). Nothing is fetched: the Content-Security-Policy
allows no source at all (``default-src 'none'``) but the page's own style and script, each by its
SHA-256 hash, computed here from the exact bytes written, so the same bank gives the same file.

The page's own words (buttons, labels, messages) are data too: ``data/selfcheck.yaml``, changed
by the fact file's ``wording:`` (passed in ``Settings.words``).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

from ..dates import parse_date
from ..questions import Question, QuestionBank
from ..shipped import data as shipped_data

FILE = "self-check.html"
_JSON_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                               "\u2028": "\\u2028", "\u2029": "\\u2029"})


@lru_cache(maxsize=None)
def _asset(name: str) -> str:
    return resources.files("quizgen").joinpath(f"exporters/selfcheck/{name}").read_text(encoding="utf-8")


def words(overrides: Mapping[str, str] = {}) -> dict[str, str]:
    """The page's words: the shipped ones, changed by the fact file's ``wording:``."""
    shipped = {str(key): str(value) for key, value in shipped_data("selfcheck").items()}
    return {key: str(overrides.get(key, value)) for key, value in shipped.items()}


def human(iso: str) -> str:
    try:
        return parse_date(iso).human()
    except ValueError:
        return iso


def link(url: str | None) -> str | None:
    """Only web addresses become links; anything else (javascript:, data:, a path) is shown as text."""
    if url and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return None


def question_data(question: Question, sources: dict[str, int]) -> dict[str, Any]:
    """What the page needs of one question: its options in display order, and its evidence as
    (source number, quote) pairs."""
    entry: dict[str, Any] = {"id": question.id, "family": question.family, "kind": question.kind,
                             "prompt": question.prompt, "answer": question.answer,
                             "explanation": question.explanation, "as_of": human(question.as_of)}
    if question.kind in ("multiple_choice", "true_false"):
        by_text = {option.text: option for option in question.options}
        shown = [by_text[text] for text in question.choices if text in by_text] or list(question.options)
        entry["options"] = [[o.text, 1 if o.correct else 0, o.why] for o in shown]
    elif question.kind == "short_answer":
        entry["accepted"] = list(dict.fromkeys((question.answer, *question.accepted)))
    elif question.kind == "matching":
        entry["pairs"] = [[pair.left, pair.right] for pair in question.pairs]
        entry["choices"] = list(question.choices)
    elif question.kind == "ordering":
        entry["items"] = list(question.items)
        entry["choices"] = list(question.choices) or list(question.items)
    cites = []
    for citation in question.citations:
        number = sources.setdefault(citation.source, len(sources))
        if [number, citation.quote] not in cites:
            cites.append([number, citation.quote])
    entry["cites"] = cites
    return entry


def page_data(bank: QuestionBank, overrides: Mapping[str, str] = {}) -> dict[str, Any]:
    questions = bank.in_family_order()
    numbers: dict[str, int] = {}
    entries = [question_data(q, numbers) for q in questions]
    first = {c.source: c for q in questions for c in q.citations}
    sources = [None] * len(numbers)
    for source_id, number in numbers.items():
        c = first[source_id]
        sources[number] = {"publisher": c.publisher, "title": c.title, "published": human(c.published),
                           "url": link(c.url)}
    used = {q.family for q in questions}
    families = [{"id": f.id, "title": f.title} for f in bank.families if f.id in used]
    families += [{"id": f, "title": f} for f in sorted(used - {f["id"] for f in families})]
    return {"topic": bank.topic, "title": bank.title, "build": bank.input_sha256, "words": words(overrides),
            "families": families, "sources": sources, "questions": entries}


def script_json(value: Any) -> str:
    """JSON that no text in it can end the script element holding it (nor start a comment or a
    CDATA section), and that JavaScript reads the same."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).translate(_JSON_ESCAPES)


def sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def render(bank: QuestionBank, overrides: Mapping[str, str] = {}) -> str:
    page = page_data(bank, overrides)
    css, script = _asset("page.css"), _asset("page.js")
    policy = (f"default-src 'none'; script-src {sha256_source(script)}; style-src {sha256_source(css)}; "
              "base-uri 'none'; form-action 'none'")
    values = {
        "@LANG@": html.escape(page["words"]["selfcheck_lang"], quote=True),
        "@CSP@": policy,  # hashes and keywords only: nothing to escape in an attribute
        "@TITLE@": html.escape(bank.title, quote=False),
        "@CSS@": css,
        "@DATA@": script_json(page),
        "@SCRIPT@": script,
    }
    # The template is cut at its markers once, so no value is ever searched for another marker.
    parts = re.split(r"(@[A-Z]+@)", _asset("page.html"))
    assert sorted(parts[1::2]) == sorted(values), parts[1::2]
    return "".join(values.get(part, part) if index % 2 else part for index, part in enumerate(parts))


def export(bank: QuestionBank, folder: Path, settings) -> list[str]:
    overrides = getattr(settings, "words", {}) or {}
    (folder / FILE).write_text(render(bank, overrides), encoding="utf-8", newline="\n")
    return [FILE]
