from __future__ import annotations


import pytest

from conftest import DATA, FACTS, seeds_dir
from quizgen import pipeline
from quizgen.errors import FactFileError
from quizgen.load import load


def test_minimal_file_loads_with_locations():
    facts = load(DATA / "minimal.yaml", DATA / "sources")
    assert facts.topic.id == "camp-david-1978"
    assert set(facts.entities) >= {"sadat", "begin", "carter", "accords"}
    assert facts.facts["sadat-signed"].date.iso() == "1978-09-17"
    # every fact knows its line in the file
    assert facts.where("facts", 0, "id").line == 21
    assert facts.source_texts["fixture-1978"].startswith("Camp David Accords")


def test_shipped_relation_kinds_are_present_and_overridable(tmp_path):
    text = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace("closures:", 'relations:\n  signed:\n    templates:\n      ask_subject: "Who put a name to {object}?"\n'
                                     "  ratified:\n    family: signing\n    shape: binary\n    label: ratified\nclosures:")
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8")
    facts = load(path)
    assert facts.relation_kinds["signed"].templates["ask_subject"] == "Who put a name to {object}?"
    # the other shipped templates of 'signed' are kept
    assert "negated_statement" in facts.relation_kinds["signed"].templates
    assert facts.relation_kinds["ratified"].family == "signing"


def test_shipped_facts_validate_without_sources():
    checked = pipeline.check_facts(FACTS)
    assert len(checked.facts.file.facts) > 40
    assert not checked.facts.source_texts


def test_shipped_facts_quotes_verify_against_seeds():
    seeds = seeds_dir()
    if seeds is None:
        pytest.skip("the five source articles are not beside the repository")
    checked = pipeline.check_facts(FACTS, seeds)
    facts = checked.facts
    assert len(facts.source_texts) == 5
    assert all(s.text_file for s in facts.file.sources)
    # no error-level problem, and every fact cites a source and carries a quote
    for fact in facts.file.facts:
        assert fact.citations and all(c.quote.strip() for c in fact.citations)


def test_shipped_facts_cover_every_family_and_all_sources():
    facts = pipeline.check_facts(FACTS).facts
    result = pipeline.stats(facts)
    assert set(result.by_family) == {"signing", "backing", "dates", "roles", "figures"}
    assert all(count > 0 for count in result.by_source.values())


def test_strict_turns_warnings_into_errors():
    # minimal.yaml has single-source facts: fine normally, fatal with --strict
    pipeline.check_facts(DATA / "minimal.yaml")
    with pytest.raises(FactFileError) as info:
        pipeline.check_facts(DATA / "minimal.yaml", strict=True)
    assert all(p.severity == "warning" for p in info.value.problems)
    assert any("single source" in p.message for p in info.value.problems)


def test_all_problems_reported_at_once(tmp_path):
    text = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace("subject: begin\n    object: accords", "subject: nobody\n    object: accords")
    text = text.replace("place: white-house", "place: nowhere")
    text = text.replace("relation: mediated\n    subject: carter", "relation: mediatd\n    subject: carter")
    path = tmp_path / "three.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FactFileError) as info:
        pipeline.check_facts(path)
    messages = [p.message for p in info.value.problems]
    assert any("'nobody'" in m for m in messages)
    assert any("'nowhere'" in m for m in messages)
    assert any("'mediatd'" in m for m in messages)
    lines = [p.location.line for p in info.value.problems]
    assert lines == sorted(lines)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(FactFileError, match="file not found"):
        load(tmp_path / "nope.yaml")
    with pytest.raises(FactFileError, match="is a directory"):
        load(tmp_path)


def test_non_utf8_is_located(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes((DATA / "minimal.yaml").read_bytes().replace(b"Anwar Sadat", "Anwar Sádat".encode("latin-1")))
    with pytest.raises(FactFileError) as info:
        load(path)
    problem = info.value.problems[0]
    assert "not valid UTF-8" in problem.message
    assert problem.location.line == 12


def test_alias_bomb_is_stopped(tmp_path):
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 10) + "]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(FactFileError, match="expands to more than"):
        load(path)


def test_deep_nesting_is_stopped(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("a: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(FactFileError, match="nested"):
        load(path)


def test_missing_source_text_is_located(tmp_path):
    with pytest.raises(FactFileError) as info:
        load(DATA / "minimal.yaml", tmp_path)
    problem = info.value.problems[0]
    assert "camp-david.txt" in problem.message and problem.location.line == 10
