"""Printable quizzes: choose questions, then lay them out as versions with answer keys.

Pure and deterministic for a seed: the same bank and settings give the same
selection, the same versions and the same keys. Renderers (Markdown, PDF) only
format what this module decides.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Sequence

from .questions import Question, QuestionCitation

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
SECTION_ORDER = ("multiple_choice", "true_false", "matching", "ordering", "short_answer")
SECTION_TITLES = {
    "multiple_choice": "Multiple choice",
    "true_false": "True or false",
    "matching": "Matching",
    "ordering": "Ordering",
    "short_answer": "Short answer",
}
INSTRUCTIONS = {
    "multiple_choice": "Circle the letter of the one right answer.",
    "true_false": "Circle True or False.",
    "matching": "Write the letter of the matching item on each line. A letter may be used more than once.",
    "ordering": "Write the letters in order, earliest first.",
    "short_answer": "Write a short answer on the line.",
}


@dataclass(frozen=True)
class Choice:
    letter: str
    text: str
    correct: bool = False


@dataclass(frozen=True)
class Item:
    number: int
    question: Question
    choices: tuple[Choice, ...] = ()      # multiple choice / true-false options, matching right column, ordering items
    left: tuple[str, ...] = ()            # matching: left column, in display order
    key: str = ""                         # the answer as the teacher marks it: "B", "True", "1-C, 2-A", "C, A, D, B"
    key_text: str = ""                    # the same, spelled out


@dataclass(frozen=True)
class Section:
    kind: str
    title: str
    instructions: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Version:
    letter: str
    title: str
    sections: tuple[Section, ...]
    sources: tuple[QuestionCitation, ...]
    copy: int = 0                          # a numbered copy (1, 2, ...) of this version; 0 for the version itself

    @property
    def items(self) -> list[Item]:
        return [item for section in self.sections for item in section.items]


@dataclass
class _Balancer:
    rng: random.Random
    queues: dict[int, list[int]] = field(default_factory=dict)

    def next(self, count: int) -> int:
        queue = self.queues.setdefault(count, [])
        if not queue:
            queue.extend(self.rng.sample(range(count), count))
        return queue.pop()


def _gives_away(candidate: Question, chosen: Sequence[Question]) -> bool:
    """True if one question's prompt contains the other's answer (either way round)."""
    def answers(q: Question) -> list[str]:
        if q.kind == "true_false":
            return []
        if q.kind == "matching":
            return [p.right for p in q.pairs]
        if q.kind == "ordering":
            return []
        return [q.answer]

    for other in chosen:
        for answer in answers(candidate):
            if len(answer) > 3 and answer.casefold() in other.prompt.casefold():
                return True
        for answer in answers(other):
            if len(answer) > 3 and answer.casefold() in candidate.prompt.casefold():
                return True
    return False


def select(questions: Sequence[Question], count: int, seed: int, families: Sequence[str] = (),
           kinds: Sequence[str] = ()) -> list[Question]:
    """Up to ``count`` questions, spread across families and kinds, none giving another away,
    and no two resting on the same facts."""
    rng = random.Random(f"select:{seed}")
    pool = [q for q in sorted(questions, key=lambda q: q.id)
            if (not families or q.family in families) and (not kinds or q.kind in kinds)]
    buckets: dict[tuple[str, str], list[Question]] = defaultdict(list)
    for question in pool:
        buckets[(question.family, question.kind)].append(question)
    for bucket in buckets.values():
        rng.shuffle(bucket)
    by_family: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key in sorted(buckets):
        by_family[key[0]].append(key)
    for keys in by_family.values():
        rng.shuffle(keys)
    family_order = sorted(by_family)
    rng.shuffle(family_order)
    chosen: list[Question] = []
    used_facts: set[str] = set()
    turn: dict[str, int] = defaultdict(int)
    while len(chosen) < count and any(buckets.values()):
        progress = False
        for family in family_order:
            if len(chosen) >= count:
                break
            keys = [k for k in by_family[family] if buckets[k]]
            if not keys:
                continue
            key = keys[turn[family] % len(keys)]
            turn[family] += 1
            bucket = buckets[key]
            while bucket:
                candidate = bucket.pop()
                if used_facts.intersection(candidate.facts) or _gives_away(candidate, chosen):
                    continue
                chosen.append(candidate)
                used_facts.update(candidate.facts)
                progress = True
                break
        if not progress and not any(buckets.values()):
            break
    return chosen


def make_versions(selected: Sequence[Question], versions: int, seed: int, title: str) -> list[Version]:
    """The same questions in every version; order within sections and options shuffled per version."""
    result = []
    sources = _sources(selected)
    for index in range(versions):
        letter = LETTERS[index]
        rng = random.Random(f"version:{seed}:{letter}")
        balancer = _Balancer(rng)
        number = 0
        sections = []
        for kind in SECTION_ORDER:
            chosen = sorted((q for q in selected if q.kind == kind), key=lambda q: q.id)
            if not chosen:
                continue
            rng.shuffle(chosen)
            items = []
            for question in chosen:
                number += 1
                # each question's own shuffles: its id, the version and the seed, nothing else
                items.append(_item(question, number, random.Random(f"{seed}:{letter}:{question.id}"), balancer))
            sections.append(Section(kind, SECTION_TITLES[kind], INSTRUCTIONS[kind], tuple(items)))
        result.append(Version(letter, title, tuple(sections), sources))
    return result


def _item(question: Question, number: int, rng: random.Random, balancer: _Balancer) -> Item:
    if question.kind == "multiple_choice":
        wrong = [o for o in question.options if not o.correct]
        right = next(o for o in question.options if o.correct)
        rng.shuffle(wrong)
        wrong.insert(balancer.next(len(wrong) + 1), right)
        choices = tuple(Choice(LETTERS[i], o.text, o.correct) for i, o in enumerate(wrong))
        key = next(c for c in choices if c.correct)
        return Item(number, question, choices, key=key.letter, key_text=f"{key.letter}. {key.text}")
    if question.kind == "true_false":
        true, false = question.options  # true first, in the fact file's words
        choices = (Choice("T", true.text, true.correct), Choice("F", false.text, false.correct))
        return Item(number, question, choices, key=question.answer, key_text=question.answer)
    if question.kind == "matching":
        right = sorted({p.right for p in question.pairs})
        rng.shuffle(right)
        pairs = list(question.pairs)
        rng.shuffle(pairs)
        choices = tuple(Choice(LETTERS[i], text) for i, text in enumerate(right))
        letter = {c.text: c.letter for c in choices}
        key = ", ".join(f"{i}-{letter[p.right]}" for i, p in enumerate(pairs, 1))
        key_text = "; ".join(f"{p.left} → {p.right}" for p in pairs)
        return Item(number, question, choices, left=tuple(p.left for p in pairs), key=key, key_text=key_text)
    if question.kind == "ordering":
        shown = list(question.items)
        while len(shown) > 1 and shown == list(question.items):
            rng.shuffle(shown)
        choices = tuple(Choice(LETTERS[i], text) for i, text in enumerate(shown))
        letter = {c.text: c.letter for c in choices}
        key = ", ".join(letter[text] for text in question.items)
        return Item(number, question, choices, key=key, key_text=" → ".join(question.items))
    return Item(number, question, key=question.answer, key_text=question.answer)


def _sources(questions: Sequence[Question]) -> tuple[QuestionCitation, ...]:
    seen: dict[str, QuestionCitation] = {}
    for question in questions:
        for citation in question.citations:
            seen.setdefault(citation.source, citation)
    return tuple(sorted(seen.values(), key=lambda c: (c.published, c.publisher)))
