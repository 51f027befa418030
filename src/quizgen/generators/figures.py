"""Figures: what number did a source give for a measure (killed, displaced, hours of talks)."""

from __future__ import annotations

from ..facts import Fact
from ..ids import digest, question_id
from ..questions import Question
from .common import Context
from . import distractors
from .options import pick, question_random
from .wording import Words, capitalise, format_number, unit_for

def generate(ctx: Context) -> list[Question]:
    """Questions about figures, each in its relation kind's family."""
    families = sorted({kind.family for kind in ctx.facts.relation_kinds.values() if kind.shape == "quantity"})
    return [q for family in families for q in _family(ctx, family)]


def _family(ctx: Context, family: str) -> list[Question]:
    questions: list[Question] = []
    facts = sorted((f for f in ctx.facts.file.facts
                    if ctx.facts.kind_of(f).family == family and ctx.facts.kind_of(f).shape == "quantity"
                    and ctx.index.asked(f) and f.quantity is not None), key=lambda f: f.id)
    # a measure given at several dates (`as_of`): each figure is asked with its date, and no value the
    # measure had at another date is offered as a wrong answer
    # (and no figure any source gives for it: each attribution's figure is some source's claim)
    measures: dict[tuple[str, str], list[Fact]] = {}
    for fact in facts:
        assert fact.quantity is not None
        measures.setdefault(measure_key(fact)[:2], []).append(fact)
    for fact in facts:
        q = fact.quantity
        assert q is not None
        t = ctx.facts.kind_of(fact).templates
        key = "ask_value" if fact.according_to else "ask_value_unattributed"
        if key not in t or not (prompt := figure_prompt(ctx.words, fact, t[key])):
            continue
        others = [f for f in measures[measure_key(fact)[:2]] if f is not fact]
        taken = [(f.quantity.value, f.quantity.value_to or f.quantity.value) for f in others if f.quantity]
        proofs = [f.id for f in others]
        if q.value_to is not None:
            questions.extend(_range_question(ctx, family, fact, key, prompt, taken, proofs))
            continue
        answer = ctx.words.quantity(q.value, q)
        explanation, why = _explained(ctx, fact, answer)
        values = [v for v, _ in distractors.figures(
            question_random(question_id(family, key, [fact.id], "multiple_choice")), q.qualifier, q.value)
            if not any(low <= v <= high for low, high in taken)]  # never another date's figure
        wrong = pick(((ctx.words.quantity(v, q), why) for v in values), answer)
        # The kind is the fact's own: chosen by its id, and part of the question's id.
        if int(digest("figure-kind", fact.id), 16) % 2 == 0 and len(wrong) >= 2:
            questions.append(ctx.build.multiple_choice(
                family=family, template=key, prompt=prompt, answer=(answer, explanation), wrong=wrong,
                explanation=explanation, facts=[fact], variant="multiple_choice", proofs=proofs))
        else:
            number = format_number(q.value)
            accepted = [answer, number, f"{number} {unit_for(q.value, q)}", number.replace(",", "")]
            questions.append(ctx.build.question(
                family=family, kind="short_answer", template=key, prompt=prompt, answer=answer, accepted=accepted,
                explanation=explanation, facts=[fact], variant="short_answer", proofs=proofs))
    return questions


def measure_key(fact: Fact) -> tuple[str, str, str]:
    """What one figure is given for: a subject's measure, by one attribution."""
    assert fact.quantity is not None
    return fact.subject, fact.quantity.measure, fact.according_to or ""


def figure_prompt(words: Words, fact: Fact, template: str) -> str | None:
    """A figure's question; one given as of a date says that date ('As of 2019, what figure ...?')."""
    prompt = words.render(template, words.values(fact))
    if prompt and fact.as_of is not None:
        return words.as_of_prompt(fact.as_of, prompt)
    return prompt


def _explained(ctx: Context, fact: Fact, answer: str) -> tuple[str, str]:
    """The explanation of a figure's question, and why another figure is wrong (with the date, if any)."""
    q = fact.quantity
    assert q is not None
    who = capitalise(fact.according_to or ctx.words.text("figure_given_by_all"))
    if fact.as_of is not None:
        explanation = ctx.words.text("figure_given_as_of", who=who, answer=answer, measure=q.measure,
                                     date=fact.as_of.human())
        return explanation, f"{explanation} {ctx.words.text('one_figure_as_of')}"
    explanation = ctx.words.text("figure_given", who=who, answer=answer, measure=q.measure)
    return explanation, f"{explanation} {ctx.words.text('one_figure')}"


def _range_question(ctx: Context, family: str, fact: Fact, key: str, prompt: str,
                    taken: list[tuple[float, float]] = (), proofs: list[str] = ()) -> list[Question]:
    """A figure given as a range: the whole range is the answer, and a wrong option is a range
    that shares no figure with it (nor with the measure's figures at other dates, ``taken``)."""
    q = fact.quantity
    assert q is not None and q.value_to is not None
    answer = ctx.words.quantity(q.value, q, q.value_to)
    explanation, why = _explained(ctx, fact, answer)
    ranges = [(low, high) for low, high in distractors.figures(
        question_random(question_id(family, key, [fact.id], "multiple_choice")), q.qualifier, q.value, q.value_to)
        if not any(low <= b and a <= high for a, b in taken)]  # sharing no figure with another date's
    wrong = pick(((ctx.words.quantity(low, q, high), why) for low, high in ranges), answer)
    if int(digest("figure-kind", fact.id), 16) % 2 == 0 and len(wrong) >= 2:
        return [ctx.build.multiple_choice(
            family=family, template=key, prompt=prompt, answer=(answer, explanation), wrong=wrong,
            explanation=explanation, facts=[fact], variant="multiple_choice", proofs=proofs)]
    shown = ctx.words.text("figure_range", low=format_number(q.value), high=format_number(q.value_to))
    accepted = [answer, shown, f"{shown} {q.unit}", shown.replace(",", "")]
    return [ctx.build.question(
        family=family, kind="short_answer", template=key, prompt=prompt, answer=answer, accepted=accepted,
        explanation=explanation, facts=[fact], variant="short_answer", proofs=proofs)]
