"""Options: which distractors to show, and in what order (each question's own random generator)."""

from __future__ import annotations

import random
from typing import Iterable, Sequence, TypeVar

from ..questions import Option

MAX_DISTRACTORS = 3
T = TypeVar("T")


def question_random(qid: str) -> random.Random:
    """The random generator of one question: seeded by its id only."""
    return random.Random(f"quizgen:{qid}")


def shuffled_options(qid: str, answer: tuple[str, str], distractors: Sequence[tuple[str, str]]) -> tuple[Option, ...]:
    """The options in the order the question's own random generator gives them."""
    rng = question_random(qid)
    wrong = [Option(text=t, correct=False, why=w) for t, w in distractors]
    rng.shuffle(wrong)
    right = Option(text=answer[0], correct=True, why=answer[1])
    wrong.insert(rng.randrange(len(wrong) + 1), right)
    return tuple(wrong)


def pick(candidates: Iterable[tuple[str, str]], answer: str, limit: int = MAX_DISTRACTORS) -> list[tuple[str, str]]:
    """Up to ``limit`` distractors, unique by text and never equal to the answer, in the given order."""
    chosen: list[tuple[str, str]] = []
    seen = {answer.casefold()}
    for text, why in candidates:
        folded = text.casefold()
        if folded in seen:
            continue
        seen.add(folded)
        chosen.append((text, why))
        if len(chosen) == limit:
            break
    return chosen


def pick_with(candidates: Iterable[tuple[str, str, T]], answer: str, limit: int = MAX_DISTRACTORS) -> list[tuple[str, str, T]]:
    """``pick`` for (text, why, origin) triples, keeping where each chosen distractor came from."""
    chosen: list[tuple[str, str, T]] = []
    seen = {answer.casefold()}
    for text, why, origin in candidates:
        if text.casefold() in seen:
            continue
        seen.add(text.casefold())
        chosen.append((text, why, origin))
        if len(chosen) == limit:
            break
    return chosen
