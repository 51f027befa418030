"""Question generators, registered by relation shape: any shape works in any family.

A generator is ``generate(ctx) -> list[Question]``: pure and deterministic (each
question's randomness is seeded by its own id), and it never formats for an output
or writes. Each question's family is its relation kind's family. The bank is sorted
by family order (data: ``data/families.yaml`` and the file's own), then id, so
neither generation order nor any build seed changes it.
"""

from __future__ import annotations

import gc
from typing import Callable, Iterable

from .. import families as family_data
from ..facts import FactSet
from ..questions import Question

from . import binary, dates, figures, roles

REGISTRY: dict[str, Callable[..., list[Question]]] = {
    "binary": binary.generate,
    "role": roles.generate,
    "event": dates.generate,
    "quantity": figures.generate,
}
SHAPES: tuple[str, ...] = tuple(REGISTRY)
FAMILIES: tuple[str, ...] = tuple(f.id for f in sorted(family_data.shipped().values(), key=lambda f: (f.order, f.id)))


def generate(facts: FactSet, families: Iterable[str] | None = None,
             rejected: list[tuple[Question, list[tuple[str, str]]]] | None = None) -> list[Question]:
    """Every question the fact set supports (of the given families, if any), by family order, then id.
    A question a quality rule flags is left out (and, with ``rejected``, appended there with its flags)."""
    from .common import Context

    # Generation makes many small objects and no reference cycles: the cyclic collector would only
    # rescan the fact set and the growing bank, again and again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        ctx = Context(facts)
        questions: list[Question] = []
        for generator in REGISTRY.values():
            questions.extend(generator(ctx))
    finally:
        if collecting:
            gc.enable()
    # a relation kind's `skip` turns off those questions (their wording still explains others)
    skipped = {name for name, kind in facts.relation_kinds.items() if kind.skip}
    if skipped:
        questions = [q for q in questions if not any(
            facts.facts[f].relation in skipped and q.template in facts.kind_of(facts.facts[f]).skip
            for f in q.facts[:1])]
    if families:
        chosen = set(families)
        questions = [q for q in questions if q.family in chosen]
    questions = _passing(facts, questions, rejected)
    order = {f.id: f.order for f in family_data.resolve(facts).values()}
    if rejected:
        rejected.sort(key=lambda r: (order.get(r[0].family, family_data.DEFAULT_ORDER), r[0].family, r[0].id))
    questions.sort(key=lambda q: (order.get(q.family, family_data.DEFAULT_ORDER), q.family, q.id))
    return questions


def _passing(facts: FactSet, questions: list[Question],
             rejected: list[tuple[Question, list[tuple[str, str]]]] | None) -> list[Question]:
    """The questions every quality rule passes; a question from another period first says when."""
    from .. import quality
    from .wording import Wording, capitalise, decapitalise

    ctx = quality.QualityContext(facts)
    words = Wording.of(facts)

    def say(date, prompt: str, lower: bool) -> str:
        when = words(f"when_{date.precision}", date=date.human())
        return capitalise(words("dated_question", when=when, text=decapitalise(prompt) if lower else prompt))

    kept = []
    for question in questions:
        question = quality.with_its_date(question, ctx, say)
        found = quality.flags(question, ctx)
        if found:
            if rejected is not None:
                rejected.append((question, found))
            continue
        kept.append(question)
    return kept
