"""Question-quality rules: each is a plain function ``(question, context) -> flags``.

A flag is a short reason (its rule's name and what it saw). Generation runs every rule on every
question it made: a question a rule flags is not shipped (``generators.generate`` drops it and
records why, for ``quizgen review``). Generators choose options so that the rules pass (the
interval semantics below serve both the choosing and the checking); a flag means the engine
could not, usually because of how the fact file words something.

Rules read only the question and the facts it names (its ``facts`` and ``proofs``), plus data that
is not facts (entities, sources, the file's language): a question's fate depends on nothing else.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Callable, Iterable, Sequence

from .dates import MONTHS, PartialDate, first_day
from .facts import FactSet, Quantity
from .questions import Question
from .shipped import data

INFINITY = math.inf


# -- intervals: what a figure with a qualifier says ----------------------------------------------
@dataclass(frozen=True)
class Interval:
    """The figures a worded figure allows: ``low``..``high``, each end open or closed."""

    low: float
    high: float
    low_open: bool = False
    high_open: bool = False

    def disjoint(self, other: "Interval") -> bool:
        """True when no figure is in both (so one of the two, if the other is true, is false)."""
        return _before(self, other) or _before(other, self)


def _before(a: Interval, b: Interval) -> bool:
    return a.high < b.low or (a.high == b.low and (a.high_open or b.low_open))


PLAUSIBLE_FACTOR = 5  # a wrong figure within this factor of the answer
OPEN_ENDED = frozenset({"more_than", "at_least", "fewer_than", "up_to"})


def interval(qualifier: str, value: float, value_to: float | None = None, tolerance: float | None = None) -> Interval:
    """The interval a figure denotes: "more than 280" is (280, ∞), "about 8" is [7.2, 8.8],
    "up to 28" is [0, 28], "50–140" is [50, 140]."""
    tolerance = settings().about_tolerance if tolerance is None else tolerance
    low, high = value, value if value_to is None else value_to
    if qualifier == "exactly":
        return Interval(low, high)
    if qualifier == "about":
        return Interval(low * (1 - tolerance), high * (1 + tolerance))
    if qualifier in ("almost", "nearly"):
        return Interval(low * (1 - tolerance), high, high_open=True)
    if qualifier == "more_than":
        return Interval(low, INFINITY, low_open=True)
    if qualifier == "at_least":
        return Interval(low, INFINITY)
    if qualifier == "fewer_than":
        return Interval(0, high, high_open=True)
    if qualifier == "up_to":
        return Interval(0, high)
    raise ValueError(f"unknown qualifier {qualifier!r}")


def quantity_interval(quantity: Quantity) -> Interval:
    return interval(quantity.qualifier, quantity.value, quantity.value_to)


# -- settings (data) -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Settings:
    about_tolerance: float
    period_days: int
    stop_words: dict[str, frozenset[str]]

    def stops(self, language: str) -> frozenset[str]:
        return self.stop_words.get(language, frozenset())


@lru_cache(maxsize=1)
def settings() -> Settings:
    raw = data("quality")
    return Settings(about_tolerance=float(raw["about_tolerance"]), period_days=int(raw["period_days"]),
                    stop_words={str(lang): frozenset(fold(str(w)) for w in words)
                                for lang, words in raw["stop_words"].items()})


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a text."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_WORD = re.compile(r"\d[\d,.]*\d|\w+")


def words(text: str) -> list[str]:
    """The words of a text, folded; a number with separators is one word ("2,500")."""
    return [w.replace(",", "") for w in _WORD.findall(fold(text)) if len(w) > 1]


# -- the context the rules read ----------------------------------------------------------------------
@dataclass
class QualityContext:
    facts: FactSet
    settings: Settings = field(default_factory=settings)

    @cached_property
    def stops(self) -> frozenset[str]:
        return self.settings.stops(self.facts.topic.language)

    @cached_property
    def kind_by_name(self) -> dict[str, str]:
        """Folded entity name (and alias) -> entity kind."""
        found: dict[str, str] = {}
        for entity in self.facts.file.entities:
            for name in (entity.name, *entity.aliases):
                found.setdefault(fold(name), entity.kind)
        return found

    @cached_property
    def topic_date(self) -> PartialDate:
        """The topic's date: its newest source's publication date (sources are not facts, so no
        question depends on another question's facts through it)."""
        return max((s.published for s in self.facts.file.sources), key=PartialDate.sort_key)

    def template_words(self, question: Question) -> set[str]:
        """The words the question's template itself adds (not its filled-in names): never a give-away."""
        fact = self.facts.facts.get(question.facts[0])
        if fact is None:
            return set()
        template = self.facts.kind_of(fact).templates.get(question.template, "")
        return set(words(re.sub(r"\{[^}]*\}", " ", template)))

    def explicit_as_of(self, question: Question) -> PartialDate | None:
        """The latest date the question's facts say they hold (their own as_of, not a source's date)."""
        dates = [f.as_of for fid in question.facts if (f := self.facts.facts.get(fid)) is not None and f.as_of]
        return max(dates, key=PartialDate.sort_key) if dates else None

    def quantities(self, question: Question) -> list[Quantity]:
        return [q for fid in question.facts if fid in self.facts.facts
                and (q := self.facts.facts[fid].quantity) is not None]


Rule = Callable[[Question, QualityContext], list[str]]


# -- parsing options back (the checker does not trust the chooser) ---------------------------------
@lru_cache(maxsize=64)
def _quantity_patterns(templates: tuple[tuple[str, str], ...]) -> tuple[tuple[str, re.Pattern], ...]:
    patterns = []
    for qualifier, template in templates:
        text = re.escape(template).replace(re.escape("{value}"), r"(?P<value>\d[\d,.]*)(?:\s*[–-]\s*(?P<to>\d[\d,.]*))?")
        text = text.replace(re.escape("{unit}"), r"(?P<unit>.*?)")
        patterns.append((qualifier, re.compile(f"^{text}$", re.IGNORECASE)))
    # the longest fixed wording first, so "more than 5 km" is not read as "5 km"
    patterns.sort(key=lambda p: -len(re.sub(r"\(\?P<\w+>[^)]*\)", "", p[1].pattern)))
    return tuple(patterns)


def parse_figure(text: str, facts: FactSet) -> tuple[Interval, str] | None:
    """An option's interval and unit, read with the file's figure wordings; None if not a figure."""
    from .generators.wording import Wording

    wording = Wording.of(facts)
    templates = tuple(sorted((key.removeprefix("quantity_"), value) for key, value in wording.texts.items()
                             if key.startswith("quantity_")))
    for qualifier, pattern in _quantity_patterns(templates):
        match = pattern.match(text.strip())
        if not match:
            continue
        try:
            value = float(match["value"].replace(",", ""))
            value_to = float(match["to"].replace(",", "")) if match["to"] else None
        except ValueError:
            continue
        return interval(qualifier, value, value_to), match["unit"].strip()
    return None


# -- the rules ------------------------------------------------------------------------------------------
def qualifier_true_option(question: Question, ctx: QualityContext) -> list[str]:
    """No wrong option that the right answer's interval can make true ("more than 140" beside the
    answer "more than 280")."""
    if question.kind != "multiple_choice" or not ctx.quantities(question):
        return []
    right = [o for o in question.options if o.correct]
    answer = parse_figure(right[0].text, ctx.facts) if right else None
    if answer is None:
        return []
    flags = []
    for option in question.options:
        if option.correct:
            continue
        parsed = parse_figure(option.text, ctx.facts)
        if parsed is None or not parsed[0].disjoint(answer[0]):
            flags.append(f"'{option.text}' can be true when '{right[0].text}' is")
    return flags


def figure_plausible(question: Question, ctx: QualityContext) -> list[str]:
    """Numeric distractors within a factor of five of the answer and rounded like it (one digit
    finer at most)."""
    if question.kind != "multiple_choice" or not ctx.quantities(question):
        return []
    right = next((o for o in question.options if o.correct), None)
    parsed = {o.text: parse_figure(o.text, ctx.facts) for o in question.options}
    if right is None or parsed[right.text] is None:
        return []
    answer = parsed[right.text][0]  # type: ignore[index]
    centre = answer.low if answer.high == INFINITY else (answer.low + answer.high) / 2
    step = min(step_of(n) for n in figures_in(right.text))
    # a range's wrong ranges must clear its whole width, so they may sit further out
    reach = PLAUSIBLE_FACTOR * (answer.high / answer.low if 0 < answer.low < answer.high < INFINITY else 1)
    flags = []
    for option in question.options:
        got = parsed[option.text]
        if option.correct or got is None:
            continue
        middle = got[0].low if got[0].high == INFINITY else (got[0].low + got[0].high) / 2
        if centre > 0 and not (centre / reach <= middle <= centre * reach):
            flags.append(f"'{option.text}' is implausibly far from '{right.text}'")
        if any(step_of(n) < step / 10 for n in figures_in(option.text)):
            flags.append(f"'{option.text}' is rounded more finely than '{right.text}'")
    return flags


def answer_word_in_prompt(question: Question, ctx: QualityContext) -> list[str]:
    """No distinctive word of the answer in the prompt (a word all options share is not distinctive;
    nor is a figure's unit)."""
    if question.kind not in ("multiple_choice", "short_answer"):
        return []
    answer = set(words(question.answer)) - ctx.stops
    others = [set(words(o.text)) for o in question.options if not o.correct]
    if others:
        answer -= set.intersection(*others)
    for quantity in ctx.quantities(question):
        answer -= set(words(quantity.unit)) | set(words(quantity.unit_one or ""))
    answer -= ctx.template_words(question)
    prompt = fold(question.prompt)
    if question.options and all(fold(o.text) in prompt for o in question.options):
        return []  # the prompt names every option alike ("Which came first: A, B or C?")
    shown = set(words(question.prompt))
    found = sorted(answer & shown)
    return [f"the prompt gives away the answer's word '{w}'" for w in found]


def option_form(text: str, ctx: QualityContext, figure: bool) -> str:
    """What kind and form an option has: an entity's kind, or its wording with figures and months
    blanked (so "13 January 2020" and "January 2020" differ, "5 km" and "7 km" do not)."""
    kind = ctx.kind_by_name.get(fold(text))
    if kind is not None:
        return f"entity:{kind}"
    if not figure:
        return "text"
    shape = fold(text)
    for month in MONTHS:
        shape = re.sub(rf"\b{fold(month)}\b", "<month>", shape)
    return re.sub(r"\d[\d,.]*", "#", shape)


def options_of_one_form(question: Question, ctx: QualityContext) -> list[str]:
    """All options of one kind and form: entities of one entity kind, dates at one precision,
    figures with one unit and wording."""
    if question.kind != "multiple_choice":
        return []
    quantities = ctx.quantities(question)
    figure = bool(quantities) or question.template == "ask_date"
    forms = {o.text: option_form(_plural(o.text, quantities), ctx, figure) for o in question.options}
    if not figure:  # only names of entities are compared: an event's label is free text
        forms = {t: f for t, f in forms.items() if f.startswith("entity:")}
    if forms:
        if len(set(forms.values())) > 1:
            answer = forms[question.answer] if question.answer in forms else ""
            odd = [t for t, f in forms.items() if f != answer]
            return [f"'{t}' is of another kind or form than the answer" for t in odd]
    return []


def _plural(text: str, quantities: Sequence[Quantity]) -> str:
    """The option with a figure's singular unit read as its plural ("1 guinea" is of the form of "2 guineas")."""
    for quantity in quantities:
        if quantity.unit_one and re.search(rf"\b{re.escape(quantity.unit_one)}$", text):
            return text[: len(text) - len(quantity.unit_one)] + quantity.unit
    return text


def enough_options(question: Question, ctx: QualityContext) -> list[str]:
    """A multiple-choice question has at least three options."""
    if question.kind == "multiple_choice" and len(question.options) < 3:
        return [f"only {len(question.options)} options"]
    return []


def adjacent_date(question: Question, ctx: QualityContext) -> list[str]:
    """No wrong date one day, month or year from the answer: a give-away (the odd one out)."""
    if question.kind != "multiple_choice" or question.template != "ask_date":
        return []
    answer = _read_date(question.answer)
    if answer is None:
        return []
    flags = []
    for option in question.options:
        other = _read_date(option.text)
        if option.correct or other is None or other.precision != answer.precision:
            continue
        if answer.precision == "day":
            gap = abs(first_day(other) - first_day(answer))
        elif answer.precision == "month":
            gap = abs((other.year * 12 + (other.month or 1)) - (answer.year * 12 + (answer.month or 1)))
        else:
            gap = abs(other.year - answer.year)
        if gap == 1:
            flags.append(f"'{option.text}' is one {answer.precision} from the answer")
    return flags


def dated_when_out_of_period(question: Question, ctx: QualityContext) -> list[str]:
    """A question on facts from another period than the topic's date says when (its year is in it)."""
    if question.kind in ("matching", "ordering"):
        return []
    if all(fid in ctx.facts.facts and ctx.facts.facts[fid].date is not None for fid in question.facts):
        return []  # dated events: when they took place is what they say (or what is asked)
    as_of = ctx.explicit_as_of(question)
    if as_of is None or abs(first_day(as_of) - first_day(ctx.topic_date)) <= ctx.settings.period_days:
        return []
    if str(as_of.year) in words(question.prompt) or str(as_of.year) in words(question.answer):
        return []
    return [f"its facts hold in {as_of.human()}, far from the topic's {ctx.topic_date.human()}, and it does not say so"]


RULES: tuple[Rule, ...] = (qualifier_true_option, figure_plausible, answer_word_in_prompt, options_of_one_form,
                           enough_options, adjacent_date, dated_when_out_of_period)


def flags(question: Question, ctx: QualityContext, rules: Sequence[Rule] = RULES) -> list[tuple[str, str]]:
    """(rule name, reason) for every rule the question breaks."""
    return [(rule.__name__, reason) for rule in rules for reason in rule(question, ctx)]


# -- rewording ---------------------------------------------------------------------------------------------
def with_its_date(question: Question, ctx: QualityContext, say: Callable[[PartialDate, str, bool], str]) -> Question:
    """The question, its prompt saying when its facts hold if they are from another period."""
    if not dated_when_out_of_period(question, ctx):
        return question
    as_of = ctx.explicit_as_of(question)
    assert as_of is not None
    fact = ctx.facts.facts[question.facts[0]]
    template = ctx.facts.kind_of(fact).templates.get(question.template, "")
    # the template's own first word goes lower case after the date; a name it starts with never does
    lower = bool(fact.according_to) or not template.startswith("{")
    return question.model_copy(update={"prompt": say(PartialDate(as_of.year), question.prompt, lower)})


# -- small helpers -----------------------------------------------------------------------------------------
def figures_in(text: str) -> list[float]:
    return [float(n.replace(",", "")) for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text)]


def step_of(value: float) -> float:
    """The rounding step a figure is written to: 280 -> 10, 5,000 -> 1,000, 7.5 -> 0.1, 8 -> 1."""
    if float(value).is_integer():
        number = int(value)
        if number == 0:
            return 1
        step = 1
        while number % (step * 10) == 0:
            step *= 10
        return step
    decimals = len(f"{value:.2f}".rstrip("0").split(".")[1])
    return 10.0 ** -decimals


def _iso_date(text: str) -> PartialDate | None:
    from .dates import parse_date
    try:
        return parse_date(text)
    except ValueError:
        return None


_HUMAN = re.compile(r"^(?:(\d{1,2}) )?(?:(" + "|".join(MONTHS) + r") )?(\d{3,4})$")


def _read_date(text: str) -> PartialDate | None:
    match = _HUMAN.match(text.strip())
    if not match:
        return None
    day, month, year = match.groups()
    return PartialDate(int(year), MONTHS.index(month) + 1 if month else None, int(day) if day and month else None)


def rank_of_answer(question: Question, facts: FactSet) -> tuple[int, int] | None:
    """(rank of the right option among the options sorted by figure, number of options) for a
    multiple-choice figure or date question; None for any other."""
    if question.kind != "multiple_choice":
        return None
    keys = []
    for option in question.options:
        parsed = parse_figure(option.text, facts) if question.template != "ask_date" else None
        if parsed is not None:
            keys.append(parsed[0].low)
        elif (date := _read_date(option.text)) is not None:
            keys.append(float(first_day(date)))
        else:
            return None
    right = next(i for i, o in enumerate(question.options) if o.correct)
    return sorted(range(len(keys)), key=lambda i: keys[i]).index(right), len(keys)


def rank_table(questions: Iterable[Question], facts: FactSet) -> dict[int, dict[int, int]]:
    """Options count -> rank -> how many questions have their answer at that rank."""
    table: dict[int, dict[int, int]] = {}
    for question in questions:
        got = rank_of_answer(question, facts)
        if got is not None:
            rank, count = got
            row = table.setdefault(count, {r: 0 for r in range(count)})
            row[rank] += 1
    return table
