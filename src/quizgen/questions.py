"""The question model: what every exporter consumes. Plain text only, no markup."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SkipValidation

Kind = Literal["multiple_choice", "true_false", "short_answer", "matching", "ordering"]
Role = Literal["answer", "contradicts", "closure", "rules_out"]
KINDS: tuple[str, ...] = Kind.__args__  # type: ignore[attr-defined]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuestionCitation(Model):
    source: str
    publisher: str
    title: str
    published: str
    url: str | None = None
    quote: str
    role: Role = Field(default="answer", description="What the quote establishes: 'answer' (the facts asked "
                       "about), 'contradicts' (the fact a false statement contradicts), 'closure' (a closure that "
                       "proves a statement or an option false), 'rules_out' (a fact that proves a wrong option wrong).")
    fact: str | None = Field(default=None, description="The id of the fact the quote is cited for; none for a "
                             "closure's quote.")


class Option(Model):
    """One choice of a multiple-choice or true/false question."""

    text: str
    correct: bool
    why: str = Field(description="For the right option, what supports it; for a wrong one, what proves it wrong.")


class Pair(Model):
    left: str
    right: str


class Question(Model):
    id: str = Field(description="Stable: derived from fact ids, template and variant, never from wording.")
    family: str
    kind: Kind
    template: str
    prompt: str
    answer: str = Field(description="The right answer as text (for matching and ordering, the whole solution).")
    choices: tuple[str, ...] = Field(default=(), description="Options in display order (multiple choice, true/false, "
                                                               "and the right-hand column of matching).")
    options: tuple[Option, ...] = Field(default=(), description="The choices with correctness and reasons.")
    accepted: tuple[str, ...] = Field(default=(), description="Short answer: every accepted spelling.")
    pairs: tuple[Pair, ...] = Field(default=(), description="Matching: the right pairs, in display order of the left column.")
    items: tuple[str, ...] = Field(default=(), description="Ordering: the items in the right order.")
    explanation: str
    citations: tuple[QuestionCitation, ...] = Field(min_length=1)
    facts: tuple[str, ...] = Field(min_length=1)
    proofs: SkipValidation[tuple[str, ...]] = Field(default=(), exclude=True,
                                    description="Not exported. Other facts the question's options, wording or "
                                    "existence rest on (distractor proofs, competing facts); with `facts`, every "
                                    "fact whose change can change this question.")
    tags: tuple[str, ...] = ()
    background: bool = Field(default=False, description="Every fact it asks about is background: printed quizzes "
                             "leave it out unless asked to include background.")
    as_of: str = Field(description="The date the facts it rests on are known to hold (YYYY, YYYY-MM or YYYY-MM-DD).")


    def citations_by_source(self) -> list[tuple[QuestionCitation, tuple[QuestionCitation, ...]]]:
        """The evidence grouped by source, sources in the order they are first cited: (the source's
        first citation, for its publisher, title, date and address; every distinct quote from it)."""
        return group_by_source(self.citations)


def group_by_source(citations) -> list[tuple[QuestionCitation, tuple[QuestionCitation, ...]]]:
    """Citations grouped by source (first-cited source first), each quote once."""
    grouped: dict[str, list[QuestionCitation]] = {}
    for citation in citations:
        quotes = grouped.setdefault(citation.source, [])
        if all(c.quote != citation.quote for c in quotes):
            quotes.append(citation)
    return [(quotes[0], tuple(quotes)) for quotes in grouped.values()]


class FamilyInfo(Model):
    """A question family as the bank's questions use it."""

    id: str
    title: str = Field(description="The Anki sub-deck and classroom-platform category name.")
    order: int


class QuestionBank(Model):
    """The contents of questions.json."""

    format: Literal[1] = 1
    topic: str
    title: str
    input_sha256: str = Field(description="SHA-256 of the fact file the questions were made from.")
    families: tuple[FamilyInfo, ...] = Field(default=(), description="The families the questions use, in order.")
    questions: tuple[Question, ...]

    def family_titles(self) -> dict[str, str]:
        """Family id -> title, for decks and categories."""
        return {family.id: family.title for family in self.families}

    def in_family_order(self) -> list[Question]:
        """The questions by family, families in their declared order, then by id: how every
        platform lists its categories."""
        rank = {family.id: index for index, family in enumerate(self.families)}
        return sorted(self.questions, key=lambda q: (rank.get(q.family, len(rank)), q.family, q.id))
