"""Printed quiz selection: no fact tested twice, true/false near half true, every family in
proportion, background facts only when asked for."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FACTS, build_document
from quizgen import pipeline
from quizgen.questions import Option, Question, QuestionCitation
from quizgen.quiz import family_quotas, select
from quizgen.quiz import tested_facts as facts_tested

CITE = QuestionCitation(source="s", publisher="P", title="T", published="2020", quote="q")


def question(qid: str, family: str, kind: str, facts: tuple[str, ...], answer_true: bool = True,
             background: bool = False, cited: tuple[str, ...] = (), proofs: tuple[str, ...] = (),
             answer: str | None = None) -> Question:
    options = ()
    answer = answer or f"answer {qid}"
    if kind == "true_false":
        options = (Option(text="True", correct=answer_true, why="w"), Option(text="False", correct=not answer_true, why="w"))
        answer = "True" if answer_true else "False"
    citations = (CITE,) + tuple(CITE.model_copy(update={"fact": f, "role": "contradicts"}) for f in cited)
    return Question(id=qid, family=family, kind=kind, template="t", prompt=f"prompt {qid}", answer=answer,
                    options=options, explanation="e", citations=citations, facts=facts, background=background,
                    proofs=proofs, as_of="2020")


def true_false_share(chosen) -> tuple[int, int]:
    answers = [q.answer for q in chosen if q.kind == "true_false"]
    return answers.count("True"), len(answers)


def repeats(chosen) -> int:
    """How many times a fact is tested again after its first question."""
    counts = Counter(f for q in chosen for f in facts_tested(q))
    return sum(n - 1 for n in counts.values())


# -- random banks ------------------------------------------------------------------------------

KINDS = ("multiple_choice", "true_false", "short_answer")


@st.composite
def banks(draw, overlapping: bool):
    """A bank of several families; facts shared between questions when ``overlapping``, else each
    question has its own; true/false answers of both kinds in plenty."""
    families = draw(st.lists(st.sampled_from("abcdefg"), min_size=1, max_size=6, unique=True))
    questions = []
    number = 0
    for family in families:
        size = draw(st.integers(4, 30))
        for _ in range(size):
            number += 1
            kind = draw(st.sampled_from(KINDS))
            if overlapping:
                facts = tuple(sorted(set(draw(st.lists(st.sampled_from([f"f{i}" for i in range(40)]), min_size=1,
                                                        max_size=3)))))
                cited = tuple(draw(st.lists(st.sampled_from([f"f{i}" for i in range(40)]), max_size=2)))
            else:
                facts, cited = (f"own{number}",), ()
            questions.append(question(f"{family}{number:03}", family, kind, facts, draw(st.booleans()),
                                      draw(st.booleans()) if overlapping else number % 7 == 0, cited))
    return questions


@settings(max_examples=150, deadline=None)
@given(bank=banks(overlapping=True), count=st.integers(1, 40), seed=st.integers(0, 10**6),
       include=st.booleans())
def test_no_fact_is_tested_twice_and_background_only_when_asked(bank, count, seed, include):
    chosen = select(bank, count, seed, include_background=include)
    assert len(chosen) <= count
    assert len({q.id for q in chosen}) == len(chosen)
    assert repeats(chosen) == 0
    if not include:
        assert not any(q.background for q in chosen)
    assert chosen == select(bank, count, seed, include_background=include)  # deterministic


@settings(max_examples=150, deadline=None)
@given(bank=banks(overlapping=False), count=st.integers(1, 40), seed=st.integers(0, 10**6))
def test_families_in_proportion_and_true_false_near_half(bank, count, seed):
    pool = [q for q in bank if not q.background]
    chosen = select(bank, count, seed)
    assert len(chosen) == min(count, len(pool))
    sizes = Counter(q.family for q in pool)
    got = Counter(q.family for q in chosen)
    if len(chosen) >= len(sizes):
        assert set(got) == set(sizes), "every family the pool has"
    for family, size in sizes.items():
        share = len(chosen) * size / len(pool)
        assert abs(got[family] - share) < 2, (family, got[family], share)
    true, total = true_false_share(chosen)
    pool_true = sum(q.answer == "True" for q in pool if q.kind == "true_false")
    pool_false = sum(q.answer == "False" for q in pool if q.kind == "true_false")
    if min(pool_true, pool_false) >= total:  # the pool allows a balance
        assert abs(true - total / 2) <= 1, (true, total)


def test_family_quotas_add_up_and_give_every_family_one():
    import random

    quotas = family_quotas({"a": 100, "b": 2, "c": 1}, 10, random.Random(1))
    assert sum(quotas.values()) == 10 and min(quotas.values()) == 1 and quotas["a"] == 8
    assert family_quotas({"a": 3}, 10, random.Random(1)) == {"a": 3}


def test_an_overlapping_question_is_skipped_not_asked_twice():
    bank = [question("q1", "a", "true_false", ("x",)), question("q2", "a", "multiple_choice", ("y",), cited=("x",)),
            question("q3", "a", "short_answer", ("z",))]
    chosen = select(bank, 3, 1)
    assert repeats(chosen) == 0 and len(chosen) == 2


def test_one_answer_is_asked_for_once():
    bank = [question("q1", "a", "short_answer", ("x",), answer="13 January 2020"),
            question("q2", "a", "multiple_choice", ("y",), answer="13 january 2020"),
            question("q3", "a", "short_answer", ("z",))]
    for seed in range(20):
        assert {q.id for q in select(bank, 3, seed)} in ({"q1", "q3"}, {"q2", "q3"})


def test_true_false_balance_when_the_pool_leans_one_way():
    bank = [question(f"t{i}", "a", "true_false", (f"t{i}",), True) for i in range(12)]
    bank += [question(f"f{i}", "a", "true_false", (f"f{i}",), False) for i in range(3)]
    bank += [question(f"m{i}", "a", "multiple_choice", (f"m{i}",)) for i in range(20)]
    for seed in range(10):
        chosen = select(bank, 12, seed)
        assert any(q.kind == "true_false" for q in chosen)
        true, total = true_false_share(chosen)
        assert abs(true - total / 2) <= 1, (seed, true, total)
        assert len(chosen) == 12


# -- background facts --------------------------------------------------------------------------

def background_doc() -> dict:
    events = [(f"e{i}", f"Event {i}", f"2020-0{i}-01", i <= 2) for i in range(1, 7)]
    return {"format": 1, "topic": {"id": "t", "title": "T"},
            "sources": [{"id": "s", "publisher": "P", "title": "T", "published": "2020-12-01"}],
            "entities": [{"id": e, "name": n, "kind": "event"} for e, n, _, _ in events],
            "facts": [{"id": f"{e}-date", "relation": "occurred", "subject": e, "date": d,
                       **({"background": True} if bg else {}),
                       "citations": [{"source": "s", "quote": f"{n} happened on {d}"}]} for e, n, d, bg in events]}


def test_background_facts_make_cards_and_bank_questions_but_not_printed_quizzes(tmp_path, run_cli):
    import json

    _, questions = build_document(tmp_path, background_doc())
    background = [q for q in questions if q.background]
    assert background and all(set(q.facts) <= {"e1-date", "e2-date"} for q in background)
    assert all(not q.background for q in questions if set(q.facts) - {"e1-date", "e2-date"})
    for seed in range(5):
        assert not any(q.background for q in select(questions, 50, seed))
    assert any(q.background for q in select(questions, 50, 1, include_background=True))
    # through the CLI: the bank and deck keep them, the printed quiz only with --include-background
    code, _, err = run_cli("build", tmp_path / "facts.yaml", "--out", tmp_path / "out", "--count", "50")
    assert code == 0, err
    bank = json.loads((tmp_path / "out" / "questions.json").read_text(encoding="utf-8"))
    assert any(q["background"] for q in bank["questions"])
    assert "Event 1 happened" not in (tmp_path / "out" / "key-A.md").read_text(encoding="utf-8")
    code, _, err = run_cli("quiz", tmp_path / "facts.yaml", "--out", tmp_path / "quiz", "--count", "50",
                           "--include-background")
    assert code == 0, err
    assert "Event 1 happened" in (tmp_path / "quiz" / "key-A.md").read_text(encoding="utf-8")


def test_background_must_be_true_or_false(tmp_path):
    doc = background_doc()
    doc["facts"][0]["background"] = "yes"
    with pytest.raises(Exception):
        build_document(tmp_path, doc)


# -- the shipped file ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def shipped_bank():
    facts = pipeline.check_facts(FACTS).facts
    return pipeline.make_questions(facts, seed=1)


@pytest.mark.parametrize("seed", range(1, 11))
def test_shipped_default_quiz_is_balanced(shipped_bank, seed):
    pool = [q for q in shipped_bank if not q.background]
    chosen = select(shipped_bank, 20, seed)
    assert len(chosen) == 20
    assert repeats(chosen) == 0
    assert {q.family for q in chosen} == {q.family for q in pool}
    true, total = true_false_share(chosen)
    assert total and abs(true - total / 2) <= 1, (true, total)
    answers = [q.answer.casefold() for q in chosen if q.kind in ("multiple_choice", "short_answer")]
    assert len(answers) == len(set(answers))


def test_the_bank_read_back_from_questions_json_gives_the_same_quiz(shipped_bank):
    from quizgen.exporters.json_bank import dumps
    from quizgen.questions import QuestionBank

    facts = pipeline.check_facts(FACTS).facts
    read_back = QuestionBank.model_validate_json(dumps(pipeline.bank(facts, 1, shipped_bank))).questions
    for seed in range(1, 6):
        assert [q.id for q in select(read_back, 20, seed)] == [q.id for q in select(shipped_bank, 20, seed)]
