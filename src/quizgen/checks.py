"""Semantic checks on a fact set: what a schema cannot see.

``check(facts)`` returns every problem (errors and warnings) with its location. It runs each
rule of ``RULES`` in turn: a rule is a small function ``(facts) -> Iterable[Problem]`` with one
job, named for what it keeps true. Adding a check is adding a function to that tuple. Nothing
here raises for a problem in the data; the caller decides.
"""

from __future__ import annotations

import difflib
import re
import string
import unicodedata
from collections import defaultdict
from typing import Callable, Iterable, Iterator, Mapping, Sequence

from pydantic import BaseModel

from .errors import Location, Problem
from .facts import Closure, Fact, FactSet, RelationKind, identity
from .questions import Question
from . import generation_rules

PLACEHOLDERS = frozenset(
    {"subject", "object", "date", "when", "place", "role_of", "as_of", "according_to", "measure", "unit"}
)

SHAPE_FIELDS = {
    "binary": {"required": ("object",), "forbidden": ("role", "of", "quantity")},
    "role": {"required": ("role",), "forbidden": ("object", "quantity", "place")},
    "event": {"required": ("date",), "forbidden": ("object", "role", "of", "quantity", "negated")},
    "quantity": {"required": ("quantity",), "forbidden": ("object", "role", "of", "negated")},
}

# The longest unbroken word a fact file may hold in text that is shown. Real words and compounds
# stay far below (English dictionary words under 50 letters, German compounds under 80, a URL
# quoted from an article near 100); far longer "words" are pasted data, and make line breaking
# in the printed quiz slow (Typst's cost grows faster than the word's length).
LONGEST_WORD = 200

Rule = Callable[[FactSet], Iterable[Problem]]

_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\S{%d,}" % (LONGEST_WORD + 1))


def normalise_space(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _suggest(value: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(options), n=1)
    return f"did you mean '{close[0]}'?" if close else ""


def _error(facts: FactSet, path: tuple, message: str, hint: str, code: str = "") -> Problem:
    return Problem(facts.where(*path), message, hint, "error", code)


def _warning(facts: FactSet, path: tuple, message: str, hint: str, code: str = "") -> Problem:
    return Problem(facts.where(*path), message, hint, "warning", code)


def _line(facts: FactSet, *path) -> int | None:
    return facts.where(*path).line


def _known_facts(facts: FactSet) -> Iterator[tuple[tuple, Fact, RelationKind]]:
    """(path, fact, relation kind) for every fact whose relation is known."""
    for index, fact in enumerate(facts.file.facts):
        kind = facts.relation_kinds.get(fact.relation)
        if kind is not None:
            yield ("facts", index), fact, kind


# -- identity ---------------------------------------------------------------------------------

def unique_ids(facts: FactSet) -> Iterator[Problem]:
    """Sources, entities and facts each have ids of their own."""
    for section in ("sources", "entities", "facts"):
        seen: dict[str, int] = {}
        for index, item in enumerate(getattr(facts.file, section)):
            if item.id in seen:
                first = facts.where(section, seen[item.id], "id")
                what = "entity" if section == "entities" else section[:-1]
                yield _error(facts, (section, index, "id"), f"duplicate {what} id '{item.id}' (first at line {first.line})",
                             "give each one its own id", "duplicate-id")
            else:
                seen[item.id] = index


def _shown(text: str) -> str:
    """A name quoted so that what makes it differ is visible: invisible characters escaped,
    and a note when accents are written as separate marks."""
    shown = repr(text)
    if not unicodedata.is_normalized("NFC", text):
        shown += " (accents written as separate marks)"
    return shown


def distinct_names(facts: FactSet) -> Iterator[Problem]:
    """No two entities have names (or aliases) a reader cannot tell apart: compared after NFKC
    normalisation, case folding and removal of invisible format characters."""
    seen: dict[str, tuple[int, str, str]] = {}
    for index, entity in enumerate(facts.file.entities):
        names = [("name", entity.name)] + [(f"alias {n + 1}", alias) for n, alias in enumerate(entity.aliases)]
        paths = [("entities", index, "name")] + [("entities", index, "aliases", n) for n in range(len(entity.aliases))]
        for (label, text), path in zip(names, paths):
            key = identity(text)
            if key in seen and seen[key][0] != index:
                first_index, first_label, first_text = seen[key]
                first = facts.file.entities[first_index]
                where = facts.where("entities", first_index)
                yield _error(facts, path, f"entity '{entity.id}' {label} {_shown(text)} looks the same as entity "
                                          f"'{first.id}' {first_label} {_shown(first_text)} (line {where.line}, "
                                          f"column {where.column})",
                             "give each entity a name readers can tell apart (case, accents written two ways and "
                             "invisible characters do not count)", "look-alike-names")
            seen.setdefault(key, (index, label, text))


# -- relation kinds -----------------------------------------------------------------------------

def template_placeholders(facts: FactSet) -> Iterator[Problem]:
    """Every template parses and names only placeholders generators fill."""
    for name, kind in facts.relation_kinds.items():
        where = ("relations", name)
        for key, template in kind.templates.items():
            try:
                parsed = [(f, spec, conv) for _, f, spec, conv in string.Formatter().parse(template) if f is not None]
                fields = [f for f, _, _ in parsed]
                if any(spec or conv for _, spec, conv in parsed):
                    raise ValueError("placeholders take no format spec or conversion")
            except ValueError as exc:
                yield _error(facts, where + ("templates", key), f"template '{key}' of '{name}' is malformed: {exc}",
                             "write placeholders as {subject}; double a literal brace: {{", "bad-template")
                continue
            unknown = [f for f in fields if f not in PLACEHOLDERS]
            if unknown:
                yield _error(facts, where + ("templates", key),
                             f"template '{key}' of '{name}' uses unknown placeholder {{{unknown[0]}}}",
                             "placeholders are: " + ", ".join(sorted(PLACEHOLDERS)), "bad-template")


def family_rule(families: Iterable[str]) -> Rule:
    """A rule: every relation kind names one of ``families``."""
    known = frozenset(families)

    def relation_families(facts: FactSet) -> Iterator[Problem]:
        for name, kind in facts.relation_kinds.items():
            if kind.family not in known:
                yield _error(facts, ("relations", name), f"relation kind '{name}' names unknown family '{kind.family}'",
                             "families are: " + ", ".join(sorted(known)), "unknown-family")

    return relation_families


# -- facts --------------------------------------------------------------------------------------

def known_relations(facts: FactSet) -> Iterator[Problem]:
    """Every fact's relation is a known relation kind."""
    for index, fact in enumerate(facts.file.facts):
        if fact.relation not in facts.relation_kinds:
            hint = _suggest(fact.relation, facts.relation_kinds) or "declare it under 'relations:' or use a shipped kind"
            yield _error(facts, ("facts", index, "relation"), f"unknown relation '{fact.relation}'", hint,
                         "unknown-relation")


def shape_fields(facts: FactSet) -> Iterator[Problem]:
    """A fact has the fields its relation's shape needs, and none it cannot have."""
    for path, fact, kind in _known_facts(facts):
        rules = SHAPE_FIELDS[kind.shape]
        for name in rules["required"]:
            if name == "date" and fact.by is not None:
                continue  # an event known only by a bound
            if getattr(fact, name) in (None, ""):
                yield _error(facts, path, f"a '{fact.relation}' fact needs '{name}'", f"add '{name}:' to fact '{fact.id}'",
                             "missing-field")
        for name in rules["forbidden"]:
            if getattr(fact, name) not in (None, False, ""):
                yield _error(facts, path + (name,), f"a '{fact.relation}' fact cannot have '{name}'",
                             "remove it, or use a relation of another shape", "forbidden-field")


def _reference(facts: FactSet, path: tuple, entity_id: str | None, what: str,
               kinds: tuple[str, ...] = ()) -> Iterator[Problem]:
    if entity_id is None:
        return
    entity = facts.entities.get(entity_id)
    if entity is None:
        hint = _suggest(entity_id, facts.entities) or "add the entity under 'entities:' or fix the id"
        yield _error(facts, path, f"{what} '{entity_id}' is not a known entity", hint, "dangling-reference")
    elif kinds and entity.kind not in kinds:
        yield _error(facts, path, f"{what} '{entity_id}' is a {entity.kind}, but this relation takes {' or '.join(kinds)}",
                     "use another entity or relation, or change the relation's kinds", "wrong-kind")


def fact_references(facts: FactSet) -> Iterator[Problem]:
    """A fact's subject, object, place and 'of' are known entities of the kinds its relation takes."""
    for path, fact, kind in _known_facts(facts):
        yield from _reference(facts, path + ("subject",), fact.subject, "subject", kind.subject_kinds)
        yield from _reference(facts, path + ("object",), fact.object, "object", kind.object_kinds)
        yield from _reference(facts, path + ("place",), fact.place, "place")
        yield from _reference(facts, path + ("of",), fact.of, "of")


def _citing(facts: FactSet) -> Iterator[tuple[tuple, object]]:
    """(path, citation) for every citation of every fact and closure, in file order."""
    for section in ("facts", "closures"):
        for index, item in enumerate(getattr(facts.file, section)):
            for c_index, citation in enumerate(item.citations):
                yield (section, index, "citations", c_index), citation


def citation_sources(facts: FactSet) -> Iterator[Problem]:
    """Every citation names a known source."""
    for path, citation in _citing(facts):
        if citation.source not in facts.sources:
            hint = _suggest(citation.source, facts.sources) or "add the source under 'sources:' or fix the id"
            yield _error(facts, path + ("source",), f"citation names unknown source '{citation.source}'", hint,
                         "unknown-source")


def quotes_found(facts: FactSet) -> Iterator[Problem]:
    """Every quote occurs in its source's text (white space aside), when the text was given."""
    spaced: dict[str, str] = {}
    for path, citation in _citing(facts):
        text = facts.source_texts.get(citation.source)
        if text is None or citation.source not in facts.sources:
            continue
        if citation.source not in spaced:
            spaced[citation.source] = normalise_space(text)
        if normalise_space(citation.quote) not in spaced[citation.source]:
            yield _error(facts, path + ("quote",), f"quote not found in the text of source '{citation.source}'",
                         "copy the quote verbatim from the article (spacing may differ, nothing else)", "quote-not-found")


def single_source(facts: FactSet) -> Iterator[Problem]:
    """Warn about a fact that rests on one source and no attribution."""
    for path, fact, _ in _known_facts(facts):
        if len({c.source for c in fact.citations}) == 1 and not fact.according_to:
            yield _warning(facts, path + ("citations",), f"fact '{fact.id}' rests on a single source",
                           "add a second source's quote if one confirms it", "single-source")


def disputed(facts: FactSet) -> Iterator[Problem]:
    """Warn about a disputed fact with an attribution: it is asked only as what its source says
    and proves nothing. (One without an attribution is not asked at all: the generation rule
    ``not_asked`` says so, and this rule stays silent rather than contradict it.)"""
    for path, fact, _ in _known_facts(facts):
        if fact.disputed and fact.according_to:
            yield _warning(facts, path + ("disputed",), f"fact '{fact.id}' is disputed; it is asked only as what "
                                                        f"'{fact.according_to}' says and proves no option wrong",
                           "resolve the dispute, or keep the attribution", "disputed")


def no_contradictions(facts: FactSet) -> Iterator[Problem]:
    """No binary statement is both asserted and negated."""
    positive: dict[tuple[str, str, str], int] = {}
    negative: dict[tuple[str, str, str], int] = {}
    for path, fact, kind in _known_facts(facts):
        if kind.shape != "binary" or not fact.object:
            continue
        key = (fact.relation, fact.subject, fact.object)
        table, other = (negative, positive) if fact.negated else (positive, negative)
        if key in other:
            first = facts.where("facts", other[key], "id")
            yield _error(facts, path, f"fact '{fact.id}' contradicts the fact at line {first.line}: one says "
                                      f"'{fact.subject}' {kind.label} '{fact.object}', the other says it did not",
                         "keep the one the sources support, or mark one as disputed", "contradiction")
        table.setdefault(key, path[1])


def one_date_per_event(facts: FactSet) -> Iterator[Problem]:
    """An event (undisputed) has one date."""
    dates: dict[tuple[str, str], tuple[int, Fact]] = {}
    for path, fact, kind in _known_facts(facts):
        if kind.shape != "event" or fact.date is None or fact.disputed:
            continue
        key = (fact.relation, fact.subject)
        if key in dates and dates[key][1].date != fact.date:
            first_index, first = dates[key]
            yield _error(facts, path + ("date",), f"'{fact.subject}' has two dates for '{fact.relation}': {first.date} "
                                                  f"(line {_line(facts, 'facts', first_index, 'id')}) and {fact.date}",
                         "an event has one date; keep the one the sources support", "two-dates")
        dates.setdefault(key, (path[1], fact))


def one_figure_per_measure(facts: FactSet) -> Iterator[Problem]:
    """A measure has one figure per attribution, or one per date when each gives its `as_of` and no
    two of those dates can be the same day."""
    from .dates import first_day, last_day

    def overlap(a, b) -> bool:  # the two dates can be the same day
        return not (last_day(a) < first_day(b) or last_day(b) < first_day(a))

    seen: dict[tuple[str, str, str], list[Fact]] = {}
    for path, fact, kind in _known_facts(facts):
        if kind.shape != "quantity" or fact.quantity is None:
            continue
        key = (fact.subject, fact.quantity.measure, fact.according_to or "")
        earlier = seen.setdefault(key, [])
        if any(fact.as_of is None or other.as_of is None or overlap(fact.as_of, other.as_of) for other in earlier):
            yield _error(facts, path, f"a second figure for '{fact.quantity.measure}'",
                         "one figure per measure and attribution, or per date: give each figure its own "
                         "as_of (2019 and 2020, not 2019 and 2019-05)", "two-figures")
        earlier.append(fact)


def one_holder_per_post(facts: FactSet) -> Iterator[Problem]:
    """A post has one holder in any month."""
    holders: dict[tuple[str, str, tuple], tuple[int, Fact]] = {}
    for path, fact, kind in _known_facts(facts):
        if kind.shape != "role" or not fact.role or fact.holders == "several" or fact.negated:
            continue
        key = ((fact.post or fact.role).casefold(), fact.of or "", facts.as_of(fact).month_key())
        if key in holders and holders[key][1].subject != fact.subject:
            first_index, first = holders[key]
            yield _error(facts, path, f"'{fact.role}' is held by both '{first.subject}' (line "
                                      f"{_line(facts, 'facts', first_index, 'id')}) and '{fact.subject}' in the same month",
                         "a post has one holder at a time; correct one, or give the later one its own as_of month",
                         "two-holders")
        holders.setdefault(key, (path[1], fact))


# -- closures -----------------------------------------------------------------------------------

def _closure_problems(facts: FactSet, path: tuple, closure: Closure) -> list[Problem]:
    kind = facts.relation_kinds.get(closure.relation)
    if kind is None:
        return [_error(facts, path + ("relation",), f"closure names unknown relation '{closure.relation}'",
                       _suggest(closure.relation, facts.relation_kinds) or "use a relation kind the file uses",
                       "unknown-relation")]
    if kind.shape != "binary":
        return [_error(facts, path + ("relation",), f"closures apply to binary relations; '{closure.relation}' is a "
                                                    f"{kind.shape}", "events have one date and posts one holder already",
                       "bad-closure")]
    problems = list(_reference(facts, path + ("object",), closure.object, "object"))
    problems += _reference(facts, path + ("subject",), closure.subject, "subject")
    if closure.among != "all":
        for a_index, entity_id in enumerate(closure.among):
            problems += _reference(facts, path + ("among", a_index), entity_id, "entity")
    if closure.kind == "complete" and (closure.object is None) == (closure.subject is None):
        problems.append(_error(facts, path, "a 'complete' closure names exactly one of 'object' or 'subject'",
                               "object: D says all subjects of D are listed; subject: X says all of X's objects are",
                               "bad-closure"))
    if closure.kind == "functional" and (closure.object or closure.subject):
        problems.append(_error(facts, path, "a 'functional' closure names no object or subject",
                               "limit it with 'among' instead", "bad-closure"))
    return problems


def closures_well_formed(facts: FactSet) -> Iterator[Problem]:
    """A closure names a known binary relation, known entities, and the fields its kind takes."""
    for index, closure in enumerate(facts.file.closures):
        yield from _closure_problems(facts, ("closures", index), closure)


def closures_hold(facts: FactSet) -> Iterator[Problem]:
    """No fact contradicts a (well-formed) closure: a functional subject has one object; 'among' leaves
    out no one the facts name."""
    by_relation: dict[str, list[tuple[int, Fact]]] = defaultdict(list)
    for index, fact in enumerate(facts.file.facts):
        if not fact.negated and not fact.disputed:
            by_relation[fact.relation].append((index, fact))
    for index, closure in enumerate(facts.file.closures):
        path = ("closures", index)
        if any(p.code == "bad-closure" or p.code == "unknown-relation" for p in _closure_problems(facts, path, closure)):
            continue
        kind = facts.relation_kinds[closure.relation]
        scope = None if closure.among == "all" else set(closure.among)
        rel_facts = by_relation.get(closure.relation, [])
        if closure.kind == "functional":
            by_subject: dict[str, list[tuple[int, Fact]]] = defaultdict(list)
            for i, f in rel_facts:
                if scope is None or f.subject in scope:
                    by_subject[f.subject].append((i, f))
            for subject, items in sorted(by_subject.items()):
                objects = sorted({f.object for _, f in items if f.object})
                # A contested claim is no contradiction: each side attributed to whoever says it
                # (different according_to). One account, or the file's own word, giving two is.
                accounts: dict[str | None, set[str]] = defaultdict(set)
                for _, f in items:
                    if f.object:
                        accounts[f.according_to].add(f.object)
                plain = accounts.get(None, set())
                contradicted = any(len(found) > 1 for found in accounts.values()) or bool(
                    plain and any(found - plain for found in accounts.values()))
                if contradicted:
                    yield _error(facts, ("facts", items[1][0]), f"closure at line {_line(facts, *path)} says '{subject}' "
                                                                f"{kind.label} one thing, but facts give {', '.join(objects)}",
                                 "correct the facts, narrow the closure with 'among', or, where sources disagree, give "
                                 "each side its according_to", "closure-contradicted")
        elif scope is not None:
            for i, f in rel_facts:
                if closure.object and f.object == closure.object and f.subject not in scope:
                    yield _error(facts, path + ("among",), f"closure leaves out '{f.subject}', who {kind.label} "
                                                           f"'{closure.object}' (fact line {_line(facts, 'facts', i, 'id')})",
                                 f"add '{f.subject}' to 'among'", "closure-contradicted")
                if closure.subject and f.subject == closure.subject and f.object not in scope:
                    yield _error(facts, path + ("among",), f"closure leaves out '{f.object}', which '{closure.subject}' "
                                                           f"{kind.label}",
                                 f"add '{f.object}' to 'among'", "closure-contradicted")


# -- text -----------------------------------------------------------------------------------------

def closures_cited(facts: FactSet) -> Iterator[Problem]:
    """Warn about a closure that cites no source: a closure is a claim like any fact, and its quotes
    are part of the evidence of every answer it proves."""
    for index, closure in enumerate(facts.file.closures):
        if not closure.citations:
            yield _warning(facts, ("closures", index), f"closure on '{closure.relation}' cites no source, so "
                           "the answers it proves show no quote for it", "add citations: with a quote that states it",
                           "uncited-closure")


def word_length(facts: FactSet) -> Iterator[Problem]:
    """No shown text holds an unbroken word longer than LONGEST_WORD characters."""
    found: list[tuple[tuple, re.Match[str]]] = []
    stack: list[tuple[tuple, object]] = [((), facts.file)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, str):
            if len(node) > LONGEST_WORD and (match := _WORD.search(node)):
                found.append((path, match))
        elif isinstance(node, BaseModel):
            stack.extend((path + (name,), value) for name, value in node.__dict__.items()
                         if name != "url" and isinstance(value, (str, BaseModel, tuple, Mapping)))
        elif isinstance(node, tuple):
            stack.extend((path + (index,), item) for index, item in enumerate(node))
        elif isinstance(node, Mapping):
            stack.extend((path + (key,), value) for key, value in node.items())
    for path, match in sorted(found, key=lambda item: facts.where(*item[0])):
        yield _error(facts, path, f"a word of {len(match.group()):,} characters without a space "
                                  f"(starting {match.group()[:20]!r}); the longest allowed is {LONGEST_WORD}",
                     "break it with spaces, or shorten it: it looks like pasted data, not text", "long-word")


# -- use --------------------------------------------------------------------------------------------

def entities_used(facts: FactSet) -> Iterator[Problem]:
    """Warn about an entity no fact uses."""
    used = {e for f in facts.file.facts for e in (f.subject, f.object, f.place, f.of) if e}
    for index, entity in enumerate(facts.file.entities):
        if entity.id not in used:
            yield _warning(facts, ("entities", index, "id"), f"entity '{entity.id}' is never used by a fact",
                           "use it in a fact or remove it", "unused-entity")


def sources_cited(facts: FactSet) -> Iterator[Problem]:
    """Warn about a source no fact or closure cites."""
    cited = {citation.source for _, citation in _citing(facts)}
    for index, source in enumerate(facts.file.sources):
        if source.id not in cited:
            yield _warning(facts, ("sources", index, "id"), f"source '{source.id}' is never cited",
                           "cite it or remove it", "unused-source")


RULES: tuple[Rule, ...] = (
    unique_ids,
    distinct_names,
    template_placeholders,
    known_relations,
    shape_fields,
    fact_references,
    citation_sources,
    quotes_found,
    single_source,
    disputed,
    no_contradictions,
    one_date_per_event,
    one_figure_per_measure,
    one_holder_per_post,
    closures_well_formed,
    closures_hold,
    closures_cited,
    word_length,
    entities_used,
    sources_cited,
)
"""Every rule ``check`` runs, in order. Modules with rules of their own append them here."""


def check(facts: FactSet, known_families: Iterable[str] = (), rules: Sequence[Rule] | None = None) -> list[Problem]:
    """Every problem ``rules`` (default: RULES) find, plus unknown families when ``known_families`` is given."""
    selected = list(RULES if rules is None else rules)
    families = frozenset(known_families)
    if families:
        selected.insert(0, family_rule(families))
    problems = [problem for rule in selected for problem in rule(facts)]
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
