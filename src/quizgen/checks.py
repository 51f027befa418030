"""Semantic checks on a fact set: what a schema cannot see.

``check(facts)`` returns every problem (errors and warnings) with its location.
Nothing here raises for a problem in the data; the caller decides.
"""

from __future__ import annotations

import difflib
import re
import string
from collections import defaultdict
from typing import Iterable, Sequence

from .errors import Location, Problem
from .facts import Fact, FactSet
from .questions import Question
from . import generation_rules

PLACEHOLDERS = frozenset(
    {"subject", "object", "date", "when", "place", "role_of", "as_of", "according_to", "measure", "unit"}
)

SHAPE_FIELDS = {
    "binary": {"required": ("object",), "forbidden": ("role", "of", "quantity")},
    "role": {"required": ("role",), "forbidden": ("object", "quantity", "negated", "place")},
    "event": {"required": ("date",), "forbidden": ("object", "role", "of", "quantity", "negated")},
    "quantity": {"required": ("quantity",), "forbidden": ("object", "role", "of", "negated")},
}

_SPACE = re.compile(r"\s+")


def normalise_space(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _suggest(value: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(options), n=1)
    return f"did you mean '{close[0]}'?" if close else ""


def check(facts: FactSet, known_families: Iterable[str] = ()) -> list[Problem]:
    problems: list[Problem] = []
    add = problems.append
    file = facts.file
    families = set(known_families)

    def err(path: tuple, message: str, hint: str, code: str = "") -> None:
        add(Problem(facts.where(*path), message, hint, "error", code))

    def warn(path: tuple, message: str, hint: str, code: str = "") -> None:
        add(Problem(facts.where(*path), message, hint, "warning", code))

    # -- unique ids --------------------------------------------------------
    for section in ("sources", "entities", "facts"):
        seen: dict[str, int] = {}
        for index, item in enumerate(getattr(file, section)):
            if item.id in seen:
                first = facts.where(section, seen[item.id], "id")
                err((section, index, "id"), f"duplicate {section[:-1] if section != 'entities' else 'entity'} id '{item.id}' (first at line {first.line})",
                    "give each one its own id", "duplicate-id")
            else:
                seen[item.id] = index

    # -- relation kinds ------------------------------------------------------
    for name, kind in facts.relation_kinds.items():
        where = ("relations", name)
        if families and kind.family not in families:
            err(where, f"relation kind '{name}' names unknown family '{kind.family}'",
                "families are: " + ", ".join(sorted(families)), "unknown-family")
        for key, template in kind.templates.items():
            try:
                parsed = [(f, spec, conv) for _, f, spec, conv in string.Formatter().parse(template) if f is not None]
                fields = [f for f, _, _ in parsed]
                if any(spec or conv for _, spec, conv in parsed):
                    raise ValueError("placeholders take no format spec or conversion")
            except ValueError as exc:
                err(where + ("templates", key), f"template '{key}' of '{name}' is malformed: {exc}",
                    "write placeholders as {subject}; double a literal brace: {{", "bad-template")
                continue
            unknown = [f for f in fields if f not in PLACEHOLDERS]
            if unknown:
                err(where + ("templates", key), f"template '{key}' of '{name}' uses unknown placeholder {{{unknown[0]}}}",
                    "placeholders are: " + ", ".join(sorted(PLACEHOLDERS)), "bad-template")

    entities = facts.entities
    sources = facts.sources

    def ref(path: tuple, entity_id: str | None, what: str, kinds: tuple[str, ...] = ()) -> None:
        if entity_id is None:
            return
        entity = entities.get(entity_id)
        if entity is None:
            hint = _suggest(entity_id, entities) or "add the entity under 'entities:' or fix the id"
            err(path, f"{what} '{entity_id}' is not a known entity", hint, "dangling-reference")
        elif kinds and entity.kind not in kinds:
            err(path, f"{what} '{entity_id}' is a {entity.kind}, but this relation takes {' or '.join(kinds)}",
                "use another entity or relation, or change the relation's kinds", "wrong-kind")

    def citations(path: tuple, cites) -> None:
        for c_index, citation in enumerate(cites):
            c_path = path + ("citations", c_index)
            source = sources.get(citation.source)
            if source is None:
                hint = _suggest(citation.source, sources) or "add the source under 'sources:' or fix the id"
                err(c_path + ("source",), f"citation names unknown source '{citation.source}'", hint, "unknown-source")
                continue
            text = facts.source_texts.get(source.id)
            if text is not None and normalise_space(citation.quote) not in normalise_space(text):
                err(c_path + ("quote",), f"quote not found in the text of source '{source.id}'",
                    "copy the quote verbatim from the article (spacing may differ, nothing else)", "quote-not-found")

    # -- facts ---------------------------------------------------------------
    used_entities: set[str] = set()
    cited_sources: set[str] = set()
    positive: dict[tuple[str, str, str], int] = {}
    negative: dict[tuple[str, str, str], int] = {}
    event_dates: dict[tuple[str, str], tuple[int, Fact]] = {}
    figures: dict[tuple[str, str, str], int] = {}
    holders: dict[tuple[str, str, tuple], tuple[int, Fact]] = {}
    for index, fact in enumerate(file.facts):
        path = ("facts", index)
        kind = facts.relation_kinds.get(fact.relation)
        used_entities.update(e for e in (fact.subject, fact.object, fact.place, fact.of) if e)
        cited_sources.update(c.source for c in fact.citations)
        citations(path, fact.citations)
        if kind is None:
            hint = _suggest(fact.relation, facts.relation_kinds) or "declare it under 'relations:' or use a shipped kind"
            err(path + ("relation",), f"unknown relation '{fact.relation}'", hint, "unknown-relation")
            continue
        rules = SHAPE_FIELDS[kind.shape]
        for name in rules["required"]:
            if getattr(fact, name) in (None, ""):
                err(path, f"a '{fact.relation}' fact needs '{name}'", f"add '{name}:' to fact '{fact.id}'", "missing-field")
        for name in rules["forbidden"]:
            if getattr(fact, name) not in (None, False, ""):
                err(path + (name,), f"a '{fact.relation}' fact cannot have '{name}'",
                    "remove it, or use a relation of another shape", "forbidden-field")
        ref(path + ("subject",), fact.subject, "subject", kind.subject_kinds)
        ref(path + ("object",), fact.object, "object", kind.object_kinds)
        ref(path + ("place",), fact.place, "place")
        ref(path + ("of",), fact.of, "of")
        if len({c.source for c in fact.citations}) == 1 and not fact.according_to:
            warn(path + ("citations",), f"fact '{fact.id}' rests on a single source",
                 "add a second source's quote if one confirms it", "single-source")
        if fact.disputed:
            warn(path + ("disputed",), f"fact '{fact.id}' is disputed; it is asked with its attribution and proves nothing",
                 "resolve the dispute or keep the attribution", "disputed")
        if kind.shape == "binary" and fact.object:
            key = (fact.relation, fact.subject, fact.object)
            table = negative if fact.negated else positive
            other = positive if fact.negated else negative
            if key in other:
                first = facts.where("facts", other[key], "id")
                err(path, f"fact '{fact.id}' contradicts the fact at line {first.line}: one says '{fact.subject}' "
                          f"{kind.label} '{fact.object}', the other says it did not",
                    "keep the one the sources support, or mark one as disputed", "contradiction")
            table.setdefault(key, index)
        if kind.shape == "event" and fact.date is not None and not fact.disputed:
            key2 = (fact.relation, fact.subject)
            if key2 in event_dates and event_dates[key2][1].date != fact.date:
                first_index, first_fact = event_dates[key2]
                err(path + ("date",), f"'{fact.subject}' has two dates for '{fact.relation}': {first_fact.date} "
                                      f"(line {facts.where('facts', first_index, 'id').line}) and {fact.date}",
                    "an event has one date; keep the one the sources support", "two-dates")
            event_dates.setdefault(key2, (index, fact))
        if kind.shape == "quantity" and fact.quantity is not None:
            key3 = (fact.subject, fact.quantity.measure, fact.according_to or "")
            if key3 in figures:
                err(path, f"a second figure for '{fact.quantity.measure}'",
                    "one figure per measure and attribution; merge them or attribute each", "two-figures")
            figures.setdefault(key3, index)
        if kind.shape == "role" and fact.role:
            month = facts.as_of(fact).month_key()
            key4 = (fact.role.casefold(), fact.of or "", month)
            if key4 in holders and holders[key4][1].subject != fact.subject:
                first_index, first_fact = holders[key4]
                err(path, f"'{fact.role}' is held by both '{first_fact.subject}' (line "
                          f"{facts.where('facts', first_index, 'id').line}) and '{fact.subject}' in the same month",
                    "a post has one holder at a time; correct one, or give the later one its own as_of month", "two-holders")
            holders.setdefault(key4, (index, fact))

    # -- closures ------------------------------------------------------------
    facts_by_relation: dict[str, list[tuple[int, Fact]]] = defaultdict(list)
    for index, fact in enumerate(file.facts):
        if not fact.negated and not fact.disputed:
            facts_by_relation[fact.relation].append((index, fact))
    for index, closure in enumerate(file.closures):
        path = ("closures", index)
        citations(path, closure.citations)
        cited_sources.update(c.source for c in closure.citations)
        kind = facts.relation_kinds.get(closure.relation)
        if kind is None:
            err(path + ("relation",), f"closure names unknown relation '{closure.relation}'",
                _suggest(closure.relation, facts.relation_kinds) or "use a relation kind the file uses", "unknown-relation")
            continue
        if kind.shape != "binary":
            err(path + ("relation",), f"closures apply to binary relations; '{closure.relation}' is a {kind.shape}",
                "events have one date and posts one holder already", "bad-closure")
            continue
        ref(path + ("object",), closure.object, "object")
        ref(path + ("subject",), closure.subject, "subject")
        if closure.among != "all":
            for a_index, entity_id in enumerate(closure.among):
                ref(path + ("among", a_index), entity_id, "entity")
        if closure.kind == "complete" and (closure.object is None) == (closure.subject is None):
            err(path, "a 'complete' closure names exactly one of 'object' or 'subject'",
                "object: D says all subjects of D are listed; subject: X says all of X's objects are", "bad-closure")
            continue
        if closure.kind == "functional" and (closure.object or closure.subject):
            err(path, "a 'functional' closure names no object or subject", "limit it with 'among' instead", "bad-closure")
            continue
        scope = None if closure.among == "all" else set(closure.among)
        rel_facts = facts_by_relation.get(closure.relation, [])
        if closure.kind == "functional":
            by_subject: dict[str, list[tuple[int, Fact]]] = defaultdict(list)
            for i, f in rel_facts:
                if scope is None or f.subject in scope:
                    by_subject[f.subject].append((i, f))
            for subject, items in sorted(by_subject.items()):
                objects = sorted({f.object for _, f in items if f.object})
                if len(objects) > 1:
                    err(("facts", items[1][0]), f"closure at line {facts.where(*path).line} says '{subject}' "
                                                f"{kind.label} one thing, but facts give {', '.join(objects)}",
                        "correct the facts or narrow the closure with 'among'", "closure-contradicted")
        elif scope is not None:
            for i, f in rel_facts:
                if closure.object and f.object == closure.object and f.subject not in scope:
                    err(path + ("among",), f"closure leaves out '{f.subject}', who {kind.label} '{closure.object}' (fact line "
                                           f"{facts.where('facts', i, 'id').line})",
                        f"add '{f.subject}' to 'among'", "closure-contradicted")
                if closure.subject and f.subject == closure.subject and f.object not in scope:
                    err(path + ("among",), f"closure leaves out '{f.object}', which '{closure.subject}' {kind.label}",
                        f"add '{f.object}' to 'among'", "closure-contradicted")

    # -- unused --------------------------------------------------------------
    for index, entity in enumerate(file.entities):
        if entity.id not in used_entities:
            warn(("entities", index, "id"), f"entity '{entity.id}' is never used by a fact",
                 "use it in a fact or remove it", "unused-entity")
    for index, source in enumerate(file.sources):
        if source.id not in cited_sources:
            warn(("sources", index, "id"), f"source '{source.id}' is never cited", "cite it or remove it", "unused-source")
    problems.extend(generation_rules.run(facts, problems))
    return problems


def check_questions(questions: Sequence[Question]) -> list[Problem]:
    """Post-generation checks; any problem here fails the build."""
    problems: list[Problem] = []

    def bad(question: Question, message: str) -> None:
        problems.append(Problem(Location("questions", None, None), f"question {question.id}: {message}",
                                "this is a bug in a generator or a template; please report it", "error",
                                "bad-question"))

    ids: dict[str, Question] = {}
    prompts: dict[str, Question] = {}
    for question in questions:
        if question.id in ids:
            bad(question, "duplicate id")
        ids[question.id] = question
        key = " ".join(question.prompt.split()).casefold()
        if key in prompts and question.kind not in ("ordering", "matching"):
            bad(question, f"same prompt as {prompts[key].id}: {question.prompt!r}")
        prompts.setdefault(key, question)
        if not question.citations:
            bad(question, "cites no source")
        if not question.prompt.strip() or not question.answer.strip():
            bad(question, "empty prompt or answer")
        if question.kind in ("multiple_choice", "true_false"):
            right = [o for o in question.options if o.correct]
            if len(right) != 1:
                bad(question, f"has {len(right)} right options")
            elif right[0].text != question.answer:
                bad(question, "answer is not the right option")
            if question.answer not in question.choices:
                bad(question, "answer is not among the choices")
            texts = [o.text.casefold() for o in question.options]
            if len(set(texts)) != len(texts):
                bad(question, "has duplicate options")
            if len(question.options) < 2:
                bad(question, "has fewer than two options")
            if any(not o.why.strip() for o in question.options if not o.correct):
                bad(question, "has a wrong option without a proof")
        if question.kind == "short_answer" and question.answer not in question.accepted:
            bad(question, "answer is not among the accepted answers")
        if question.kind == "matching":
            if len(question.pairs) < 2 or any(p.right not in question.choices for p in question.pairs):
                bad(question, "matching pairs do not fit the choices")
        if question.kind == "ordering":
            if sorted(question.items) != sorted(question.choices) or len(question.items) < 3:
                bad(question, "ordering items do not fit the choices")
    return problems
