"""What every generator shares: proofs of wrongness, wording, options, citations.

Generators are pure: they read the fact set and return questions. Randomness only
orders things (options, matching columns, ordering items), and every question draws
it from its own ``random.Random`` seeded by its id, so a question's wording and order
depend on nothing but its own facts and proofs: no build seed, no other question,
no generation order.
"""

from __future__ import annotations

import itertools
import random
import string
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence, TypeVar

from ..dates import PartialDate
from ..facts import Closure, Fact, FactSet
from ..ids import question_id
from ..questions import Option, Pair, Question, QuestionCitation
from .wording import Wording

MAX_DISTRACTORS = 3
T = TypeVar("T")


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def decapitalise(text: str) -> str:
    """Lower-case the first letter of a question so it can follow 'According to X, '."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


@lru_cache(maxsize=1024)
def _fields(template: str) -> tuple[str, ...]:
    return tuple(f for _, f, _, _ in string.Formatter().parse(template) if f)


def sentences(parts: Iterable[str]) -> str:
    """Join sentences with spaces, each ending in one full stop."""
    return " ".join(p if p.endswith((".", "!", "?")) else p + "." for p in parts if p)


def with_details(sentence: str, details: Sequence[str]) -> str:
    """'X signed D.' + (date, place) -> 'X signed D (13 January 2020, Moscow).'"""
    if not details:
        return sentence
    return f"{sentence.rstrip('.')} ({', '.join(details)})."


def format_number(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def question_random(qid: str) -> random.Random:
    """The random generator of one question: seeded by its id only."""
    return random.Random(f"quizgen:{qid}")


@dataclass
class Context:
    """A fact set prepared for generation: indexes, proofs, wording and builders."""

    facts: FactSet

    def __post_init__(self) -> None:
        self.wording = Wording.of(self.facts)
        self.positive: dict[tuple[str, str, str], list[Fact]] = defaultdict(list)
        self.contested: set[tuple[str, str, str]] = set()
        self.negated: dict[tuple[str, str, str], Fact] = {}
        self.objects_of: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.subjects_of: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.negated_subjects: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.negated_objects: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.involved: dict[str, set[str]] = defaultdict(set)  # relation -> entities in any of its facts
        self.closures: dict[str, list[Closure]] = defaultdict(list)
        self.complete_for_object: dict[tuple[str, str], list[Closure]] = defaultdict(list)
        self.complete_for_subject: dict[tuple[str, str], list[Closure]] = defaultdict(list)
        self.functional: dict[str, list[Closure]] = defaultdict(list)
        # (relation, entity) -> ids of the relation's facts that name the entity, whatever their polarity
        self.mentions: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.by_kind: dict[str, list[str]] = defaultdict(list)
        for entity in self.facts.file.entities:
            self.by_kind[entity.kind].append(entity.id)
        for fact in self.facts.file.facts:
            kind = self.facts.kind_of(fact)
            if kind.shape != "binary" or fact.object is None:
                continue
            key = (fact.relation, fact.subject, fact.object)
            self.involved[fact.relation].update((fact.subject, fact.object))
            self.mentions[(fact.relation, fact.subject)].append(fact.id)
            if fact.object != fact.subject:
                self.mentions[(fact.relation, fact.object)].append(fact.id)
            if fact.negated:
                if not fact.disputed:
                    self.negated[key] = fact
                    self.negated_subjects[(fact.relation, fact.object)].add(fact.subject)
                    self.negated_objects[(fact.relation, fact.subject)].add(fact.object)
            elif fact.disputed:
                self.contested.add(key)
            else:
                self.positive[key].append(fact)
                self.objects_of[(fact.relation, fact.subject)].add(fact.object)
                self.subjects_of[(fact.relation, fact.object)].add(fact.subject)
        for closure in self.facts.file.closures:
            self.closures[closure.relation].append(closure)
            if closure.kind == "functional":
                self.functional[closure.relation].append(closure)
            elif closure.object is not None:
                self.complete_for_object[(closure.relation, closure.object)].append(closure)
            elif closure.subject is not None:
                self.complete_for_subject[(closure.relation, closure.subject)].append(closure)

    # -- wording ---------------------------------------------------------------
    def name(self, entity_id: str) -> str:
        return self.facts.entities[entity_id].name

    def phrase(self, entity_id: str) -> str:
        return self.facts.entities[entity_id].phrase

    def role_of(self, fact: Fact) -> str:
        role = fact.role or ""
        return self.wording("role_of", role=role, of=self.phrase(fact.of)) if fact.of else role

    def when(self, date: PartialDate) -> str:
        """'on 13 January 2020', 'in January 2020', 'in 2020' (the words are data)."""
        return self.wording(f"when_{date.precision}", date=date.human())

    def quantity(self, value: float, unit: str, qualifier: str) -> str:
        return self.wording(f"quantity_{qualifier}", value=format_number(value), unit=unit).strip()

    @property
    def true(self) -> str:
        return self.wording("true")

    @property
    def false(self) -> str:
        return self.wording("false")

    def true_false(self, answer_true: bool, why: str) -> tuple[Option, Option]:
        """True/false options in fixed order: true first, as on every printed test."""
        return (Option(text=self.true, correct=answer_true, why=why),
                Option(text=self.false, correct=not answer_true, why=why))

    def false_because(self, why: str) -> str:
        return self.wording("false_because", why=why)

    def attributed(self, attribution: str | None, explanation: str) -> str:
        return self.wording("according_to_explanation", source=attribution, text=explanation) if attribution \
            else explanation

    def month(self, fact: Fact) -> str:
        date = self.as_of(fact)
        return PartialDate(date.year, date.month).human()

    def values(self, fact: Fact) -> dict[str, str]:
        """Placeholder values for a fact's templates (phrases, not names: they stand inside sentences)."""
        values = {
            "subject": self.phrase(fact.subject),
            "object": self.phrase(fact.object) if fact.object else "",
            "date": fact.date.human() if fact.date else "",
            "when": self.when(fact.date) if fact.date else "",
            "place": self.phrase(fact.place) if fact.place else "",
            "role_of": self.role_of(fact),
            "as_of": self.month(fact),
            "according_to": fact.according_to or "",
            "measure": fact.quantity.measure if fact.quantity else "",
            "unit": fact.quantity.unit if fact.quantity else "",
        }
        return values

    def render(self, template: str, values: dict[str, str], attribution: str | None = None) -> str | None:
        """Fill a template; None when it needs a value the fact does not have."""
        if any(not values.get(name) for name in _fields(template)):
            return None
        if attribution:
            # lower-case the template's own first word ("Which" -> "which"), never a filled-in name
            if not template.startswith("{"):
                template = decapitalise(template)
            return self.wording("according_to", source=attribution, text=template.format_map(values))
        return capitalise(template.format_map(values))

    # -- proofs ------------------------------------------------------------------
    def proves_not(self, relation: str, subject: str, obj: str) -> str | None:
        """Why the fact set proves 'subject relation obj' false, or None if it does not."""
        key = (relation, subject, obj)
        if key in self.positive or key in self.contested:
            return None
        kind = self.facts.relation_kinds[relation]
        if key in self.negated:
            # a negated fact proves it only in the file's own words; without them it is not used
            if "negated_statement" not in kind.templates:
                return None
            return self.render(kind.templates["negated_statement"], self.values(self.negated[key]))
        for closure in self.complete_for_object.get((relation, obj), ()):
            if closure.among == "all" or subject in closure.among:
                return closure.reason
        for closure in self.complete_for_subject.get((relation, subject), ()):
            if closure.among == "all" or obj in closure.among:
                return closure.reason
        for closure in self.functional.get(relation, ()):
            if closure.among == "all" or subject in closure.among:
                others = sorted(self.objects_of.get((relation, subject), ()))
                if others and obj not in others and "statement" in kind.templates:
                    held = self.render(kind.templates["statement"],
                                       {"subject": self.phrase(subject), "object": self.phrase(others[0])})
                    if held:
                        return self.wording("held_instead", held=held.rstrip("."), reason=decapitalise(closure.reason))
        return None

    def _ranked(self, relation: str, kind: str) -> list[str]:
        """Entities of ``kind`` in the relation's facts, by name: the most plausible wrong options."""
        cache = self.__dict__.setdefault("_ranked_cache", {})
        key = (relation, kind)
        if key not in cache:
            entities = self.facts.entities
            cache[key] = sorted((e for e in self.involved[relation] if e in entities and entities[e].kind == kind),
                                key=lambda e: (self.name(e), e))
        return cache[key]

    def _collect(self, relation: str, explicit: set[str], lazy: bool, kind: str, proven, limit: int) -> list[str]:
        """Up to ``limit`` entities of ``kind`` that ``proven`` accepts: the explicitly named ones
        first (involved ones before others, then by name), then, lazily, the relation's ranked entities."""
        involved = self.involved[relation]
        entities = self.facts.entities
        pool = sorted((e for e in explicit if e in entities and entities[e].kind == kind),
                      key=lambda e: (e not in involved, self.name(e), e))
        chosen: list[str] = []
        seen: set[str] = set()
        for candidate in itertools.chain(pool, self._ranked(relation, kind) if lazy else ()):
            if candidate in seen:
                continue
            seen.add(candidate)
            if proven(candidate):
                chosen.append(candidate)
                if len(chosen) == limit:
                    break
        return chosen

    def wrong_subjects(self, relation: str, obj: str, kind: str, limit: int = 6) -> list[str]:
        """Entities of ``kind`` the fact set proves did not stand in ``relation`` to ``obj``."""
        explicit = set(self.negated_subjects.get((relation, obj), ()))
        lazy = bool(self.functional.get(relation))
        for closure in self.complete_for_object.get((relation, obj), ()):
            if closure.among == "all":
                lazy = True
            else:
                explicit.update(closure.among)
        return self._collect(relation, explicit, lazy, kind, lambda e: self.proves_not(relation, e, obj), limit)

    def wrong_objects(self, relation: str, subject: str, kind: str, limit: int = 6) -> list[str]:
        """Entities of ``kind`` the fact set proves ``subject`` does not stand in ``relation`` to."""
        explicit = set(self.negated_objects.get((relation, subject), ()))
        lazy = bool(self.functional.get(relation))
        for closure in self.complete_for_subject.get((relation, subject), ()):
            if closure.among == "all":
                lazy = True
            else:
                explicit.update(closure.among)
        return self._collect(relation, explicit, lazy, kind, lambda e: self.proves_not(relation, subject, e), limit)

    # -- citations ---------------------------------------------------------------
    def citations(self, facts: Iterable[Fact]) -> tuple[QuestionCitation, ...]:
        cache = self.__dict__.setdefault("_citation_cache", {})
        seen: set[tuple[str, str]] = set()
        result = []
        for fact in facts:
            for citation in fact.citations:
                key = (citation.source, citation.quote)
                if key in seen:
                    continue
                seen.add(key)
                if key not in cache:
                    source = self.facts.sources[citation.source]
                    cache[key] = QuestionCitation(source=source.id, publisher=source.publisher, title=source.title,
                                                  published=source.published.iso(), url=source.url,
                                                  quote=citation.quote)
                result.append(cache[key])
        return tuple(result)

    def as_of(self, fact: Fact) -> PartialDate:
        cache = self.__dict__.setdefault("_as_of_cache", {})
        if fact.id not in cache:
            cache[fact.id] = self.facts.as_of(fact)
        return cache[fact.id]

    def about(self, relation: str, *entities: str) -> set[str]:
        """Ids of the relation's facts that name any of ``entities``: what a question about them rests on."""
        found: set[str] = set()
        for entity in entities:
            found.update(self.mentions.get((relation, entity), ()))
        return found

    # -- options -----------------------------------------------------------------
    @staticmethod
    def options(qid: str, answer: tuple[str, str], distractors: Sequence[tuple[str, str]]) -> tuple[Option, ...]:
        """The options in the order the question's own random generator gives them."""
        rng = question_random(qid)
        wrong = [Option(text=t, correct=False, why=w) for t, w in distractors]
        rng.shuffle(wrong)
        right = Option(text=answer[0], correct=True, why=answer[1])
        wrong.insert(rng.randrange(len(wrong) + 1), right)
        return tuple(wrong)

    def tags(self, family: str, kind: str) -> tuple[str, ...]:
        topic = f"quizgen::{self.facts.topic.id}"
        return (topic, f"{topic}::family::{family}", f"{topic}::kind::{kind}")

    # -- builders ----------------------------------------------------------------
    def question(self, *, family: str, kind: str, template: str, prompt: str, answer: str, explanation: str,
                 facts: Sequence[Fact], variant: str = "", options: tuple[Option, ...] = (),
                 accepted: Sequence[str] = (), pairs: Sequence[Pair] = (), items: Sequence[str] = (),
                 choices: Sequence[str] | None = None, proofs: Iterable[str] = (), qid: str | None = None) -> Question:
        as_of = max((self.as_of(f) for f in facts), key=PartialDate.sort_key)
        own = {f.id for f in facts}
        return Question(
            id=qid or question_id(family, template, [f.id for f in facts], variant),
            family=family, kind=kind, template=template, prompt=prompt, answer=answer,
            choices=tuple(choices) if choices is not None else tuple(o.text for o in options),
            options=options, accepted=tuple(dict.fromkeys(accepted)), pairs=tuple(pairs), items=tuple(items),
            explanation=explanation, citations=self.citations(facts), facts=tuple(f.id for f in facts),
            proofs=tuple(sorted(set(proofs) - own)), tags=self.tags(family, kind), as_of=as_of.iso(),
        )

    def multiple_choice(self, *, family: str, template: str, prompt: str, answer: tuple[str, str],
                        wrong: Sequence[tuple[str, str]], explanation: str, facts: Sequence[Fact],
                        variant: str = "", proofs: Iterable[str] = ()) -> Question:
        """A multiple-choice question; ``answer`` and each of ``wrong`` are (text, why)."""
        qid = question_id(family, template, [f.id for f in facts], variant)
        return self.question(family=family, kind="multiple_choice", template=template, prompt=prompt,
                             answer=answer[0], explanation=explanation, facts=facts, variant=variant,
                             options=self.options(qid, answer, wrong), proofs=proofs, qid=qid)

    def aliases(self, entity_id: str) -> list[str]:
        entity = self.facts.entities[entity_id]
        return [entity.name, *entity.aliases]

    def usable(self, fact: Fact) -> bool:
        """Whether the fact may stand as plain truth: prove options wrong, be an option, be grouped."""
        return not fact.disputed

    def asked(self, fact: Fact) -> bool:
        """Whether questions are asked about the fact: a disputed one only with its attribution."""
        return not fact.disputed or bool(fact.according_to)


def pick(candidates: Iterable[tuple[str, str]], answer: str, limit: int = MAX_DISTRACTORS) -> list[tuple[str, str]]:
    """Up to ``limit`` distractors, unique by text and never equal to the answer, in the given order."""
    return [(text, why) for text, why, _ in pick_with(((t, w, None) for t, w in candidates), answer, limit)]


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
