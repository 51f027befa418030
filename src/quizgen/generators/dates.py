"""Key dates: when did E happen, what happened on T, put events in order, which came first."""

from __future__ import annotations

import bisect
from functools import lru_cache

from ..dates import PartialDate, shift_days, shift_months
from ..facts import Fact
from ..ids import question_id
from ..questions import Question
from .binary import date_forms
from .common import Context, sentences
from .options import pick, pick_with, question_random

ORDER_SIZE = 4


def disjoint(a: PartialDate, b: PartialDate) -> bool:
    """True when the two dates cannot be the same day, whatever their precision."""
    if a.year != b.year:
        return True
    if a.month is None or b.month is None:
        return False
    if a.month != b.month:
        return True
    if a.day is None or b.day is None:
        return False
    return a.day != b.day


@lru_cache(maxsize=4096)
def nearby(date: PartialDate) -> tuple[PartialDate, ...]:
    return tuple(_nearby(date))


def _nearby(date: PartialDate) -> list[PartialDate]:
    if date.precision == "day":
        return [shift_days(date, d) for d in (1, -1, 2, -2, 7, -7)]
    if date.precision == "month":
        return [shift_months(date, m) for m in (1, -1, 2, -2, 12)]
    return [PartialDate(date.year + y) for y in (1, -1, 2, -2, 5)]


def generate(ctx: Context) -> list[Question]:
    """Questions about dated events, each family's timeline on its own."""
    families = sorted({kind.family for kind in ctx.facts.relation_kinds.values() if kind.shape == "event"})
    return [q for family in families for q in _family(ctx, family)]


def _family(ctx: Context, family: str) -> list[Question]:
    questions: list[Question] = []
    # an event without its statement in the file's words cannot be explained: it is not asked
    # (a disputed event is asked only with its attribution, and is never an option, a rival or in an order)
    asked = [f for f in ctx.facts.file.facts
             if ctx.facts.kind_of(f).family == family and ctx.facts.kind_of(f).shape == "event"
             and ctx.index.asked(f) and f.date is not None and "statement" in ctx.facts.kind_of(f).templates]
    events = [f for f in asked if ctx.index.usable(f)]

    def label(fact: Fact) -> str:
        """How the event reads as an option or ordering item."""
        kind = ctx.facts.kind_of(fact)
        if "item" in kind.templates:
            return ctx.words.render(kind.templates["item"], ctx.words.values(fact)) or ctx.words.name(fact.subject)
        return ctx.words.name(fact.subject)

    def sentence(fact: Fact) -> str:
        t = ctx.facts.kind_of(fact).templates
        return ctx.words.render(t["statement"], ctx.words.values(fact)) or label(fact)

    # Indexes, so that nothing below is quadratic in the number of events.
    by_precision: dict[str, list[PartialDate]] = {}
    for date in sorted({f.date for f in events if f.date}, key=PartialDate.sort_key):
        by_precision.setdefault(date.precision, []).append(date)
    on_date: dict[PartialDate, list[str]] = {}
    by_relation: dict[str, list[Fact]] = {}
    for f in sorted(events, key=lambda f: (_days(f.date), f.id)):
        by_relation.setdefault(f.relation, []).append(f)
        on_date.setdefault(f.date, []).append(f.id)
    # One "which of these took place on T" per prompt: the smallest fact id asks it, all compete.
    event_prompts: dict[str, list[Fact]] = {}
    prompt_of: dict[str, str] = {}
    for f in sorted(events, key=lambda f: f.id):
        t = ctx.facts.kind_of(f).templates
        if "ask_event" in t and (prompt := ctx.words.render(t["ask_event"], ctx.words.values(f), f.according_to)):
            event_prompts.setdefault(prompt, []).append(f)
            prompt_of[f.id] = prompt
    relation_days = {rel: [_days(f.date) for f in fs] for rel, fs in by_relation.items()}
    precision_days = {p: [_days(d) for d in dates] for p, dates in by_precision.items()}

    for fact in asked:
        assert fact.date is not None
        kind = ctx.facts.kind_of(fact)
        t = kind.templates
        values = ctx.words.values(fact)
        explanation = ctx.words.attributed(fact.according_to, sentence(fact))
        one_date = f"{explanation} {ctx.words.text('one_date')}"
        # When?  Other dates of the timeline first (plausible), then nearby ones.
        if "ask_date" in t and (prompt := ctx.words.render(t["ask_date"], values, fact.according_to)):
            same = _nearest(by_precision.get(fact.date.precision, []), precision_days.get(fact.date.precision, []),
                            _days(fact.date), lambda d: d != fact.date, 4)
            candidates = [*same[:2], *nearby(fact.date), *same[2:]]
            wrong = pick(((d.human(), one_date) for d in candidates if disjoint(d, fact.date)), fact.date.human())
            timeline = [fid for d in same for fid in on_date[d]]
            if len(wrong) >= 2:
                questions.append(ctx.build.multiple_choice(
                    family=family, template="ask_date", prompt=prompt, answer=(fact.date.human(), explanation),
                    wrong=wrong, explanation=explanation, facts=[fact], proofs=timeline))
            else:
                questions.append(ctx.build.question(
                    family=family, kind="short_answer", template="ask_date", prompt=prompt,
                    answer=fact.date.human(), accepted=date_forms(fact.date), explanation=explanation, facts=[fact],
                    variant="short_answer", proofs=timeline))
        # What happened on T?  Events of the same kind whose dates cannot be T.
        if fact.id in prompt_of:
            prompt = prompt_of[fact.id]
            rivals = event_prompts.get(prompt, [])
            if rivals and rivals[0] is fact:
                # Only events whose dates cannot be T are options, so one option is right.
                others = _nearest(by_relation[fact.relation], relation_days[fact.relation], _days(fact.date),
                                  lambda f: disjoint(f.date, fact.date), 6)
                wrong = pick_with(((label(f), sentence(f), f.id) for f in others), label(fact))
                if wrong:
                    questions.append(ctx.build.multiple_choice(
                        family=family, template="ask_event", prompt=prompt, answer=(label(fact), explanation),
                        wrong=[(text, why) for text, why, _ in wrong], explanation=explanation, facts=[fact],
                        proofs=[f.id for f in rivals] + [f.id for f in others]))
        # True or false, with a proven-wrong date for the false one.
        if "statement" in t and (prompt := ctx.words.render(t["statement"], values, fact.according_to)):
            questions.append(ctx.build.question(
                family=family, kind="true_false", template="statement", prompt=prompt, answer=ctx.words.true,
                explanation=explanation, facts=[fact], options=ctx.build.true_false(True, explanation)))
            wrong_date = next(d for d in nearby(fact.date) if disjoint(d, fact.date))
            false_prompt = ctx.words.render(t["statement"], {**values, "date": wrong_date.human(), "when": ctx.words.when(wrong_date)}, fact.according_to)
            if false_prompt:
                questions.append(ctx.build.question(
                    family=family, kind="true_false", template="statement", prompt=false_prompt, answer=ctx.words.false,
                    explanation=ctx.words.false_because(one_date), facts=[fact], variant=f"false:{wrong_date.iso()}",
                    options=ctx.build.true_false(False, one_date)))

    # Ordering and "which came first", from events whose dates are pairwise distinct.
    ordered: list[Fact] = []
    for fact in sorted(events, key=lambda f: (f.date.sort_key(), f.id)):
        # in date order, a date disjoint from the last one kept is disjoint from all kept before it
        if not ordered or disjoint(fact.date, ordered[-1].date):
            ordered.append(fact)
    groups = len(ordered) // ORDER_SIZE
    timeline = tuple(f.id for f in events)  # the groups are cut from the whole timeline
    for number in range(groups):
        group = ordered[number::groups][:ORDER_SIZE]
        items = [label(f) for f in group]
        if len(set(items)) < len(items):
            continue
        qid = question_id(family, "order", [f.id for f in group], str(number))
        rng = question_random(qid)
        shown = list(items)
        while shown == items:
            rng.shuffle(shown)
        instruction = ctx.facts.kind_of(group[0]).templates.get("order")
        explanation = sentences(ctx.words.text("dated_item", item=label(f), date=f.date.human()) for f in group)
        if instruction:
            questions.append(ctx.build.question(
                family=family, kind="ordering", template="order", prompt=instruction, answer=" → ".join(items),
                explanation=explanation, facts=sorted(group, key=lambda f: f.id), variant=str(number), items=items,
                choices=shown, proofs=timeline, qid=qid))
        first_prompt = ctx.facts.kind_of(group[0]).templates.get("first")
        if first_prompt:
            first = group[0].date.human()
            wrong = [(label(f), ctx.words.text("later_than", item=label(f), date=f.date.human(), first=first))
                     for f in group[1:]]
            questions.append(ctx.build.multiple_choice(
                family=family, template="first", prompt=either(ctx, first_prompt, sorted(items)),
                answer=(items[0], ctx.words.text("dated_item", item=items[0], date=first)), wrong=wrong,
                explanation=explanation, facts=sorted(group, key=lambda f: f.id), variant=str(number),
                proofs=timeline))
    return questions


def either(ctx: Context, question: str, items: list[str]) -> str:
    """'Which of these happened first?' -> 'Which of these happened first: A, B, C or D?'"""
    return ctx.words.text("choose_among", question=question.rstrip("?"),
                       items=ctx.words.text("list_separator").join(items[:-1]), last=items[-1])


def _nearest(items: list, keys: list[int], target: int, keep, limit: int) -> list:
    """Up to ``limit`` items passing ``keep``, nearest to ``target`` first (ties: earlier first)."""
    right = bisect.bisect_left(keys, target)
    left = right - 1
    found = []
    while len(found) < limit and (left >= 0 or right < len(items)):
        if right >= len(items) or (left >= 0 and target - keys[left] <= keys[right] - target):
            candidate, left = items[left], left - 1
        else:
            candidate, right = items[right], right + 1
        if keep(candidate):
            found.append(candidate)
    return found


def _days(date: PartialDate) -> int:
    return date.year * 372 + (date.month or 1) * 31 + (date.day or 1)
