"""The fact model: what a fact file may say, as frozen pydantic models.

No I/O here. ``load.py`` reads YAML into these models; ``checks.py`` checks
what a schema cannot (references, quotes, contradictions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Mapping

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, WithJsonSchema

from .dates import PartialDate, parse_date
from .errors import Location

FORMAT_VERSION = 1

ID_PATTERN = r"^[a-z0-9][a-z0-9_.-]*$"

Date = Annotated[
    PartialDate,
    BeforeValidator(parse_date),
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
]
Text = Annotated[str, Field(min_length=1)]

EntityKind = Literal["person", "organisation", "country", "faction", "document", "event", "place", "other"]
ENTITY_KINDS: tuple[str, ...] = EntityKind.__args__  # type: ignore[attr-defined]

Shape = Literal["binary", "role", "event", "quantity"]
Family = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
Qualifier = Literal["exactly", "about", "more_than", "at_least", "fewer_than", "up_to", "almost", "nearly"]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class Topic(Model):
    """What the fact file is about. ``id`` namespaces every generated identity."""

    id: Id = Field(description="Stable topic id; never change it once decks are shared.")
    title: Text
    description: str = ""
    language: str = "en"


class Source(Model):
    """One published source. ``text_file`` (relative to --sources) lets quotes be verified."""

    id: Id
    publisher: Text
    title: Text
    published: Date
    author: str | None = None
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    text_file: str | None = None
    note: str | None = Field(default=None, description="Anything a reader should know: how the date was established, a supplied title.")


class Entity(Model):
    id: Id
    name: Text
    kind: EntityKind
    aliases: tuple[Text, ...] = ()
    description: str = ""
    in_sentence: str | None = Field(
        default=None, description="How to refer to it inside a sentence, e.g. 'the Moscow ceasefire document'.")

    @property
    def phrase(self) -> str:
        return self.in_sentence or self.name


class Citation(Model):
    source: Id
    quote: Text = Field(description="Verbatim text from the source that supports the fact.")
    note: str | None = None


class Quantity(Model):
    value: Annotated[float, Field(ge=0)]
    unit: Text = Field(description="What is counted, plural: 'civilians', 'hours'.")
    unit_one: str | None = Field(default=None, min_length=1,
                                 description="The unit for a value of exactly 1, singular: 'hour' beside 'hours'.")
    qualifier: Qualifier = "exactly"
    measure: Text = Field(description="Noun phrase for the question: 'civilians killed since the offensive began'.")


class Fact(Model):
    """A typed statement. Which fields it needs depends on its relation's shape."""

    id: Id
    relation: Id
    subject: Id
    object: Id | None = None
    negated: bool = Field(default=False, description="The statement is explicitly false: 'X did not sign D'.")
    date: Date | None = None
    place: Id | None = None
    role: str | None = None
    of: Id | None = Field(default=None, description="The organisation or country a role belongs to.")
    as_of: Date | None = None
    quantity: Quantity | None = None
    according_to: str | None = Field(
        default=None, description="Attribution for a claim only some report: 'the UN', 'teleSUR'.")
    disputed: str | None = Field(
        default=None, description="How the sources disagree. A disputed fact never proves a distractor wrong.")
    citations: tuple[Citation, ...] = Field(min_length=1)
    note: str | None = None


class RelationKind(Model):
    """What a relation means and how questions about it are worded."""

    family: Family = Field(description="Question family: signing, backing, dates, roles, figures, ...")
    shape: Shape
    label: Text = Field(description="Short verb phrase for tables: 'signed', 'backs'.")
    subject_kinds: tuple[EntityKind, ...] = ()
    object_kinds: tuple[EntityKind, ...] = ()
    subject_label: str = "Subject"
    object_label: str = "Object"
    templates: Mapping[str, str] = Field(default_factory=dict)
    skip: tuple[str, ...] = Field(default=(), description="Question templates not to ask for this relation "
                                                         "(e.g. 'order', 'ask_event'); their wording is kept.")


class RelationOverride(Model):
    """A fact file's addition to, or change of, a shipped relation kind. For a new kind,
    ``family``, ``shape`` and ``label`` are required."""

    family: Family | None = None
    shape: Shape | None = None
    label: str | None = None
    subject_kinds: tuple[EntityKind, ...] | None = None
    object_kinds: tuple[EntityKind, ...] | None = None
    subject_label: str | None = None
    object_label: str | None = None
    templates: Mapping[str, str] = Field(default_factory=dict)
    skip: tuple[str, ...] | None = None


class FamilyOverride(Model):
    """A fact file's own question family, or its change to a shipped one's title or order.
    A new family needs a title."""

    title: str | None = Field(default=None, min_length=1,
                              description="Names the family's Anki sub-deck and classroom-platform category.")
    order: int | None = Field(default=None, description="Where the family stands among the others, smallest first.")


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

    format: Literal[1] = Field(description="Fact format version; this is version 1.")
    topic: Topic
    sources: tuple[Source, ...] = Field(min_length=1)
    entities: tuple[Entity, ...] = Field(min_length=1)
    relations: Mapping[Id, RelationOverride] = Field(default_factory=dict)
    families: Mapping[Family, FamilyOverride] = Field(default_factory=dict)
    wording: Mapping[str, str] = Field(
        default_factory=dict, description="Changes to the words quizgen adds around templates (see the shipped "
                                          "src/quizgen/data/wording.yaml): 'True', 'According to {source}, {text}', ...")
    facts: tuple[Fact, ...] = Field(min_length=1)
    closures: tuple[Closure, ...] = ()


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
        dates = [self.sources[c.source].published for c in fact.citations if c.source in self.sources]
        return min(dates, key=PartialDate.sort_key) if dates else PartialDate(1)

    def kind_of(self, fact: Fact) -> RelationKind:
        return self.relation_kinds[fact.relation]
