"""Builder: turns what a generator decided into a Question (id, citations, tags, options)."""

from __future__ import annotations

from typing import Callable, Iterable, Sequence

from ..dates import PartialDate
from ..facts import Closure, Fact, FactSet
from ..ids import question_id
from ..questions import Option, Pair, Question, QuestionCitation
from .index import FactIndex
from .options import shuffled_options
from .wording import Words


Evidence = tuple[str, "Fact | Closure"]
"""(role, fact or closure): quotes that establish an answer beside those of the facts asked about."""


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

    def citations(self, facts: Sequence[Fact], evidence: Sequence[Evidence] = ()) -> tuple[QuestionCitation, ...]:
        """Every quote that establishes the answer, each once: the quotes of the facts asked about
        (role 'answer'), then those of ``evidence`` ((role, fact or closure) pairs), in that order."""
        cache = self.__dict__.setdefault("_citation_cache", {})
        seen: set[tuple[str, str]] = set()
        result = []
        for role, item in [*(("answer", f) for f in facts), *evidence]:
            fact_id = item.id if isinstance(item, Fact) else None
            for citation in item.citations:
                key = (citation.source, citation.quote)
                if key in seen:
                    continue
                seen.add(key)
                cached = (role, fact_id, *key)
                if cached not in cache:
                    source = self.facts.sources[citation.source]
                    cache[cached] = QuestionCitation(source=source.id, publisher=source.publisher, title=source.title,
                                                     published=source.published.iso(), url=source.url,
                                                     quote=citation.quote, role=role, fact=fact_id)
                result.append(cache[cached])
        return tuple(result)

    def is_background(self, facts: Sequence[Fact]) -> bool:
        return all(f.background for f in facts)

    def tags(self, family: str, kind: str) -> tuple[str, ...]:
        topic = f"quizgen::{self.facts.topic.id}"
        return (topic, f"{topic}::family::{family}", f"{topic}::kind::{kind}")

    # -- builders ----------------------------------------------------------------
    def question(self, *, family: str, kind: str, template: str, prompt: str, answer: str, explanation: str,
                 facts: Sequence[Fact], variant: str = "", options: tuple[Option, ...] = (),
                 accepted: Sequence[str] = (), pairs: Sequence[Pair] = (), items: Sequence[str] = (),
                 choices: Sequence[str] | None = None, proofs: Iterable[str] | Callable[[], Iterable[str]] = (),
                 qid: str | None = None, evidence: Sequence[Evidence] = (),
                 cited: Sequence[Fact] | None = None) -> Question:
        """``cited``: the facts whose quotes establish the answer, when not all of ``facts`` do (a
        false statement's anchor only words it); ``evidence``: further (role, fact or closure) pairs."""
        as_of = max((self.index.as_of(f) for f in facts), key=PartialDate.sort_key)
        return Question(
            id=qid or question_id(family, template, [f.id for f in facts], variant),
            family=family, kind=kind, template=template, prompt=prompt, answer=answer,
            choices=tuple(choices) if choices is not None else tuple(o.text for o in options),
            options=options, accepted=tuple(dict.fromkeys(accepted)), pairs=tuple(pairs), items=tuple(items),
            explanation=explanation, citations=self.citations(facts if cited is None else cited, evidence), facts=tuple(f.id for f in facts),
            proofs=_as_tuple(proofs() if callable(proofs) else proofs), tags=self.tags(family, kind),
            background=self.is_background(facts), as_of=as_of.iso(),
        )

    def multiple_choice(self, *, family: str, template: str, prompt: str, answer: tuple[str, str],
                        wrong: Sequence[tuple[str, str]], explanation: str, facts: Sequence[Fact],
                        variant: str = "", proofs: Iterable[str] | Callable[[], Iterable[str]] = (),
                        evidence: Sequence[Evidence] = ()) -> Question:
        """A multiple-choice question; ``answer`` and each of ``wrong`` are (text, why)."""
        qid = question_id(family, template, [f.id for f in facts], variant)
        return self.question(family=family, kind="multiple_choice", template=template, prompt=prompt,
                             answer=answer[0], explanation=explanation, facts=facts, variant=variant,
                             options=shuffled_options(qid, answer, wrong), proofs=proofs, qid=qid,
                             evidence=evidence)


def _as_tuple(items: Iterable[str]) -> tuple[str, ...]:
    """A tuple, shared rather than copied when it already is one (a timeline's proofs are the same
    for every question cut from it)."""
    return items if isinstance(items, tuple) else tuple(items)
