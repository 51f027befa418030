"""Every file in tests/data/invalid/ has one defect and the exact message it must produce.

tests/data/invalid/expected.json maps each file to its first message (after the file name).
Regenerate with tests/tools/make_invalid.py and review the diff.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from conftest import DATA

INVALID = DATA / "invalid"
EXPECTED: dict[str, str] = json.loads((INVALID / "expected.json").read_text(encoding="utf-8"))
CASES = sorted(p for p in INVALID.iterdir() if p.name != "expected.json")


def test_corpus_is_complete_and_large_enough():
    assert len(CASES) >= 110
    assert sorted(p.name for p in CASES) == sorted(EXPECTED)


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_invalid_file_gives_its_one_located_message(path, run_cli):
    code, out, err = run_cli("check", "--sources", DATA / "sources", path)
    assert code == 1
    lines = err.splitlines()
    assert lines[0] == f"{path}:{EXPECTED[path.name]}"
    assert "(hint: " in lines[0]
    assert "Traceback" not in err and "Traceback" not in out
    assert out == ""
    # every problem is one located line: file:line:column: severity: message (hint: ...)
    located = re.compile(re.escape(f"{path}:") + r"\d+:\d+: (error|warning): .+ \(hint: .+\)")
    problems = [line for line in lines if not re.fullmatch(r"\d+ error\(s\), \d+ warning\(s\)", line)]
    assert problems and all(located.fullmatch(line) for line in problems), err


@pytest.mark.parametrize("name", ["duplicate-key.yaml", "alias-bomb.yaml", "python-object-tag.yaml",
                                  "pdf-as-fact-file.yaml", "char-bell-raw.yaml", "yaml11-merge-key.yaml",
                                  "look-alike-normalisation.yaml", "text-file-pdf.yaml", "figure-400-digits.yaml"])
def test_real_process_exit_code_and_no_traceback(name):
    path = INVALID / name
    result = subprocess.run([sys.executable, "-m", "quizgen", "check", "--sources", str(DATA / "sources"), str(path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == f"{path}:{EXPECTED[name]}"
    assert "Traceback" not in result.stderr


def test_python_tags_are_never_executed(tmp_path, run_cli):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.yaml"
    path.write_text(f"format: !!python/object/apply:os.system ['touch {marker}']\n", encoding="utf-8")
    code, _, err = run_cli("check", path)
    assert code == 1 and "never executed" in err
    assert not marker.exists()


def test_huge_file_is_refused_quickly(tmp_path, run_cli):
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.write(b"# " + b"x" * (50 * 1024 * 1024) + b"\n")
    code, _, err = run_cli("check", path)
    assert code == 1
    assert err == f"{path}: error: file is 52 MB; the limit is 20 MB (hint: split the topic into several fact files)\n"


def test_missing_file_and_directory(tmp_path, run_cli):
    code, _, err = run_cli("check", tmp_path / "nope.yaml")
    assert (code, err) == (1, f"{tmp_path / 'nope.yaml'}: error: file not found "
                              "(hint: check the path; the default fact file is ./facts.yaml)\n")
    code, _, err = run_cli("check", tmp_path)
    assert (code, err) == (1, f"{tmp_path}: error: is a directory, not a fact file "
                              "(hint: name the YAML file inside it, e.g. facts.yaml)\n")


def test_utf8_byte_order_mark_is_accepted(tmp_path, run_cli):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + (DATA / "minimal.yaml").read_bytes())
    code, out, _ = run_cli("check", path)
    assert code == 0 and "ok: 6 facts" in out


def test_docs_errors_lists_every_message():
    sys.path.insert(0, str(DATA.parent / "tools"))
    from make_invalid import with_catalogue

    docs = DATA.parent.parent / "docs" / "errors.md"
    text = docs.read_text(encoding="utf-8")
    assert with_catalogue(text, EXPECTED) == text, "docs/errors.md is stale; run tests/tools/make_invalid.py"


def test_megabyte_word_is_refused_before_any_output(tmp_path, run_cli):
    base = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    path = tmp_path / "word.yaml"
    path.write_text(base.replace("title: The Camp David Accords, 1978",
                                 "title: The Camp David Accords, 1978\n  description: " + "w" * 1_000_000), encoding="utf-8")
    out = tmp_path / "out"
    code, _, err = run_cli("build", "--out", out, path)
    assert code == 1 and not out.exists()
    assert err.splitlines()[0] == (f"{path}:5:3: error: a word of 1,000,000 characters without a space (starting "
                                   f"'{'w' * 20}'); the longest allowed is 200 (hint: break it with spaces, or shorten "
                                   "it: it looks like pasted data, not text)")
