"""Any input gives a fact set or a QuizgenError, never another exception."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import DATA
from quizgen import pipeline
from quizgen.errors import QuizgenError

BASE = (DATA / "minimal.yaml").read_text(encoding="utf-8")
LINES = BASE.splitlines(keepends=True)

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                    st.text(max_size=20), st.dates().map(str))
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


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


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


@SETTINGS
@given(st.binary(max_size=200))
def test_random_bytes(tmp_path, blob):
    path = tmp_path / "blob.yaml"
    path.write_bytes(blob)
    try:
        pipeline.check_facts(path)
    except QuizgenError:
        pass
