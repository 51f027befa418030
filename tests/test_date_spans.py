"""An event over several dates (`until`): validated, worded from data, and asked truthfully."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import build_document
from quizgen.dates import MONTHS, PartialDate, first_day, last_day, span_parts
from quizgen.errors import FactFileError

CITE = [{"source": "s", "quote": "q"}]


def document(events: list[tuple[str, str, str | None]], wording: dict | None = None) -> dict:
    """A fact file with one `occurred` fact per (entity id, date, until)."""
    doc = {"format": 1, "topic": {"id": "spans", "title": "Spans"},
           "sources": [{"id": "s", "publisher": "P", "title": "T", "published": "2015-03-01"}],
           "entities": [{"id": e, "name": f"Event {e.upper()}", "kind": "event"} for e, _, _ in events],
           "facts": [{"id": f"{e}-held", "relation": "occurred", "subject": e, "date": date,
                      **({"until": until} if until else {}), "citations": CITE} for e, date, until in events]}
    if wording:
        doc["wording"] = wording
    return doc


def build(tmp_path, doc: dict):
    return build_document(tmp_path, doc, "spans.yaml")


# A two-day summit, an event on its second day, one the day after it ends, and others around.
SUMMIT = [("summit", "2015-02-11", "2015-02-12"), ("a", "2015-02-12", None), ("b", "2015-02-13", None),
          ("c", "2015-02-01", None), ("d", "2015-02-20", None), ("e", "2015-02-09", None),
          ("f", "2015-02-27", None)]


def days(date: str, until: str | None) -> tuple[int, int]:
    start = PartialDate(*map(int, date.split("-")))
    end = PartialDate(*map(int, (until or date).split("-")))
    return first_day(start), last_day(end)


def read_human(text: str, like: PartialDate | None = None) -> PartialDate:
    """'12 February 2015', 'February 2015', '2015', or a span's start ('11', '11 February') beside its end."""
    parts = text.split()
    year = int(parts[-1]) if parts[-1].isdigit() and len(parts[-1]) == 4 else (like.year if like else None)
    names = [p for p in parts if p in MONTHS]
    month = MONTHS.index(names[0]) + 1 if names else (like.month if like and parts[0].isdigit()
                                                        and len(parts[0]) <= 2 else None)
    day = int(parts[0]) if parts[0].isdigit() and len(parts[0]) <= 2 else None
    return PartialDate(year, month, day)


def read_days(text: str) -> tuple[int, int]:
    """The first and last day an answer's date or span of dates means."""
    if "–" in text:
        start, end = text.split("–")
        last = read_human(end.strip())
        return first_day(read_human(start.strip(), last)), last_day(last)
    date = read_human(text)
    return first_day(date), last_day(date)


def overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return not (a[1] < b[0] or b[1] < a[0])


def test_a_two_day_event_builds_and_its_questions_show_the_span(tmp_path):
    _, questions = build(tmp_path, document(SUMMIT))
    about = [q for q in questions if q.facts == ("summit-held",)]
    when = next(q for q in about if q.template == "ask_date")
    assert when.kind == "multiple_choice"
    assert when.answer == "11–12 February 2015"
    statements = {q.prompt: q.answer for q in about if q.template == "statement"}
    assert statements["Event SUMMIT took place from 11 to 12 February 2015."] == "True"
    false = [p for p, a in statements.items() if a == "False"]
    assert len(false) == 1 and "from " in false[0]
    # the false statement's span shares no day with 11-12 February
    shown = re.search(r"from (.*) to (.*)\.$", false[0])
    assert not overlap(read_days(f"{shown[1]}–{shown[2]}"), days("2015-02-11", "2015-02-12"))
    # the span asks "which of these took place from 11 to 12 February 2015"
    event = next(q for q in about if q.template == "ask_event")
    assert event.prompt == "Which of these took place from 11 to 12 February 2015?"
    assert "Event A" not in event.choices  # on 12 February: also a right answer, so never offered


def test_no_option_that_overlaps_the_span_is_offered_as_wrong(tmp_path):
    _, questions = build(tmp_path, document(SUMMIT))
    span = days("2015-02-11", "2015-02-12")
    when = next(q for q in questions if q.facts == ("summit-held",) and q.template == "ask_date")
    wrong = [o.text for o in when.options if not o.correct]
    assert len(wrong) >= 2
    for text in wrong:
        assert not overlap(read_days(text), span), text
    # "which of these took place on 12 February 2015" never offers the summit as wrong
    on_twelfth = next(q for q in questions if q.template == "ask_event" and q.facts == ("a-held",))
    assert on_twelfth.prompt.endswith("on 12 February 2015?")
    assert "Event SUMMIT" not in on_twelfth.choices
    # and the day after it ends, it may
    on_thirteenth = next(q for q in questions if q.template == "ask_event" and q.facts == ("b-held",))
    assert on_thirteenth.answer == "Event B"


def test_ordering_never_pairs_events_that_may_share_a_day(tmp_path):
    _, questions = build(tmp_path, document(SUMMIT))
    by_name = {f"Event {e.upper()}": days(d, u) for e, d, u in SUMMIT}
    grouped = [q for q in questions if q.template in ("order", "first")]
    assert grouped
    for q in grouped:
        items = list(q.items) if q.kind == "ordering" else list(q.choices)
        assert not ("Event SUMMIT" in items and "Event A" in items)
        spans = [by_name[i] for i in items]
        assert all(not overlap(x, y) for i, x in enumerate(spans) for y in spans[i + 1:])
        if q.kind == "ordering":
            assert spans == sorted(spans)
        else:
            assert by_name[q.answer] == min(spans)


def test_span_wording_is_data_and_a_file_may_change_it(tmp_path):
    _, questions = build(tmp_path, document(SUMMIT, {"when_span": "between {start} and {end}",
                                                     "date_span": "{start} to {end}"}))
    about = [q for q in questions if q.facts == ("summit-held",)]
    assert next(q for q in about if q.template == "ask_date").answer == "11 to 12 February 2015"
    assert "Event SUMMIT took place between 11 and 12 February 2015." in [q.prompt for q in about]


@pytest.mark.parametrize("date, until", [("2015-02-11", "2015-02-10"), ("2015-02-11", "2015-02-11"),
                                         ("2015-02", "2015-02-20"), ("2015", "2014")])
def test_an_end_before_the_start_is_a_located_error(tmp_path, date, until):
    doc = document([("summit", date, until)])
    with pytest.raises(FactFileError) as caught:
        build(tmp_path, doc)
    text = str(caught.value)
    assert re.search(r"spans\.yaml:\d+:\d+: .*'until' .*does not come after the date", text), text
    assert "hint:" in text


def test_until_without_a_date_is_a_located_error(tmp_path):
    doc = document([("summit", "2015-02-11", None)])
    doc["facts"][0].pop("date")
    doc["facts"][0]["until"] = "2015-02-12"
    with pytest.raises(FactFileError) as caught:
        build(tmp_path, doc)
    assert "'until' needs a date" in str(caught.value)


def test_until_on_a_fact_that_is_not_an_event_is_refused(tmp_path):
    doc = document(SUMMIT)
    doc["entities"].append({"id": "p", "name": "Pat", "kind": "person"})
    doc["facts"].append({"id": "p-took-part", "relation": "took_part_in", "subject": "p", "object": "summit",
                         "date": "2015-02-11", "until": "2015-02-12", "citations": CITE})
    with pytest.raises(FactFileError) as caught:
        build(tmp_path, doc)
    assert "fact 'p-took-part' has until, but its relation 'took_part_in' is a binary relation" in str(caught.value)


def test_span_parts_leave_out_what_the_end_repeats():
    P = PartialDate
    assert span_parts(P(2015, 2, 11), P(2015, 2, 12)) == ("11", "12 February 2015")
    assert span_parts(P(2015, 2, 11), P(2015, 3, 3)) == ("11 February", "3 March 2015")
    assert span_parts(P(2014, 12, 30), P(2015, 1, 2)) == ("30 December 2014", "2 January 2015")
    assert span_parts(P(2015, 2), P(2015, 4)) == ("February", "April 2015")
    assert span_parts(P(2014), P(2015)) == ("2014", "2015")


DAY = st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2015, 3, 31))


@st.composite
def timelines(draw):
    events = []
    for index in range(draw(st.integers(2, 8))):
        start = draw(DAY)
        length = draw(st.sampled_from([0, 0, 1, 2, 6]))
        end = start + dt.timedelta(days=length)
        events.append((f"e{index}", start.isoformat(), end.isoformat() if length else None))
    return events


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=timelines())
def test_no_wrong_option_shares_a_day_with_the_answer(tmp_path, events):
    """Whatever the spans, every wrong option of a dates question is provably wrong: no wrong
    date shares a day with the event's span, no wrong event can have taken place when asked,
    and ordered events share no day."""
    _, questions = build(tmp_path, document(events))
    span = {f"{e}-held": days(d, u) for e, d, u in events}
    by_name = {f"Event {e.upper()}": days(d, u) for e, d, u in events}
    for q in questions:
        wrong = [o.text for o in q.options if not o.correct]
        if q.template == "ask_date":
            assert all(not overlap(read_days(t), span[q.facts[0]]) for t in wrong), q
            if q.kind == "multiple_choice":
                assert read_days(q.answer) == span[q.facts[0]]
        elif q.template == "ask_event":
            asked = span[q.facts[0]]
            assert all(not overlap(by_name[t], asked) for t in wrong), q
        elif q.template == "statement" and q.answer == "False":
            shown = re.search(r"took place (?:on|in|from) (.*)\.$", q.prompt)[1]
            text = "–".join(shown.split(" to ")) if " to " in shown else shown
            assert not overlap(read_days(text), span[q.facts[0]]), q
        elif q.template in ("order", "first"):
            items = [by_name[i] for i in (q.items or q.choices)]
            assert all(not overlap(x, y) for i, x in enumerate(items) for y in items[i + 1:]), q
