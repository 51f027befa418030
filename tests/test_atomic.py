"""out/ is replaced whole or not at all: failures, a full disk, and kills at random moments."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import DATA, FACTS
from quizgen import exporters, pipeline
from quizgen.errors import ExportError, QuizgenError
from quizgen.output import MARKER


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


def leftovers(parent: Path) -> list[str]:
    """Folders a build left beside out/ (the lock file .out.lock stays, by design)."""
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(".out.") and p.name != ".out.lock")


@pytest.fixture
def topic(tmp_path):
    facts = tmp_path / "facts.yaml"
    shutil.copy(DATA / "minimal.yaml", facts)
    return facts


def test_failing_exporter_leaves_previous_output(topic, tmp_path, monkeypatch):
    out = tmp_path / "out"
    pipeline.build(topic, out, formats=("json", "markdown"))
    before = snapshot(out)
    failing = tmp_path / "failing_exporter.py"
    failing.write_text("def export(bank, folder, settings):\n"
                       "    (folder / 'partial.txt').write_text('half')\n"
                       "    raise OSError(28, 'No space left on device')\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(exporters.REGISTRY, "failing", "failing_exporter")
    with pytest.raises(ExportError, match="No space left on device"):
        pipeline.build(topic, out, formats=("json", "markdown", "failing"))
    assert snapshot(out) == before
    assert leftovers(tmp_path) == []


def test_a_real_full_disk_leaves_previous_output(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", str(disk)],
                                           capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here")
    try:
        facts = disk / "facts.yaml"
        shutil.copy(DATA / "minimal.yaml", facts)
        out = disk / "out"
        pipeline.build(facts, out, formats=("json",))
        before = snapshot(out)
        filler = disk / "filler"
        free = shutil.disk_usage(disk).free
        filler.write_bytes(b"\0" * max(0, free - 20_000))
        with pytest.raises(QuizgenError):
            pipeline.build(facts, out, formats=("json", "markdown", "pdf"))
        assert snapshot(out) == before
        assert leftovers(disk) == []
    finally:
        subprocess.run(["umount", str(disk)], capture_output=True)


def test_refuses_to_replace_a_folder_it_did_not_write(topic, tmp_path):
    precious = tmp_path / "thesis"
    precious.mkdir()
    (precious / "chapter1.docx").write_bytes(b"years of work")
    with pytest.raises(ExportError, match="not written by quizgen"):
        pipeline.build(topic, precious, formats=("json",))
    assert (precious / "chapter1.docx").read_bytes() == b"years of work"
    with pytest.raises(ExportError, match="refusing to replace"):
        pipeline.build(topic, tmp_path, formats=("json",))


def test_output_holds_exactly_one_builds_files(topic, tmp_path):
    out = tmp_path / "out"
    pipeline.build(topic, out, formats=("json", "markdown"), settings=exporters.Settings(versions=3))
    assert "quiz-C.md" in snapshot(out)
    pipeline.build(topic, out, formats=("json", "markdown"), settings=exporters.Settings(versions=1))
    assert sorted(snapshot(out)) == sorted([MARKER, "questions.json", "quiz-A.md", "key-A.md"])


def test_killed_at_random_moments_never_breaks_output(tmp_path):
    """SIGKILL a real build process at random points; out/ is always the complete last build."""
    facts = tmp_path / "facts.yaml"
    shutil.copy(FACTS, facts)
    shutil.copy(pipeline.default_state_path(FACTS), pipeline.default_state_path(facts))
    out = tmp_path / "out"
    command = [sys.executable, "-m", "quizgen", "build", str(facts), "--out", str(out)]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env, timeout=120)
    duration = time.perf_counter() - started
    reference = snapshot(out)
    assert len(reference) >= 10
    rng = random.Random(20200113)
    runs = int(os.environ.get("QUIZGEN_KILL_RUNS", "25"))
    for _ in range(runs):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        time.sleep(rng.uniform(0.05, duration * 1.1))
        process.send_signal(signal.SIGKILL)
        process.wait()
        # whatever moment it died, out/ is the complete previous build (same input, same bytes)
        assert snapshot(out) == reference
    subprocess.run(command, check=True, capture_output=True, env=env, timeout=120)
    assert snapshot(out) == reference
    assert leftovers(tmp_path) == []
