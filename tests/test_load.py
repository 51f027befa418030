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
    assert set(result.by_family) == {"signing", "terms", "backing", "dates", "roles", "figures"}
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


# -- plain values are read as they look (YAML 1.2 core schema, decimal numbers only) -------------

BASE = (DATA / "minimal.yaml").read_text(encoding="utf-8")


def load_text(tmp_path, text: str, sources=None):
    path = tmp_path / "facts.yaml"
    path.write_text(text, encoding="utf-8")
    return load(path, sources)


@pytest.mark.parametrize("written, read", [
    ("20:20", "20:20"), ("1:30", "1:30"), ("yes", "yes"), ("NO", "NO"), ("on", "on"), ("off", "off"),
    ("0476", "0476"), ("0x7B6", "0x7B6"), ("=", "="), ("1_000", "1_000"), ("2020-01-13", "2020-01-13"),
])
def test_plain_words_stay_text(tmp_path, written, read):
    facts = load_text(tmp_path, BASE.replace("  - {id: israel, name: Israel,", f"  - {{id: israel, name: {written},"))
    assert facts.entities["israel"].name == read


@pytest.mark.parametrize("written, value", [("12", 12.0), ("12.5", 12.5), ("1e3", 1000.0), ("+7", 7.0), ("0", 0.0)])
def test_decimal_numbers_are_numbers(tmp_path, written, value):
    facts = load_text(tmp_path, BASE.replace("value: 12", f"value: {written}"))
    assert facts.facts["talks-length"].quantity.value == value


def test_a_key_is_the_text_as_written(tmp_path):
    from quizgen.load import parse_yaml

    data, _ = parse_yaml("yes: 1\ntrue: 2\n1: 3\nnull: 4\n", "x.yaml")
    assert data == {"yes": 1, "true": 2, "1": 3, "null": 4}


def test_year_written_with_leading_zero_is_a_year(tmp_path):
    facts = load_text(tmp_path, BASE.replace("published: 1978-09-17", "published: 0476"))
    assert facts.sources["fixture-1978"].published.year == 476


def test_tab_inside_a_literal_block_is_text(tmp_path):
    text = BASE.replace("  title: The Camp David Accords, 1978\n",
                        "  title: The Camp David Accords, 1978\n  description: |\n    Talks\n    \tindented by a tab\n")
    facts = load_text(tmp_path, text)
    assert facts.topic.description == "Talks\n\tindented by a tab\n"


def test_tab_in_indentation_is_still_located(tmp_path):
    with pytest.raises(FactFileError) as info:
        load_text(tmp_path, BASE.replace("    publisher: quizgen", "\tpublisher: quizgen"))
    assert str(info.value.problems[0]).endswith(":7:1: error: tab character in indentation "
                                                "(hint: YAML indents with spaces only; replace the tab with spaces)")


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\x85"])
def test_line_separators_are_refused_where_editors_see_them(tmp_path, char):
    text = BASE.replace("  title: The Camp David Accords, 1978", f"  title: The Camp David{char}Accords, 1978")
    with pytest.raises(FactFileError) as info:
        load_text(tmp_path, text)
    problem = info.value.problems[0]
    assert (problem.location.line, problem.location.column) == (4, 24)
    assert f"U+{ord(char):04X}" in problem.message


def test_later_lines_are_counted_as_editors_count_them(tmp_path):
    # a duplicate key after a refused character would be found on the line an editor shows
    from quizgen.load import _position

    assert _position("a\u2028b\nc", 4) == (2, 1)


@pytest.mark.parametrize("escape", ["\\a", "\\0", "\\x07", "\\e", "\\uFFFE", "\\uFDD0", "\\U0010FFFF", "\\r",
                                    "\\x9b"])
def test_control_and_noncharacter_escapes_are_refused(tmp_path, escape):
    text = BASE.replace("title: The Camp David Accords, 1978", f'title: "The Camp David{escape} Accords"')
    with pytest.raises(FactFileError) as info:
        load_text(tmp_path, text)
    problem = info.value.problems[0]
    assert (problem.location.line, problem.location.column) == (4, 10)
    assert "is not allowed" in problem.message


def test_printable_unicode_is_accepted(tmp_path):
    text = BASE.replace("Anwar Sadat,", "أنور السادات,").replace("kind: country}\n  - {id: israel",
                                                                 "kind: country, description: \"\U0001F54A\ufb01\"}\n  - {id: israel")
    assert load_text(tmp_path, text).entities["sadat"].name == "أنور السادات"


# -- source texts stay inside the sources folder ----------------------------------------------

def sources_folder(tmp_path):
    folder = tmp_path / "sources"
    folder.mkdir()
    (folder / "camp-david.txt").write_text((DATA / "sources" / "camp-david.txt").read_text(encoding="utf-8"),
                                           encoding="utf-8")
    return folder


def source_problem(tmp_path, text_file: str, folder) -> str:
    with pytest.raises(FactFileError) as info:
        load_text(tmp_path, BASE.replace("text_file: camp-david.txt", f"text_file: '{text_file}'"), folder)
    problem = info.value.problems[0]
    assert (problem.location.line, problem.location.column) == (10, 5)
    assert "YAML" not in str(problem)
    return problem.message


def test_source_text_in_a_subfolder_and_through_an_inner_link_is_read(tmp_path):
    folder = sources_folder(tmp_path)
    (folder / "texts").mkdir()
    (folder / "texts" / "a.txt").write_text((folder / "camp-david.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "link.txt").symlink_to(folder / "texts" / "a.txt")
    for name in ("texts/a.txt", "link.txt"):
        facts = load_text(tmp_path, BASE.replace("text_file: camp-david.txt", f"text_file: {name}"), folder)
        assert facts.source_texts["fixture-1978"].startswith("Camp David Accords")


def test_source_text_cannot_leave_the_folder(tmp_path):
    folder = sources_folder(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("secret", encoding="utf-8")
    (folder / "escape.txt").symlink_to(secret)
    (folder / "zero").symlink_to("/dev/zero")
    assert "is an absolute path" in source_problem(tmp_path, str(secret), folder)
    assert "is an absolute path" in source_problem(tmp_path, "/proc/self/environ", folder)
    assert "goes up out of the sources folder" in source_problem(tmp_path, "../secret.txt", folder)
    assert "goes up out of the sources folder" in source_problem(tmp_path, "texts/../../secret.txt", folder)
    assert "leads outside the sources folder" in source_problem(tmp_path, "escape.txt", folder)
    assert "leads outside the sources folder" in source_problem(tmp_path, "zero", folder)


def test_source_text_must_be_a_small_regular_utf8_file(tmp_path):
    import os

    folder = sources_folder(tmp_path)
    os.mkfifo(folder / "pipe.txt")
    (folder / "dir").mkdir()
    (folder / "big.txt").write_bytes(b"a " * (3 * 1024 * 1024))
    (folder / "latin1.txt").write_bytes("Camp David Accords sign\u00e9s".encode("latin-1"))
    (folder / "article.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    (folder / "article.docx").write_bytes(b"PK\x03\x04\x14\x00")
    (folder / "binary.txt").write_bytes(b"abc\x00def")
    assert "is not a regular file" in source_problem(tmp_path, "pipe.txt", folder)  # never opened: no hang
    assert "is not a regular file" in source_problem(tmp_path, "dir", folder)
    assert "is 6 MB; the limit is 5 MB" in source_problem(tmp_path, "big.txt", folder)
    assert ("is not plain UTF-8 text (byte 0xe9 at line 1, column 24)"
            in source_problem(tmp_path, "latin1.txt", folder))
    assert "is a PDF; a source text must be plain UTF-8 text" in source_problem(tmp_path, "article.pdf", folder)
    assert "is a ZIP archive" in source_problem(tmp_path, "article.docx", folder)
    assert "is binary; a source text must be plain UTF-8 text" in source_problem(tmp_path, "binary.txt", folder)


def test_pdf_given_as_the_fact_file(tmp_path):
    path = tmp_path / "article.pdf"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    with pytest.raises(FactFileError) as info:
        load(path)
    assert str(info.value.problems[0]) == (f"{path}:1:1: error: this is a PDF, not a YAML fact file "
                                           "(hint: give the path of the YAML fact file)")


def test_forbidden_character_pattern_matches_its_definition():
    from quizgen.facts import FORBIDDEN_CHARACTERS, is_forbidden_character

    differ = [code for code in range(0x110000)
              if bool(FORBIDDEN_CHARACTERS.fullmatch(chr(code))) != is_forbidden_character(chr(code))]
    assert differ == []
    assert is_forbidden_character("\x07") and is_forbidden_character("\U0010FFFE") and is_forbidden_character("\u2028")
    assert not any(is_forbidden_character(c) for c in "\t\nAé\u200b\u202e\U0001F54A")


def test_a_family_id_gets_the_family_rule_in_its_hint(tmp_path):
    """A family id follows its own rule (no '-' or '.'), and the hint says that rule, not the one for ids."""
    path = tmp_path / "facts.yaml"
    path.write_text((DATA / "minimal.yaml").read_text(encoding="utf-8")
                    + "families:\n  oxford-team: {title: The Oxford team}\n", encoding="utf-8")
    with pytest.raises(FactFileError) as caught:
        pipeline.check_facts(path)
    text = "\n".join(str(p) for p in caught.value.problems)
    assert "'oxford-team'" in text and "family ids start with a lower-case letter" in text, text
    assert "'-', '_' and '.'" not in text
