"""Every file that `check` accepts builds: random valid fact files of every relation shape either
fail `check` with located problems, or generate questions that pass the post-generation check."""

from __future__ import annotations

import os

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import ROOT
from quizgen import pipeline
from quizgen.checks import check_questions
from quizgen.errors import FactFileError
from quizgen.generation_rules import QUESTIONS
from quizgen.generators import generate

NAMES = ["Alba", "Bruno", "Cleo", "Dara", "Ezra", "Faye", "Gus"]
POSTS = ["President", "Prime Minister", "Foreign Minister", "Envoy"]
DATES = ["2020", "2020-01", "2020-01-13", "2020-01-14", "2020-02", "2019-12-31", "2021"]


@st.composite
def fact_files(draw):
    people = [f"p{i}" for i in range(draw(st.integers(2, 6)))]
    docs = [f"d{i}" for i in range(draw(st.integers(1, 3)))]
    sides = [f"s{i}" for i in range(draw(st.integers(1, 3)))]
    events = [f"e{i}" for i in range(draw(st.integers(1, 5)))]
    countries = ["c0", "c1"]
    # (two entities with one name are a check of their own; names here are distinct)
    entities = ([{"id": p, "name": NAMES[i], "kind": "person"}
                 for i, p in enumerate(people)]
                + [{"id": d, "name": f"Accord {d.upper()}", "kind": "document"} for d in docs]
                + [{"id": s, "name": f"Side {s.upper()}", "kind": "faction"} for s in sides]
                + [{"id": e, "name": f"Event {e.upper()}", "kind": "event"} for e in events]
                + [{"id": c, "name": f"Land {c.upper()}", "kind": "country"} for c in countries]
                + [{"id": "town", "name": "Town", "kind": "place"}])
    cite = [{"source": "src", "quote": "q"}]
    facts: list[dict] = []
    seen_binary: set = set()

    def fid() -> str:
        return f"f{len(facts)}"

    extras = st.fixed_dictionaries({}, optional={
        "according_to": st.sampled_from(["the UN", "teleSUR"]),
        "disputed": st.just("sources disagree"),
    })
    for relation, objects in (("signed", docs), ("backs", sides), ("mediated", events)):
        for subject in people:
            for obj in draw(st.lists(st.sampled_from(objects), max_size=len(objects), unique=True)):
                if (relation, subject, obj) in seen_binary:
                    continue
                seen_binary.add((relation, subject, obj))
                fact = {"id": fid(), "relation": relation, "subject": subject, "object": obj,
                        "negated": draw(st.booleans()), "citations": cite, **draw(extras)}
                if relation == "signed" and draw(st.booleans()):
                    fact["date"] = draw(st.sampled_from(DATES))
                    fact["place"] = "town"
                facts.append(fact)
    for subject in draw(st.lists(st.sampled_from(people), max_size=4, unique=True)):
        facts.append({"id": fid(), "relation": "holds_role", "subject": subject, "role": draw(st.sampled_from(POSTS)),
                      "of": draw(st.sampled_from(countries)), "as_of": draw(st.sampled_from(["2020-01", "2020-02"])),
                      "negated": draw(st.sampled_from([False, False, True])), "citations": cite, **draw(extras)})
    for event in events:
        # an event has a date, a date and no end yet (ongoing), or only a bound (by)
        when = draw(st.sampled_from(["date", "date", "ongoing", "by"]))
        dated = {"by": draw(st.sampled_from(DATES))} if when == "by" else {"date": draw(st.sampled_from(DATES))}
        facts.append({"id": fid(), "relation": "occurred", "subject": event, **dated,
                      **({"ongoing": True} if when == "ongoing" else {}), "citations": cite, **draw(extras)})
    for index in range(draw(st.integers(0, 3))):
        facts.append({"id": fid(), "relation": "figure", "subject": draw(st.sampled_from(events)),
                      "quantity": {"value": draw(st.integers(1, 5000)), "unit": "people", "unit_one": "person",
                                   "qualifier": draw(st.sampled_from(["exactly", "about", "more_than", "almost",
                                                                      "nearly", "up_to"])),
                                   "measure": draw(st.sampled_from(["people counted", "people moved"]))},
                      **draw(st.fixed_dictionaries({}, optional={"as_of": st.sampled_from(["2019", "2020", "2020-05"])})),
                      "citations": cite, **draw(extras)})
    closures = []
    for relation in ("signed", "backs", "mediated"):
        shape = draw(st.sampled_from(["none", "complete-object", "complete-subject", "functional"]))
        if shape == "complete-object":
            closures.append({"relation": relation, "kind": "complete",
                             "object": draw(st.sampled_from({"signed": docs, "backs": sides, "mediated": events}[relation])),
                             "reason": "all are listed"})
        elif shape == "complete-subject":
            closures.append({"relation": relation, "kind": "complete", "subject": draw(st.sampled_from(people)),
                             "reason": "all are listed"})
        elif shape == "functional":
            closures.append({"relation": relation, "kind": "functional", "reason": "one each"})
    if not facts:
        facts.append({"id": "f0", "relation": "occurred", "subject": events[0], "date": "2020", "citations": cite})
    skip = {shape: draw(st.lists(st.sampled_from(QUESTIONS[shape]), max_size=2, unique=True))
            for shape in ("binary", "event")}
    relations = {name: {"skip": skip[shape]} for name, shape in (("signed", "binary"), ("occurred", "event"))
                 if skip[shape]}
    return {"format": 1, "topic": {"id": "random", "title": "Random"}, "relations": relations,
            "sources": [{"id": "src", "publisher": "P", "title": "T", "published": "2020-03-01"}],
            "entities": entities, "facts": facts, "closures": closures}


def builds_or_is_refused(tmp_path, document) -> list:
    path = tmp_path / "random.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    try:
        facts = pipeline.check_facts(path).facts
    except FactFileError as error:
        assert all(p.location.line for p in error.problems), error.problems  # located
        return []
    questions = generate(facts)
    assert check_questions(questions) == []
    return questions


@settings(max_examples=int(os.environ.get("QUIZGEN_FUZZ_EXAMPLES", "100")) + 100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
          derandomize=os.environ.get("CI") == "true")
@given(fact_files())
def test_every_file_check_accepts_builds(tmp_path, document):
    builds_or_is_refused(tmp_path, document)


def test_a_subject_with_two_objects_under_a_complete_closure_builds(tmp_path):
    """A signatory of two documents, with a closure saying all its documents are listed."""
    cite = [{"source": "src", "quote": "q"}]
    document = {
        "format": 1, "topic": {"id": "two", "title": "Two"},
        "sources": [{"id": "src", "publisher": "P", "title": "T", "published": "2020-03-01"}],
        "entities": [{"id": "k", "name": "Kuchma", "kind": "person"}, {"id": "m", "name": "Merkel", "kind": "person"},
                     {"id": "d1", "name": "Protocol", "kind": "document"},
                     {"id": "d2", "name": "Memorandum", "kind": "document"},
                     {"id": "d3", "name": "Package", "kind": "document"}],
        "facts": [{"id": "k1", "relation": "signed", "subject": "k", "object": "d1", "citations": cite},
                  {"id": "k2", "relation": "signed", "subject": "k", "object": "d2", "citations": cite},
                  {"id": "m3", "relation": "signed", "subject": "m", "object": "d3", "citations": cite}],
        "closures": [{"relation": "signed", "kind": "complete", "subject": "k", "reason": "all of them"}],
    }
    questions = builds_or_is_refused(tmp_path, document)
    assert questions
    asked = [q for q in questions if q.template == "ask_object" and q.facts[0] in ("k1", "k2")]
    assert asked == []  # "Which document did Kuchma sign?" has two right answers: not asked


def the_one_problem(path, document: dict):
    """Write ``document`` to ``path``; check must refuse it with exactly one problem, returned."""
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    with pytest.raises(FactFileError) as caught:
        pipeline.check_facts(path)
    [problem] = caught.value.problems
    return problem


def test_two_figures_that_read_the_same_are_a_located_problem(tmp_path):
    cite = [{"source": "src", "quote": "q"}]
    document = {
        "format": 1, "topic": {"id": "fig", "title": "Fig"},
        "sources": [{"id": "src", "publisher": "P", "title": "T", "published": "2020-03-01"}],
        "entities": [{"id": "e1", "name": "Flood", "kind": "event"}, {"id": "e2", "name": "Fire", "kind": "event"}],
        "facts": [{"id": "a", "relation": "figure", "subject": "e1", "citations": cite,
                   "quantity": {"value": 10, "unit": "people", "measure": "people moved"}},
                  {"id": "b", "relation": "figure", "subject": "e2", "citations": cite,
                   "quantity": {"value": 20, "unit": "people", "measure": "people moved"}}],
    }
    path = tmp_path / "fig.yaml"
    problem = the_one_problem(path, document)
    assert problem.code == "same-question" and problem.location.line
    assert "'a'" in problem.message and "'b'" in problem.message and "hint" in str(problem)
    # attributed to different sources, they are two questions
    document["facts"][1]["according_to"] = "the UN"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    assert len(builds_or_is_refused(tmp_path, document)) == 2


def test_a_family_of_the_files_own_needs_a_title(tmp_path):
    cite = [{"source": "src", "quote": "q"}]
    document = {
        "format": 1, "topic": {"id": "fam", "title": "Fam"},
        "sources": [{"id": "src", "publisher": "P", "title": "T", "published": "2020-03-01"}],
        "families": {"crews": {"order": 3}},
        "relations": {"flew_on": {"family": "crews", "shape": "binary", "label": "flew on",
                                  "templates": {"statement": "{subject} flew on {object}."}}},
        "entities": [{"id": "a", "name": "Ann", "kind": "person"}, {"id": "m", "name": "M1", "kind": "event"}],
        "facts": [{"id": "f", "relation": "flew_on", "subject": "a", "object": "m", "citations": cite}],
    }
    path = tmp_path / "fam.yaml"
    problem = the_one_problem(path, document)
    assert problem.code == "family-title"
    assert path.read_text(encoding="utf-8").splitlines()[problem.location.line - 1].strip() == "crews:"
    document["families"]["crews"]["title"] = "Crews"
    assert [q.family for q in builds_or_is_refused(tmp_path, document)] == ["crews"]


# -- wording is data ----------------------------------------------------------------------------

def small_file(**extra) -> dict:
    cite = [{"source": "src", "quote": "q"}]
    return {
        "format": 1, "topic": {"id": "w", "title": "W"},
        "sources": [{"id": "src", "publisher": "P", "title": "T", "published": "2020-03-01"}],
        "entities": [{"id": f"c{i}", "name": f"Land {i}", "kind": "country"} for i in range(4)]
        + [{"id": "d", "name": "The Treaty", "kind": "document"}, {"id": "e", "name": "The Summit", "kind": "event"}],
        "facts": [{"id": "r1", "relation": "ratified", "subject": "c1", "object": "d", "citations": cite},
                  {"id": "r2", "relation": "ratified", "subject": "c2", "object": "d", "negated": True,
                   "citations": cite},
                  {"id": "r3", "relation": "ratified", "subject": "c3", "object": "d", "according_to": "the UN",
                   "citations": cite},
                  {"id": "s1", "relation": "occurred", "subject": "e", "date": "2020-01-13", "citations": cite},
                  {"id": "n1", "relation": "figure", "subject": "e", "citations": cite, "according_to": "the UN",
                   "quantity": {"value": 30, "unit": "people", "qualifier": "more_than", "measure": "people there"}}],
        "relations": {"ratified": {"family": "signing", "shape": "binary", "label": "ratified",
                                   "templates": {"ask_subject": "Which of these ratified {object}?",
                                                 "statement": "{subject} ratified {object}."}}},
        "closures": [{"relation": "ratified", "kind": "complete", "object": "d", "reason": "all are listed"}],
        **extra,
    }


def test_a_missing_template_means_the_question_is_not_asked(tmp_path):
    """No negated_statement: the negated fact gives no false statement and no invented 'did not'."""
    questions = builds_or_is_refused(tmp_path, small_file())
    assert questions
    assert not any("r2" in q.facts for q in questions)
    texts = " ".join(q.model_dump_json() for q in questions)
    assert "did not" not in texts and "not ratif" not in texts


def test_every_added_word_comes_from_the_wording(tmp_path):
    wording = {"true": "Vrai", "false": "Faux", "according_to": "Selon {source} : {text}",
               "according_to_explanation": "Selon {source} : {text}", "when_day": "le {date}",
               "quantity_more_than": "plus de {value} {unit}", "figure_given": "{who} : {answer} ({measure}).",
               "one_figure": "Un seul chiffre.", "false_because": "Faux : {why}", "one_date": "Une seule date."}
    questions = builds_or_is_refused(tmp_path, small_file(wording=wording))
    tf = [q for q in questions if q.kind == "true_false"]
    assert tf and all(q.choices == ("Vrai", "Faux") and q.answer in ("Vrai", "Faux") for q in tf)
    assert any(q.prompt.startswith("Selon the UN : which of these") or q.prompt.startswith("Selon the UN : ")
               for q in questions)
    figure = next(q for q in questions if q.family == "figures")
    assert figure.answer == "plus de 30 people" and figure.explanation == "The UN : plus de 30 people (people there)."
    english = ("True", "False", "According to", "more than", " on 13", "An event has", "One figure")
    for q in questions:
        text = q.model_dump_json()
        assert not any(word in text for word in english), (word for word in english if word in text)
    # exporters read true/false from the options, not from the English words
    document = small_file(wording=wording)
    path = tmp_path / "fr.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    result = pipeline.build(path, tmp_path / "out", formats=("moodle", "gift"))
    gift = (result.out / "questions.gift").read_text(encoding="utf-8") if (result.out / "questions.gift").exists() \
        else next(result.out.glob("*.gift")).read_text(encoding="utf-8")
    false_tf = next(q for q in tf if q.answer == "Faux")
    assert gift.count("{FALSE") >= 1 and false_tf.options[1].correct


def test_wording_that_does_not_fit_is_a_located_problem(tmp_path):
    for wording, expected in (({"tru": "Vrai"}, "unknown wording 'tru'"),
                              ({"false_because": "Faux : {reason}"}, "uses {reason}"),
                              ({"true": "Vrai {"}, "unmatched brace")):
        path = tmp_path / "bad.yaml"
        path.write_text(yaml.safe_dump(small_file(wording=wording), sort_keys=False), encoding="utf-8")
        try:
            pipeline.check_facts(path)
        except FactFileError as error:
            [problem] = error.problems
        else:
            raise AssertionError(wording)
        assert expected in problem.message and problem.location.line and problem.code == "bad-wording"


# -- disputed and attributed facts of every shape ---------------------------------------------------

def test_disputed_facts_of_every_shape_are_asked_with_their_attribution(tmp_path):
    cite = [{"source": "src", "quote": "q"}]
    claim = {"according_to": "teleSUR", "disputed": "other sources disagree"}
    document = {
        "format": 1, "topic": {"id": "d", "title": "D"},
        "sources": [{"id": "src", "publisher": "P", "title": "T", "published": "2020-03-01"}],
        "entities": [{"id": f"p{i}", "name": f"Person {i}", "kind": "person"} for i in range(4)]
        + [{"id": f"e{i}", "name": f"Event {i}", "kind": "event"} for i in range(5)]
        + [{"id": "s", "name": "Side S", "kind": "faction"}, {"id": "t", "name": "Side T", "kind": "faction"},
           {"id": "land", "name": "Land", "kind": "country"}],
        "facts": [{"id": f"post{i}", "relation": "holds_role", "subject": f"p{i}", "role": role, "of": "land",
                   "as_of": "2020-01", "citations": cite}
                  for i, role in enumerate(["President", "Prime Minister", "Envoy"])]
        + [{"id": "post-claim", "relation": "holds_role", "subject": "p3", "role": "Speaker", "of": "land",
            "as_of": "2020-01", "citations": cite, **claim}]
        + [{"id": f"ev{i}", "relation": "occurred", "subject": f"e{i}", "date": f"2020-0{i + 1}-10",
            "citations": cite} for i in range(4)]
        + [{"id": "ev-claim", "relation": "occurred", "subject": "e4", "date": "2020-06-01", "citations": cite, **claim},
           {"id": "fig-claim", "relation": "figure", "subject": "e4", "citations": cite, **claim,
            "quantity": {"value": 120, "unit": "people", "measure": "people at the rally"}},
           {"id": "back-claim", "relation": "backs", "subject": "p0", "object": "s", "citations": cite, **claim},
           {"id": "back", "relation": "backs", "subject": "p1", "object": "t", "citations": cite},
           {"id": "silent", "relation": "backs", "subject": "p2", "object": "t", "citations": cite,
            "disputed": "no one agrees"}],
    }
    path = tmp_path / "d.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    checked = pipeline.check_facts(path)
    [not_asked] = [w for w in checked.warnings if w.code == "not-asked"]
    assert "'silent'" in not_asked.message and not_asked.message.startswith("not asked:")
    questions = generate(checked.facts)
    assert check_questions(questions) == []
    for fact_id in ("post-claim", "ev-claim", "fig-claim", "back-claim"):
        about = [q for q in questions if fact_id in q.facts]
        assert about, fact_id
        assert all("teleSUR" in q.prompt for q in about if q.facts == (fact_id,)), fact_id
    assert not any("silent" in q.facts for q in questions)
    # a disputed claim never proves or is an option of another question
    assert not any("post-claim" in q.facts and len(q.facts) > 1 for q in questions)
    assert not any(q.kind == "ordering" and "ev-claim" in q.facts for q in questions)
    assert all(o.text != "Speaker of Land" for q in questions if "post-claim" not in q.facts for o in q.options)


# -- format additions ----------------------------------------------------------------------------------

def test_singular_unit_new_qualifiers_skip_and_post_without_as_of(tmp_path):
    cite = [{"source": "src", "quote": "q"}]
    document = {
        "format": 1, "topic": {"id": "fa", "title": "FA"},
        "sources": [{"id": "src", "publisher": "P", "title": "T", "published": "2020-03-01"}],
        "entities": [{"id": f"e{i}", "name": f"Event {i}", "kind": "event"} for i in range(5)]
        + [{"id": "p", "name": "Pat", "kind": "person"}, {"id": "land", "name": "Land", "kind": "country"}],
        "relations": {"occurred": {"skip": ["order", "first"]}},
        "facts": [{"id": f"ev{i}", "relation": "occurred", "subject": f"e{i}", "date": f"2020-0{i + 1}-10",
                   "citations": cite} for i in range(5)]
        + [{"id": "one", "relation": "figure", "subject": "e0", "citations": cite,
            "quantity": {"value": 1, "unit": "hours", "unit_one": "hour", "measure": "the length of the talk"}},
           {"id": "almost", "relation": "figure", "subject": "e1", "citations": cite, "according_to": "the UN",
            "quantity": {"value": 300, "unit": "people", "qualifier": "almost", "measure": "people there"}},
           {"id": "post", "relation": "holds_role", "subject": "p", "role": "Mayor", "of": "land", "citations": cite}],
    }
    path = tmp_path / "fa.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    checked = pipeline.check_facts(path)
    [no_as_of] = [w for w in checked.warnings if w.code == "no-as-of"]
    assert "'post'" in no_as_of.message and "2020-03" in no_as_of.message
    questions = generate(checked.facts)
    one = next(q for q in questions if q.facts == ("one",))
    assert one.answer == "1 hour" and "1 hours" not in one.model_dump_json()
    almost = next(q for q in questions if q.facts == ("almost",))
    assert almost.answer == "almost 300 people"
    assert not any(q.template in ("order", "first") for q in questions)  # skipped for this relation
    assert any(q.template == "ask_event" for q in questions)  # the others still asked
    # skip names only questions the shape asks
    document["relations"]["occurred"]["skip"] = ["ask_role"]
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    try:
        pipeline.check_facts(path)
    except FactFileError as error:
        [problem] = error.problems
    else:
        raise AssertionError("skip accepted a question the shape does not ask")
    assert problem.code == "bad-skip" and problem.location.line and "ask_role" in problem.message
