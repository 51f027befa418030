"""Any input gives a fact set or a QuizgenError, never another exception."""

from __future__ import annotations

import os
import shutil

import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import DATA
from quizgen import pipeline
from quizgen.errors import QuizgenError

BASE = (DATA / "minimal.yaml").read_text(encoding="utf-8")
LINES = BASE.splitlines(keepends=True)

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(),
                    st.text(st.characters(), max_size=20), st.dates().map(str), st.sampled_from(["yes", "0476", "1:30"]))
documents = st.recursive(scalars, lambda children: st.one_of(
    st.lists(children, max_size=4),
    st.dictionaries(st.sampled_from(["format", "topic", "sources", "entities", "facts", "closures", "relations",
                                     "id", "name", "kind", "relation", "subject", "object", "citations", "quote",
                                     "source", "date", "quantity", "value"]) | st.text(max_size=8),
                    children, max_size=5)), max_leaves=25)


def outcome(tmp_path, text: str) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(text.encode("utf-8", errors="replace"))
    try:
        checked = pipeline.check_facts(path, DATA / "sources")
    except QuizgenError as exc:
        assert exc.problems, "an error must carry at least one problem"
        for problem in exc.problems:
            assert "\n" not in str(problem)
            assert str(problem).startswith(str(path))
    else:
        assert checked.facts.file.facts


# CI raises these (QUIZGEN_FUZZ_EXAMPLES) to thousands; a developer's run stays quick.
EXAMPLES = int(os.environ.get("QUIZGEN_FUZZ_EXAMPLES", "150"))
# In CI the examples are derandomized: the same ones every run, so a green local run predicts CI.
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
                    derandomize=os.environ.get("CI") == "true", database=None if os.environ.get("CI") else
                    settings.default.database)


@SETTINGS
@given(documents)
def test_random_yaml_documents(tmp_path, document):
    outcome(tmp_path, yaml.safe_dump(document, allow_unicode=True))


@SETTINGS
@given(st.data())
def test_random_line_mutations(tmp_path, data):
    lines = list(LINES)
    for _ in range(data.draw(st.integers(1, 3))):
        index = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["delete", "duplicate", "swap", "garble", "truncate", "indent"]))
        if action == "delete":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        elif action == "swap" and index + 1 < len(lines):
            lines[index], lines[index + 1] = lines[index + 1], lines[index]
        elif action == "garble":
            noise = data.draw(st.text(alphabet=":-[]{}&*!|>'\"#%@`\t ,?x1", min_size=1, max_size=4))
            pos = data.draw(st.integers(0, len(lines[index])))
            lines[index] = lines[index][:pos] + noise + lines[index][pos:]
        elif action == "truncate":
            lines[index] = lines[index][: data.draw(st.integers(0, len(lines[index])))] + "\n"
        elif action == "indent":
            lines[index] = " " * data.draw(st.integers(1, 3)) + lines[index]
        if not lines:
            break
    outcome(tmp_path, "".join(lines))


# Characters that once slipped through or shifted locations: controls, separators editors do not
# count as lines, noncharacters, surrogates (as escapes), bidi controls, zero-width and format
# characters, and plain words YAML 1.1 would have read as numbers or booleans.
SPECIAL = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b", "\u2028", "\u2029", "\ufffe", "\uffff", "\ufdd0",
           "\U0010ffff", "\u202e", "\u2066", "\u200e", "\u061c", "\u200b", "\u200d", "\ufeff", "\u00ad",
           "\r", "\t", "\\x07", "\\0", "\\uFFFE", "\\uD800", "\\U00110000", "e\u0301", "\uff21"]
WORDS = ["yes", "no", "on", "off", "0476", "0x7B6", "0o17", "1:30", "20:20", ".inf", "-.inf", ".nan", "<<", "=",
         "~", "null", "True", "1e400", "9" * 400, "9" * 5000, "-" + "1" * 4400, "0.001", "0001-01-01", "9999-12-31", "!!int", "!!bool",
         "&a", "*a", "'", '"', "|", ">", "x" * 250]


@SETTINGS
@given(st.data())
def test_special_characters_and_words_anywhere(tmp_path, data):
    text = BASE
    for _ in range(data.draw(st.integers(1, 4))):
        piece = data.draw(st.sampled_from(SPECIAL + WORDS) | st.text(st.characters(), min_size=1, max_size=3))
        at = data.draw(st.integers(0, len(text)))
        text = text[:at] + piece + text[at:]
    outcome(tmp_path, text)


@SETTINGS
@given(st.sampled_from(WORDS + SPECIAL), st.sampled_from(["title: The Camp David Accords, 1978", "value: 12",
                                                           "date: 1978-09-17", "negated: false", "format: 1",
                                                           "name: Anwar Sadat", "id: sadat-signed", "role: President",
                                                           "quote: after twelve days of secret talks at Camp David"]),
       st.booleans())
def test_special_values_in_every_field(tmp_path, word, line, quoted):
    key = line.split(":")[0]
    value = '"' + word.replace('"', '\\"') + '"' if quoted else word
    text = BASE.replace("    object: accords\n    citations:", "    object: accords\n    negated: false\n    citations:", 1)
    outcome(tmp_path, text.replace(line, f"{key}: {value}", 1))


@SETTINGS
@given(st.binary(max_size=200))
def test_random_bytes(tmp_path, blob):
    path = tmp_path / "blob.yaml"
    path.write_bytes(blob)
    try:
        pipeline.check_facts(path)
    except QuizgenError:
        pass


# -- the whole pipeline on mutated valid fact files --------------------------------------

HOSTILE = ["<script>x</script>", "{{Front}}", "{{c1::x}}", '#panic("x")', "$x$", "*_[]()#", "عربي", "\u200b",
           "../../etc/passwd", "", " ", "0", "-1", "1e309", "2020-02-30", "2020-13", "null", "true", "x" * 300,
           "sadat", "begin", "accords", "talks", "fixture-1978", "signed", "backs", "holds_role", "occurred", "figure",
           "\u202eIsrael", "I\u200bsrael", "ISRAEL", "Israe\u0308l", "\x07", "\u2028", "\ufffe", "y" * 250, 0.001,
           float("inf"), float("nan"), 10**400, "{object}", "{", "Who?", "ask_subjcet", "/etc/passwd", "../x.txt"]
VALUES = st.one_of(st.sampled_from(HOSTILE), st.integers(-5, 10**7), st.booleans(), st.none(),
                   st.text(st.characters(), max_size=12),
                   st.lists(st.sampled_from(HOSTILE), max_size=3))


def paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from paths(value, prefix + (index,))


def get(node, path):
    for part in path:
        node = node[part]
    return node


@st.composite
def mutated_documents(draw):
    document = yaml.safe_load(BASE)
    for _ in range(draw(st.integers(1, 4))):
        candidates = [p for p in paths(document) if p]
        path = draw(st.sampled_from(candidates))
        parent, key = get(document, path[:-1]), path[-1]
        action = draw(st.sampled_from(["replace", "delete", "duplicate"]))
        if action == "replace":
            parent[key] = draw(VALUES)
        elif action == "delete":
            del parent[key]
        elif isinstance(parent, list):
            parent.insert(key, parent[key])
        else:
            parent[key] = parent[key]
    return document


@SETTINGS
@given(mutated_documents(), st.integers(0, 1000))
def test_pipeline_on_mutated_fact_files(tmp_path, document, seed):
    path = tmp_path / "facts.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    out = tmp_path / "out"
    formats = ("json", "markdown", "anki") + (("pdf",) if seed % 10 == 0 else ())
    try:
        result = pipeline.build(path, out, seed=seed, formats=formats, sources_dir=DATA / "sources")
    except QuizgenError as exc:
        assert exc.problems
        assert all("\n" not in str(p) for p in exc.problems)
    else:
        assert (out / "questions.json").exists()
        assert result.questions == len(__import__("json").loads((out / "questions.json").read_text())["questions"])
    finally:
        shutil.rmtree(out, ignore_errors=True)
        for state in tmp_path.glob("*.anki-state.json"):
            state.unlink()
