"""FactIndex: a fact set's binary facts and closures, indexed for questions and proofs."""

from __future__ import annotations

from collections import defaultdict

from ..dates import PartialDate
from ..facts import Closure, Fact, FactSet


class FactIndex:
    """Who stands in which relation to whom (positive, negated, contested), the closures by what
    they cover, and which facts name an entity. Built once, in one pass over the facts."""

    def __init__(self, facts: FactSet) -> None:
        self.facts = facts
        self._as_of: dict[str, PartialDate] = {}
        self.positive: dict[tuple[str, str, str], list[Fact]] = defaultdict(list)
        self.contested: set[tuple[str, str, str]] = set()  # disputed, either way
        # (relation, subject) with a disputed or attributed fact: what the subject stands in the relation to
        # is contested, so no closure proves its other pairs false
        self.attributed_subjects: set[tuple[str, str]] = set()
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
        for entity in facts.file.entities:
            self.by_kind[entity.kind].append(entity.id)
        for fact in facts.file.facts:
            kind = facts.kind_of(fact)
            if kind.shape != "binary" or fact.object is None:
                continue
            key = (fact.relation, fact.subject, fact.object)
            self.involved[fact.relation].update((fact.subject, fact.object))
            self.mentions[(fact.relation, fact.subject)].append(fact.id)
            if fact.object != fact.subject:
                self.mentions[(fact.relation, fact.object)].append(fact.id)
            if fact.disputed or fact.according_to:
                self.attributed_subjects.add((fact.relation, fact.subject))
            if fact.negated:
                if fact.disputed:
                    self.contested.add(key)
                else:
                    self.negated[key] = fact
                    self.negated_subjects[(fact.relation, fact.object)].add(fact.subject)
                    self.negated_objects[(fact.relation, fact.subject)].add(fact.object)
            elif fact.disputed:
                self.contested.add(key)
            else:
                self.positive[key].append(fact)
                self.objects_of[(fact.relation, fact.subject)].add(fact.object)
                self.subjects_of[(fact.relation, fact.object)].add(fact.subject)
        for closure in facts.file.closures:
            self.closures[closure.relation].append(closure)
            if closure.kind == "functional":
                self.functional[closure.relation].append(closure)
            elif closure.object is not None:
                self.complete_for_object[(closure.relation, closure.object)].append(closure)
            elif closure.subject is not None:
                self.complete_for_subject[(closure.relation, closure.subject)].append(closure)


    def as_of(self, fact: Fact) -> PartialDate:
        """When the fact is known to hold (computed once per fact)."""
        found = self._as_of.get(fact.id)
        if found is None:
            found = self._as_of[fact.id] = self.facts.as_of(fact)
        return found

    def rests_on(self, relation: str, anchor: str, candidates, candidates_are_subjects: bool) -> list[str]:
        """The facts a "which of these" question about ``anchor`` rests on: every fact naming the
        anchor (rival answers, facts pairing it with a candidate), and for each candidate what makes
        it one: its only fact in the relation (without it, it would not be a candidate), and, for
        a candidate subject, the objects it has (a functional closure proves it wrong with them)."""
        found = list(self.mentions.get((relation, anchor), ()))
        facts = self.facts.facts
        for candidate in candidates:
            mentions = self.mentions.get((relation, candidate), ())
            if len(mentions) == 1:
                found.extend(mentions)
            elif candidates_are_subjects:
                found.extend(f for f in mentions if facts[f].subject == candidate and not facts[f].negated)
        return found

    def about(self, relation: str, *entities: str) -> set[str]:
        """Ids of the relation's facts that name any of ``entities``: what a question about them rests on."""
        found: set[str] = set()
        for entity in entities:
            found.update(self.mentions.get((relation, entity), ()))
        return found

    def is_contested(self, relation: str, subject: str) -> bool:
        """Whether sources disagree on what ``subject`` stands in ``relation`` to: one of its facts there
        is disputed or attributed (only some sources say it)."""
        return (relation, subject) in self.attributed_subjects

    @staticmethod
    def plain(fact: Fact) -> bool:
        """Whether the fact is neither disputed nor attributed: what a closure may rest on."""
        return not fact.disputed and not fact.according_to

    def usable(self, fact: Fact) -> bool:
        """Whether the fact may stand as plain truth: prove options wrong, be an option, be grouped."""
        return not fact.disputed

    def asked(self, fact: Fact) -> bool:
        """Whether questions are asked about the fact: a disputed one only with its attribution."""
        return not fact.disputed or bool(fact.according_to)
