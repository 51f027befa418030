"""Each rule of checks.RULES on its own: a valid input it accepts, an invalid one it reports.

The valid input is tests/data/minimal.yaml (with its source text) unless a case says otherwise;
the invalid one is minimal.yaml with one change. Only the rule under test runs, so each test
shows that this rule (and no other) catches its defect.
"""

from __future__ import annotations

import pytest

from conftest import DATA
from quizgen import checks
from quizgen.errors import Problem
from quizgen.load import load

BASE = (DATA / "minimal.yaml").read_text(encoding="utf-8")
ISRAEL = "  - {id: israel, name: Israel, kind: country}"
SADAT_FACT_CITATION = ("      - source: fixture-1978\n        quote: President Anwar Sadat of Egypt and Prime Minister "
                       "Menachem Begin of Israel signed the Camp David Accords\n")


def edit(old: str, new: str, text: str = BASE) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def with_second_citations(text: str) -> str:
    """Every fact cited twice (two sources), so no fact rests on a single source."""
    text = edit("    text_file: camp-david.txt\n", "    text_file: camp-david.txt\n  - id: fixture-again\n"
                "    publisher: quizgen test fixture\n    title: Again\n    published: 1978-09-18\n", text)
    return text.replace("    citations:\n", "    citations:\n      - {source: fixture-again, quote: again}\n")


# rule name -> (valid text, invalid text, problem code, a fragment of its message, line of the problem)
CASES: dict[str, tuple[str, str, str, str, int]] = {
    "unique_ids": (BASE, edit("id: begin-signed", "id: sadat-signed"), "duplicate-id",
                   "duplicate fact id 'sadat-signed' (first at line 21)", 30),
    "distinct_names": (BASE, edit(ISRAEL, ISRAEL + "\n  - {id: israel-2, name: \"I\u200bsrael\", kind: country}"),
                       "look-alike-names", "entity 'israel-2' name 'I\\u200bsrael' looks the same as entity 'israel'", 17),
    "template_placeholders": (BASE, edit("closures:", "relations:\n  signed:\n    templates:\n"
                                                      "      ask_object: \"Which did {subjekt} sign?\"\nclosures:"),
                              "bad-template", "uses unknown placeholder {subjekt}", 72),
    "known_relations": (BASE, edit("relation: mediated\n    subject: carter", "relation: mediatd\n    subject: carter"),
                        "unknown-relation", "unknown relation 'mediatd'", 56),
    "shape_fields": (BASE, edit("    role: Prime Minister\n", "    role: Prime Minister\n    object: accords\n"),
                     "forbidden-field", "a 'holds_role' fact cannot have 'object'", 50),
    "fact_references": (BASE, edit("place: white-house", "place: camp-david"), "dangling-reference",
                        "place 'camp-david' is not a known entity", 26),
    "citation_sources": (BASE, edit(SADAT_FACT_CITATION, SADAT_FACT_CITATION.replace("fixture-1978", "fixture-1979")),
                         "unknown-source", "citation names unknown source 'fixture-1979'", 28),
    "quotes_found": (BASE, edit("quote: after twelve days", "quote: after eleven days"), "quote-not-found",
                     "quote not found in the text of source 'fixture-1978'", 68),
    "single_source": (with_second_citations(BASE), BASE, "single-source", "fact 'sadat-signed' rests on a single source",
                      27),
    "disputed": (BASE, edit("    place: white-house\n", "    place: white-house\n    according_to: one paper\n"
                                                      "    disputed: one paper says a day later\n"),
                 "disputed", "fact 'sadat-signed' is disputed; it is asked only as what 'one paper' says", 28),
    "no_contradictions": (BASE, edit("  - id: sadat-president\n", "  - id: begin-did-not-sign\n    relation: signed\n"
                                     "    negated: true\n    subject: begin\n    object: accords\n    citations:\n"
                                     "      - {source: fixture-1978, quote: signed}\n  - id: sadat-president\n"),
                          "contradiction", "contradicts the fact at line 30", 37),
    "one_date_per_event": (BASE, edit("closures:", "  - id: talks-a\n    relation: occurred\n    subject: talks\n"
                                                   "    date: 1978-09-05\n    citations: [{source: fixture-1978, quote: x}]\n"
                                                   "  - id: talks-b\n    relation: occurred\n    subject: talks\n"
                                                   "    date: 1978-09-06\n    citations: [{source: fixture-1978, quote: x}]\n"
                                                   "closures:"),
                           "two-dates", "'talks' has two dates for 'occurred'", 77),
    "one_figure_per_measure": (BASE, edit("closures:", "  - id: talks-length-2\n    relation: figure\n    subject: talks\n"
                                                       "    quantity: {value: 13, unit: days, measure: the length of the "
                                                       "Camp David talks}\n    citations: [{source: fixture-1978, quote: x}]"
                                                       "\nclosures:"),
                               "two-figures", "a second figure for 'the length of the Camp David talks'", 69),
    "one_holder_per_post": (BASE, edit("    role: Prime Minister\n    of: israel\n", "    role: President\n    of: egypt\n"),
                            "two-holders", "'President' is held by both 'sadat'", 46),
    "closures_well_formed": (BASE, edit("    object: talks\n    among:", "    among:"), "bad-closure",
                             "a 'complete' closure names exactly one of 'object' or 'subject'", 70),
    "closures_hold": (BASE, edit("among: [carter, sadat, begin]", "among: [sadat, begin]"), "closure-contradicted",
                      "closure leaves out 'carter'", 73),
    "closures_cited": (BASE.rstrip("\n") + "\n    citations:\n      - source: fixture-1978\n        quote: President Jimmy "
                       "Carter of the United States, who mediated the talks\n", BASE, "uncited-closure",
                       "closure on 'mediated' cites no source", 70),
    "word_length": (edit("title: The Camp David Accords, 1978", "title: The Camp David " + "A" * 200 + " Accords"),
                    edit("title: The Camp David Accords, 1978", "title: The Camp David " + "A" * 201 + " Accords"),
                    "long-word", "a word of 201 characters without a space", 4),
    "entities_used": (BASE, edit(ISRAEL, ISRAEL + "\n  - {id: jordan, name: Jordan, kind: country}"), "unused-entity",
                      "entity 'jordan' is never used by a fact", 17),
    "sources_cited": (BASE, edit("entities:", "  - {id: unused, publisher: p, title: t, published: 1978}\nentities:"),
                      "unused-source", "source 'unused' is never cited", 11),
}

RULES = {rule.__name__: rule for rule in checks.RULES if rule.__module__ == checks.__name__}


def facts_of(tmp_path, text: str):
    path = tmp_path / "facts.yaml"
    path.write_text(text, encoding="utf-8")
    return load(path, DATA / "sources")


def test_every_rule_has_its_cases():
    assert sorted(CASES) == sorted(RULES)
    assert all(rule.__doc__ for rule in RULES.values()), "each rule says what it keeps true"


@pytest.mark.parametrize("name", sorted(CASES))
def test_rule_accepts_valid_input(tmp_path, name):
    valid = CASES[name][0]
    assert list(RULES[name](facts_of(tmp_path, valid))) == []


@pytest.mark.parametrize("name", sorted(CASES))
def test_rule_reports_invalid_input(tmp_path, name):
    _, invalid, code, fragment, line = CASES[name]
    problems: list[Problem] = list(RULES[name](facts_of(tmp_path, invalid)))
    assert problems, f"{name} found nothing"
    first = problems[0]
    assert (first.code, first.location.line) == (code, line), str(first)
    assert fragment in first.message
    assert first.hint


def test_family_rule_names_unknown_family(tmp_path):
    facts = facts_of(tmp_path, BASE)
    assert list(checks.family_rule({"signing", "backing", "dates", "roles", "figures"})(facts)) == []
    problems = list(checks.family_rule({"signing"})(facts))
    assert problems and all(p.code == "unknown-family" for p in problems)


def test_check_runs_every_rule_and_takes_extra_rules(tmp_path):
    facts = facts_of(tmp_path, CASES["unique_ids"][1])
    assert "duplicate-id" in {p.code for p in checks.check(facts)}

    def no_carter(facts):
        """A rule added by another module."""
        if "carter" in facts.entities:
            yield Problem(facts.where("entities", 2), "carter", "remove carter")

    assert [p.message for p in checks.check(facts, rules=(no_carter,))] == ["carter"]


@pytest.mark.parametrize("first, second", [
    ("Israel", "ISRAEL"),                      # case
    ("Isra\u00ebl", "Israe\u0308l"),           # one code point or two
    ("Israel", "Isr\u200bael"),                # zero-width space
    ("Israel", "\u202aIsrael\u202c"),          # bidi embedding
    ("Israel", "Israel\u00ad"),                # soft hyphen
    ("Israel", "\uff29srael"),                 # full-width letter (NFKC)
    ("Israel", "Israel "),                     # trailing space
])
def test_look_alike_names_are_refused(tmp_path, first, second):
    text = edit(ISRAEL, f'  - {{id: israel, name: "{first}", kind: country}}\n'
                        f'  - {{id: israel-state, name: "{second}", kind: country}}')
    problems = list(checks.distinct_names(facts_of(tmp_path, text)))
    assert len(problems) == 1
    assert "'israel-state'" in problems[0].message and "'israel'" in problems[0].message
    assert problems[0].location.line == 17 and "line 16, column 5" in problems[0].message


def test_names_that_differ_are_accepted(tmp_path):
    text = edit(ISRAEL, ISRAEL + '\n  - {id: israel-state, name: "Israel (state)", kind: country}\n'
                                 '  - {id: isreal, name: "Isreal", kind: country}')
    assert list(checks.distinct_names(facts_of(tmp_path, text))) == []


@pytest.mark.parametrize("attribution", ["", "    according_to: one paper\n"], ids=["unattributed", "attributed"])
def test_a_disputed_fact_gets_one_warning_that_says_what_happens_to_it(tmp_path, attribution):
    """With an attribution it is asked as that source's claim; without one it is not asked at all,
    and no other warning says it is."""
    from quizgen import pipeline

    path = tmp_path / "facts.yaml"
    path.write_text(edit("    place: white-house\n", "    place: white-house\n" + attribution
                         + "    disputed: one paper says a day later\n"), encoding="utf-8")
    warnings = pipeline.check_facts(path).warnings
    about = [w for w in warnings if "'sadat-signed'" in w.message and w.code != "single-source"]
    assert len(about) == 1, [str(w) for w in about]
    [warning] = about
    if attribution:
        assert warning.code == "disputed" and "asked only as what 'one paper' says" in warning.message
    else:
        assert warning.code == "not-asked" and "asked with" not in warning.message
    questions = pipeline.make_questions(pipeline.check_facts(path).facts, 1)
    asked = [q for q in questions if "sadat-signed" in q.facts[:1]]
    assert bool(asked) == bool(attribution)
    assert all(q.prompt.startswith("According to one paper") for q in asked if q.kind != "matching")


def test_docs_errors_names_every_generation_rule_and_warning_code():
    """docs/errors.md gives an example for each code of the generation rules, the state file, the
    --family check and every warning (the older errors are listed by kind of problem)."""
    import re

    from conftest import ROOT

    src = ROOT / "src" / "quizgen"
    codes: set[str] = set()
    for name in ("generation_rules.py", "notestate.py", "pipeline.py"):
        text = (src / name).read_text(encoding="utf-8")
        codes |= set(re.findall(r'"(?:error|warning)",\s*"([a-z][a-z0-9-]*)"\)', text))
        codes |= set(re.findall(r'code="([a-z][a-z0-9-]*)"', text))
    checks_text = (src / "checks.py").read_text(encoding="utf-8")
    codes |= set(re.findall(r'_warning\((?:[^()]|\([^()]*\))*?"([a-z][a-z0-9-]*)"\)', checks_text, re.S))
    assert {"same-question", "family-title", "bad-wording", "bad-skip", "not-asked", "no-as-of", "disputed",
            "single-source", "state-missing", "no-such-family"} <= codes
    docs = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    assert sorted(code for code in codes if f"`{code}`" not in docs) == []
    for message in ("is not a number of seconds", "is out of range (1980-01-01 to 9999-12-31",
                    "the Anki state file is damaged", "the Anki state file belongs to topic",
                    "another quizgen build is writing this output folder right now", "quizgen: internal error: ",
                    "quizgen: interrupted; out is unchanged", "interrupted after out was replaced by the new build"):
        assert message in docs
