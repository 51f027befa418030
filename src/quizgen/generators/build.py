"""Builder: turns what a generator decided into a Question (id, citations, tags, options)."""

from __future__ import annotations

from typing import Callable, Iterable, Sequence

from ..dates import PartialDate
from ..facts import Fact, FactSet
from ..ids import question_id
from ..questions import Option, Pair, Question, QuestionCitation
from .index import FactIndex
from .options import shuffled_options
from .wording import Words


class Builder:
    """Questions with their citations, tags and as-of date; options in the question's own order."""

    def __init__(self, facts: FactSet, index: FactIndex, words: Words) -> None:
        self.facts = facts
        self.index = index
        self.words = words

    def true_false(self, answer_true: bool, why: str) -> tuple[Option, Option]:
        """True/false options in fixed order: true first, as on every printed test."""
        return (Option(text=self.words.true, correct=answer_true, why=why),
                Option(text=self.words.false, correct=not answer_true, why=why))

    def citations(self, facts: Sequence[Fact]) -> tuple[QuestionCitation, ...]:
        """Every quote of the facts, each once, in the facts' order."""
        cache = self.__dict__.setdefault("_citation_cache", {})
        seen: set[tuple[str, str]] = set()
        result = []
        for fact in facts:
            for citation in fact.citations:
                key = (citation.source, citation.quote)
                if key in seen:
                    continue
                seen.add(key)
                if key not in cache:
                    source = self.facts.sources[citation.source]
                    cache[key] = QuestionCitation(source=source.id, publisher=source.publisher, title=source.title,
                                                  published=source.published.iso(), url=source.url,
                                                  quote=citation.quote)
                result.append(cache[key])
        return tuple(result)

    def tags(self, family: str, kind: str) -> tuple[str, ...]:
        topic = f"quizgen::{self.facts.topic.id}"
        return (topic, f"{topic}::family::{family}", f"{topic}::kind::{kind}")

    # -- builders ----------------------------------------------------------------
    def question(self, *, family: str, kind: str, template: str, prompt: str, answer: str, explanation: str,
                 facts: Sequence[Fact], variant: str = "", options: tuple[Option, ...] = (),
                 accepted: Sequence[str] = (), pairs: Sequence[Pair] = (), items: Sequence[str] = (),
                 choices: Sequence[str] | None = None, proofs: Iterable[str] | Callable[[], Iterable[str]] = (),
                 qid: str | None = None) -> Question:
        as_of = max((self.index.as_of(f) for f in facts), key=PartialDate.sort_key)
        return Question(
            id=qid or question_id(family, template, [f.id for f in facts], variant),
            family=family, kind=kind, template=template, prompt=prompt, answer=answer,
            choices=tuple(choices) if choices is not None else tuple(o.text for o in options),
            options=options, accepted=tuple(dict.fromkeys(accepted)), pairs=tuple(pairs), items=tuple(items),
            explanation=explanation, citations=self.citations(facts), facts=tuple(f.id for f in facts),
            proofs=_as_tuple(proofs() if callable(proofs) else proofs), tags=self.tags(family, kind), as_of=as_of.iso(),
        )

    def multiple_choice(self, *, family: str, template: str, prompt: str, answer: tuple[str, str],
                        wrong: Sequence[tuple[str, str]], explanation: str, facts: Sequence[Fact],
                        variant: str = "", proofs: Iterable[str] | Callable[[], Iterable[str]] = ()) -> Question:
        """A multiple-choice question; ``answer`` and each of ``wrong`` are (text, why)."""
        qid = question_id(family, template, [f.id for f in facts], variant)
        return self.question(family=family, kind="multiple_choice", template=template, prompt=prompt,
                             answer=answer[0], explanation=explanation, facts=facts, variant=variant,
                             options=shuffled_options(qid, answer, wrong), proofs=proofs, qid=qid)


def _as_tuple(items: Iterable[str]) -> tuple[str, ...]:
    """A tuple, shared rather than copied when it already is one (a timeline's proofs are the same
    for every question cut from it)."""
    return items if isinstance(items, tuple) else tuple(items)
