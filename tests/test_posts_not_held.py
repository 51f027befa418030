"""A post someone did not hold (`negated: true` on a role fact: "In 1877, Gore was not Secretary
of the Club"): asked as true or false in the file's own `negated_statement`, and used for nothing
else (no holder option, no match); another holder's false statement only passes that person over."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from format_helpers import build, changed_only_where_involved, document, without
from quizgen import pipeline
from quizgen.errors import FactFileError

PEOPLE = [("ann", "Ann Lee", "person"), ("bob", "Bob Ray", "person"), ("cy", "Cy Dunn", "person"),
          ("dee", "Dee Fox", "person"), ("club", "the Club", "organisation")]


def post(fid: str, who: str, role: str, negated: bool = False, **more) -> dict:
    return {"id": fid, "relation": "holds_role", "subject": who, "role": role, "of": "club", "as_of": "1877-06",
            **({"negated": True} if negated else {}), **more}


POSTS = [post("ann-sec", "ann", "Secretary"), post("bob-chair", "bob", "Chair"), post("dee-tre", "dee", "Treasurer"),
         post("cy-not-sec", "cy", "Secretary", negated=True)]


def test_a_post_not_held_is_a_true_not_statement_and_a_false_statement(tmp_path):
    _, questions = build(tmp_path, document(PEOPLE, POSTS))
    about = {q.prompt: q for q in questions if q.facts == ("cy-not-sec",)}
    assert sorted(about) == ["In June 1877, Cy Dunn was Secretary of the Club.",
                             "In June 1877, Cy Dunn was not Secretary of the Club."]
    true = about["In June 1877, Cy Dunn was not Secretary of the Club."]
    false = about["In June 1877, Cy Dunn was Secretary of the Club."]
    assert true.kind == false.kind == "true_false"
    assert true.answer == "True" and false.answer == "False"
    assert false.explanation == "False: In June 1877, Cy Dunn was not Secretary of the Club."


def test_a_post_not_held_proves_and_joins_nothing_else(tmp_path):
    _, questions = build(tmp_path, document(PEOPLE, POSTS))
    for q in questions:
        if q.facts == ("cy-not-sec",):
            continue
        assert "cy-not-sec" not in q.facts and "Cy Dunn" not in (*q.choices, *(p.left for p in q.pairs)), q.id
        if "cy-not-sec" in q.proofs:  # only the false statement about the post, which passed Cy over
            assert q.template == "statement" and q.answer == "False" and "Secretary" in q.prompt
            assert "Cy Dunn" not in q.prompt
    # Ann is still the one holder of the post: "Who was Secretary …" keeps its one right answer
    who = next(q for q in questions if q.template == "ask_holder" and q.facts == ("ann-sec",))
    assert [o.text for o in who.options if o.correct] == ["Ann Lee"]


def test_adding_a_post_not_held_changes_no_other_question(tmp_path):
    doc = document(PEOPLE, POSTS)
    _, with_it = build(tmp_path, doc)
    _, without_it = build(tmp_path, without(doc, "cy-not-sec"), "without.yaml")
    assert changed_only_where_involved(with_it, without_it, "cy-not-sec") == []
    assert len(with_it) == len(without_it) + 2


def test_held_and_not_held_in_one_month_is_a_located_contradiction(tmp_path):
    doc = document(PEOPLE, [*POSTS, post("ann-not-sec", "ann", "Secretary", negated=True)])
    with pytest.raises(FactFileError) as caught:
        build(tmp_path, doc)
    [problem] = [p for p in caught.value.problems if p.is_error]
    assert problem.code == "contradiction" and "'ann-not-sec'" in problem.message
    assert problem.location.line and f"line {problem.location.line}" not in problem.message


def test_not_held_in_another_month_is_no_contradiction(tmp_path):
    doc = document(PEOPLE, [*POSTS, post("ann-not-sec", "ann", "Secretary", negated=True, as_of="1879-06")])
    _, questions = build(tmp_path, doc)
    assert "In June 1879, Ann Lee was not Secretary of the Club." in {q.prompt for q in questions}


def test_without_a_negated_statement_it_is_not_asked_and_check_says_so(tmp_path):
    relations = {"served_as": {"family": "roles", "shape": "role", "label": "served as", "subject_kinds": ["person"],
                               "templates": {"statement": "In {as_of}, {subject} was {role_of}."}}}
    posts = [{**p, "relation": "served_as"} for p in POSTS]
    doc = document(PEOPLE, posts, relations=relations)
    path = tmp_path / "f.yaml"
    import yaml

    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    warnings = pipeline.check_facts(path).warnings
    [warning] = [w for w in warnings if w.code == "not-asked"]
    assert "'cy-not-sec'" in warning.message and "negated_statement" in warning.hint
    _, questions = build(tmp_path, doc)
    assert not [q for q in questions if "cy-not-sec" in q.facts]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(holders=st.permutations(["ann", "bob", "cy", "dee"]), negated=st.sampled_from(["ann", "bob", "cy", "dee"]),
       role=st.sampled_from(["Secretary", "Chair", "Treasurer"]))
def test_a_post_not_held_never_makes_a_second_right_answer(tmp_path_factory, holders, negated, role):
    """Whoever is said not to hold whichever post, the file checks or is refused as a contradiction;
    when it builds, every multiple-choice question has one right option and the negated fact
    is in no other question."""
    tmp_path = tmp_path_factory.mktemp("negated")
    posts = [post(f"{p}-{r.lower()}", p, r) for p, r in zip(holders, ["Secretary", "Chair", "Treasurer"])]
    doc = document(PEOPLE, [*posts, post("not-held", negated, role, negated=True)])
    held = dict(zip(["Secretary", "Chair", "Treasurer"], holders))
    if held.get(role) == negated:
        with pytest.raises(FactFileError):
            build(tmp_path, doc)
        return
    _, questions = build(tmp_path, doc)
    for q in questions:
        if q.kind == "multiple_choice":
            assert sum(o.correct for o in q.options) == 1
        if q.facts != ("not-held",) and "not-held" in q.proofs:
            assert q.template == "statement" and q.answer == "False"
    prompts = [q.prompt for q in questions if q.kind == "true_false"]
    assert len(set(prompts)) == len(prompts)
    _, without_it = build(tmp_path, without(doc, "not-held"), "without.yaml")
    assert changed_only_where_involved(questions, without_it, "not-held") == []
