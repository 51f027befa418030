"""Outputs are byte-identical whatever the time zone, locale, hash seed or folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import FACTS
from quizgen import pipeline

ENVIRONMENTS = [
    {"TZ": "UTC", "LC_ALL": "C", "PYTHONHASHSEED": "0"},
    {"TZ": "Pacific/Kiritimati", "LC_ALL": "C.UTF-8", "PYTHONHASHSEED": "12345", "LANG": "de_DE.UTF-8"},
    {"TZ": "America/Los_Angeles", "PYTHONHASHSEED": "random", "LC_ALL": "tr_TR.UTF-8"},
]


def build_in(folder: Path, env: dict[str, str]) -> dict[str, bytes]:
    folder.mkdir(parents=True)
    facts = folder / "facts.yaml"
    shutil.copy(FACTS, facts)
    shutil.copy(pipeline.default_state_path(FACTS), pipeline.default_state_path(facts))
    environment = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH",)}
    environment.update(env)
    subprocess.run([sys.executable, "-m", "quizgen", "build", "facts.yaml"], cwd=folder, env=environment,
                   check=True, capture_output=True, timeout=120)
    return {p.name: p.read_bytes() for p in sorted((folder / "out").iterdir())}


def test_same_bytes_across_environments_and_folders(tmp_path):
    results = [build_in(tmp_path / f"machine-{i}" / ("deep" * i or "x"), env) for i, env in enumerate(ENVIRONMENTS)]
    first = results[0]
    assert len(first) >= 10
    for other in results[1:]:
        assert other.keys() == first.keys()
        for name in first:
            assert other[name] == first[name], name
    # no absolute path, user name or home folder inside any output
    needles = [str(tmp_path).encode(), os.path.expanduser("~").encode()]
    for name, data in first.items():
        for needle in needles:
            if len(needle) > 1:
                assert needle not in data, (name, needle)
