"""One measure at several dates (`as_of` on each figure: 2,000 members in 2019, 4,000 in 2020):
each figure is asked with its date in the prompt, and no other date's value is ever offered as a
wrong answer; figures of one measure at one date (or without dates) stay a contradiction."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from format_helpers import build, changed_only_where_involved, document, right_options, without
from quizgen.errors import FactFileError


def figure(fid: str, value: float, as_of=None, **more) -> dict:
    quantity = {"value": value, "unit": "members", "unit_one": "member", "measure": "the club's members",
                **more.pop("quantity", {})}
    return {"id": fid, "relation": "figure", "subject": "club", "quantity": quantity,
            **({"as_of": as_of} if as_of is not None else {}), **more}


def club(figures: list[dict], **extra) -> dict:
    return document([("club", "The Club", "organisation")], figures, **extra)


def number(text: str) -> float:
    return float(text.split()[0].replace(",", ""))


def test_each_date_is_asked_with_its_date_and_its_own_answer(tmp_path):
    _, questions = build(tmp_path, club([figure("m2019", 2000, 2019), figure("m2020", 4000, 2020)]))
    by_fact = {q.facts: q for q in questions}
    assert by_fact[("m2019",)].prompt == "As of 2019, what figure do the sources give for the club's members?"
    assert by_fact[("m2020",)].prompt == "As of 2020, what figure do the sources give for the club's members?"
    assert by_fact[("m2019",)].answer == "2,000 members" and by_fact[("m2020",)].answer == "4,000 members"
    assert "as of 2019" in by_fact[("m2019",)].explanation
    for q in questions:
        other = 4000 if q.facts == ("m2019",) else 2000
        assert all(number(c) != other for c in q.choices), q.choices
        if q.kind == "multiple_choice":
            assert right_options(q) == [q.answer]
            assert all("at that date" in o.why for o in q.options if not o.correct)


def test_the_other_dates_value_is_left_out_even_when_a_factor_would_make_it(tmp_path):
    """4,000 is twice 2,000 (a factor distractors use): it is still never offered for 2019."""
    for a, b in ((2000, 4000), (4000, 2000), (100, 50), (30, 90)):
        _, questions = build(tmp_path, club([figure("x", a, "2019-05"), figure("y", b, "2020-05")]), f"f{a}.yaml")
        mc = [q for q in questions if q.kind == "multiple_choice"]
        for q in questions:
            other = b if q.facts == ("x",) else a
            assert all(number(c) != other for c in (*q.choices, *q.accepted)), (q.prompt, q.choices)
            assert set(q.proofs) == ({"y"} if q.facts == ("x",) else {"x"})
        assert mc or all(q.kind == "short_answer" for q in questions)


def test_a_figure_without_as_of_is_asked_as_before(tmp_path):
    _, questions = build(tmp_path, club([figure("m", 2000)]))
    [q] = questions
    assert q.prompt == "What figure do the sources give for the club's members?" and q.proofs == ()


def test_a_range_at_a_date_shares_no_figure_with_the_other_date(tmp_path):
    figures = [figure("r", 50, 2019, quantity={"value_to": 140}), figure("s", 200, 2020, quantity={"value_to": 300})]
    _, questions = build(tmp_path, club(figures))
    r = next(q for q in questions if q.facts == ("r",))
    assert r.prompt.startswith("As of 2019, ") and r.answer == "50–140 members"
    for choice in r.choices:
        if choice != r.answer:
            low, high = (float(p.replace(",", "")) for p in choice.split()[0].split("–"))
            assert high < 200 or low > 300, choice


@pytest.mark.parametrize("dates", [(2019, 2019), (2019, "2019-05"), (None, 2020), (2019, None), (None, None)])
def test_two_figures_that_may_be_for_one_date_are_a_located_error(tmp_path, dates):
    doc = club([figure("m1", 2000, dates[0]), figure("m2", 4000, dates[1])])
    with pytest.raises(FactFileError) as caught:
        build(tmp_path, doc)
    [problem] = [p for p in caught.value.problems if p.is_error]
    assert problem.code == "two-figures" and "as_of" in problem.hint and problem.location.line


def test_the_date_wording_is_data(tmp_path):
    doc = club([figure("a", 2000, 2019), figure("b", 4000, 2020)], wording={"as_of_question": "In {date}: {text}"})
    _, questions = build(tmp_path, doc)
    assert {q.prompt for q in questions} == {"In 2019: what figure do the sources give for the club's members?",
                                             "In 2020: what figure do the sources give for the club's members?"}


def test_adding_a_later_figure_changes_only_questions_that_involve_it(tmp_path):
    doc = club([figure("m2019", 2000, 2019), figure("m2020", 4000, 2020), figure("m2021", 5000, 2021)])
    _, with_it = build(tmp_path, doc)
    _, without_it = build(tmp_path, without(doc, "m2021"), "without.yaml")
    assert changed_only_where_involved(with_it, without_it, "m2021") == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.integers(1, 20) .map(lambda n: n * 500), min_size=2, max_size=4, unique=True))
def test_no_question_offers_another_dates_figure(tmp_path_factory, values):
    tmp_path = tmp_path_factory.mktemp("dated")
    figures = [figure(f"m{i}", v, 2015 + i) for i, v in enumerate(values)]
    _, questions = build(tmp_path, club(figures))
    value_of = {f["id"]: f["quantity"]["value"] for f in figures}
    prompts = [q.prompt for q in questions]
    assert len(set(prompts)) == len(prompts) == len(figures)
    for q in questions:
        assert q.prompt.startswith(f"As of {2015 + int(q.facts[0][1:])}, ")
        others = {v for fid, v in value_of.items() if fid != q.facts[0]}
        wrong = [c for c in q.choices if c != q.answer]
        assert number(q.answer) == value_of[q.facts[0]]
        assert not any(number(c) in others for c in wrong), (q.prompt, q.choices)
