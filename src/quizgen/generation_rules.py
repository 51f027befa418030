"""Check rules for what question generation needs of a fact file.

Each rule is ``(facts) -> Iterable[Problem]`` and reports, at the fact at fault, anything a
generator would otherwise stumble on, so that every file ``check`` accepts builds. They run
only on a fact set whose references are sound (``run`` skips them when other checks failed).
"""

from __future__ import annotations

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
    """Whether generators ask about the fact at all (disputed facts only with an attribution, and
    only for binary relations)."""
    if shape == "binary":
        return not fact.disputed or bool(fact.according_to)
    return not fact.disputed


def same_question_twice(facts: FactSet) -> Iterable[Problem]:
    """Two facts whose questions read the same (a figure's measure given twice for two subjects,
    two relations with one wording): the bank would hold one question with two answers."""
    from .generators.common import Context

    ctx = Context(facts)
    seen: dict[str, tuple[int, Fact, str]] = {}
    for index, fact in enumerate(facts.file.facts):
        kind = facts.kind_of(fact)
        if not _asked(fact, kind.shape):
            continue
        values = ctx.values(fact)
        for name in PER_FACT_TEMPLATES.get(kind.shape, ()):
            if kind.shape == "quantity" and name != ("ask_value" if fact.according_to else "ask_value_unattributed"):
                continue
            if name not in kind.templates:
                continue
            prompt = ctx.render(kind.templates[name], values, fact.according_to)
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


RULES: tuple[Callable[[FactSet], Iterable[Problem]], ...] = (same_question_twice, family_without_title)


def run(facts: FactSet, earlier: Sequence[Problem] = ()) -> list[Problem]:
    """Every rule's problems; none when earlier checks found errors (the rules assume sound references)."""
    if any(p.is_error for p in earlier):
        return []
    return [problem for rule in RULES for problem in rule(facts)]
