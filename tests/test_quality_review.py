"""`quizgen review`: what the quality rules left out, and why; `build`'s one-line summary."""

from __future__ import annotations

import pytest

from conftest import ROOT, build_document

TOPICS = sorted((ROOT / "tests" / "data" / "topics").glob("*/facts.yaml"))
CITE = [{"source": "s", "quote": "q"}]


def document() -> dict:
    """Two signers of a document named after its place: "Where did X sign the Rome accord?" gives
    the answer away."""
    return {"format": 1, "topic": {"id": "t", "title": "T"},
            "sources": [{"id": "s", "publisher": "P", "title": "T", "published": "2020-03-01"}],
            "entities": [{"id": "a", "name": "Alba Ruiz", "kind": "person"},
                         {"id": "b", "name": "Bruno Lind", "kind": "person"},
                         {"id": "rome", "name": "Rome", "kind": "place"},
                         {"id": "d", "name": "Rome accord", "kind": "document", "in_sentence": "the Rome accord"}],
            "facts": [{"id": f"{p}-signed", "relation": "signed", "subject": p, "object": "d", "place": "rome",
                       "date": "2020-01-13", "citations": CITE} for p in ("a", "b")]}


def test_review_lists_each_flagged_question_with_rule_ids_and_facts(run_cli, tmp_path):
    facts, kept = build_document(tmp_path, document())
    code, out, _ = run_cli("review", tmp_path / "facts.yaml")
    assert code == 0
    lines = out.splitlines()
    flagged = [line for line in lines if line.startswith("signing-ask_place-")]
    assert len(flagged) == 2 and "(short_answer; facts: a-signed)" in "\n".join(flagged)
    assert "  Where did Alba Ruiz sign the Rome accord?" in lines
    assert "  - answer_word_in_prompt: the prompt gives away the answer's word 'rome'" in lines
    assert lines[-1] == f"{tmp_path / 'facts.yaml'}: 2 question(s) flagged"
    family = next(line for line in lines if line.strip().startswith("signing "))
    assert family.split()[1:] == [str(sum(q.family == "signing" for q in kept)), "2"]
    # ... and the bank does not have them
    assert not any(q.template == "ask_place" for q in kept)


def test_review_strict_exits_one_when_anything_is_flagged(run_cli, tmp_path):
    build_document(tmp_path, document())
    code, _, _ = run_cli("review", "--strict", tmp_path / "facts.yaml")
    assert code == 1
    doc = document()
    doc["entities"][3].update(name="Accord of the Seven", in_sentence="the Accord of the Seven")
    build_document(tmp_path, doc)
    code, out, _ = run_cli("review", "--strict", tmp_path / "facts.yaml")
    assert code == 0, out
    assert out.splitlines()[-1].endswith(": 0 question(s) flagged")


@pytest.mark.parametrize("topic", TOPICS, ids=[t.parent.name for t in TOPICS])
def test_the_topics_pass_review_strict(run_cli, topic):
    code, out, _ = run_cli("review", "--strict", topic)
    assert code == 0, out
    assert "right answer's rank among 4 sorted figure/date options" in out


def test_build_prints_one_line_about_the_review(run_cli, tmp_path):
    build_document(tmp_path, document())
    code, out, _ = run_cli("build", tmp_path / "facts.yaml", "--format", "json", "--out", tmp_path / "o")
    assert code == 0
    assert (f"review: 2 question(s) left out by the quality rules; 'quizgen review {tmp_path / 'facts.yaml'}' "
            "says why") in out.splitlines()
    doc = document()
    doc["entities"][3].update(name="Accord of the Seven", in_sentence="the Accord of the Seven")
    build_document(tmp_path, doc)
    code, out, _ = run_cli("build", tmp_path / "facts.yaml", "--format", "json", "--out", tmp_path / "o")
    assert "review: every question passes the quality rules" in out.splitlines()


def test_invalid_input_is_one_located_line(run_cli, tmp_path):
    bad = tmp_path / "facts.yaml"
    bad.write_text("format: 1\ntopic: [\n", encoding="utf-8")
    code, out, err = run_cli("review", bad)
    assert code == 1 and out == "" and err.startswith(f"{bad}:")
