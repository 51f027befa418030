"""Question generators: one module per family, registered here.

A generator is ``generate(ctx) -> list[Question]``: pure and deterministic (each
question's randomness is seeded by its own id), and it never formats for an output
or writes. The bank is sorted by family order, then id, so neither generation order
nor any build seed changes it.
"""

from __future__ import annotations

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


def generate(facts: FactSet, families: Iterable[str] | None = None) -> list[Question]:
    """Every question the fact set supports, by family order, then id."""
    from .common import Context

    ctx = Context(facts)
    chosen = set(families) if families else set(FAMILIES)
    questions: list[Question] = []
    for family, generator in REGISTRY.items():
        if family in chosen:
            questions.extend(generator(ctx))
    order = {family: index for index, family in enumerate(FAMILIES)}
    questions.sort(key=lambda q: (order.get(q.family, len(order)), q.family, q.id))
    return questions
