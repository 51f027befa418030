"""What a generator is given: the fact set and the units that serve it, each with one job.

- ``index``  (FactIndex, index.py): who stands in which relation to whom, closures, mentions;
- ``words``  (Words, wording.py): names, placeholder values, filled templates, wording texts;
- ``proofs`` (Proofs, proofs.py): why a statement is provably false, which answers are wrong;
- ``build``  (Builder, build.py): questions with ids, citations, tags and options;
- options.py: distractor picking and each question's own random order.

Generators are pure: they read the fact set and return questions. Randomness only
orders things (options, matching columns, ordering items), and every question draws
it from its own ``random.Random`` seeded by its id, so a question's wording and order
depend on nothing but its own facts and proofs: no build seed, no other question,
no generation order.
"""

from __future__ import annotations

from typing import Iterable, Sequence

from ..facts import FactSet
from .build import Builder
from .index import FactIndex
from .proofs import Proofs
from .wording import Words


def sentences(parts: Iterable[str]) -> str:
    """Join sentences with spaces, each ending in one full stop."""
    return " ".join(p if p.endswith((".", "!", "?")) else p + "." for p in parts if p)


def with_details(sentence: str, details: Sequence[str]) -> str:
    """'X signed D.' + (date, place) -> 'X signed D (13 January 2020, Moscow).'"""
    if not details:
        return sentence
    return f"{sentence.rstrip('.')} ({', '.join(details)})."


class Context:
    """The fact set and its units, made once per build and shared by every generator."""

    def __init__(self, facts: FactSet) -> None:
        self.facts = facts
        self.index = FactIndex(facts)
        self.words = Words(facts, self.index.as_of)
        self.proofs = Proofs(self.index, self.words)
        self.build = Builder(facts, self.index, self.words)
