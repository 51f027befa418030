"""Every word generators add around a fact file's templates, as data.

The shipped texts are ``data/wording.yaml``; a fact file changes any of them under its own
``wording:`` key. Code only fills placeholders: it never writes English of its own.
"""

from __future__ import annotations

import string
from functools import lru_cache
from typing import Callable, Mapping

from ..dates import PartialDate, span_parts
from ..facts import Fact, FactSet, Quantity
from ..shipped import data


@lru_cache(maxsize=1)
def shipped() -> dict[str, str]:
    """Every text a fact file's ``wording:`` may change: the generators' and the self-check page's."""
    return {str(key): str(value) for name in ("wording", "selfcheck") for key, value in data(name).items()}


def placeholders(text: str) -> set[str]:
    """The named placeholders of a text; ValueError when its braces are malformed."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


PLACEHOLDERS = ("subject", "object", "date", "when", "place", "role_of", "as_of", "according_to", "measure", "unit")


class Wording:
    """Fills the wording texts: ``wording("false_because", why=...)``."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        self.texts = dict(texts)

    @classmethod
    def of(cls, facts: FactSet) -> "Wording":
        return cls({**shipped(), **facts.file.wording})

    def __call__(self, key: str, **values: str) -> str:
        return self.texts[key].format_map(values)


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


def format_number(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def unit_for(value: float, quantity: Quantity) -> str:
    return quantity.unit_one if value == 1 and quantity.unit_one else quantity.unit


class Words:
    """A fact set's words: entity names and phrases, placeholder values, filled templates, and the
    wording texts around them (``words.text("false_because", why=...)``)."""

    def __init__(self, facts: FactSet, as_of: Callable[[Fact], PartialDate]) -> None:
        self.facts = facts
        self.as_of = as_of
        self.text = Wording.of(facts)
        self._values: dict[str, dict[str, str]] = {}

    def name(self, entity_id: str) -> str:
        return self.facts.entities[entity_id].name

    def phrase(self, entity_id: str) -> str:
        return self.facts.entities[entity_id].phrase

    def role_of(self, fact: Fact) -> str:
        if fact.post:
            return fact.post
        role = fact.role or ""
        return self.text("role_of", role=role, of=self.phrase(fact.of)) if fact.of else role

    def when(self, date: PartialDate) -> str:
        """'on 13 January 2020', 'in January 2020', 'in 2020' (the words are data)."""
        return self.text(f"when_{date.precision}", date=date.human())

    def span(self, start: PartialDate, end: PartialDate) -> str:
        """'11–12 February 2015': a span of dates as an answer reads (the words are data)."""
        first, last = span_parts(start, end)
        return self.text("date_span", start=first, end=last)

    def when_span(self, start: PartialDate, end: PartialDate) -> str:
        """'from 11 to 12 February 2015': a span of dates inside a sentence."""
        first, last = span_parts(start, end)
        return self.text("when_span", start=first, end=last)

    def dated(self, fact: Fact) -> str:
        """When an event took place, as an answer reads: its date, its span of dates, 'from D on' for
        an ongoing one, 'by D' for one known only by a bound."""
        if fact.by is not None:
            return self.text("date_by", date=fact.by.human())
        assert fact.date is not None
        if fact.ongoing:
            return self.text("date_from", date=fact.date.human())
        return self.span(fact.date, fact.until) if fact.until else fact.date.human()

    def since(self, date: PartialDate) -> str:
        """'from 12 January 2020 on': the start of an ongoing event, as an answer reads."""
        return self.text("date_from", date=date.human())

    def as_of_prompt(self, date: PartialDate, prompt: str) -> str:
        """'As of 2019, what figure ...?': a question about a figure at one date."""
        return self.text("as_of_question", date=date.human(), text=decapitalise(prompt))

    def quantity(self, value: float, quantity: Quantity, value_to: float | None = None) -> str:
        """A figure as it reads: its qualifier's wording, and the singular unit for exactly 1;
        with ``value_to``, the range from ``value`` to it ("50–140 km")."""
        if value_to is not None:
            shown = self.text("figure_range", low=format_number(value), high=format_number(value_to))
            return self.text(f"quantity_{quantity.qualifier}", value=shown, unit=quantity.unit).strip()
        return self.text(f"quantity_{quantity.qualifier}", value=format_number(value),
                         unit=unit_for(value, quantity)).strip()

    @property
    def true(self) -> str:
        return self.text("true")

    @property
    def false(self) -> str:
        return self.text("false")

    def false_because(self, why: str) -> str:
        return self.text("false_because", why=why)

    def attributed(self, attribution: str | None, explanation: str) -> str:
        return self.text("according_to_explanation", source=attribution, text=explanation) if attribution \
            else explanation

    def month(self, fact: Fact) -> str:
        date = self.as_of(fact)
        return PartialDate(date.year, date.month).human()

    def values(self, fact: Fact) -> dict[str, str]:
        """Placeholder values for a fact's templates (phrases, not names: they stand inside sentences).
        Made once per fact; callers copy before changing one (``{**values, "subject": ...}``)."""
        cached = self._values.get(fact.id)
        if cached is None:
            cached = self._values[fact.id] = {name: self.value(fact, name) for name in PLACEHOLDERS}
        return cached

    def value(self, fact: Fact, name: str) -> str:
        """One placeholder's value for a fact ("" when the fact has none)."""
        if name == "subject":
            return self.phrase(fact.subject)
        if name in ("object", "place"):
            entity = getattr(fact, name)
            return self.phrase(entity) if entity else ""
        if name == "date":
            # a bound or an open start reads only with its own words ({when}): "on by 19 January" never
            return self.dated(fact) if fact.date and not fact.ongoing else ""
        if name == "when":
            if fact.by is not None:
                return self.text("when_by", date=fact.by.human())
            if fact.date and fact.ongoing:
                return self.text("when_from", date=fact.date.human())
            if fact.date and fact.until:
                return self.when_span(fact.date, fact.until)
            return self.when(fact.date) if fact.date else ""
        if name == "role_of":
            return self.role_of(fact)
        if name == "as_of":
            return self.month(fact)
        if name == "according_to":
            return fact.according_to or ""
        if name in ("measure", "unit"):
            return getattr(fact.quantity, name) if fact.quantity else ""
        return ""

    def render_fact(self, template: str, fact: Fact, attribution: str | None = None) -> str | None:
        """``render`` with only the values the template uses (for checking many facts quickly)."""
        return self.render(template, {name: self.value(fact, name) for name in _fields(template)}, attribution)

    def render(self, template: str, values: dict[str, str], attribution: str | None = None) -> str | None:
        """Fill a template; None when it needs a value the fact does not have."""
        if any(not values.get(name) for name in _fields(template)):
            return None
        if attribution:
            # lower-case the template's own first word ("Which" -> "which"), never a filled-in name
            if not template.startswith("{"):
                template = decapitalise(template)
            return self.text("according_to", source=attribution, text=template.format_map(values))
        return capitalise(template.format_map(values))

    def aliases(self, entity_id: str) -> list[str]:
        entity = self.facts.entities[entity_id]
        return [entity.name, *entity.aliases]
