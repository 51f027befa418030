"""The fact model: what a fact file may say, as frozen pydantic models.

No I/O here. ``load.py`` reads YAML into these models; ``checks.py`` checks
what a schema cannot (references, quotes, contradictions).
"""

from __future__ import annotations

import difflib
import math
import re
import string
import unicodedata
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Mapping

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, Strict,
                      WithJsonSchema, model_validator)
from pydantic_core import PydanticCustomError

from .dates import DateError, PartialDate, first_day, last_day, parse_date
from .errors import Location

FORMAT_VERSION = 1

ID_PATTERN = r"^[a-z0-9][a-z0-9_.-]*$"


def problem(message: str, hint: str, at: str | None = None, colon: bool = False) -> PydanticCustomError:
    """A validation error that carries its own hint (and, with ``at``, the key inside the value it is about).

    The loader prints it as ``'field' message (hint: hint)`` (``'field': message`` with ``colon``) at
    the value's line and column.
    """
    context: dict[str, Any] = {"message": message, "hint": hint, "colon": colon}
    if at is not None:
        context["at"] = at
    return PydanticCustomError("value_error", "{message}", context)


# -- characters -------------------------------------------------------------------------------
# Bidirectional controls reorder what a reader sees; they never belong in an id or a name's identity.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def character_name(char: str) -> str:
    """'U+202E (RIGHT-TO-LEFT OVERRIDE)', or 'U+0007 (a control character)' for unnamed ones."""
    name = unicodedata.name(char, "")
    if not name:
        category = unicodedata.category(char)
        name = {"Cc": "a control character", "Cs": "a lone surrogate", "Cn": "a noncharacter"}.get(category,
                                                                                                  "unnamed")
    return f"U+{ord(char):04X} ({name})"


def is_forbidden_character(char: str) -> bool:
    """Characters no fact file may hold, raw or written as a YAML escape: control characters other than
    tab and line feed, line and paragraph separators (editors do not count them as lines), lone
    surrogates and noncharacters (U+FDD0-U+FDEF and the last two code points of every plane)."""
    code = ord(char)
    if code < 0x20:
        return char not in "\t\n"
    return (0x7F <= code <= 0x9F or code in (0x2028, 0x2029) or 0xD800 <= code <= 0xDFFF
            or 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE)


FORBIDDEN_CHARACTERS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    + "".join(chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(1, 17)) + "]")
"""The characters of is_forbidden_character, as one pattern (what the loader scans with)."""


def is_invisible(char: str) -> bool:
    """Format characters (category Cf: zero-width spaces and joiners, bidi controls, soft hyphens)."""
    return unicodedata.category(char) == "Cf"


def identity(name: str) -> str:
    """What a reader can tell apart: NFKC, case folded, format characters removed, spaces collapsed."""
    if name.isascii():
        return " ".join(name.lower().split())
    folded = unicodedata.normalize("NFKC", name).casefold()
    return " ".join("".join(c for c in folded if not is_invisible(c)).split())


def _id_characters(value: Any) -> Any:
    if isinstance(value, str) and not value.isascii():
        for char in value:
            if is_invisible(char) or char in BIDI_CONTROLS:
                raise problem(f"contains the invisible character {character_name(char)}",
                              "ids use lower-case letters, digits, '-', '_' and '.'; retype the id")
    return value


def _not_blank(value: str) -> str:
    if value and not value.strip():
        raise problem("is blank (only spaces)", "write the text, or leave the key out")
    return value


def _date(value: Any) -> PartialDate:
    try:
        return parse_date(value)
    except DateError as exc:
        raise problem(str(exc), exc.hint, colon=True) from None


def _whole_number(value: Any) -> Any:
    if isinstance(value, (bool, float)):  # true/false is never a number, 1.0 is not the version 1
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


Date = Annotated[
    PartialDate,
    BeforeValidator(_date),
    PlainSerializer(lambda d: d.iso(), return_type=str),
    WithJsonSchema(
        {
            "type": ["string", "integer"],
            "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
            "description": "A date with its precision: YYYY-MM-DD, YYYY-MM or YYYY.",
        }
    ),
]

Id = Annotated[
    str,
    Field(pattern=ID_PATTERN, min_length=1, max_length=120,
          description="Lower-case letters, digits, '-', '_' and '.'; starts with a letter or digit."),
    BeforeValidator(_id_characters),
]
Text = Annotated[str, Field(min_length=1), AfterValidator(_not_blank)]
"""Text that is shown: never empty, never only spaces."""
OptionalText = Annotated[str, AfterValidator(_not_blank)]
"""Text that may be left empty (""), but is never only spaces."""


def _label(value: str) -> str:
    if "{" in value or "}" in value:
        raise problem("cannot contain '{' or '}'", "labels are plain words; braces belong to templates only")
    return value


Label = Annotated[Text, AfterValidator(_label)]

# -- templates ------------------------------------------------------------------------------------
# Every template a generator asks for, and whether it must name a placeholder (a template about one
# fact must say which fact; an instruction such as "Put these events in order" needs none).
TEMPLATE_KEYS: Mapping[str, bool] = {
    "ask_subject": True, "ask_not_subject": True, "ask_object": True, "ask_date": True, "ask_place": True,
    "ask_event": True, "ask_holder": True, "ask_role": True, "ask_value": True, "ask_value_unattributed": True,
    "statement": True, "negated_statement": True, "item": True, "ask_by": True,
    "match": False, "order": False, "first": False,
}


def _templates(value: Mapping[str, str]) -> Mapping[str, str]:
    known = ", ".join(sorted(TEMPLATE_KEYS))
    for key, template in value.items():
        if key not in TEMPLATE_KEYS:
            close = difflib.get_close_matches(key, list(TEMPLATE_KEYS), n=1)
            hint = (f"did you mean '{close[0]}'? " if close else "") + f"templates are: {known}"
            raise problem("is not a template quizgen uses", hint, at=key)
        if not template.strip():
            raise problem("template is blank", "write the question, or leave the template out (it is then not asked)",
                          at=key)
        if TEMPLATE_KEYS[key]:
            try:
                named = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
            except ValueError:
                continue  # malformed braces: reported by check with the template's name
            if not named:
                raise problem("template names no placeholder, so every question it makes would read the same",
                              "name the fact's parts, e.g. {subject} or {object}", at=key)
    return value


Templates = Annotated[Mapping[str, str], AfterValidator(_templates)]

LONGEST_URL = 2000  # what browsers and servers reliably accept


URL_PATTERN = r"^https?://\S+$"


def _url(value: str) -> str:
    if not re.match(URL_PATTERN, value):
        raise problem(f"has an invalid value {value!r}", "write a full address starting with http:// or https://")
    if len(value) > LONGEST_URL:
        raise problem(f"is {len(value):,} characters long; the limit is {LONGEST_URL:,}",
                      "give the article's plain address, without tracking parameters")
    return value


# -- figures --------------------------------------------------------------------------------------
LARGEST_FIGURE = 10**15  # beyond this a float no longer holds every whole number


def _figure_size(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            raise problem("must be a finite number", "write the figure the source gives, e.g. 12 or 2.5")
        if abs(value) > LARGEST_FIGURE:
            raise problem("is too large to print exactly (the limit is 10^15)", "write the figure in a larger unit, "
                          "e.g. 2.5 with unit 'billion dollars'")
    return value


def _figure(value: float) -> float:
    if round(value, 2) != value:
        raise problem("has more than two decimals; figures are printed with at most two",
                      "round it as the source does, or use a smaller unit (e.g. 1.5 grams, not 0.0015 kilograms)")
    return value

EntityKind = Literal["person", "organisation", "country", "faction", "document", "event", "place", "other"]
ENTITY_KINDS: tuple[str, ...] = EntityKind.__args__  # type: ignore[attr-defined]

Shape = Literal["binary", "role", "event", "quantity"]
FAMILY_PATTERN = r"^[a-z][a-z0-9_]*$"


def _family_id(value: str) -> str:
    if not re.fullmatch(FAMILY_PATTERN, value):
        raise problem(f"has an invalid value {value!r}",
                      "family ids start with a lower-case letter and use lower-case letters, digits and '_' "
                      "(no '-' or '.'), e.g. oxford_team")
    return value


Family = Annotated[str, AfterValidator(_family_id), WithJsonSchema({"type": "string", "pattern": FAMILY_PATTERN})]
Qualifier = Literal["exactly", "about", "more_than", "at_least", "fewer_than", "up_to", "almost", "nearly"]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class Topic(Model):
    """What the fact file is about. ``id`` namespaces every generated identity."""

    id: Id = Field(description="Stable topic id; never change it once decks are shared.")
    title: Text
    description: OptionalText = ""
    language: str = "en"


class Source(Model):
    """One published source. ``text_file`` (relative to --sources) lets quotes be verified."""

    id: Id
    publisher: Text
    title: Text
    published: Date
    author: Text | None = None
    url: Annotated[str, AfterValidator(_url), WithJsonSchema({"type": "string", "pattern": URL_PATTERN})] | None = None
    text_file: Text | None = None
    note: Text | None = Field(default=None, description="Anything a reader should know: how the date was established, a supplied title.")


class Entity(Model):
    id: Id
    name: Text
    kind: EntityKind
    aliases: tuple[Text, ...] = ()
    description: OptionalText = ""
    in_sentence: Text | None = Field(
        default=None, description="How to refer to it inside a sentence, e.g. 'the Moscow ceasefire document'.")

    @property
    def phrase(self) -> str:
        return self.in_sentence or self.name


class Citation(Model):
    source: Id
    quote: Text = Field(description="Verbatim text from the source that supports the fact.")
    note: Text | None = None


Figure = Annotated[float, Strict(), Field(ge=0), AfterValidator(_figure), BeforeValidator(_figure_size)]


class Quantity(Model):
    value: Figure
    value_to: Figure | None = Field(default=None, description="The top of a range the source gives ('50-140 km': "
                                                              "value 50, value_to 140); above value.")
    unit: Text = Field(description="What is counted, plural: 'civilians', 'hours'.")
    unit_one: Text | None = Field(default=None,
                                  description="The unit for a value of exactly 1, singular: 'hour' beside 'hours'.")
    qualifier: Qualifier = "exactly"
    measure: Text = Field(description="Noun phrase for the question: 'civilians killed since the offensive began'.")

    @model_validator(mode="after")
    def _range(self) -> "Quantity":
        if self.value_to is not None and self.value_to <= self.value:
            raise problem(f"{self.value_to:g} is not above value {self.value:g}",
                          "value_to is the top of a range, value its bottom; for a single figure leave value_to out",
                          at="value_to")
        return self


class Fact(Model):
    """A typed statement. Which fields it needs depends on its relation's shape."""

    id: Id
    relation: Id
    subject: Id
    object: Id | None = None
    negated: Annotated[bool, Strict()] = Field(default=False, description="The statement is explicitly false: 'X did not sign D'.")
    date: Date | None = None
    until: Date | None = Field(
        default=None, description="An event's last date, when it spans several: 'date: 2015-02-11' and "
                                  "'until: 2015-02-12' for 11-12 February 2015. Its precision is its own.")
    by: Date | None = Field(
        default=None, description="A date bound instead of a date: the event took place no later than this "
                                  "('by 19 January 2020'). Asked 'By what date ...'; never ordered against other events.")
    ongoing: Annotated[bool, Strict()] = Field(
        default=False, description="An event that began on its date and had not ended when its sources were "
                                   "written ('from 12 January 2020 on'). Ordered against nothing; never an option "
                                   "for a date after its start.")
    place: Id | None = None
    role: Text | None = None
    of: Id | None = Field(default=None, description="The organisation or country a role belongs to.")
    post: Text | None = Field(
        default=None, description="The whole post as it is worded, when 'role of whose' does not fit: "
                                  "'Russian Ambassador to Ukraine'. Shown instead of role and of; needs role, not of.")
    as_of: Date | None = None
    holders: Literal["one", "several"] | None = Field(
        default=None, description="'several' for a post held by several people at once (a co-chair, a "
                                  "council seat): no holder then proves another wrong. Default: one holder.")
    quantity: Quantity | None = None
    according_to: Text | None = Field(
        default=None, description="Attribution for a claim only some report: 'the UN', 'teleSUR'.")
    disputed: Text | None = Field(
        default=None, description="How the sources disagree. A disputed fact never proves a distractor wrong.")
    background: Annotated[bool, Strict()] = Field(
        default=False, description="Context rather than what the quiz is about: its questions go to the "
                                   "Anki deck and question banks, but printed quizzes leave them out unless "
                                   "asked (quiz --include-background).")
    citations: tuple[Citation, ...] = Field(min_length=1)
    note: Text | None = None

    @model_validator(mode="after")
    def _bound(self) -> "Fact":
        if self.by is not None and self.date is not None:
            raise problem("and date cannot both be given", "by is a bound ('no later than') for an event whose date the "
                          "sources do not give; with a date, leave by out", at="by")
        if self.by is not None and self.until is not None:
            raise problem("and until cannot both be given", "by bounds an event without a date; leave until out", at="by")
        if self.ongoing and self.date is None:
            raise problem("needs a date: the day the event began", "add date: when the event began",
                          at="ongoing")
        if self.ongoing and self.until is not None:
            raise problem("and until cannot both be given", "an ongoing event has no last date; leave until out, "
                          "or ongoing out if the sources give its end", at="ongoing")
        return self

    @model_validator(mode="after")
    def _span(self) -> "Fact":
        if self.until is None:
            return self
        if self.date is None:
            raise problem("needs a date: the event's first day", "add date: when the event began", at="until")
        if last_day(self.date) >= first_day(self.until):
            raise problem(f"{self.until.iso()} does not come after the date {self.date.iso()}",
                          "until is the event's last date, after date (its first); for a single date leave "
                          "until out", at="until")
        return self

    @model_validator(mode="after")
    def _holders(self) -> "Fact":
        if self.holders is not None and self.role is None:
            raise problem("holders needs a role", "holders says how many hold a post at once; it goes on a "
                          "role fact (role: Co-Chair)", at="holders")
        return self

    @model_validator(mode="after")
    def _post(self) -> "Fact":
        if self.post is None:
            return self
        if self.of is not None:
            raise problem("post and of together", "post is the whole post already, whose included "
                          "('Russian Ambassador to Ukraine'); leave of out", at="post")
        if self.role is None:
            raise problem("post needs a role", "post words a role fact's post; give the role too "
                          "(role: Ambassador)", at="post")
        return self


class RelationKind(Model):
    """What a relation means and how questions about it are worded."""

    family: Family = Field(description="Question family: signing, backing, dates, roles, figures, ...")
    shape: Shape
    label: Label = Field(description="Short verb phrase for tables: 'signed', 'backs'.")
    subject_kinds: tuple[EntityKind, ...] = ()
    object_kinds: tuple[EntityKind, ...] = ()
    subject_label: Text = "Subject"
    object_label: Text = "Object"
    templates: Templates = Field(default_factory=dict)
    skip: tuple[str, ...] = Field(default=(), description="Question templates not to ask for this relation "
                                                         "(e.g. 'order', 'ask_event'); their wording is kept.")


class RelationOverride(Model):
    """A fact file's addition to, or change of, a shipped relation kind. For a new kind,
    ``family``, ``shape`` and ``label`` are required."""

    family: Family | None = None
    shape: Shape | None = None
    label: Label | None = None
    subject_kinds: tuple[EntityKind, ...] | None = None
    object_kinds: tuple[EntityKind, ...] | None = None
    subject_label: Text | None = None
    object_label: Text | None = None
    templates: Templates = Field(default_factory=dict)
    skip: tuple[str, ...] | None = None


class FamilyOverride(Model):
    """A fact file's own question family, or its change to a shipped one's title or order.
    A new family needs a title."""

    title: Text | None = Field(default=None,
                               description="Names the family's Anki sub-deck and classroom-platform category.")
    order: int | None = Field(default=None, description="Where the family stands among the others, smallest first.")


class QuizSettings(Model):
    """How printed quizzes look, as a teacher sets it (``quiz:``). The command line's options win."""

    title: Text | None = Field(default=None, description="Title printed on the quiz (default: the topic's title).")
    points: Mapping[str, Annotated[int, Field(ge=0, le=100)]] = Field(
        default_factory=dict, description="Points by question kind (multiple_choice, true_false, matching, ordering, "
                                          "short_answer) or by question id; default 1, and 1 per pair for matching.")
    instructions: Text | None = Field(default=None, description="Instructions printed under the title.")
    time: Text | None = Field(default=None, description="Time allowed, as it should read: \"40 minutes\".")
    school: Text | None = Field(default=None, description="A school or class line printed above the title.")
    paper: Literal["a4", "letter"] | None = Field(default=None, description="Paper size.")
    font_size: Annotated[float, Field(ge=8, le=24)] | None = Field(
        default=None, description="Body text size in points (default 11; 14 or more for large print).")
    sources: bool | None = Field(default=None, description="Print the source list on the student's paper too "
                                                           "(it is always on the key).")
    copies: Annotated[int, Field(ge=0, le=200)] = Field(default=0, description="Numbered, individually shuffled "
                                                                               "copies besides the versions.")

    @model_validator(mode="after")
    def _points(self) -> "QuizSettings":
        kinds = ("multiple_choice", "true_false", "matching", "ordering", "short_answer")
        for key in self.points:
            if key not in kinds and not re.fullmatch(r"[a-z0-9_.-]+-[a-z0-9_]+-[0-9a-f]{10}", key):
                close = difflib.get_close_matches(key, kinds, n=1)
                raise problem(f"'{key}' is neither a question kind nor a question id",
                              f"did you mean '{close[0]}'?" if close else
                              "use a kind (" + ", ".join(kinds) + ") or an id from questions.json",
                              at="points")
        return self


class Closure(Model):
    """A declaration that lets generators prove a distractor wrong.

    ``complete``: for ``object`` (or ``subject``), the facts of ``relation`` list every
    subject (object) there is among ``among`` (entity ids, or "all").
    ``functional``: each subject in ``among`` has at most one object for ``relation``.
    """

    relation: Id
    kind: Literal["complete", "functional"]
    object: Id | None = None
    subject: Id | None = None
    among: tuple[Id, ...] | Literal["all"] = "all"
    reason: Text = Field(description="Why the curator may claim this; shown in answer keys.")
    citations: tuple[Citation, ...] = ()


class FactFile(Model):
    """A whole fact file, as written."""

    format: Annotated[Literal[1], BeforeValidator(_whole_number)] = Field(description="Fact format version; this is version 1.")
    topic: Topic
    sources: tuple[Source, ...] = Field(min_length=1)
    entities: tuple[Entity, ...] = Field(min_length=1)
    relations: Mapping[Id, RelationOverride] = Field(default_factory=dict)
    families: Mapping[Family, FamilyOverride] = Field(default_factory=dict)
    wording: Mapping[str, Text] = Field(
        default_factory=dict, description="Changes to the words quizgen adds around templates (see the shipped "
                                          "src/quizgen/data/wording.yaml): 'True', 'According to {source}, {text}', ...")
    facts: tuple[Fact, ...] = Field(min_length=1)
    closures: tuple[Closure, ...] = ()
    quiz: QuizSettings | None = Field(default=None, description="How printed quizzes look (see docs/printing.md).")


Path = tuple[Any, ...]


@dataclass(frozen=True)
class FactSet:
    """A validated fact file with its relation kinds resolved and indexes built."""

    file: FactFile
    path: str
    relation_kinds: Mapping[str, RelationKind]
    marks: Mapping[Path, Location] = field(repr=False, default_factory=dict)
    source_texts: Mapping[str, str] = field(repr=False, default_factory=dict)
    digest: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "entities", {e.id: e for e in self.file.entities})
        object.__setattr__(self, "sources", {s.id: s for s in self.file.sources})
        object.__setattr__(self, "facts", {f.id: f for f in self.file.facts})

    entities: Mapping[str, Entity] = field(init=False, repr=False)
    sources: Mapping[str, Source] = field(init=False, repr=False)
    facts: Mapping[str, Fact] = field(init=False, repr=False)

    @property
    def topic(self) -> Topic:
        return self.file.topic

    def where(self, *path: Any) -> Location:
        """The closest known location of a path into the file (falls back to the file)."""
        key = tuple(path)
        while key:
            if key in self.marks:
                return self.marks[key]
            key = key[:-1]
        return self.marks.get((), Location(self.path))

    def as_of(self, fact: Fact) -> PartialDate:
        """When the fact is known to hold: its as_of, else its date, else its earliest source's date."""
        if fact.as_of is not None:
            return fact.as_of
        if fact.date is not None:
            return fact.date
        if fact.by is not None:
            return fact.by
        dates = [self.sources[c.source].published for c in fact.citations if c.source in self.sources]
        return min(dates, key=PartialDate.sort_key) if dates else PartialDate(1)

    def kind_of(self, fact: Fact) -> RelationKind:
        return self.relation_kinds[fact.relation]
