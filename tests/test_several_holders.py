"""A post held by several people at once (`holders: several`): no holder proves another wrong."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import build_document
from quizgen.errors import FactFileError

CITE = [{"source": "s", "quote": "q"}]
NAMES = ["Ada", "Ben", "Cal", "Dee", "Eve", "Fay"]


def document(posts: list[dict]) -> dict:
    return {"format": 1, "topic": {"id": "council", "title": "Council"},
            "sources": [{"id": "s", "publisher": "P", "title": "T", "published": "2015-03-01"}],
            "entities": [{"id": f"p{i}", "name": f"{NAMES[i]} Member", "kind": "person"} for i in range(len(posts))],
            "facts": [{"id": f"p{i}-post", "relation": "holds_role", "subject": f"p{i}", "as_of": "2015-02",
                       "citations": CITE, **extra} for i, extra in enumerate(posts)]}


def build(tmp_path, doc: dict):
    return build_document(tmp_path, doc, "council.yaml")[1]


def keyed_wrong(questions, holders: set[str], post: str) -> list[str]:
    """Every place a holder of ``post`` is keyed wrong for it."""
    found = []
    for q in questions:
        if post in q.prompt and q.template == "ask_holder":
            found += [q.id for o in q.options if not o.correct and o.text in holders]
            if q.kind == "short_answer":
                found.append(q.id)
        if q.kind == "true_false" and post in q.prompt and q.answer != "True":
            found += [q.id for h in holders if h in q.prompt]
        if q.template == "ask_role":
            person = next((h for h in holders if h in q.prompt), None)
            found += [q.id for o in q.options if person and not o.correct and o.text == post]
    return found


SEVERAL = [{"role": "Co-Chair", "holders": "several"}, {"role": "Co-Chair", "holders": "several"},
           {"role": "Treasurer"}, {"role": "Secretary"}, {"role": "Auditor"}]


def test_several_holders_of_one_post_pass_check_and_none_is_keyed_wrong(tmp_path):
    questions = build(tmp_path, document(SEVERAL))
    assert not [q for q in questions if q.template == "ask_holder" and "Co-Chair" in q.prompt]
    assert keyed_wrong(questions, {"Ada Member", "Ben Member"}, "Co-Chair") == []
    # the other posts are still asked, with the one-holder proof
    assert any(q.template == "ask_holder" and "Treasurer" in q.prompt and q.kind == "multiple_choice"
               for q in questions)
    assert any(q.kind == "true_false" and q.answer != "True" for q in questions)


def test_one_holder_stays_the_default(tmp_path):
    with pytest.raises(FactFileError, match="held by both"):
        build(tmp_path, document([{k: v for k, v in p.items() if k != "holders"} for p in SEVERAL]))


def test_holders_needs_a_role_with_a_located_message(tmp_path):
    doc = document(SEVERAL)
    doc["facts"][0].pop("role")
    with pytest.raises(FactFileError) as caught:
        build(tmp_path, doc)
    assert re.search(r"council\.yaml:\d+:\d+: .*holders needs a role.*\(hint: ", str(caught.value)), str(caught.value)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shared=st.integers(2, 4), alone=st.integers(0, 2), post=st.sampled_from(["Co-Chair", "Council Member"]))
def test_no_question_keys_a_holder_of_a_several_holder_post_as_wrong(tmp_path, shared, alone, post):
    posts = [{"role": post, "holders": "several"}] * shared + [{"role": r} for r in ["Treasurer", "Auditor"][:alone]]
    questions = build(tmp_path, document(posts))
    holders = {f"{NAMES[i]} Member" for i in range(shared)}
    assert keyed_wrong(questions, holders, post) == []
