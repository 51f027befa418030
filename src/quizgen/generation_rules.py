"""Check rules for what question generation needs of a fact file.

Each rule is ``(facts) -> Iterable[Problem]`` and reports, at the fact at fault, anything a
generator would otherwise stumble on, so that every file ``check`` accepts builds. They run
only on a fact set whose references are sound (``run`` skips them when other checks failed).
"""

from __future__ import annotations

import difflib
from typing import Callable, Iterable, Sequence

from .errors import Problem
from .facts import Fact, FactSet

# The templates a generator renders once per fact, by relation shape.
PER_FACT_TEMPLATES: dict[str, tuple[str, ...]] = {
    "binary": ("ask_date", "ask_place", "statement"),
    "role": ("ask_role", "ask_holder", "statement"),
    "event": ("ask_date", "statement"),
    "quantity": ("ask_value", "ask_value_unattributed"),
}


def _asked(fact: Fact, shape: str) -> bool:
    """Whether generators ask about the fact at all: a disputed one only with its attribution."""
    return not fact.disputed or bool(fact.according_to)


def same_question_twice(facts: FactSet) -> Iterable[Problem]:
    """Two facts whose questions read the same (a figure's measure given twice for two subjects,
    two relations with one wording): the bank would hold one question with two answers."""
    from .generators.figures import figure_prompt
    from .generators.wording import Words

    words = Words(facts, facts.as_of)
    seen: dict[str, tuple[int, Fact, str]] = {}
    for index, fact in enumerate(facts.file.facts):
        kind = facts.kind_of(fact)
        if not _asked(fact, kind.shape):
            continue
        for name in _per_fact_templates(fact, kind.shape):
            if kind.shape == "quantity" and name != ("ask_value" if fact.according_to else "ask_value_unattributed"):
                continue
            if name not in kind.templates or name in kind.skip:
                continue
            if name == "ask_holder" and fact.holders == "several":
                continue  # a post several hold at once is not asked "Who was …"
            if kind.shape == "quantity":
                prompt = figure_prompt(words, fact, kind.templates[name])  # with its as_of date, if any
            else:
                prompt = words.render_fact(kind.templates[name], fact, fact.according_to)
            if not prompt:
                continue
            key = " ".join(prompt.split()).casefold()
            if key in seen and seen[key][1].id != fact.id:
                first = seen[key][1]
                line = facts.where("facts", seen[key][0], "id").line
                yield Problem(facts.where("facts", index, "id"),
                              f"facts '{first.id}' (line {line}) and '{fact.id}' ask the same question: {prompt!r}",
                              "tell them apart: give each its own measure or wording, or attribute them "
                              "to different sources", "error", "same-question")
            seen.setdefault(key, (index, fact, name))


def _per_fact_templates(fact: Fact, shape: str) -> tuple[str, ...]:
    """The templates asked once for the fact: an event known by a bound is asked 'By what date',
    a post someone did not hold only as true or false."""
    if shape == "event" and fact.by is not None:
        return ("ask_by", "statement")
    if shape == "role" and fact.negated:
        return ("statement", "negated_statement")
    return PER_FACT_TEMPLATES.get(shape, ())


def family_without_title(facts: FactSet) -> Iterable[Problem]:
    """A family of the file's own needs a title: it names the Anki sub-deck and the category."""
    from .families import shipped

    for name, family in facts.file.families.items():
        if family.title is None and name not in shipped():
            yield Problem(facts.where("families", name), f"family '{name}' has no title",
                          "give it a title, e.g. 'title: Who flew' (it names its Anki deck and LMS category)",
                          "error", "family-title")


def wording_that_does_not_fit(facts: FactSet) -> Iterable[Problem]:
    """A ``wording:`` entry must change a known text and use only that text's placeholders."""
    from .generators.wording import placeholders, shipped

    known = shipped()
    for key, text in facts.file.wording.items():
        where = facts.where("wording", key)
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            yield Problem(where, f"unknown wording '{key}'",
                          f"did you mean '{close[0]}'?" if close else "the texts are listed in docs/facts-format.md",
                          "error", "bad-wording")
            continue
        try:
            used = placeholders(text)
        except ValueError:
            yield Problem(where, f"wording '{key}' has an unmatched brace", "double a literal brace: {{ or }}",
                          "error", "bad-wording")
            continue
        allowed = placeholders(known[key])
        if used - allowed:
            yield Problem(where, f"wording '{key}' uses {', '.join('{' + n + '}' for n in sorted(used - allowed))}",
                          "it may use " + (", ".join("{" + n + "}" for n in sorted(allowed)) or "no placeholders"),
                          "error", "bad-wording")


def not_asked(facts: FactSet) -> Iterable[Problem]:
    """Warnings for facts no question asks, with the reason: a disputed fact can be asked only as
    what its source says ("According to teleSUR, ..."), so one without an attribution is not."""
    for index, fact in enumerate(facts.file.facts):
        if fact.disputed and not fact.according_to:
            yield Problem(facts.where("facts", index, "disputed"),
                          f"not asked: fact '{fact.id}' is disputed and says whose claim it is nowhere",
                          "add according_to: the source that reports it, and it is asked as 'According to …'",
                          "warning", "not-asked")


# The questions each shape asks, by template key (what a relation kind's `skip` may name).
QUESTIONS: dict[str, tuple[str, ...]] = {
    "binary": ("ask_subject", "ask_not_subject", "ask_object", "statement", "ask_date", "ask_place", "match"),
    "role": ("ask_role", "ask_holder", "statement", "negated_statement", "match"),
    "event": ("ask_date", "ask_event", "ask_by", "statement", "order", "first"),
    "quantity": ("ask_value", "ask_value_unattributed"),
}


def skip_that_does_not_fit(facts: FactSet) -> Iterable[Problem]:
    """A relation kind's `skip` names questions its shape asks."""
    for name, kind in facts.relation_kinds.items():
        for index, key in enumerate(kind.skip):
            if key not in QUESTIONS[kind.shape]:
                where = facts.where("relations", name, "skip", index)
                yield Problem(where, f"relation '{name}' skips '{key}', which a {kind.shape} relation does not ask",
                              "it may skip " + ", ".join(QUESTIONS[kind.shape]), "error", "bad-skip")


def span_outside_an_event(facts: FactSet) -> Iterable[Problem]:
    """Only an event spans dates: `until` on any other fact would be shown nowhere and prove nothing."""
    for index, fact in enumerate(facts.file.facts):
        shape = facts.kind_of(fact).shape
        if fact.until is not None and shape != "event":
            yield Problem(facts.where("facts", index, "until"),
                          f"fact '{fact.id}' has until, but its relation '{fact.relation}' is a {shape} relation",
                          "until gives the last date of an event (an event relation such as occurred); remove it",
                          "error", "bad-until")


def bound_or_open_outside_an_event(facts: FactSet) -> Iterable[Problem]:
    """`by` and `ongoing` describe when an event took place; on another fact they would be shown
    nowhere. An event known by a bound is that event's only fact of its relation."""
    dated: dict[tuple[str, str], list[int]] = {}
    for index, fact in enumerate(facts.file.facts):
        if facts.kind_of(fact).shape == "event":
            dated.setdefault((fact.relation, fact.subject), []).append(index)
    for index, fact in enumerate(facts.file.facts):
        shape = facts.kind_of(fact).shape
        for name, what, code in (("by", fact.by is not None, "bad-by"), ("ongoing", fact.ongoing, "bad-ongoing")):
            if what and shape != "event":
                yield Problem(facts.where("facts", index, name),
                              f"fact '{fact.id}' has {name}, but its relation '{fact.relation}' is a {shape} relation",
                              f"{name} says when an event took place (an event relation such as occurred); remove it",
                              "error", code)
        if fact.by is not None and shape == "event":
            others = [i for i in dated[(fact.relation, fact.subject)] if i != index]
            if others:
                line = facts.where("facts", others[0], "id").line
                yield Problem(facts.where("facts", index, "by"),
                              f"fact '{fact.id}' gives a bound for '{fact.subject}', which the fact at line {line} "
                              f"also dates for '{fact.relation}'",
                              "an event has a date or a bound: keep the date and remove this fact", "error", "bad-by")


def post_held_and_not_held(facts: FactSet) -> Iterable[Problem]:
    """No post is both held and not held by one person in one month."""
    held: dict[tuple, int] = {}
    for index, fact in enumerate(facts.file.facts):
        if facts.kind_of(fact).shape == "role" and fact.role and not fact.negated and not fact.disputed:
            held.setdefault((fact.subject, (fact.post or fact.role).casefold(), fact.of or "",
                             facts.as_of(fact).month_key()), index)
    for index, fact in enumerate(facts.file.facts):
        if facts.kind_of(fact).shape == "role" and fact.role and fact.negated and not fact.disputed:
            key = (fact.subject, (fact.post or fact.role).casefold(), fact.of or "", facts.as_of(fact).month_key())
            if key in held:
                line = facts.where("facts", held[key], "id").line
                yield Problem(facts.where("facts", index, "negated"),
                              f"fact '{fact.id}' contradicts the fact at line {line}: one says '{fact.subject}' "
                              f"held the post of '{fact.post or fact.role}' then, the other says not",
                              "keep the one the sources support, or mark one as disputed", "error", "contradiction")


def negated_post_without_wording(facts: FactSet) -> Iterable[Problem]:
    """A post someone did not hold is asked only in the file's own words (`negated_statement`)."""
    for index, fact in enumerate(facts.file.facts):
        kind = facts.kind_of(fact)
        if kind.shape == "role" and fact.negated and "negated_statement" not in kind.templates:
            yield Problem(facts.where("facts", index, "negated"),
                          f"not asked: fact '{fact.id}' says a post was not held, and relation "
                          f"'{fact.relation}' has no negated_statement",
                          "add templates: negated_statement: to the relation, e.g. "
                          "'In {as_of}, {subject} was not {role_of}.'", "warning", "not-asked")


def post_without_as_of(facts: FactSet) -> Iterable[Problem]:
    """A post without `as_of` is taken to hold when its earliest source was published: say so."""
    for index, fact in enumerate(facts.file.facts):
        if facts.kind_of(fact).shape == "role" and fact.as_of is None:
            yield Problem(facts.where("facts", index, "id"),
                          f"post '{fact.id}' has no as_of; it is asked as held in {facts.as_of(fact).iso()[:7]}, "
                          "when its earliest source was published",
                          "add as_of: the month the source says the post was held", "warning", "no-as-of")


# In order: a rule runs only when the ones before it found no error (later rules fill the wording).
RULES: tuple[Callable[[FactSet], Iterable[Problem]], ...] = (wording_that_does_not_fit, family_without_title,
                                                              skip_that_does_not_fit, span_outside_an_event,
                                                              bound_or_open_outside_an_event,
                                                              post_held_and_not_held, same_question_twice,
                                                              not_asked, negated_post_without_wording,
                                                              post_without_as_of)


def run(facts: FactSet, earlier: Sequence[Problem] = ()) -> list[Problem]:
    """The rules' problems, up to the first rule that finds an error; none when earlier checks found
    errors (the rules assume sound references)."""
    if any(p.is_error for p in earlier):
        return []
    found: list[Problem] = []
    for rule in RULES:
        found.extend(rule(facts))
        if any(p.is_error for p in found):
            break
    return found
