"""What the shipped fact file claims, held to what its five sources say."""

from __future__ import annotations

import pytest

from conftest import FACTS
from quizgen import pipeline


@pytest.fixture(scope="module")
def shipped():
    facts = pipeline.check_facts(FACTS).facts
    return facts, pipeline.make_questions(facts, seed=1)


def test_every_closure_cites_a_source(shipped):
    facts, _ = shipped
    assert [c.relation for c in facts.file.closures if not c.citations] == []


def test_contested_backers_are_asked_only_as_the_source_says(shipped):
    """teleSUR alone names France and Russia as the LNA's backers; no question treats it as settled."""
    facts, questions = shipped
    for fact_id in ("france-backs-lna", "russia-backs-lna"):
        fact = facts.facts[fact_id]
        assert fact.disputed and fact.according_to == "teleSUR"
    for q in questions:
        if q.family != "backing":
            continue
        for name in ("France", "Russia"):
            if q.prompt.startswith(name + " back") or any(o.text == name for o in q.options):
                pytest.fail(f"{name} asked as settled: {q.prompt}")


def test_no_event_is_dated_by_the_undated_article(shipped):
    facts, _ = shipped
    dated = [f.id for f in facts.file.facts if f.date is not None
             and any(c.source == "arabstoday-2017-08" for c in f.citations)]
    assert dated == []


def test_the_qualifiers_are_the_sources(shipped):
    facts, questions = shipped
    assert facts.facts["talks-duration"].quantity.qualifier == "more_than"  # "more than eight hours"
    assert facts.facts["libyans-displaced"].quantity.value == 146000
    assert any(q.answer == "more than 8 hours" for q in questions if "talks-duration" in q.facts)


@pytest.mark.parametrize("fact_id", [
    "agreement-provides-halt", "agreement-provides-commission",          # what the document provided
    "agreement-no-disbanding-deadline", "agreement-no-unity-government",  # why Haftar did not sign
    "haftar-concerned-disbanding", "haftar-broke-promise",               # ... and Erdoğan's account
    "russia-rejected-deployment", "bashagha-issued-warning",
    "berlin-conference-scheduled", "cavusoglu-berlin-pointless",
])
def test_the_talks_main_statements_are_facts_and_asked(shipped, fact_id):
    facts, questions = shipped
    assert fact_id in facts.facts
    assert any(fact_id in q.facts for q in questions)


def test_a_durative_event_is_asked_for_its_start(shipped):
    """Turkey's deployment and the renewed clashes began on their dates; they did not fit in one day."""
    _, questions = shipped
    for fact_id in ("turkish-deployment-began", "tripoli-clashes-began"):
        prompts = [q.prompt for q in questions if fact_id in q.facts and q.kind == "true_false"]
        assert prompts and all(" began " in p for p in prompts), prompts
