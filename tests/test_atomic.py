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


# --- one build at a time -------------------------------------------------------------------

HOLD_LOCK = """
import sys, time
from pathlib import Path
from quizgen.output import write_atomically
def produce(folder):
    print("holding", flush=True)
    time.sleep(60)
    return []
write_atomically(Path(sys.argv[1]), produce, [])
"""


def quizgen(*args, env=None, timeout=120):
    return subprocess.run([sys.executable, "-m", "quizgen", *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}, timeout=timeout)


def test_a_second_build_on_the_same_folder_refuses_while_one_runs(topic, tmp_path):
    out = tmp_path / "out"
    assert quizgen("build", topic, "--out", out, "--format", "json").returncode == 0
    before = snapshot(out)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(out)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        second = quizgen("build", topic, "--out", out, "--format", "json,markdown")
        assert second.returncode == 1, second.stderr
        assert second.stderr.startswith(f"{out}: error: another quizgen build is writing this output folder right "
                                        "now (hint: wait for it to finish and run again")
        assert "Traceback" not in second.stderr
        assert snapshot(out) == before
    finally:
        holder.kill()
        holder.wait()
    # the holder died mid-build: the next build undoes what it left and runs
    assert quizgen("build", topic, "--out", out, "--format", "json").returncode == 0
    assert snapshot(out) == before
    assert leftovers(tmp_path) == [] and not (tmp_path / ".out.lock").exists()


def test_builds_started_together_never_break_the_output(topic, tmp_path):
    """Six real processes on one --out: each either builds or refuses with the message; out/ stays whole."""
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    command = [sys.executable, "-m", "quizgen", "build", str(topic), "--out", str(out), "--format", "json,markdown"]
    subprocess.run(command, check=True, capture_output=True, env=env)
    reference = snapshot(out)
    processes = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
                 for _ in range(6)]
    outcomes = [(p.wait(timeout=120), p.stderr.read()) for p in processes]
    for code, err in outcomes:
        assert code in (0, 1), err
        if code == 1:
            assert "another quizgen build is writing this output folder right now" in err
    assert any(code == 0 for code, _ in outcomes)
    assert snapshot(out) == reference
    assert leftovers(tmp_path) == []


# --- names are not globs ---------------------------------------------------------------------

def test_only_folders_this_build_made_are_touched(topic, tmp_path):
    """A user's own .out.tmp-*/.out.old-* folders, and other outputs' staging folders, are never moved or deleted."""
    theirs = {name: tmp_path / name for name in (".out.tmp-mine", ".out.old-mine", ".x.tmp-1", ".x.old-1",
                                                  ".*.tmp-1", ".*.old-2")}
    for name, folder in theirs.items():
        folder.mkdir()
        (folder / "precious.txt").write_text(name, encoding="utf-8")
    for out in (tmp_path / "out", tmp_path / "*", tmp_path / "out"):
        pipeline.build(topic, out, formats=("json",))
        assert not (out / "precious.txt").exists()
    for name, folder in theirs.items():
        assert (folder / "precious.txt").read_text(encoding="utf-8") == name
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == sorted(theirs)


def test_a_journal_names_only_its_own_folders(topic, tmp_path):
    """A hand-edited lock file cannot make a build delete anything but its own staging names."""
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("keep", encoding="utf-8")
    (tmp_path / ".out.lock").write_text("tmp victim\nold ../victim\ntmp .out.tmp-../victim\n", encoding="utf-8")
    pipeline.build(topic, tmp_path / "out", formats=("json",))
    assert (victim / "keep.txt").read_text(encoding="utf-8") == "keep"


# --- symbolic links ----------------------------------------------------------------------------

def test_a_link_to_a_folder_is_followed_and_stays_a_link(topic, tmp_path):
    real = tmp_path / "builds" / "current"
    real.mkdir(parents=True)
    link = tmp_path / "out"
    link.symlink_to(real, target_is_directory=True)
    pipeline.build(topic, link, formats=("json",))
    pipeline.build(topic, link, formats=("json", "markdown"))
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert "quiz-A.md" in snapshot(real) and MARKER in snapshot(real)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["builds", "facts.yaml", "out"]
    assert sorted(p.name for p in real.parent.iterdir()) == ["current"]


def test_a_dangling_link_is_refused(topic, tmp_path):
    link = tmp_path / "out"
    link.symlink_to(tmp_path / "nowhere")
    with pytest.raises(ExportError, match="symbolic link to nothing"):
        pipeline.build(topic, link, formats=("json",))
    assert link.is_symlink() and not (tmp_path / "nowhere").exists()


# --- OS errors are user errors -----------------------------------------------------------------

def small_tmpfs(folder: Path, size: str = "600k", readonly: bool = False):
    folder.mkdir()
    options = f"size={size}" + (",ro" if readonly else "")
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
                                           capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here")


def test_out_below_a_file_is_a_located_error(topic, tmp_path):
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    result = quizgen("build", topic, "--out", tmp_path / "afile" / "out", "--format", "json")
    assert result.returncode == 1
    assert result.stderr.startswith(f"{tmp_path / 'afile' / 'out'}: error: cannot create the folder ")
    assert "(hint: a part of the path is a file, not a folder" in result.stderr


def test_a_read_only_parent_is_a_located_error(topic, tmp_path):
    disk = tmp_path / "ro"
    small_tmpfs(disk, readonly=True)
    try:
        result = quizgen("build", topic, "--out", disk / "out", "--format", "json")
        assert result.returncode == 1, result.stderr
        assert result.stderr.startswith(f"{disk / 'out'}: error: cannot ")
        assert "Read-only file system (hint: the file system is read-only; choose another --out)" in result.stderr
    finally:
        subprocess.run(["umount", str(disk)], capture_output=True)


def test_a_full_disk_during_the_anki_export_changes_nothing(tmp_path):
    """ENOSPC while the deck is written: exit 1 with a located line; out/ and the state file as they were."""
    disk = tmp_path / "disk"
    small_tmpfs(disk, size="2m")
    try:
        facts = disk / "facts.yaml"
        shutil.copy(FACTS, facts)
        out = disk / "out"
        first = quizgen("build", facts, "--out", out, "--format", "json,anki", env={"SOURCE_DATE_EPOCH": "1700000000"})
        assert first.returncode == 0, first.stderr
        before, state = snapshot(out), pipeline.default_state_path(facts).read_bytes()
        (disk / "filler").write_bytes(b"\0" * max(0, shutil.disk_usage(disk).free - 150_000))
        # a newer time: every note changes, so the state file would be rewritten
        result = quizgen("build", facts, "--out", out, "--format", "json,anki", env={"SOURCE_DATE_EPOCH": "1800000000"})
        assert result.returncode == 1, result.stderr
        assert result.stderr.startswith(f"{out}: error: ")
        assert "No space left on device" in result.stderr and "Traceback" not in result.stderr
        assert snapshot(out) == before
        assert pipeline.default_state_path(facts).read_bytes() == state
        assert leftovers(disk) == []
        # not a byte left, not even for the lock file
        fd = os.open(disk / "filler2", os.O_WRONLY | os.O_CREAT)
        try:
            while os.write(fd, b"\0" * 4096):
                pass
        except OSError:
            pass
        finally:
            os.close(fd)
        result = quizgen("build", facts, "--out", out, "--format", "json,anki", env={"SOURCE_DATE_EPOCH": "1800000000"})
        assert result.returncode == 1, result.stderr
        assert result.stderr.startswith(f"{out}: error: cannot ") and "No space left on device" in result.stderr
        assert snapshot(out) == before
    finally:
        subprocess.run(["umount", str(disk)], capture_output=True)


def test_an_unwritable_state_file_leaves_out_unchanged(topic, tmp_path):
    """The state file is written before the swap: when it cannot be, out/ is not replaced either."""
    out = tmp_path / "out"
    pipeline.build(topic, out, formats=("json",))
    before = snapshot(out)
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    state = tmp_path / "afile" / "state.json"
    result = quizgen("build", topic, "--out", out, "--state", state)
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith(f"{state}: error: cannot write the Anki state file: Not a directory (hint: ")
    assert snapshot(out) == before
    assert leftovers(tmp_path) == []


def test_a_failed_swap_puts_the_state_file_back(topic, tmp_path, monkeypatch):
    from quizgen import output

    out = tmp_path / "out"
    state = pipeline.default_state_path(topic)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    pipeline.build(topic, out)
    before, saved = snapshot(out), state.read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")

    def broken_exchange(a, b):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(output, "_exchange", broken_exchange)
    topic.write_text(topic.read_text(encoding="utf-8").replace("name: Camp David Accords", "name: Camp David Accord"),
                     encoding="utf-8")
    with pytest.raises(ExportError, match="Input/output error"):
        pipeline.build(topic, out)
    assert snapshot(out) == before
    assert state.read_bytes() == saved


def test_ctrl_c_at_random_moments_no_traceback_and_a_true_message(tmp_path):
    """SIGINT a real build at random moments: never a traceback, and what it says about out/ is true."""
    facts = tmp_path / "facts.yaml"
    shutil.copy(FACTS, facts)
    shutil.copy(pipeline.default_state_path(FACTS), pipeline.default_state_path(facts))
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}

    def command(seed: int) -> list[str]:
        return [sys.executable, "-m", "quizgen", "build", str(facts), "--out", str(out), "--seed", str(seed)]

    def same_build(seed: int) -> bool:  # the deck's note times follow the clock; the rest is fixed by the seed
        return {k: v for k, v in snapshot(out).items() if not k.endswith(".apkg")} == references[seed]

    references = {}
    started = time.perf_counter()
    for seed in (2, 1):
        subprocess.run(command(seed), check=True, capture_output=True, env=env, timeout=120)
        references[seed] = {k: v for k, v in snapshot(out).items() if not k.endswith(".apkg")}
    duration = (time.perf_counter() - started) / 2
    assert references[1] != references[2]
    rng = random.Random(20200114)
    seen = set()
    package = str(Path(pipeline.__file__).parent)
    for run in range(int(os.environ.get("QUIZGEN_KILL_RUNS", "12"))):
        seed = 2 if run % 2 == 0 else 1
        before = snapshot(out)
        process = subprocess.Popen(command(seed), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        time.sleep(rng.uniform(0.0, duration * 1.1))
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=120)
        if process.returncode == -signal.SIGINT and err == "" or "Traceback" in err and package not in err:
            # before quizgen's first line ran: the interpreter's own start-up was interrupted
            seen.add("before start")
            assert snapshot(out) == before
            continue
        assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
        if process.returncode == 0:
            seen.add("finished")
            assert same_build(seed)
            continue
        assert process.returncode == 130, err
        last = err.splitlines()[-1]
        if last == f"quizgen: interrupted after {out} was replaced by the new build":
            seen.add("replaced")
            assert same_build(seed)
        else:
            assert last in ("quizgen: interrupted", f"quizgen: interrupted; {out} is unchanged"), err
            seen.add("unchanged")
            assert snapshot(out) == before
        if not same_build(seed):  # leave out/ at the seed the next run expects to differ from
            subprocess.run(command(seed), check=True, capture_output=True, env=env, timeout=120)
    assert "unchanged" in seen
    assert leftovers(tmp_path) == []
