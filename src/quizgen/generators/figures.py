"""Figures: what number did a source give for a measure (killed, displaced, hours of talks)."""

from __future__ import annotations

from ..facts import Fact
from ..ids import digest, question_id
from ..questions import Question
from .common import Context
from . import distractors
from .options import pick, question_random
from .wording import capitalise, format_number, unit_for

def generate(ctx: Context) -> list[Question]:
    """Questions about figures, each in its relation kind's family."""
    families = sorted({kind.family for kind in ctx.facts.relation_kinds.values() if kind.shape == "quantity"})
    return [q for family in families for q in _family(ctx, family)]


def _family(ctx: Context, family: str) -> list[Question]:
    questions: list[Question] = []
    facts = sorted((f for f in ctx.facts.file.facts
                    if ctx.facts.kind_of(f).family == family and ctx.facts.kind_of(f).shape == "quantity"
                    and ctx.index.asked(f) and f.quantity is not None), key=lambda f: f.id)
    for fact in facts:
        q = fact.quantity
        assert q is not None
        t = ctx.facts.kind_of(fact).templates
        key = "ask_value" if fact.according_to else "ask_value_unattributed"
        if key not in t or not (prompt := ctx.words.render(t[key], ctx.words.values(fact))):
            continue
        if q.value_to is not None:
            questions.extend(_range_question(ctx, family, fact, key, prompt))
            continue
        answer = ctx.words.quantity(q.value, q)
        who = fact.according_to or ctx.words.text("figure_given_by_all")
        explanation = ctx.words.text("figure_given", who=capitalise(who), answer=answer, measure=q.measure)
        why = f"{explanation} {ctx.words.text('one_figure')}"
        values = distractors.figures(question_random(question_id(family, key, [fact.id], "multiple_choice")),
                                     q.qualifier, q.value)
        wrong = pick(((ctx.words.quantity(v, q), why) for v, _ in values), answer)
        # The kind is the fact's own: chosen by its id, and part of the question's id.
        if int(digest("figure-kind", fact.id), 16) % 2 == 0 and len(wrong) >= 2:
            questions.append(ctx.build.multiple_choice(
                family=family, template=key, prompt=prompt, answer=(answer, explanation), wrong=wrong,
                explanation=explanation, facts=[fact], variant="multiple_choice"))
        else:
            number = format_number(q.value)
            accepted = [answer, number, f"{number} {unit_for(q.value, q)}", number.replace(",", "")]
            questions.append(ctx.build.question(
                family=family, kind="short_answer", template=key, prompt=prompt, answer=answer, accepted=accepted,
                explanation=explanation, facts=[fact], variant="short_answer"))
    return questions


def _range_question(ctx: Context, family: str, fact: Fact, key: str, prompt: str) -> list[Question]:
    """A figure given as a range: the whole range is the answer, and a wrong option is a range
    that shares no figure with it."""
    q = fact.quantity
    assert q is not None and q.value_to is not None
    answer = ctx.words.quantity(q.value, q, q.value_to)
    who = fact.according_to or ctx.words.text("figure_given_by_all")
    explanation = ctx.words.text("figure_given", who=capitalise(who), answer=answer, measure=q.measure)
    why = f"{explanation} {ctx.words.text('one_figure')}"
    ranges = distractors.figures(question_random(question_id(family, key, [fact.id], "multiple_choice")),
                                 q.qualifier, q.value, q.value_to)
    wrong = pick(((ctx.words.quantity(low, q, high), why) for low, high in ranges), answer)
    if int(digest("figure-kind", fact.id), 16) % 2 == 0 and len(wrong) >= 2:
        return [ctx.build.multiple_choice(
            family=family, template=key, prompt=prompt, answer=(answer, explanation), wrong=wrong,
            explanation=explanation, facts=[fact], variant="multiple_choice")]
    shown = ctx.words.text("figure_range", low=format_number(q.value), high=format_number(q.value_to))
    accepted = [answer, shown, f"{shown} {q.unit}", shown.replace(",", "")]
    return [ctx.build.question(
        family=family, kind="short_answer", template=key, prompt=prompt, answer=answer, accepted=accepted,
        explanation=explanation, facts=[fact], variant="short_answer")]
