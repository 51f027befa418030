from __future__ import annotations

import json
import os
from collections import Counter

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import DATA, FACTS
from oracle import QUALIFIER, judge
from quizgen import pipeline
from quizgen.checks import check_questions
from quizgen.exporters.json_bank import dumps
from quizgen.generators import FAMILIES, REGISTRY
from quizgen.questions import KINDS


@pytest.fixture(scope="module")
def shipped():
    facts = pipeline.check_facts(FACTS).facts
    return facts, pipeline.make_questions(facts, seed=1)


def test_generators_are_registered_by_shape_and_families_are_data():
    from quizgen.facts import Shape

    assert tuple(REGISTRY) == Shape.__args__  # every shape has a generator
    assert FAMILIES == ("signing", "backing", "dates", "roles", "figures")  # from data/families.yaml, in order


def test_a_family_of_the_files_own_and_any_shape_in_any_family(tmp_path):
    """A family is data: a file declares it with a title and an order; a binary relation in it,
    or in family 'dates', yields questions; decks and categories carry the family's title."""
    cite = [{"source": "src", "quote": "q"}]
    people = [{"id": f"a{i}", "name": f"Astronaut {chr(65 + i)}", "kind": "person"} for i in range(5)]
    missions = [{"id": f"m{i}", "name": f"Mission {chr(80 + i)}", "kind": "event"} for i in range(3)]
    document = {
        "format": 1, "topic": {"id": "space", "title": "Space"},
        "sources": [{"id": "src", "publisher": "P", "title": "T", "published": "2020-03-01"}],
        "families": {"crews": {"title": "Who flew", "order": 5}, "dates": {"title": "When it happened"}},
        "relations": {
            "flew_on": {"family": "crews", "shape": "binary", "label": "flew on",
                        "templates": {"ask_subject": "Which of these flew on {object}?",
                                      "statement": "{subject} flew on {object}."}},
            "launched_in": {"family": "dates", "shape": "binary", "label": "launched in",
                            "templates": {"statement": "{subject} was launched from {object}."}},
        },
        "entities": people + missions + [{"id": "pad", "name": "Pad 39A", "kind": "place"}],
        "facts": [{"id": f"f{i}", "relation": "flew_on", "subject": f"a{i}", "object": f"m{i % 3}", "citations": cite}
                  for i in range(5)]
        + [{"id": "l0", "relation": "launched_in", "subject": "m0", "object": "pad", "citations": cite}],
        "closures": [{"relation": "flew_on", "kind": "functional", "reason": "one mission each", "citations": cite}],
    }
    path = tmp_path / "space.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    facts = pipeline.check_facts(path).facts
    questions = pipeline.make_questions(facts, seed=1)
    assert {q.family for q in questions} == {"crews", "dates"}
    assert any(q.template == "ask_subject" and q.family == "crews" for q in questions)
    the_bank = pipeline.bank(facts, 1, questions)
    assert [(f.id, f.title) for f in the_bank.families] == [("crews", "Who flew"), ("dates", "When it happened")]
    assert [q.family for q in the_bank.questions][0] == "crews"  # the family's order leads
    result = pipeline.build(path, tmp_path / "out", formats=("anki", "moodle"))
    moodle = (result.out / "moodle.xml").read_text(encoding="utf-8")
    assert "$course$/top/Space/Who flew" in moodle and "$course$/top/Space/When it happened" in moodle
    from quizgen.exporters.anki import build_decks
    import genanki

    decks = build_decks(genanki, the_bank.questions, "space", "Space", {q.id: 1 for q in questions},
                        the_bank.family_titles())
    assert sorted(d.name for d in decks) == ["Space::When it happened", "Space::Who flew"]


def test_shipped_questions_cover_all_families_and_kinds(shipped):
    facts, questions = shipped
    assert {q.family for q in questions} == set(FAMILIES) | set(facts.file.families)  # the file adds 'terms'
    assert {q.kind for q in questions} == set(KINDS)


def test_every_shipped_fact_is_asked(shipped):
    facts, questions = shipped
    asked = {f for q in questions for f in q.facts}
    assert set(facts.facts) - asked == set()


def sound(facts, question) -> list[str]:
    """The oracle's problems, but for figure options a qualifier makes true (tests/test_oracle.py
    holds that class to account)."""
    return [p for p in judge(facts, question) if not p.startswith(QUALIFIER)]


def test_shipped_questions_pass_the_oracle(shipped):
    facts, questions = shipped
    problems = {q.id: sound(facts, q) for q in questions}
    assert {k: v for k, v in problems.items() if v} == {}
    assert {q.kind for q in questions} == set(KINDS)  # the oracle judged every kind


def test_post_generation_checks_pass_and_catch_defects(shipped):
    _, questions = shipped
    assert check_questions(questions) == []
    mc = next(q for q in questions if q.kind == "multiple_choice")
    broken = mc.model_copy(update={"answer": "Nobody"})
    assert any("answer" in p.message for p in check_questions([broken]))
    assert any("duplicate id" in p.message for p in check_questions([mc, mc]))


def test_answer_positions_are_spread_evenly(shipped, tmp_path):
    """Each question places its answer from its own seeded generator: over a large bank every
    position is used about equally often (an answer always first, or never last, fails)."""
    import subprocess
    import sys

    from conftest import ROOT

    path = tmp_path / "big.yaml"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_facts.py"), "1000", "--out", str(path)], check=True)
    big = pipeline.make_questions(pipeline.check_facts(path).facts, seed=1)
    for questions, slack in ((big, 0.25), (shipped[1], 0.75)):
        positions: dict[int, Counter] = {}
        for q in questions:
            if q.kind == "multiple_choice":
                right = [o.correct for o in q.options].index(True)
                positions.setdefault(len(q.options), Counter())[right] += 1
        for count, spread in positions.items():
            total = sum(spread.values())
            if total < 8 * count:
                continue
            for position in range(count):
                assert abs(spread[position] - total / count) <= slack * total / count, (count, spread)


def test_true_and_false_are_balanced(shipped):
    """Statements the facts can prove false are balanced. An attributed claim ("According to
    teleSUR, ...") is asked as its source words it and is never made false by a proof, so it
    is left out of the count."""
    facts, questions = shipped
    answers = Counter(q.answer for q in questions if q.kind == "true_false"
                      and not any(facts.facts[f].according_to for f in q.facts))
    assert abs(answers["True"] - answers["False"]) <= 0.1 * sum(answers.values())


def test_no_option_gives_itself_away_by_length(shipped):
    """The right option is not systematically the longest."""
    _, questions = shipped
    longest = [q for q in questions if q.kind == "multiple_choice"
               and max(q.options, key=lambda o: len(o.text)).correct]
    assert len(longest) < 0.5 * sum(q.kind == "multiple_choice" for q in questions)


def test_bank_does_not_depend_on_the_seed():
    facts = pipeline.check_facts(FACTS).facts

    def text(seed):
        return dumps(pipeline.bank(facts, seed, pipeline.make_questions(facts, seed)))

    assert text(7) == text(7) == text(1) == text(2)
    bank = json.loads(text(1))
    questions = bank["questions"]
    order = {family["id"]: index for index, family in enumerate(bank["families"])}
    assert [(order[q["family"]], q["id"]) for q in questions] == sorted((order[q["family"]], q["id"]) for q in questions)


def test_ids_do_not_depend_on_wording(tmp_path):
    text = FACTS.read_text(encoding="utf-8")
    before = {q.id for q in pipeline.make_questions(pipeline.check_facts(FACTS).facts, 1)}
    edited = text.replace("name: Khalifa Haftar,", "name: Khalifa Belqasim Haftar,").replace(
        'ask_object: "Which side does {subject} recognise as Libya\'s government?"',
        'ask_object: "Which government does {subject} recognise?"')
    assert edited != text
    path = tmp_path / "facts.yaml"
    path.write_text(edited, encoding="utf-8")
    after = pipeline.make_questions(pipeline.check_facts(path).facts, 1)
    assert {q.id for q in after} == before
    assert any("Khalifa Belqasim Haftar" in q.answer for q in after)


def test_minimal_questions_exactly(golden):
    facts = pipeline.check_facts(DATA / "minimal.yaml").facts
    questions = pipeline.make_questions(facts, seed=3)
    # Sadat and Begin are proven non-mediators by the closure.
    mediated = next(q for q in questions if q.template == "ask_subject" and q.family == "roles")
    assert mediated.answer == "Jimmy Carter"
    assert sorted(o.text for o in mediated.options if not o.correct) == ["Anwar Sadat", "Menachem Begin"]
    # No closure on 'signed' here: nobody can be offered as a wrong signatory.
    assert not any(q.template == "ask_subject" and q.family == "signing" for q in questions)
    golden("minimal/questions.json", dumps(pipeline.bank(facts, 3, questions)))


def test_shipped_golden_questions(golden, shipped):
    facts, questions = shipped
    golden("shipped/questions.json", dumps(pipeline.bank(facts, 1, questions)))


def test_second_topic_builds_every_family_without_code(tmp_path):
    facts = pipeline.check_facts(DATA / "second-topic.yaml", DATA / "sources").facts
    questions = pipeline.make_questions(facts, seed=1)
    assert {q.family for q in questions} == set(FAMILIES)
    assert all(sound(facts, q) == [] for q in questions)
    # its own relation kinds are asked in its own words
    assert any(q.prompt == "Alija Izetbegović initialled the Dayton peace agreement." for q in questions)
    assert any(q.prompt.startswith("When did the Dayton peace talks open?") for q in questions)


# -- property tests over random fact sets ---------------------------------------------

@st.composite
def fact_sets(draw):
    people = [f"p{i}" for i in range(draw(st.integers(3, 7)))]
    sides = ["s0", "s1", "s2"][: draw(st.integers(2, 3))]
    countries = [f"c{i}" for i in range(draw(st.integers(2, 6)))]
    events = [f"e{i}" for i in range(draw(st.integers(1, 6)))]
    entities = ([{"id": p, "name": f"Person {p.upper()}", "kind": "person"} for p in people]
                + [{"id": s, "name": f"Side {s.upper()}", "kind": "faction"} for s in sides]
                + [{"id": c, "name": f"Country {c.upper()}", "kind": "country"} for c in countries]
                + [{"id": e, "name": f"Event {e.upper()}", "kind": "event"} for e in events]
                + [{"id": "doc", "name": "The Accord", "kind": "document"}])
    cite = [{"source": "src", "quote": "q"}]
    facts, signers = [], []
    for p in people:
        state = draw(st.sampled_from(["signed", "not", "unknown"]))
        if state != "unknown":
            facts.append({"id": f"sign-{p}", "relation": "signed", "subject": p, "object": "doc",
                          "negated": state == "not", "citations": cite})
            if state == "signed":
                signers.append(p)
    for c in countries:
        side = draw(st.sampled_from(sides + [None]))
        if side:
            facts.append({"id": f"back-{c}", "relation": "backs", "subject": c, "object": side, "citations": cite})
    posts = draw(st.permutations(["President", "Prime Minister", "Foreign Minister", "Envoy", "Speaker",
                                  "Minister", "Mayor"]))
    for p, post in zip(people, posts):
        month = draw(st.sampled_from(["2020-01", "2020-02"]))
        facts.append({"id": f"role-{p}", "relation": "holds_role", "subject": p, "role": post, "of": countries[0],
                      "as_of": month, "citations": cite})
    for e in events:
        day = draw(st.dates(min_value=__import__("datetime").date(2019, 12, 1),
                            max_value=__import__("datetime").date(2020, 2, 28)))
        precision = draw(st.sampled_from(["day", "day", "month"]))
        date = day.isoformat() if precision == "day" else day.isoformat()[:7]
        facts.append({"id": f"date-{e}", "relation": "occurred", "subject": e, "date": date, "citations": cite})
    facts.append({"id": "fig", "relation": "figure", "subject": events[0], "according_to": "the UN",
                  "quantity": {"value": draw(st.integers(1, 100000)), "unit": "people",
                               "qualifier": draw(st.sampled_from(["exactly", "about", "more_than"])),
                               "measure": "people counted"}, "citations": cite})
    closures = [{"relation": "backs", "kind": "functional", "reason": "one side each"}]
    if draw(st.booleans()):
        among = sorted(set(signers) | set(draw(st.lists(st.sampled_from(people), max_size=4))))
        closures.append({"relation": "signed", "kind": "complete", "object": "doc", "among": among,
                         "reason": "all signatories among these are listed"})
    return {"format": 1, "topic": {"id": "random", "title": "Random"},
            "sources": [{"id": "src", "publisher": "P", "title": "T", "published": "2020-03-01"}],
            "entities": entities, "facts": facts, "closures": closures}


@settings(max_examples=int(os.environ.get("QUIZGEN_FUZZ_EXAMPLES", "100")) // 10 + 50, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture], derandomize=os.environ.get("CI") == "true")
@given(fact_sets(), st.integers(0, 2**32 - 1))
def test_random_fact_sets_give_only_provable_questions(tmp_path, document, seed):
    path = tmp_path / "random.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    facts = pipeline.check_facts(path).facts
    questions = pipeline.make_questions(facts, seed)  # raises if a post-generation check fails
    for question in questions:
        assert sound(facts, question) == [], question.model_dump()
        if question.kind in ("multiple_choice", "true_false"):
            assert question.answer in question.choices
    again = pipeline.make_questions(facts, seed)
    assert [q.model_dump() for q in again] == [q.model_dump() for q in questions]
