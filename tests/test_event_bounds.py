"""An event known only by a bound (`by: DATE`, "by 19 January", "no later than"): asked
"By what date …", never ordered against other events, never an option, and it leaves the rest of
the timeline's questions as they were."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from format_helpers import build, changed_only_where_involved, event, events_document, without
from quizgen.errors import FactFileError

TIMELINE = [event("a", date="2020-01-05"), event("b", date="2020-01-20"), event("c", date="2020-02-03"),
            event("d", date="2020-03-01"), event("w", by="2020-01-19")]


def test_a_bound_is_asked_by_what_date_and_as_a_true_statement_only(tmp_path):
    _, questions = build(tmp_path, events_document(TIMELINE))
    about = [q for q in questions if "w" in q.facts]
    by_template = {q.template: q for q in about}
    assert sorted(by_template) == ["ask_by", "statement"] and len(about) == 2
    ask = by_template["ask_by"]
    assert ask.prompt == "By what date had Event W taken place?"
    # a short answer: any later date would be a bound too, so no option can be proven wrong
    assert ask.kind == "short_answer" and ask.answer == "19 January 2020"
    assert {"19 January 2020", "2020-01-19", "January 19, 2020"} <= set(ask.accepted)
    assert "19 January 2020 as the latest date" in ask.explanation
    statement = by_template["statement"]
    assert statement.prompt == "Event W took place by 19 January 2020." and statement.answer == "True"


def test_a_bound_is_in_no_order_no_option_and_no_other_question(tmp_path):
    _, questions = build(tmp_path, events_document(TIMELINE))
    for q in questions:
        if "w" in q.facts:
            continue
        assert "w" not in q.proofs, q.id
        assert "Event W" not in (*q.choices, *q.items, q.prompt, q.explanation), q.id
    # the four dated events are still ordered: the bound did not collapse the timeline
    order = next(q for q in questions if q.kind == "ordering")
    assert order.items == ("Event A", "Event B", "Event C", "Event D")


def test_adding_a_bound_changes_no_other_question(tmp_path):
    doc = events_document(TIMELINE)
    _, with_it = build(tmp_path, doc)
    _, without_it = build(tmp_path, without(doc, "w"), "without.yaml")
    assert changed_only_where_involved(with_it, without_it, "w") == []
    assert len(with_it) == len(without_it) + 2


def test_a_bound_inside_a_sentence_reads_from_the_wording(tmp_path):
    doc = events_document(TIMELINE, wording={"when_by": "no later than {date}"})
    _, questions = build(tmp_path, doc)
    assert "Event W took place no later than 19 January 2020." in {q.prompt for q in questions}


@pytest.mark.parametrize("change, line_and_message", [
    ({"date": "2020-01-10"}, "'by' and date cannot both be given"),
    ({"until": "2020-01-25"}, "'by' and until cannot both be given"),
])
def test_a_bound_beside_a_date_is_a_located_error(tmp_path, change, line_and_message):
    doc = events_document([*TIMELINE[:4], {**TIMELINE[4], **change}])
    with pytest.raises(FactFileError) as caught:
        build(tmp_path, doc)
    assert line_and_message in str(caught.value)


def test_a_bound_and_a_date_for_one_event_are_refused(tmp_path):
    doc = events_document(TIMELINE)
    doc["facts"].append({**event("w", date="2020-01-10"), "id": "w-dated", "citations": [{"source": "s", "quote": "q"}]})
    with pytest.raises(FactFileError) as caught:
        build(tmp_path, doc)
    [problem] = [p for p in caught.value.problems if p.is_error]
    assert problem.code == "bad-by" and "'w'" in problem.message and problem.location.line


def test_a_bound_on_a_fact_that_is_no_event_is_refused(tmp_path):
    doc = events_document(TIMELINE)
    doc["entities"] += [{"id": "p", "name": "Pat", "kind": "person"}, {"id": "doc", "name": "Deal", "kind": "document"}]
    doc["facts"].append({"id": "signed", "relation": "signed", "subject": "p", "object": "doc", "by": "2020-01-19",
                         "citations": [{"source": "s", "quote": "q"}]})
    with pytest.raises(FactFileError) as caught:
        build(tmp_path, doc)
    [problem] = [p for p in caught.value.problems if p.is_error]
    assert problem.code == "bad-by" and "binary relation" in problem.message


DAYS = st.dates(min_value=__import__("datetime").date(2020, 1, 1), max_value=__import__("datetime").date(2020, 3, 31))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(dated=st.lists(DAYS, min_size=3, max_size=8, unique=True), bound=DAYS)
def test_a_bound_anywhere_in_a_timeline_touches_only_its_own_questions(tmp_path_factory, dated, bound):
    """Wherever the bound falls (before, between, on, after the dated events), the other questions
    stay byte-identical and none of them names it."""
    tmp_path = tmp_path_factory.mktemp("bound")
    events = [event(f"e{i}", date=d.isoformat()) for i, d in enumerate(dated)] + [event("w", by=bound.isoformat())]
    doc = events_document(events)
    _, with_it = build(tmp_path, doc)
    _, without_it = build(tmp_path, without(doc, "w"), "without.yaml")
    assert changed_only_where_involved(with_it, without_it, "w") == []
    assert all("Event W" not in (*q.choices, *q.items) for q in with_it)


def test_the_topics_use_every_new_form_and_ask_them_truthfully():
    """The saved topics use a bound, an ongoing event and one measure at two dates, from their texts."""
    from conftest import ROOT
    from quizgen import pipeline

    banks = {}
    for topic in ("wimbledon-1877", "penicillin-discovery"):
        path = ROOT / "tests" / "data" / "topics" / topic / "facts.yaml"
        banks[topic] = pipeline.make_questions(pipeline.check_facts(path, path.parent / "sources").facts, 1)
    penicillin = {q.prompt: q for q in banks["penicillin-discovery"]}
    assert penicillin["By what date had Chain's departure from Germany taken place?"].answer == "2 April 1933"
    wimbledon = {q.prompt: q for q in banks["wimbledon-1877"]}
    assert wimbledon["When have the Wimbledon Championships been held?"].answer == "from July 1877 on"
    assert wimbledon["As of July 1877, what figure do the sources give for Spencer Gore's age?"].answer == "27 years"
    later = wimbledon["As of 19 April 1906, what figure do the sources give for Spencer Gore's age?"]
    assert later.answer == "56 years" and "27 years" not in later.choices
