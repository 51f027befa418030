"""Printable quizzes: choose questions, then lay them out as versions, numbered copies and keys.

Pure and deterministic for a seed: the same bank and settings give the same
selection, the same versions, copies and keys. Renderers (Markdown, PDF) only
format what this module decides. Every word printed around the questions comes
from the wording data (``print_*`` texts), never from code.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Mapping, Sequence

from .questions import Question, QuestionCitation

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
SECTION_ORDER = ("multiple_choice", "true_false", "matching", "ordering", "short_answer")
SHUFFLE_TRIES = 200


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
    points: int = 1


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

    @property
    def total_points(self) -> int:
        return sum(item.points for item in self.items)


def default_words() -> dict[str, str]:
    """The shipped wording (``data/wording.yaml``), for callers that do not pass a file's own."""
    from .shipped import data

    return {str(key): str(value) for key, value in data("wording").items()}


def points_for(question: Question, points: Mapping[str, int] | None = None) -> int:
    """A question's points: its id's entry, else its kind's, else one per matching pair and one otherwise."""
    points = points or {}
    if question.id in points:
        return int(points[question.id])
    if question.kind in points:
        return int(points[question.kind])
    return len(question.pairs) if question.kind == "matching" else 1


@dataclass
class _Balancer:
    """Spreads the right answer's position evenly within a paper and, where the queue allows,
    away from the letter other papers already have at the same number."""
    rng: random.Random
    used: Mapping[int, Counter]
    queues: dict[int, list[int]] = field(default_factory=dict)

    def next(self, count: int, number: int) -> int:
        queue = self.queues.setdefault(count, [])
        if not queue:
            queue.extend(self.rng.sample(range(count), count))
        seen = self.used.get(number, Counter())
        best = min(range(len(queue)), key=lambda i: (seen[LETTERS[queue[i]]], -i))
        return queue.pop(best)


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


def tested_facts(question: Question) -> frozenset[str]:
    """The facts a question tests: those it asks about and those whose quotes establish its answer
    (the fact a false statement contradicts, the facts that rule its wrong options out)."""
    return frozenset(question.facts).union(c.fact for c in question.citations if c.fact)


def family_quotas(sizes: dict[str, int], count: int, rng: random.Random) -> dict[str, int]:
    """How many questions each family gets: its share of ``count`` by its share of the pool (largest
    remainders, ties by ``rng``), at least one each when ``count`` allows, never more than it holds."""
    total = sum(sizes.values())
    count = min(count, total)
    if not total:
        return {}
    order = sorted(sizes)
    rng.shuffle(order)
    exact = {f: count * sizes[f] / total for f in order}
    quotas = {f: int(exact[f]) for f in order}
    for f in sorted(order, key=lambda f: exact[f] - quotas[f], reverse=True)[:count - sum(quotas.values())]:
        quotas[f] += 1
    if count >= len(order):
        for f in order:
            if quotas[f] == 0:
                donor = max((d for d in order if quotas[d] > 1), key=lambda d: quotas[d] - exact[d])
                quotas[donor] -= 1
                quotas[f] = 1
    return quotas


def select(questions: Sequence[Question], count: int, seed: int, families: Sequence[str] = (),
           kinds: Sequence[str] = (), include_background: bool = False) -> list[Question]:
    """Up to ``count`` questions: every family of the pool in proportion to its share of it, kinds
    spread within each family, true/false answers within one of half true when the pool allows,
    none giving another away or asking for another's answer, and no fact tested twice (see
    ``tested_facts``). Background questions only with ``include_background``. It reads only what
    questions.json holds, so the same bank read back gives the same quiz."""
    rng = random.Random(f"select:{seed}")
    pool = [q for q in sorted(questions, key=lambda q: q.id)
            if (not families or q.family in families) and (not kinds or q.kind in kinds)
            and (include_background or not q.background)]
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
    # each family's candidates, its kinds taking turns
    queues: dict[str, list[Question]] = {}
    for family, keys in by_family.items():
        lists = [list(buckets[k]) for k in keys]
        queues[family] = [q for round_ in itertools.zip_longest(*lists) for q in round_ if q is not None]
    quotas = family_quotas({f: len(q) for f, q in queues.items()}, count, rng)
    family_order = sorted(queues)
    rng.shuffle(family_order)

    chosen: list[Question] = []
    tested: set[str] = set()  # facts the chosen questions test
    answers = {True: 0, False: 0}
    answers_given: set[str] = set()

    def fits(candidate: Question, balance: bool) -> bool:
        if tested.intersection(tested_facts(candidate)) or _gives_away(candidate, chosen):
            return False
        if candidate.kind not in ("true_false", "matching", "ordering") and candidate.answer.casefold() in answers_given:
            return False  # one answer ("13 January 2020") asked for once
        if balance and candidate.kind == "true_false":
            is_true = any(o.correct for o in candidate.options[:1])
            if answers[is_true] + 1 - answers[not is_true] > 1:
                return False
        return True

    def take(family: str, balance: bool) -> bool:
        for position, candidate in enumerate(queues[family]):
            if fits(candidate, balance):
                del queues[family][position]
                chosen.append(candidate)
                tested.update(tested_facts(candidate))
                answers_given.add(candidate.answer.casefold())
                if candidate.kind == "true_false":
                    answers[any(o.correct for o in candidate.options[:1])] += 1
                return True
        return False

    # first each family's share, then any family, and only then true/false beyond the balance
    for balance, quota_of in ((True, lambda f: quotas.get(f, 0)), (True, lambda f: count), (False, lambda f: count)):
        taken = {f: sum(q.family == f for q in chosen) for f in family_order}
        progress = True
        while progress and len(chosen) < count:
            progress = False
            for family in family_order:
                if len(chosen) >= count or taken[family] >= quota_of(family):
                    continue
                if take(family, balance):
                    taken[family] += 1
                    progress = True
    return chosen


def make_versions(selected: Sequence[Question], versions: int, seed: int, title: str, copies: int = 0,
                  words: Mapping[str, str] | None = None, points: Mapping[str, int] | None = None) -> list[Version]:
    """The same questions on every paper: ``versions`` lettered versions (A, B, ...) and then
    ``copies`` numbered copies (``copy`` 1..N, ``letter`` the version each is a copy of), each
    shuffled on its own. Papers rotate the order of the sections, and within a section the order
    is drawn so that no question keeps a number it had on an earlier paper where that can be
    avoided; the right answer's letter avoids the letters earlier papers have at that number."""
    words = dict(words) if words is not None else default_words()
    sources = _sources(selected)
    kinds = [kind for kind in SECTION_ORDER if any(q.kind == kind for q in selected)]
    taken: dict[str, Counter] = defaultdict(Counter)  # question id -> numbers it had on earlier papers
    letters_at: dict[int, Counter] = defaultdict(Counter)  # number -> answer letters earlier papers have there
    papers = [(LETTERS[index], 0) for index in range(versions)]
    papers += [(LETTERS[(number - 1) % versions], number) for number in range(1, copies + 1)]
    result = []
    for index, (letter, copy) in enumerate(papers):
        name = f"{letter}" if not copy else f"copy{copy}"
        rng = random.Random(f"version:{seed}:{name}")
        balancer = _Balancer(rng, letters_at)
        shift = index % len(kinds) if kinds else 0
        number = 0
        sections = []
        for kind in kinds[shift:] + kinds[:shift]:
            chosen = sorted((q for q in selected if q.kind == kind), key=lambda q: q.id)
            chosen = _spread(chosen, number, taken, rng)
            items = []
            for question in chosen:
                number += 1
                # each question's own shuffles: its id, the paper and the seed, nothing else
                item = _item(question, number, random.Random(f"{seed}:{name}:{question.id}"), balancer)
                items.append(_with_points(item, points_for(question, points)))
                taken[question.id][number] += 1
                if item.question.kind in ("multiple_choice", "true_false"):
                    letters_at[number][item.key] += 1
            sections.append(Section(kind, words[f"print_section_{kind}"], words[f"print_instructions_{kind}"],
                                    tuple(items)))
        result.append(Version(letter, title, tuple(sections), sources, copy))
    return result


def _with_points(item: Item, points: int) -> Item:
    from dataclasses import replace

    return replace(item, points=points)


def _spread(chosen: list[Question], start: int, taken: Mapping[str, Counter], rng: random.Random) -> list[Question]:
    """An order of ``chosen`` (numbered from ``start + 1``) in which questions sit at numbers they
    had on earlier papers as rarely as possible: the first of a few random draws with none, else
    the draw with fewest."""
    best, fewest = list(chosen), None
    for _ in range(SHUFFLE_TRIES):
        order = list(chosen)
        rng.shuffle(order)
        clashes = sum(taken.get(q.id, Counter())[start + i] for i, q in enumerate(order, 1))
        if fewest is None or clashes < fewest:
            best, fewest = order, clashes
        if clashes == 0:
            break
    return best


def same_answer_share(papers: Sequence[Version]) -> tuple[int, int, float]:
    """Across every pair of papers, at every number where both hold a multiple-choice or
    true/false question: (how often the right letters are the same, how many such places, the
    share chance would give: the mean of 1/number of options)."""
    same = places = 0
    chance = 0.0
    for i, first in enumerate(papers):
        for second in papers[i + 1:]:
            for a, b in zip(first.items, second.items):
                if a.question.kind not in ("multiple_choice", "true_false") or a.question.kind != b.question.kind:
                    continue
                places += 1
                same += a.key == b.key
                chance += (1 / len(a.choices) + 1 / len(b.choices)) / 2
    return same, places, (chance / places if places else 0.0)


def _item(question: Question, number: int, rng: random.Random, balancer: _Balancer) -> Item:
    if question.kind == "multiple_choice":
        wrong = [o for o in question.options if not o.correct]
        right = next(o for o in question.options if o.correct)
        rng.shuffle(wrong)
        wrong.insert(balancer.next(len(wrong) + 1, number), right)
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
