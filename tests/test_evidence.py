"""Evidence that proves: every quote that establishes an answer, grouped by source, in every
format; closures cite sources and never turn a contested claim into a proven falsehood."""

from __future__ import annotations

import copy
import html

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import build_document
from quizgen import pipeline
from quizgen.exporters import anki, gift
from quizgen.exporters.markdown import quiz_markdown
from quizgen.exporters.platforms import feedback
from quizgen.quiz import make_versions

TURKEY_1 = "the GNA is backed by Turkey"
TURKEY_2 = "Ankara started sending military personnel"
UAE_1 = "the LNA is supported by the United Arab Emirates"
UAE_2 = "Abu Dhabi supplies the LNA"
SIDES = "each foreign backer supports one side only"
FRANCE = "France backs the LNA"
QATAR = "Qatar backs the GNA"
RUSSIA_GNA = "Russia sides with the GNA"


def backing(closure_cited: bool = True, contested: bool = False) -> dict:
    """Turkey backs the GNA (paper A, two quotes), the UAE the LNA (paper B, two quotes), Qatar the
    GNA (both papers); one side each (closure quoted from paper C). With ``contested``, only paper A
    says France backs the LNA, and Russia is said by A to back the GNA and by B the LNA."""
    sources = [{"id": s, "publisher": f"Paper {s.upper()}", "title": f"Report {s.upper()}", "published": "2020-01-13"}
               for s in ("a", "b", "c")]
    entities = [{"id": e, "name": n, "kind": k} for e, n, k in (
        ("turkey", "Turkey", "country"), ("uae", "The United Arab Emirates", "country"), ("qatar", "Qatar", "country"),
        ("france", "France", "country"), ("russia", "Russia", "country"),
        ("gna", "The GNA", "faction"), ("lna", "The LNA", "faction"))]
    facts = [
        {"id": "turkey-backs-gna", "relation": "backs", "subject": "turkey", "object": "gna",
         "citations": [{"source": "a", "quote": TURKEY_1}, {"source": "a", "quote": TURKEY_2}]},
        {"id": "uae-backs-lna", "relation": "backs", "subject": "uae", "object": "lna",
         "citations": [{"source": "b", "quote": UAE_1}, {"source": "b", "quote": UAE_2}]},
        {"id": "qatar-backs-gna", "relation": "backs", "subject": "qatar", "object": "gna",
         "citations": [{"source": "a", "quote": QATAR}, {"source": "b", "quote": "Doha funds the GNA"}]},
    ]
    if contested:
        facts += [
            {"id": "france-backs-lna", "relation": "backs", "subject": "france", "object": "lna", "according_to": "Paper A",
             "citations": [{"source": "a", "quote": FRANCE}]},
            {"id": "russia-backs-gna", "relation": "backs", "subject": "russia", "object": "gna", "according_to": "Paper A",
             "disputed": "Paper B says Russia backs the LNA", "citations": [{"source": "a", "quote": RUSSIA_GNA}]},
        ]
    closure = {"relation": "backs", "kind": "functional", "reason": "Each backer supports one side."}
    if closure_cited:
        closure["citations"] = [{"source": "c", "quote": SIDES}]
    return {"format": 1, "topic": {"id": "war", "title": "A war"}, "sources": sources, "entities": entities,
            "facts": facts, "closures": [closure]}


def false_statement(questions, prompt: str):
    return next(q for q in questions if q.kind == "true_false" and q.prompt == prompt)


def shown_everywhere(question) -> dict[str, str]:
    """What each format shows as the question's evidence: the Anki back's sources, the printed key,
    Moodle XML and Canvas feedback, GIFT's general feedback."""
    version = make_versions([question], 1, 1, "T")[0]
    return {"anki": html.unescape(anki.sources_html(question)),
            "markdown": quiz_markdown(version, answer_key=True).replace("\\", ""),
            "moodle/canvas": html.unescape(feedback(question)),
            "gift": html.unescape(gift.block(question).replace("\\", ""))}


def test_a_false_statement_shows_what_it_contradicts_and_the_closure_not_its_anchor(tmp_path):
    _, questions = build_document(tmp_path, backing())
    q = false_statement(questions, "The United Arab Emirates backs The GNA.")
    assert q.answer == "False"
    assert [(c.role, c.fact, c.quote) for c in q.citations] == [
        ("contradicts", "uae-backs-lna", UAE_1), ("contradicts", "uae-backs-lna", UAE_2), ("closure", None, SIDES)]
    for name, text in shown_everywhere(q).items():
        for quote in (UAE_1, UAE_2, SIDES):
            assert quote in text, (name, quote)
        for quote in (TURKEY_1, TURKEY_2):  # the anchor only words the statement: it proves nothing
            assert quote not in text, (name, quote)


def test_evidence_is_grouped_by_source_each_quote_once(tmp_path):
    _, questions = build_document(tmp_path, backing())
    q = false_statement(questions, "The United Arab Emirates backs The GNA.")
    groups = q.citations_by_source()
    assert [(source.publisher, [c.quote for c in quotes]) for source, quotes in groups] == [
        ("Paper B", [UAE_1, UAE_2]), ("Paper C", [SIDES])]
    key = shown_everywhere(q)["markdown"].split("## Sources")[0]
    assert key.count("Paper B") == 1 and key.count("Paper C") == 1  # one heading per source, its quotes under it
    assert key.index("Paper B") < key.index(UAE_1) < key.index(UAE_2) < key.index("Paper C") < key.index(SIDES)
    back = anki.sources_html(q)
    assert back.count('class="source"') == 2 and back.count("<q>") == 3


def test_multiple_choice_shows_what_rules_its_wrong_options_out(tmp_path):
    _, questions = build_document(tmp_path, backing())
    q = next(q for q in questions if q.template == "ask_subject" and q.answer == "The United Arab Emirates")
    wrong = {o.text for o in q.options if not o.correct}
    assert wrong == {"Qatar", "Turkey"}
    roles = {(c.role, c.fact) for c in q.citations}
    assert roles == {("answer", "uae-backs-lna"), ("rules_out", "turkey-backs-gna"), ("rules_out", "qatar-backs-gna"),
                     ("closure", None)}
    for name, text in shown_everywhere(q).items():
        assert all(quote in text for quote in (UAE_1, UAE_2, TURKEY_1, QATAR, SIDES)), name


def test_true_statement_shows_its_facts_quotes_only(tmp_path):
    _, questions = build_document(tmp_path, backing())
    q = next(q for q in questions if q.kind == "true_false" and q.answer == "True" and "Turkey" in q.prompt)
    assert [c.quote for c in q.citations] == [TURKEY_1, TURKEY_2]
    assert {c.role for c in q.citations} == {"answer"}


def test_every_date_of_an_ordering_question_is_quoted_in_the_key(tmp_path):
    events = [(f"e{i}", f"Event {i}", f"2020-0{i}-01") for i in range(1, 6)]
    doc = {"format": 1, "topic": {"id": "t", "title": "T"},
           "sources": [{"id": "s", "publisher": "P", "title": "T", "published": "2020-12-01"}],
           "entities": [{"id": e, "name": n, "kind": "event"} for e, n, _ in events],
           "facts": [{"id": f"{e}-date", "relation": "occurred", "subject": e, "date": d,
                      "citations": [{"source": "s", "quote": f"{n} happened on {d}"}]} for e, n, d in events]}
    _, questions = build_document(tmp_path, doc)
    ordering = [q for q in questions if q.kind == "ordering"]
    assert ordering
    for q in ordering:
        assert len(q.items) >= 4
        for name, text in shown_everywhere(q).items():
            if name == "gift":
                continue  # ordering is written to GIFT as matching, with the same feedback
            for item in q.items:
                assert f"{item} happened on" in text, (name, item)


def test_a_contested_backer_is_asked_with_its_attribution_and_never_keyed_false(tmp_path):
    _, questions = build_document(tmp_path, backing(contested=True))
    prompts = {q.prompt: q.answer for q in questions if q.kind == "true_false"}
    assert prompts["According to Paper A, France backs The LNA."] == "True"
    # France's side rests on one paper only: no closure turns it into "France backs the GNA" = False
    assert "France backs The GNA." not in prompts
    # Russia's is disputed: neither side of it is keyed false
    assert not any(p.startswith("Russia backs") and a == "False" for p, a in prompts.items())
    for q in questions:
        for option in q.options:
            if not option.correct and q.kind == "multiple_choice":
                assert option.text not in ("France", "Russia"), (q.prompt, option.text)
    # the plain backers are still proven wrong through the cited closure
    assert prompts["The United Arab Emirates backs The GNA."] == "False"


def test_an_uncited_closure_warns_with_its_code_and_fails_strict(tmp_path, run_cli):
    import yaml

    path = tmp_path / "facts.yaml"
    path.write_text(yaml.safe_dump(backing(closure_cited=False), sort_keys=False), encoding="utf-8")
    checked = pipeline.check_facts(path)
    codes = [p.code for p in checked.warnings]
    assert codes.count("uncited-closure") == 1
    code, out, err = run_cli("check", path, "--strict")
    assert code == 1
    assert "closure on 'backs' cites no source" in err + out
    cited = tmp_path / "cited.yaml"
    cited.write_text(yaml.safe_dump(backing(), sort_keys=False), encoding="utf-8")
    assert "uncited-closure" not in [p.code for p in pipeline.check_facts(cited).warnings]


def test_an_uncited_closure_proves_no_contested_claim_false(tmp_path):
    _, questions = build_document(tmp_path, backing(closure_cited=False, contested=True))
    statements = {q.prompt: q for q in questions if q.kind == "true_false"}
    assert "France backs The GNA." not in statements
    # it still proves a plain pair, and then shows what it can: the contradicted fact's quotes
    q = statements["The United Arab Emirates backs The GNA."]
    assert q.answer == "False" and [c.quote for c in q.citations] == [UAE_1, UAE_2]


# -- a property over random backing files ------------------------------------------------------

@st.composite
def backing_files(draw):
    doc = backing(closure_cited=draw(st.booleans()))
    doc = copy.deepcopy(doc)
    backers = ["france", "russia"]
    for index, backer in enumerate(backers):
        choice = draw(st.sampled_from(["none", "plain", "attributed", "disputed", "negated"]))
        side = draw(st.sampled_from(["gna", "lna"]))
        if choice == "none":
            continue
        fact = {"id": f"{backer}-{side}", "relation": "backs", "subject": backer, "object": side,
                "citations": [{"source": draw(st.sampled_from("ab")), "quote": f"quote {index}"}]}
        if choice == "attributed":
            fact["according_to"] = "Paper A"
        elif choice == "disputed":
            fact.update(according_to="Paper A", disputed="the papers disagree")
        elif choice == "negated":
            fact["negated"] = True
        doc["facts"].append(fact)
    return doc


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=backing_files())
def test_every_false_statement_cites_what_proves_it_and_no_contested_claim_is_keyed_false(tmp_path_factory, doc):
    folder = tmp_path_factory.mktemp("doc")
    facts, questions = build_document(folder, doc)
    contested = {f.subject for f in facts.file.facts if f.according_to or f.disputed}
    closure_quotes = {c.quote for closure in facts.file.closures for c in closure.citations}
    for q in questions:
        cited = {c.fact for c in q.citations if c.fact}
        assert cited <= set(facts.facts), q.id  # every quote names a real fact
        if q.kind != "true_false" or q.answer != "False":
            continue
        subject = next((e for e, n in (("france", "France"), ("russia", "Russia")) if q.prompt.startswith(n + " ")), None)
        negated = any(facts.facts[f].negated for f in q.facts)
        if negated:
            assert {c.role for c in q.citations} == {"answer"}
            continue
        # proven false by a closure: the contradicted fact and the closure's quotes, nothing of the anchor
        assert subject not in contested, q.prompt
        roles = [c.role for c in q.citations]
        assert "contradicts" in roles and "answer" not in roles, q.prompt
        assert closure_quotes <= {c.quote for c in q.citations}, q.prompt


def test_the_pdf_key_shows_every_quote_grouped_by_source(tmp_path):
    import pdfplumber

    from quizgen.exporters import Settings, pdf
    from quizgen.questions import QuestionBank

    facts, questions = build_document(tmp_path, backing())
    q = false_statement(questions, "The United Arab Emirates backs The GNA.")
    bank = QuestionBank(topic="war", title="A war", input_sha256="0" * 64, questions=(q,))
    folder = tmp_path / "pdf"
    folder.mkdir()
    pdf.export(bank, folder, Settings(count=1, versions=1))
    with pdfplumber.open(folder / "key-A.pdf") as document:
        text = " ".join(" ".join((page.extract_text() or "").split()) for page in document.pages)
    for quote in (UAE_1, UAE_2, SIDES):
        assert quote in text
    for quote in (TURKEY_1, TURKEY_2):
        assert quote not in text
    assert text.count("Paper B, 13 January 2020") == 1  # one line per source, its quotes on it


def test_which_took_place_on_cites_the_dates_of_its_wrong_options(tmp_path):
    events = [(f"e{i}", f"Event {i}", f"2020-0{i}-01") for i in range(1, 6)]
    doc = {"format": 1, "topic": {"id": "t", "title": "T"},
           "sources": [{"id": "s", "publisher": "P", "title": "T", "published": "2020-12-01"}],
           "entities": [{"id": e, "name": n, "kind": "event"} for e, n, _ in events],
           "facts": [{"id": f"{e}-date", "relation": "occurred", "subject": e, "date": d,
                      "citations": [{"source": "s", "quote": f"{n} happened on {d}"}]} for e, n, d in events]}
    _, questions = build_document(tmp_path, doc)
    asked = [q for q in questions if q.template == "ask_event"]
    assert asked
    for q in asked:
        quotes = {c.quote for c in q.citations}
        for option in q.options:  # every option's date is quoted: the right one and those that rule the others out
            assert f"{option.text} happened on" in " ".join(quotes), (q.prompt, option.text)


def test_sources_that_disagree_are_a_contested_claim_not_a_contradiction(tmp_path):
    import yaml

    doc = backing()
    doc["facts"] += [
        {"id": "france-lna", "relation": "backs", "subject": "france", "object": "lna", "according_to": "Paper A",
         "citations": [{"source": "a", "quote": FRANCE}]},
        {"id": "france-gna", "relation": "backs", "subject": "france", "object": "gna", "according_to": "Paper B",
         "citations": [{"source": "b", "quote": "France officially backs the GNA"}]},
    ]
    facts, questions = build_document(tmp_path, doc)  # check accepts it
    statements = {q.prompt: q.answer for q in questions if q.kind == "true_false"}
    assert statements["According to Paper A, France backs The LNA."] == "True"
    assert statements["According to Paper B, France backs The GNA."] == "True"
    assert not any(p.startswith("France") for p in statements)  # never a flat claim, never keyed False
    # one account giving both sides, or a flat fact beside a contrary attributed one, is a contradiction
    for attribution in ("Paper A", None):
        bad = copy.deepcopy(doc)
        if attribution is None:
            del bad["facts"][-1]["according_to"]
        else:
            bad["facts"][-1]["according_to"] = attribution
        path = tmp_path / f"bad-{attribution}.yaml"
        path.write_text(yaml.safe_dump(bad, sort_keys=False), encoding="utf-8")
        with pytest.raises(Exception) as raised:
            pipeline.check_facts(path)
        assert "closure-contradicted" in str(raised.value) or "says 'france' backs one thing" in str(raised.value)
