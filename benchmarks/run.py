"""Benchmarks: whole-process `quizgen build` at several sizes, each stage alone, the bare-genanki
floor for the Anki export, and CLI start-up. Prints a Markdown table; --write-docs puts it in
docs/performance.md.

    python benchmarks/run.py                      # N = 100, 1,000, 10,000
    python benchmarks/run.py --sizes 1000 --runs 1  # the smoke run CI does
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import make_facts  # noqa: E402


def run_process(command: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """Seconds and peak resident memory (MB) of one child process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"failed ({status}): {' '.join(command)}")
    return elapsed, usage.ru_maxrss / 1024


def timed(action, runs: int) -> float:
    """Median seconds; the heap built so far is frozen first, as quizgen's pipeline does before exporting."""
    import gc

    samples = []
    for _ in range(runs):
        gc.collect()
        gc.freeze()
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
        gc.unfreeze()
    return statistics.median(samples)


def stages(facts_path: Path, work: Path, count: int, runs: int) -> dict[str, float]:
    """Each stage on its own, in this process."""
    import genanki

    from quizgen import checks, exporters, load, notestate, pipeline
    from quizgen.exporters import anki, json_bank, markdown, pdf
    from quizgen.generators import FAMILIES

    result: dict[str, float] = {}
    result["load"] = timed(lambda: load.load(facts_path), runs)
    facts = load.load(facts_path)
    result["check"] = timed(lambda: checks.check(facts, (*FAMILIES, *facts.file.families)), runs)
    result["generate"] = timed(lambda: pipeline.make_questions(facts, 1), runs)
    questions = pipeline.make_questions(facts, 1)
    bank = pipeline.bank(facts, 1, questions)
    state = notestate.update({"format": 1, "topic": facts.topic.id, "notes": {}}, questions, 1_700_000_000)
    settings = exporters.Settings(count=count, versions=2, note_times=state.times)
    result["anki state"] = timed(lambda: notestate.update(state.state, questions, 1_700_000_000), runs)

    def export(module, name):
        folder = work / f"stage-{name}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        module.export(bank, folder, settings)

    for name, module in (("anki", anki), ("pdf", pdf), ("markdown", markdown), ("json", json_bank)):
        result[name] = timed(lambda: export(module, name), runs)

    # The floor: bare genanki writing the same notes with the same fields.
    fields = [anki.fields_for(q, bank.title) for q in bank.questions]
    model = genanki.Model(1607392319, "floor", fields=[{"name": f} for f in anki.FIELDS],
                          templates=[{"name": "Card 1", "qfmt": "{{Prompt}}", "afmt": "{{Answer}}"}])

    def floor() -> None:
        deck = genanki.Deck(2059400110, "floor")
        for question, values in zip(bank.questions, fields):
            deck.add_note(genanki.Note(model=model, fields=values, guid=question.id, tags=list(question.tags)))
        genanki.Package(deck).write_to_file(str(work / "floor.apkg"), timestamp=1_700_000_000)

    result["genanki floor"] = timed(floor, runs)
    result["notes"] = len(bank.questions)
    return result


def help_timing(runs: int) -> tuple[float, float]:
    quizgen = [sys.executable, "-m", "quizgen", "--help"]
    script = shutil.which("quizgen")
    if script:
        quizgen = [script, "--help"]
    ours = statistics.median(run_process(quizgen)[0] for _ in range(runs))
    bare = statistics.median(run_process([sys.executable, "-c", "import typer"])[0] for _ in range(runs))
    return ours, bare


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")).split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB memory"
    except (OSError, StopIteration, ValueError):
        pass
    return (f"{os.cpu_count()} cores ({cpu}){memory}; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="quizgen benchmarks")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--count", type=int, default=50, help="quiz questions at the largest size")
    parser.add_argument("--write-docs", action="store_true", help="write the results to docs/performance.md")
    args = parser.parse_args(argv)

    rows = []
    stage_rows = []
    with tempfile.TemporaryDirectory(prefix="quizgen-bench-") as tmp:
        work = Path(tmp)
        shipped = work / "shipped"
        shipped.mkdir()
        shutil.copy(ROOT / "facts.yaml", shipped / "facts.yaml")
        shutil.copy(ROOT / "facts.anki-state.json", shipped / "facts.anki-state.json")
        times, peaks = [], []
        for _ in range(max(args.runs, 3)):
            elapsed, peak = run_process([sys.executable, "-m", "quizgen", "build", "facts.yaml"], cwd=shipped)
            times.append(elapsed)
            peaks.append(peak)
        rows.append(("shipped facts.yaml (59)", statistics.median(times), max(peaks), 20))
        for size in args.sizes:
            folder = work / f"n{size}"
            folder.mkdir()
            facts_path = folder / "facts.yaml"
            facts_path.write_text(__import__("yaml").safe_dump(make_facts.make(size, 1), sort_keys=False),
                                  encoding="utf-8")
            count = args.count if size == max(args.sizes) else 20
            times, peaks = [], []
            for _ in range(args.runs):
                (folder / "facts.anki-state.json").unlink(missing_ok=True)
                shutil.rmtree(folder / "out", ignore_errors=True)
                elapsed, peak = run_process([sys.executable, "-m", "quizgen", "build", "facts.yaml",
                                             "--count", str(count)], cwd=folder)
                times.append(elapsed)
                peaks.append(peak)
            rows.append((f"{size:,} facts", statistics.median(times), max(peaks), count))
            stage_rows.append((size, stages(facts_path, folder, count, args.runs)))
        ours, bare = help_timing(max(5, args.runs))

    lines = [f"Machine: {machine()}.", "", "Whole-process `quizgen build` (all outputs: questions.json, Anki deck, "
             "two quiz versions with keys as PDF and Markdown), median of runs, and peak memory:", "",
             "| input | quiz questions | seconds | peak MB |", "|---|---:|---:|---:|"]
    for name, seconds, peak, count in rows:
        lines.append(f"| {name} | {count} | {seconds:.2f} | {peak:.0f} |")
    sized = [r for r in rows if "shipped" not in r[0]]
    if len(sized) >= 2:
        small, large = sized[-2:]
        lines += ["", f"Growth from {small[0]} to {large[0]}: ×{large[1] / small[1]:.1f}."]
    lines += ["", "Each stage alone (seconds, median, in one process):", "",
              "| facts | notes | load | check | generate | anki state | anki | genanki floor | anki ÷ floor "
              "| pdf | markdown | json |", "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for size, s in stage_rows:
        lines.append(f"| {size:,} | {s['notes']:,} | {s['load']:.2f} | {s['check']:.2f} | {s['generate']:.2f} | "
                     f"{s['anki state']:.2f} | {s['anki']:.2f} | {s['genanki floor']:.2f} | "
                     f"{s['anki'] / s['genanki floor']:.2f} | {s['pdf']:.2f} | {s['markdown']:.2f} | {s['json']:.2f} |")
    lines += ["", f"`quizgen --help`: {ours:.3f} s; bare `python -c \"import typer\"`: {bare:.3f} s (median)."]
    table = "\n".join(lines) + "\n"
    print(table)
    if args.write_docs:
        docs = ROOT / "docs" / "performance.md"
        text = docs.read_text(encoding="utf-8")
        start, end = "<!-- results:start -->", "<!-- results:end -->"
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        docs.write_text(f"{head}{start}\n{table}{end}{tail}", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
