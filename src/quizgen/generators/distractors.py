"""Choosing wrong figures and dates: plausible, at varied distances, rounded like the answer, and
with the right answer's rank among the sorted options drawn evenly by the question's own random
generator (so over a bank the answer is as often the smallest as the largest).

A wrong figure is one whose interval (quality.interval) shares no figure with the answer's: an
open-ended answer ("more than 280") has none of its own form, and gets no multiple choice.
"""

from __future__ import annotations

import random
from typing import Sequence

from ..dates import FIRST_YEAR, LAST_YEAR, PartialDate, first_day, last_day, shift_days, shift_months
from ..quality import OPEN_ENDED, interval, step_of

# how far below and above the answer a wrong figure may be (factors of the answer)
BELOW = tuple(0.3 + 0.05 * i for i in range(13))   # 0.30 .. 0.90
ABOVE = tuple(1.15 + 0.1 * i for i in range(19))   # 1.15 .. 2.95
# how far a wrong date may be moved, in its own unit (never one unit: the odd one out)
DATE_STEPS = {"day": tuple(range(3, 46)), "month": tuple(range(2, 19)), "year": tuple(range(2, 12))}


def _round(value: float, step: float) -> float:
    rounded = round(value / step) * step
    return float(round(rounded, 2))


def split_rank(rng: random.Random, below: int, above: int, count: int) -> tuple[int, int]:
    """How many wrong options go below the answer and how many above: the answer's rank drawn
    evenly among those the candidates allow."""
    ranks = [r for r in range(count + 1) if r <= below and count - r <= above]
    if not ranks:
        return min(below, count), min(above, count - min(below, count))
    low = rng.choice(ranks)
    return low, count - low


def figures(rng: random.Random, qualifier: str, value: float, value_to: float | None = None,
            count: int = 3) -> list[tuple[float, float | None]]:
    """Up to ``count`` wrong figures (or ranges, for a range) in the answer's form, each sharing no
    figure with the answer; [] for an open-ended qualifier."""
    if qualifier in OPEN_ENDED:
        return []
    answer = interval(qualifier, value, value_to)
    coarsest = step_of(value) if value_to is None else min(step_of(value), step_of(value_to))
    whole = float(value).is_integer() and (value_to is None or float(value_to).is_integer())
    below_factors, above_factors = BELOW, ABOVE
    if value_to is not None and value > 0:  # a range moves by at least its own width
        below_factors = tuple(value / value_to * g for g in (0.5, 0.6, 0.7, 0.8, 0.9, 0.95))
        above_factors = tuple(value_to / value * g for g in (1.05, 1.15, 1.25, 1.35, 1.45, 1.6))
    # rounded like the answer; one digit finer at most where that leaves too few on a side
    for step in (coarsest, coarsest / 2, coarsest / 5, coarsest / 10):
        below, above = _pools(answer, qualifier, value, value_to, step, whole, below_factors, above_factors)
        if len(below) >= count and len(above) >= count:
            break
    low, high = split_rank(rng, len(below), len(above), count)
    return sorted(rng.sample(below, low) + rng.sample(above, high))


def _pools(answer, qualifier: str, value: float, value_to: float | None, step: float, whole: bool,
           below_factors: Sequence[float], above_factors: Sequence[float]):
    """The wrong figures below and above the answer that a step of rounding gives."""
    if whole and not float(step).is_integer():
        step = 1.0

    def made(factor: float) -> tuple[float, float | None] | None:
        low = _round(value * factor, step)
        high = _round(value_to * factor, step) if value_to is not None else None
        if low <= 0 or (whole and not float(low).is_integer()) or (high is not None and high <= low):
            return None
        if not interval(qualifier, low, high).disjoint(answer):
            return None
        return low, high

    below = list(dict.fromkeys(c for f in below_factors if (c := made(f)) is not None))
    above = list(dict.fromkeys(c for f in above_factors if (c := made(f)) is not None))
    return below, above


def dates(rng: random.Random, answer: PartialDate, others: Sequence[PartialDate], count: int = 3) -> list[PartialDate]:
    """Up to ``count`` wrong dates at the answer's precision: dates of other events first (nearest
    first), then moves of varied size; none one unit from the answer, the answer's rank drawn evenly."""
    def fine(d: PartialDate) -> bool:
        return d.precision == answer.precision and (last_day(d) < first_day(answer) or last_day(answer) < first_day(d)) \
            and not _adjacent(d, answer)

    before = [d for d in sorted(set(others), key=PartialDate.sort_key, reverse=True) if fine(d) and d.sort_key() < answer.sort_key()]
    after = [d for d in sorted(set(others), key=PartialDate.sort_key) if fine(d) and d.sort_key() > answer.sort_key()]
    moved_before, moved_after = [], []
    for step in rng.sample(DATE_STEPS[answer.precision], len(DATE_STEPS[answer.precision])):
        for sign, into in ((-1, moved_before), (1, moved_after)):
            try:
                d = _move(answer, sign * step)
            except (ValueError, OverflowError):
                continue
            if FIRST_YEAR <= d.year <= LAST_YEAR and fine(d):
                into.append(d)
    low, high = split_rank(rng, len(before) + len(moved_before), len(after) + len(moved_after), count)
    chosen: list[PartialDate] = []
    for pool, want in ((before + moved_before, low), (after + moved_after, high)):
        for d in pool:
            if want == 0:
                break
            if d not in chosen and d != answer:
                chosen.append(d)
                want -= 1
    return chosen


def _move(date: PartialDate, steps: int) -> PartialDate:
    if date.precision == "day":
        return shift_days(date, steps)
    if date.precision == "month":
        return shift_months(date, steps)
    return PartialDate(date.year + steps)


def _adjacent(a: PartialDate, b: PartialDate) -> bool:
    if a.precision == "day":
        return abs(first_day(a) - first_day(b)) == 1
    if a.precision == "month":
        return abs(a.year * 12 + (a.month or 1) - b.year * 12 - (b.month or 1)) == 1
    return abs(a.year - b.year) == 1
