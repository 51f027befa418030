"""Every file in tests/data/invalid/ has one defect and the exact message it must produce.

The expected message is the file's first line: '# expect: LINE:COL: error: ...'.
Regenerate with tests/tools/make_invalid.py and review the diff.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import DATA

CASES = sorted((DATA / "invalid").glob("*.yaml"))


def expected(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), path
    return first.removeprefix("# expect: ")


def test_corpus_is_large_enough():
    assert len(CASES) >= 20


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_invalid_file_gives_its_one_located_message(path, run_cli):
    code, out, err = run_cli("check", "--sources", DATA / "sources", path)
    assert code == 1
    lines = err.splitlines()
    assert lines[0] == f"{path}:{expected(path)}"
    assert "Traceback" not in err and "Traceback" not in out
    assert out == ""


def test_real_process_exit_code_and_no_traceback():
    path = DATA / "invalid" / "duplicate-key.yaml"
    result = subprocess.run([sys.executable, "-m", "quizgen", "check", str(path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == f"{path}:{expected(path)}"
    assert "Traceback" not in result.stderr
