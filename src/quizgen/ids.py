"""Stable identities. Identity comes from ids in the data, never from wording, the clock or randomness."""

from __future__ import annotations

import hashlib
from typing import Iterable


def digest(*parts: str, length: int = 12) -> str:
    text = "\x1f".join(parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def question_id(family: str, template: str, facts: Iterable[str], variant: str = "") -> str:
    """``family-template-hash``: the hash covers the fact ids (sorted), template and variant."""
    return f"{family}-{template}-{digest(family, template, ','.join(sorted(facts)), variant, length=10)}"


def previous_id(family: str, template: str, facts: Iterable[str], kind: str, qid: str) -> str | None:
    """The id a question had before its kind became part of it (format 1 builds before the change),
    or None when its id never changed."""
    facts = tuple(facts)
    if qid != question_id(family, template, facts, kind):
        return None
    return question_id(family, template, facts)


def anki_guid(topic: str, question: str) -> str:
    """A note's GUID: the topic id namespaces the question id, so two topics never collide."""
    return "qg-" + digest("quizgen-note", topic, question, length=20)


def anki_int_id(*parts: str) -> int:
    """A constant 31-bit-safe positive id for decks and note types, from names that never change."""
    value = int(hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:12], 16)
    return 1_000_000_000 + value % 1_000_000_000_000
