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
    from .generators.wording import Words

    words = Words(facts, facts.as_of)
    seen: dict[str, tuple[int, Fact, str]] = {}
    for index, fact in enumerate(facts.file.facts):
        kind = facts.kind_of(fact)
        if not _asked(fact, kind.shape):
            continue
        for name in PER_FACT_TEMPLATES.get(kind.shape, ()):
            if kind.shape == "quantity" and name != ("ask_value" if fact.according_to else "ask_value_unattributed"):
                continue
            if name not in kind.templates or name in kind.skip:
                continue
            if name == "ask_holder" and fact.holders == "several":
                continue  # a post several hold at once is not asked "Who was …"
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
    "role": ("ask_role", "ask_holder", "statement", "match"),
    "event": ("ask_date", "ask_event", "statement", "order", "first"),
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
                                                              same_question_twice,
                                                              not_asked, post_without_as_of)


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
