"""The benchmark scripts run (a small size); times are reported, never asserted."""

from __future__ import annotations

import subprocess
import sys

import yaml

from conftest import ROOT
from quizgen import pipeline


def test_make_facts_is_valid_deterministic_and_sized(tmp_path):
    script = ROOT / "benchmarks" / "make_facts.py"
    for name in ("a.yaml", "b.yaml"):
        subprocess.run([sys.executable, str(script), "300", "--seed", "4", "--out", str(tmp_path / name)],
                       check=True, timeout=120)
    assert (tmp_path / "a.yaml").read_bytes() == (tmp_path / "b.yaml").read_bytes()
    document = yaml.safe_load((tmp_path / "a.yaml").read_text(encoding="utf-8"))
    assert len(document["facts"]) == 300
    facts = pipeline.check_facts(tmp_path / "a.yaml").facts
    questions = pipeline.make_questions(facts, 1)
    assert {q.family for q in questions} == {"signing", "backing", "dates", "roles", "figures"}


def test_benchmark_runner_smoke():
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--sizes", "1000", "--runs", "1"],
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "| 1,000 facts | 50 |" in result.stdout
    assert "genanki floor" in result.stdout and "`quizgen --help`" in result.stdout
