"""The units generators are made of, each on its own."""

from __future__ import annotations

import pytest

from conftest import FACTS
from quizgen import pipeline
from quizgen.dates import PartialDate
from quizgen.generators.build import Builder
from quizgen.generators.index import FactIndex
from quizgen.generators.options import pick, shuffled_options
from quizgen.generators.proofs import Proofs
from quizgen.generators.wording import Words


@pytest.fixture(scope="module")
def facts():
    return pipeline.check_facts(FACTS).facts


def test_index_knows_which_facts_name_an_entity(facts):
    index = FactIndex(facts)
    fact = next(f for f in facts.file.facts if f.relation == "signed" and not f.negated)
    assert fact.id in index.about("signed", fact.subject)
    assert fact.id in index.about("signed", fact.object)
    assert all(facts.facts[i].relation == "signed" for i in index.about("signed", fact.object))
    assert index.about("signed", "no-such-entity") == set()


def test_proofs_come_only_from_negated_facts_and_closures(facts):
    index = FactIndex(facts)
    proofs = Proofs(index, Words(facts, index.as_of))
    negated = next(f for f in facts.file.facts if f.relation == "signed" and f.negated and not f.disputed)
    assert proofs.proves_not("signed", negated.subject, negated.object).startswith(facts.entities[negated.subject].name)
    signed = next(f for f in facts.file.facts if f.relation == "signed" and not f.negated)
    assert proofs.proves_not("signed", signed.subject, signed.object) is None  # true things are never proven false


def test_words_fill_the_wording_texts(facts):
    words = Words(facts, facts.as_of)
    assert words.when(PartialDate(2020, 1, 13)) == "on 13 January 2020"
    assert words.when(PartialDate(2020, 1)) == "in January 2020"
    from quizgen.facts import Quantity

    assert words.quantity(5000, Quantity(value=5000, unit="people", qualifier="more_than", measure="m")) == \
        "more than 5,000 people"
    assert words.render("Who signed {object}?", {"object": ""}) is None  # a missing value: not asked
    assert words.render("Which of these signed {object}?", {"object": "the deal"}, "the UN") == \
        "According to the UN, which of these signed the deal?"


def test_options_follow_the_question_id_only():
    answer, wrong = ("A", "why"), [("B", "b"), ("C", "c"), ("D", "d")]
    first = shuffled_options("q-1", answer, wrong)
    assert shuffled_options("q-1", answer, list(wrong)) == first
    orders = {tuple(o.text for o in shuffled_options(f"q-{i}", answer, wrong)) for i in range(40)}
    assert len(orders) > 6  # different questions, different orders
    assert pick([("A", ""), ("a", ""), ("B", "")], "b") == [("A", "")]


def test_builder_cites_and_tags(facts):
    index = FactIndex(facts)
    build = Builder(facts, index, Words(facts, index.as_of))
    fact = facts.file.facts[0]
    question = build.question(family="signing", kind="short_answer", template="t", prompt="P?", answer="A",
                              accepted=["A"], explanation="E.", facts=[fact], proofs=["x", fact.id])
    assert question.citations[0].quote == fact.citations[0].quote
    assert question.proofs == ("x", fact.id) and question.facts == (fact.id,)
    assert "quizgen::" + facts.topic.id in question.tags
