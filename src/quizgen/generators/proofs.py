"""Proofs: why the fact set proves a statement false (a wrong option's reason), and which
entities are provably wrong answers."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from ..facts import Closure, Fact
from .index import FactIndex
from .wording import Words, decapitalise


@dataclass(frozen=True)
class Disproof:
    """Why a statement is false, and what establishes it: the facts it contradicts and the closure
    that makes them exclude it (none for a negated fact, which states it outright). A complete
    closure's own quote names who is in the list; only an uncited one is backed by the listed facts."""

    reason: str
    facts: tuple[Fact, ...] = ()
    closure: Closure | None = None

    def evidence(self, role: str = "contradicts") -> list[tuple[str, Fact | Closure]]:
        found: list[tuple[str, Fact | Closure]] = [(role, f) for f in self.facts]
        if self.closure is not None:
            found.append(("closure", self.closure))
        return found


class Proofs:
    """Why-not for binary relations, from negated facts and closures; nothing else proves."""

    def __init__(self, index: FactIndex, words: Words) -> None:
        self.index = index
        self.words = words
        self.facts = index.facts

    def proves_not(self, relation: str, subject: str, obj: str) -> str | None:
        """Why the fact set proves 'subject relation obj' false, or None if it does not."""
        found = self.disproof(relation, subject, obj)
        return found.reason if found else None

    def disproof(self, relation: str, subject: str, obj: str) -> Disproof | None:
        """Why and by what the fact set proves 'subject relation obj' false, or None.

        A closure never proves a claim about a contested subject false (one whose facts in the
        relation are disputed or attributed: sources disagree), and never rests on such a fact."""
        cache = self.__dict__.setdefault("_disproof_cache", {})
        key = (relation, subject, obj)
        if key not in cache:
            cache[key] = self._disproof(relation, subject, obj)
        return cache[key]

    def _disproof(self, relation: str, subject: str, obj: str) -> Disproof | None:
        key = (relation, subject, obj)
        index = self.index
        if key in index.positive or key in index.contested:
            return None
        kind = self.facts.relation_kinds[relation]
        if key in index.negated:
            # a negated fact proves it only in the file's own words; without them it is not used
            if "negated_statement" not in kind.templates:
                return None
            fact = index.negated[key]
            return Disproof(self.words.render(kind.templates["negated_statement"], self.words.values(fact)), (fact,))
        if index.is_contested(relation, subject):
            return None  # sources disagree on this subject here: no closure keys its pairs False
        for closure in index.complete_for_object.get((relation, obj), ()):
            if closure.among == "all" or subject in closure.among:
                listed = tuple(f for s in sorted(index.subjects_of.get((relation, obj), ()))
                               for f in index.positive[(relation, s, obj)] if index.plain(f))
                return Disproof(closure.reason, () if closure.citations else listed, closure)
        for closure in index.complete_for_subject.get((relation, subject), ()):
            if closure.among == "all" or obj in closure.among:
                listed = tuple(f for o in sorted(index.objects_of.get((relation, subject), ()))
                               for f in index.positive[(relation, subject, o)] if index.plain(f))
                return Disproof(closure.reason, () if closure.citations else listed, closure)
        for closure in index.functional.get(relation, ()):
            if closure.among == "all" or subject in closure.among:
                others = sorted(index.objects_of.get((relation, subject), ()))
                if others and obj not in others and "statement" in kind.templates:
                    held_fact = index.positive[(relation, subject, others[0])][0]
                    if not index.plain(held_fact):
                        continue
                    held = self.words.render(kind.templates["statement"],
                                       {"subject": self.words.phrase(subject), "object": self.words.phrase(others[0])})
                    if held:
                        return Disproof(self.words.text("held_instead", held=held.rstrip("."),
                                                        reason=decapitalise(closure.reason)), (held_fact,), closure)
        return None

    def _ranked(self, relation: str, kind: str) -> list[str]:
        """Entities of ``kind`` in the relation's facts, by name: the most plausible wrong options."""
        cache = self.__dict__.setdefault("_ranked_cache", {})
        key = (relation, kind)
        if key not in cache:
            entities = self.facts.entities
            cache[key] = sorted((e for e in self.index.involved[relation] if e in entities and entities[e].kind == kind),
                                key=lambda e: (self.words.name(e), e))
        return cache[key]

    def _collect(self, relation: str, explicit: set[str], lazy: bool, kind: str, proven, limit: int) -> list[str]:
        """Up to ``limit`` entities of ``kind`` that ``proven`` accepts: the explicitly named ones
        first (involved ones before others, then by name), then, lazily, the relation's ranked entities."""
        involved = self.index.involved[relation]
        entities = self.facts.entities
        pool = sorted((e for e in explicit if e in entities and entities[e].kind == kind),
                      key=lambda e: (e not in involved, self.words.name(e), e))
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
        explicit = set(self.index.negated_subjects.get((relation, obj), ()))
        lazy = bool(self.index.functional.get(relation))
        for closure in self.index.complete_for_object.get((relation, obj), ()):
            if closure.among == "all":
                lazy = True
            else:
                explicit.update(closure.among)
        return self._collect(relation, explicit, lazy, kind, lambda e: self.proves_not(relation, e, obj), limit)

    def wrong_objects(self, relation: str, subject: str, kind: str, limit: int = 6) -> list[str]:
        """Entities of ``kind`` the fact set proves ``subject`` does not stand in ``relation`` to."""
        explicit = set(self.index.negated_objects.get((relation, subject), ()))
        lazy = bool(self.index.functional.get(relation))
        for closure in self.index.complete_for_subject.get((relation, subject), ()):
            if closure.among == "all":
                lazy = True
            else:
                explicit.update(closure.among)
        return self._collect(relation, explicit, lazy, kind, lambda e: self.proves_not(relation, subject, e), limit)
