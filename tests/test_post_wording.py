"""A post worded as a whole (`post`): validated on the fact, shown instead of "role of whose"."""

from __future__ import annotations

import re

import pytest


from conftest import build_document
from quizgen.errors import FactFileError

CITE = [{"source": "s", "quote": "q"}]
PEOPLE = ["Ada Envoy", "Ben Envoy", "Cal Envoy", "Dee Envoy"]
POSTS = ["Russian Ambassador to Ukraine", "French Ambassador to Chad", "Dutch Ambassador to Peru",
         "Irish Ambassador to Mali"]


def document(posts: list[dict]) -> dict:
    return {"format": 1, "topic": {"id": "envoys", "title": "Envoys"},
            "sources": [{"id": "s", "publisher": "P", "title": "T", "published": "2015-03-01"}],
            "entities": [{"id": f"p{i}", "name": name, "kind": "person"} for i, name in enumerate(PEOPLE)]
            + [{"id": "russia", "name": "Russia", "kind": "country"}],
            "facts": [{"id": f"p{i}-post", "relation": "holds_role", "subject": f"p{i}", "as_of": "2015-02",
                       "citations": CITE, **extra} for i, extra in enumerate(posts)]}


def build(tmp_path, doc: dict):
    return build_document(tmp_path, doc, "envoys.yaml")[1]


def test_a_post_given_whole_is_shown_as_written(tmp_path):
    questions = build(tmp_path, document([{"role": "Ambassador", "post": p} for p in POSTS]))
    holder = [q for q in questions if q.template == "ask_holder"]
    assert holder and all(re.search("Who was (.+) in February 2015", q.prompt).group(1) in POSTS for q in holder)
    asked_role = [q for q in questions if q.template == "ask_role"]
    assert asked_role and all(q.answer in POSTS for q in asked_role)
    text = " ".join(q.prompt + " " + q.answer + " " + " ".join(o.text for o in q.options) for q in questions)
    assert "Ambassador of" not in text


def test_posts_with_the_same_role_but_their_own_wording_are_different_posts(tmp_path):
    """Two 'Ambassador's in one month are not two holders of one post when each is worded apart."""
    build(tmp_path, document([{"role": "Ambassador", "post": p} for p in POSTS]))  # no two-holders error


@pytest.mark.parametrize("extra, message", [
    ({"role": "Ambassador", "of": "russia", "post": "Russian Ambassador to Ukraine"}, "post and of together"),
    ({"post": "Russian Ambassador to Ukraine"}, "post needs a role"),
])
def test_a_post_is_validated_with_a_located_message(tmp_path, extra, message):
    posts = [{"role": "Ambassador", "post": p} for p in POSTS[1:]]
    with pytest.raises(FactFileError) as caught:
        build(tmp_path, document([extra] + posts))
    assert re.search(rf"envoys\.yaml:\d+:\d+: .*{message}.*\(hint: ", str(caught.value)), str(caught.value)
