"""Every word generators add around a fact file's templates, as data.

The shipped texts are ``data/wording.yaml``; a fact file changes any of them under its own
``wording:`` key. Code only fills placeholders: it never writes English of its own.
"""

from __future__ import annotations

import string
from functools import lru_cache
from typing import Mapping

from ..facts import FactSet
from ..shipped import data


@lru_cache(maxsize=1)
def shipped() -> dict[str, str]:
    return {str(key): str(value) for key, value in data("wording").items()}


def placeholders(text: str) -> set[str]:
    """The named placeholders of a text; ValueError when its braces are malformed."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


class Wording:
    """Fills the wording texts: ``wording("false_because", why=...)``."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        self.texts = dict(texts)

    @classmethod
    def of(cls, facts: FactSet) -> "Wording":
        return cls({**shipped(), **facts.file.wording})

    def __call__(self, key: str, **values: str) -> str:
        return self.texts[key].format_map(values)
