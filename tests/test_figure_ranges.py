"""A figure given as a range (`value_to`): validated, worded from data, asked truthfully."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import build_document
from quizgen.errors import FactFileError

CITE = [{"source": "s", "quote": "q"}]


def document(quantities: list[dict], wording: dict | None = None) -> dict:
    doc = {"format": 1, "topic": {"id": "ranges", "title": "Ranges"},
           "sources": [{"id": "s", "publisher": "P", "title": "T", "published": "2015-03-01"}],
           "entities": [{"id": f"z{i}", "name": f"Zone {i}", "kind": "place"} for i in range(len(quantities))],
           "facts": [{"id": f"z{i}-width", "relation": "figure", "subject": f"z{i}",
                      "quantity": {"unit": "km", "measure": f"the width of zone {i}", **q}, "citations": CITE}
                     for i, q in enumerate(quantities)]}
    if wording:
        doc["wording"] = wording
    return doc


def build(tmp_path, doc: dict):
    return build_document(tmp_path, doc, "ranges.yaml")[1]


def read_range(text: str) -> tuple[float, float]:
    numbers = [float(n.replace(",", "")) for n in re.findall(r"[\d,]+(?:\.\d+)?", text)]
    return numbers[0], numbers[-1]


def test_a_range_is_the_answer_and_no_wrong_option_overlaps_it(tmp_path):
    questions = build(tmp_path, document([{"value": 50, "value_to": 140}] * 1
                                         + [{"value": v, "value_to": v * 3} for v in (7, 20, 300, 1000)]))
    answers = {q.facts[0]: q for q in questions}
    assert answers["z0-width"].answer == "50–140 km"
    kinds = set()
    for q in questions:
        kinds.add(q.kind)
        low, high = read_range(q.answer)
        for option in q.options:
            if not option.correct:
                other_low, other_high = read_range(option.text)
                assert other_high < low or other_low > high, (q.answer, option.text)
    assert kinds == {"multiple_choice", "short_answer"}


def test_range_wording_is_data_and_a_file_may_change_it(tmp_path):
    questions = build(tmp_path, document([{"value": 50, "value_to": 140, "qualifier": "about"}],
                                         {"figure_range": "{low} to {high}"}))
    assert questions[0].answer == "about 50 to 140 km"


@pytest.mark.parametrize("value_to", [50, 10])
def test_a_top_not_above_the_bottom_is_a_located_error(tmp_path, value_to):
    with pytest.raises(FactFileError) as caught:
        build(tmp_path, document([{"value": 50, "value_to": value_to}]))
    assert re.search(r"ranges\.yaml:\d+:\d+: .*'value_to' .* is not above value 50 \(hint: ", str(caught.value))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(low=st.integers(0, 10**6), extra=st.integers(1, 10**6), qualifier=st.sampled_from(["exactly", "about"]),
       fid=st.sampled_from([f"width-{n}" for n in range(8)]))
def test_no_wrong_range_shares_a_figure_with_the_true_one(tmp_path, low, extra, qualifier, fid):
    doc = document([{"value": low, "value_to": low + extra, "qualifier": qualifier}])
    doc["facts"][0]["id"] = fid  # the fact's id decides between multiple choice and short answer
    (q,) = build(tmp_path, doc)
    assert read_range(q.answer) == (low, low + extra)
    for option in q.options:
        if not option.correct:
            other_low, other_high = read_range(option.text)
            assert other_high < low or other_low > low + extra, option.text
