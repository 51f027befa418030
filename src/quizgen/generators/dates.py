"""Key dates: when did E happen, what happened on T, put events in order, which came first."""

from __future__ import annotations

import bisect
from functools import lru_cache

from ..dates import FIRST_YEAR, LAST_YEAR, PartialDate, first_day, last_day, shift_days, shift_months
from ..facts import Fact
from ..ids import question_id
from ..questions import Question
from .binary import date_forms
from . import distractors
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


OPEN_END = 10**9
"""The last day of an ongoing event: after every day quizgen can write."""


def days_of(fact: Fact) -> tuple[int, int]:
    """The first and last day an event can have taken place on: its date, or its span of dates
    (an ongoing one goes on past every date)."""
    assert fact.date is not None
    if fact.ongoing:
        return first_day(fact.date), OPEN_END
    return first_day(fact.date), last_day(fact.until or fact.date)


def apart(a: Fact, b: Fact) -> bool:
    """True when the two events cannot share a day: one is over before the other begins."""
    assert a.date is not None and b.date is not None
    if a.until is None and b.until is None and not a.ongoing and not b.ongoing:
        return disjoint(a.date, b.date)
    (a_first, a_last), (b_first, b_last) = days_of(a), days_of(b)
    return a_last < b_first or b_last < a_first


def other_spans(start: PartialDate, end: PartialDate) -> list[tuple[PartialDate, PartialDate]]:
    """Spans as long as ``start``-``end``, moved so that they share no day with it (wrong answers).
    Only a span whose two ends have one precision is moved; for any other there are none."""
    if start.precision != end.precision:
        return []
    if start.precision == "day":
        length = last_day(end) - first_day(start) + 1
        steps = (length, -length, 7 * length, -7 * length, 2 * length, -2 * length)
        move = shift_days
    elif start.precision == "month":
        length = (end.year - start.year) * 12 + (end.month or 1) - (start.month or 1) + 1
        steps = (length, -length, 2 * length, -2 * length, 12 * length)
        move = shift_months
    else:
        length = end.year - start.year + 1
        steps = (length, -length, 2 * length, -2 * length, 5 * length)
        move = _shift_years
    found: list[tuple[PartialDate, PartialDate]] = []
    for step in steps:
        try:
            moved = move(start, step), move(end, step)
        except (ValueError, OverflowError):
            continue
        if all(FIRST_YEAR <= d.year <= LAST_YEAR for d in moved) and moved not in found \
                and (last_day(moved[1]) < first_day(start) or last_day(end) < first_day(moved[0])):
            found.append(moved)
    return found


def _shift_years(date: PartialDate, years: int) -> PartialDate:
    return PartialDate(date.year + years)


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
    # an event over several dates is asked about its span of dates, never about one of its days
    events = [f for f in asked if ctx.index.usable(f)]
    # an event known only by a bound ("by 19 January") is asked about its bound alone: it is no option,
    # no rival and in no order, since it cannot be proved before or after another event
    questions.extend(q for f in ctx.facts.file.facts
                     if f.by is not None and ctx.facts.kind_of(f).family == family
                     and ctx.facts.kind_of(f).shape == "event" and ctx.index.asked(f)
                     and "statement" in ctx.facts.kind_of(f).templates
                     for q in _bound_questions(ctx, family, f))

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
        if fact.until is not None:
            questions.extend(_span_questions(ctx, family, fact, explanation))
        elif fact.ongoing:
            questions.extend(_ongoing_questions(ctx, family, fact, explanation,
                                                by_precision.get(fact.date.precision, []), on_date))
        # When?  Other dates of the timeline first (plausible), then nearby ones.
        elif "ask_date" in t and (prompt := ctx.words.render(t["ask_date"], values, fact.according_to)):
            same = _nearest(by_precision.get(fact.date.precision, []), precision_days.get(fact.date.precision, []),
                            _days(fact.date), lambda d: d != fact.date, 4)
            rng = question_random(question_id(family, "ask_date", [fact.id]))
            wrong = pick(((d.human(), one_date) for d in distractors.dates(rng, fact.date, same)), fact.date.human())
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
                # Only events that cannot have taken place on T (their spans included) are options,
                # so one option is right.
                others = _nearest(by_relation[fact.relation], relation_days[fact.relation], _days(fact.date),
                                  lambda f: apart(f, fact), 6)
                wrong = pick_with(((label(f), sentence(f), f.id) for f in others), label(fact))
                if len(wrong) >= 2:  # three options at least
                    questions.append(ctx.build.multiple_choice(
                        family=family, template="ask_event", prompt=prompt, answer=(label(fact), explanation),
                        wrong=[(text, why) for text, why, _ in wrong], explanation=explanation, facts=[fact],
                        proofs=[f.id for f in rivals] + [f.id for f in others],
                        evidence=[("rules_out", ctx.facts.facts[fid]) for _, _, fid in wrong]))  # their dates
        # True or false, with a proven-wrong date for the false one.
        if fact.until is None and not fact.ongoing and "statement" in t and (prompt := ctx.words.render(t["statement"], values, fact.according_to)):
            questions.append(ctx.build.question(
                family=family, kind="true_false", template="statement", prompt=prompt, answer=ctx.words.true,
                explanation=explanation, facts=[fact], options=ctx.build.true_false(True, explanation)))
            wrong_date = next(iter(distractors.dates(question_random(f"{fact.id}:false-date"), fact.date, (), 1)), None)
            false_prompt = wrong_date and ctx.words.render(t["statement"], {**values, "date": wrong_date.human(), "when": ctx.words.when(wrong_date)}, fact.according_to)
            if false_prompt:
                questions.append(ctx.build.question(
                    family=family, kind="true_false", template="statement", prompt=false_prompt, answer=ctx.words.false,
                    explanation=ctx.words.false_because(one_date), facts=[fact], variant=f"false:{wrong_date.iso()}",
                    options=ctx.build.true_false(False, one_date)))

    # Ordering and "which came first", from events that pairwise share no day (a span by its start).
    ordered: list[Fact] = []
    # an ongoing event has no end to order by: it stays out of every order
    for fact in sorted((f for f in events if not f.ongoing), key=lambda f: (f.date.sort_key(), f.id)):
        # in order of first days, an event apart from the last one kept is apart from all kept before it
        if not ordered or apart(fact, ordered[-1]):
            ordered.append(fact)
    groups = len(ordered) // ORDER_SIZE
    timeline = tuple(f.id for f in events if not f.ongoing)  # the groups are cut from the whole timeline
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
        explanation = sentences(ctx.words.text("dated_item", item=label(f), date=ctx.words.dated(f)) for f in group)
        if instruction:
            questions.append(ctx.build.question(
                family=family, kind="ordering", template="order", prompt=instruction, answer=" → ".join(items),
                explanation=explanation, facts=sorted(group, key=lambda f: f.id), variant=str(number), items=items,
                choices=shown, proofs=timeline, qid=qid))
        first_prompt = ctx.facts.kind_of(group[0]).templates.get("first")
        if first_prompt:
            first = ctx.words.dated(group[0])
            wrong = [(label(f), ctx.words.text("later_than", item=label(f), date=ctx.words.dated(f), first=first))
                     for f in group[1:]]
            questions.append(ctx.build.multiple_choice(
                family=family, template="first", prompt=either(ctx, first_prompt, sorted(items)),
                answer=(items[0], ctx.words.text("dated_item", item=items[0], date=first)), wrong=wrong,
                explanation=explanation, facts=sorted(group, key=lambda f: f.id), variant=str(number),
                proofs=timeline))
    return questions


def _span_questions(ctx: Context, family: str, fact: Fact, explanation: str) -> list[Question]:
    """When did an event over several dates take place, and true or false: always its whole span,
    against spans that share no day with it."""
    assert fact.date is not None and fact.until is not None
    t = ctx.facts.kind_of(fact).templates
    values = ctx.words.values(fact)
    answer = ctx.words.dated(fact)
    one_span = f"{explanation} {ctx.words.text('one_span')}"
    spans = other_spans(fact.date, fact.until)
    questions: list[Question] = []
    if "ask_date" in t and (prompt := ctx.words.render(t["ask_date"], values, fact.according_to)):
        wrong = pick(((ctx.words.span(start, end), one_span) for start, end in spans), answer)
        if len(wrong) >= 2:
            questions.append(ctx.build.multiple_choice(
                family=family, template="ask_date", prompt=prompt, answer=(answer, explanation),
                wrong=wrong, explanation=explanation, facts=[fact]))
        else:
            questions.append(ctx.build.question(
                family=family, kind="short_answer", template="ask_date", prompt=prompt, answer=answer,
                accepted=[answer, f"{fact.date.iso()}/{fact.until.iso()}"], explanation=explanation,
                facts=[fact], variant="short_answer"))
    if "statement" in t and (prompt := ctx.words.render(t["statement"], values, fact.according_to)):
        questions.append(ctx.build.question(
            family=family, kind="true_false", template="statement", prompt=prompt, answer=ctx.words.true,
            explanation=explanation, facts=[fact], options=ctx.build.true_false(True, explanation)))
        if spans:
            start, end = spans[0]
            false_prompt = ctx.words.render(t["statement"], {**values, "date": ctx.words.span(start, end),
                                                              "when": ctx.words.when_span(start, end)},
                                            fact.according_to)
            if false_prompt:
                questions.append(ctx.build.question(
                    family=family, kind="true_false", template="statement", prompt=false_prompt,
                    answer=ctx.words.false, explanation=ctx.words.false_because(one_span), facts=[fact],
                    variant=f"false:{start.iso()}/{end.iso()}", options=ctx.build.true_false(False, one_span)))
    return questions


def _ongoing_questions(ctx: Context, family: str, fact: Fact, explanation: str, dates: list[PartialDate],
                       on_date: dict[PartialDate, list[str]]) -> list[Question]:
    """When did an ongoing event take place ('from 12 January 2020 on'), and true or false. Only a
    start before its own is wrong: it was still going on from any later date, so a later start
    would be true too."""
    assert fact.date is not None
    t = ctx.facts.kind_of(fact).templates
    values = ctx.words.values(fact)
    answer = ctx.words.dated(fact)
    why = f"{explanation} {ctx.words.text('one_start')}"
    start = first_day(fact.date)
    timeline = [d for d in dates if last_day(d) < start]
    earlier = [*reversed(timeline[-2:]), *(d for d in nearby(fact.date) if last_day(d) < start),
               *reversed(timeline[:-2])]
    questions: list[Question] = []
    if "ask_date" in t and (prompt := ctx.words.render(t["ask_date"], values, fact.according_to)):
        wrong = pick(((ctx.words.since(d), why) for d in earlier), answer)
        proofs = [fid for d in timeline[-2:] for fid in on_date.get(d, ())]
        if len(wrong) >= 2:
            questions.append(ctx.build.multiple_choice(
                family=family, template="ask_date", prompt=prompt, answer=(answer, explanation), wrong=wrong,
                explanation=explanation, facts=[fact], proofs=proofs))
        else:
            questions.append(ctx.build.question(
                family=family, kind="short_answer", template="ask_date", prompt=prompt, answer=answer,
                accepted=[answer, *date_forms(fact.date)], explanation=explanation, facts=[fact],
                variant="short_answer", proofs=proofs))
    if "statement" in t and (prompt := ctx.words.render(t["statement"], values, fact.according_to)):
        questions.append(ctx.build.question(
            family=family, kind="true_false", template="statement", prompt=prompt, answer=ctx.words.true,
            explanation=explanation, facts=[fact], options=ctx.build.true_false(True, explanation)))
        wrong_date = next((d for d in nearby(fact.date) if last_day(d) < start), None)
        if wrong_date is not None:
            false_prompt = ctx.words.render(t["statement"], {**values, "when": ctx.words.text(
                "when_from", date=wrong_date.human())}, fact.according_to)
            if false_prompt:
                questions.append(ctx.build.question(
                    family=family, kind="true_false", template="statement", prompt=false_prompt,
                    answer=ctx.words.false, explanation=ctx.words.false_because(why), facts=[fact],
                    variant=f"false:{wrong_date.iso()}", options=ctx.build.true_false(False, why)))
    return questions


def _bound_questions(ctx: Context, family: str, fact: Fact) -> list[Question]:
    """An event known only by a bound: 'By what date ...?' as a short answer, and a true statement.
    No option and no false statement: a later bound would hold too, and an earlier one is unknown."""
    assert fact.by is not None
    t = ctx.facts.kind_of(fact).templates
    values = ctx.words.values(fact)
    explanation = ctx.words.attributed(fact.according_to, ctx.words.render(t["statement"], values) or "")
    questions: list[Question] = []
    if not explanation:
        return questions
    if "ask_by" in t and (prompt := ctx.words.render(t["ask_by"], values, fact.according_to)):
        why = f"{explanation} {ctx.words.text('bound_given', date=fact.by.human())}"
        questions.append(ctx.build.question(
            family=family, kind="short_answer", template="ask_by", prompt=prompt, answer=fact.by.human(),
            accepted=date_forms(fact.by), explanation=why, facts=[fact], variant="short_answer"))
    if prompt := ctx.words.render(t["statement"], values, fact.according_to):
        questions.append(ctx.build.question(
            family=family, kind="true_false", template="statement", prompt=prompt, answer=ctx.words.true,
            explanation=explanation, facts=[fact], options=ctx.build.true_false(True, explanation)))
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
