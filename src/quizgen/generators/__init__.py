"""Question generators: one module per family, registered here.

A generator is ``generate(ctx) -> list[Question]``: pure, deterministic for the
context's seeded random generator, and it never formats for an output or writes.
"""

from __future__ import annotations

import random
from typing import Callable, Iterable

from ..facts import FactSet
from ..questions import Question

from . import backing, dates, figures, roles, signing

REGISTRY: dict[str, Callable[..., list[Question]]] = {
    "signing": signing.generate,
    "backing": backing.generate,
    "dates": dates.generate,
    "roles": roles.generate,
    "figures": figures.generate,
}
FAMILIES: tuple[str, ...] = tuple(REGISTRY)


def generate(facts: FactSet, seed: int, families: Iterable[str] | None = None) -> list[Question]:
    """Every question the fact set supports, in a seeded order."""
    from .common import Context

    rng = random.Random(seed)
    ctx = Context(facts, rng)
    chosen = set(families) if families else set(FAMILIES)
    questions: list[Question] = []
    for family, generator in REGISTRY.items():
        if family in chosen:
            questions.extend(generator(ctx))
    rng.shuffle(questions)
    return questions
