"""An open-ended event (`ongoing: true`: "from 12 January on", "since 2014"): a start and no end.
Its "when" questions stay true whatever happened later (only an earlier start is wrong), it is
ordered against nothing, and it is a wrong option only for dates before it began."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from format_helpers import build, changed_only_where_involved, event, events_document, right_options, without
from quizgen.dates import PartialDate, first_day, last_day
from quizgen.errors import FactFileError
from test_date_spans import read_human

TIMELINE = [event("a", date="2020-01-05"), event("b", date="2020-01-20"), event("c", date="2020-02-03"),
            event("d", date="2020-03-01"), event("e", date="2019-12-20"), event("o", date="2020-01-12", ongoing=True)]


def start_of(option: str) -> PartialDate:
    """'from 11 January 2020 on' -> 11 January 2020."""
    assert option.startswith("from ") and option.endswith(" on"), option
    return read_human(option[len("from "):-len(" on")])


def test_an_ongoing_event_is_asked_from_its_start_on_and_only_earlier_starts_are_wrong(tmp_path):
    _, questions = build(tmp_path, events_document(TIMELINE))
    when = next(q for q in questions if q.facts == ("o",) and q.template == "ask_date")
    assert when.prompt == "When did Event O take place?"
    assert when.kind == "multiple_choice" and when.answer == "from 12 January 2020 on"
    assert right_options(when) == ["from 12 January 2020 on"]
    start = first_day(PartialDate(2020, 1, 12))
    for option in when.options:
        if not option.correct:
            # a later start would be true too: it was still going on then
            assert last_day(start_of(option.text)) < start, option.text
            assert "An event has one start." in option.why


def test_true_and_false_statements_of_an_ongoing_event(tmp_path):
    _, questions = build(tmp_path, events_document(TIMELINE))
    statements = {q.prompt: q.answer for q in questions if q.facts == ("o",) and q.template == "statement"}
    assert statements.pop("Event O took place from 12 January 2020 on.") == "True"
    [(false, answer)] = statements.items()
    assert answer == "False"
    assert last_day(start_of(false.removeprefix("Event O took place ").rstrip("."))) < first_day(PartialDate(2020, 1, 12))


def test_an_ongoing_event_is_in_no_order_and_no_option_after_it_began(tmp_path):
    _, questions = build(tmp_path, events_document(TIMELINE))
    for q in questions:
        if q.kind in ("ordering",) or q.template == "first":
            assert "Event O" not in (*q.items, *q.choices) and "o" not in q.facts
    order = next(q for q in questions if q.kind == "ordering")
    assert order.items == ("Event E", "Event A", "Event B", "Event C")  # the four earliest dated events
    on_b = next(q for q in questions if q.template == "ask_event" and q.facts == ("b",))
    assert "Event O" not in on_b.choices  # still going on on 20 January
    on_e = next(q for q in questions if q.template == "ask_event" and q.facts == ("e",))
    if "Event O" in on_e.choices:  # it began after 20 December 2019: a proven-wrong option
        assert not next(o for o in on_e.options if o.text == "Event O").correct


def test_which_took_place_from_its_start_offers_only_what_was_over_by_then(tmp_path):
    _, questions = build(tmp_path, events_document(TIMELINE))
    own = next(q for q in questions if q.template == "ask_event" and q.facts == ("o",))
    assert own.prompt == "Which of these took place from 12 January 2020 on?"
    assert set(own.choices) - {"Event O"} <= {"Event A", "Event E"}


def test_open_start_wording_is_data(tmp_path):
    doc = events_document(TIMELINE, wording={"when_from": "since {date}", "date_from": "since {date}"})
    _, questions = build(tmp_path, doc)
    assert "Event O took place since 12 January 2020." in {q.prompt for q in questions}


@pytest.mark.parametrize("change, message", [
    ({"date": None}, "'ongoing' needs a date"),
    ({"until": "2020-02-01"}, "'ongoing' and until cannot both be given"),
    ({"ongoing": "yes"}, "'ongoing' should be true or false"),
])
def test_a_malformed_ongoing_event_is_a_located_error(tmp_path, change, message):
    changed = {k: v for k, v in {**TIMELINE[5], **change}.items() if v is not None}
    doc = events_document([*TIMELINE[:5], changed])
    with pytest.raises(FactFileError) as caught:
        build(tmp_path, doc)
    assert message in str(caught.value) and ":" in str(caught.value).split(" error:")[0]


def test_adding_an_ongoing_event_changes_only_questions_that_involve_it(tmp_path):
    doc = events_document(TIMELINE)
    _, with_it = build(tmp_path, doc)
    _, without_it = build(tmp_path, without(doc, "o"), "without.yaml")
    assert changed_only_where_involved(with_it, without_it, "o") == []


DAYS = st.dates(min_value=dt.date(2019, 12, 1), max_value=dt.date(2020, 3, 31))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(dated=st.lists(DAYS, min_size=3, max_size=8, unique=True), start=DAYS)
def test_no_option_took_place_on_the_asked_date_with_an_ongoing_event_anywhere(tmp_path_factory, dated, start):
    """Truth: in every "which took place on T" question exactly one option can have taken place on T
    (the ongoing event counts as taking place on every day from its start on); and adding the
    ongoing event changes only the questions that involve it."""
    tmp_path = tmp_path_factory.mktemp("ongoing")
    events = [event(f"e{i}", date=d.isoformat()) for i, d in enumerate(dated)]
    events.append(event("o", date=start.isoformat(), ongoing=True))
    doc = events_document(events)
    _, with_it = build(tmp_path, doc)
    days = {f"Event {e['subject'].upper()}": e["date"] for e in events}

    def could_be_on(label: str, day: int) -> bool:
        first = first_day(read_human(dt.date.fromisoformat(days[label]).strftime("%-d %B %Y")))
        return first <= day if label == "Event O" else first == day

    for q in with_it:
        if q.template == "ask_event":
            asked = first_day(read_human(dt.date.fromisoformat(days[f"Event {q.facts[0].upper()}"]).strftime("%-d %B %Y")))
            possible = [c for c in q.choices if could_be_on(c, asked)]
            if q.facts != ("o",):
                assert possible == [q.answer], (q.prompt, q.choices)
            else:  # "from its start on": only events over before it began are wrong
                assert all(c == "Event O" or first_day(read_human(dt.date.fromisoformat(days[c]).strftime("%-d %B %Y"))) < asked
                           for c in q.choices)
        if q.kind == "ordering" or q.template == "first":
            assert "Event O" not in q.choices
    _, without_it = build(tmp_path, without(doc, "o"), "without.yaml")
    assert changed_only_where_involved(with_it, without_it, "o") == []
