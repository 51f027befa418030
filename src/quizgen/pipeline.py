"""The library's front door: load → check → generate → check → export.

Functions here return results and raise QuizgenError; they never print or exit.
"""

from __future__ import annotations

import gc
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from .questions import QuestionBank

from .errors import ExportError, FactFileError, Location, Problem
from .facts import FactSet


@dataclass(frozen=True)
class Checked:
    facts: FactSet
    warnings: tuple[Problem, ...]


def check_facts(path: str | Path, sources_dir: str | Path | None = None, strict: bool = False) -> Checked:
    """Load and check a fact file. Raises FactFileError listing every error (and, with
    ``strict``, every warning); returns the fact set and its warnings otherwise."""
    from . import checks, load
    from .generators import FAMILIES

    facts = load.load(path, sources_dir)
    problems = checks.check(facts, (*FAMILIES, *facts.file.families))
    errors = [p for p in problems if p.is_error]
    warnings = [p for p in problems if not p.is_error]
    if errors or (strict and warnings):
        by_place = lambda p: (p.location.line or 0, p.location.column or 0)  # noqa: E731
        raise FactFileError(sorted(errors, key=by_place) + (sorted(warnings, key=by_place) if strict else []))
    return Checked(facts, tuple(warnings))


@dataclass(frozen=True)
class Stats:
    by_relation: dict[str, int]
    by_family: dict[str, int]
    by_source: dict[str, int]
    entities_by_kind: dict[str, int]
    sources: int
    facts: int


def stats(facts: FactSet) -> Stats:
    by_relation = Counter(f.relation for f in facts.file.facts)
    by_family = Counter(facts.kind_of(f).family for f in facts.file.facts)
    by_source: Counter[str] = Counter()
    for fact in facts.file.facts:
        for source in sorted({c.source for c in fact.citations}):
            by_source[source] += 1
    kinds = Counter(e.kind for e in facts.file.entities)
    return Stats(dict(sorted(by_relation.items())), dict(sorted(by_family.items())),
                 {s.id: by_source.get(s.id, 0) for s in facts.file.sources},
                 dict(sorted(kinds.items())), len(facts.file.sources), len(facts.file.facts))


def check_families(facts: FactSet, families: Sequence[str]) -> None:
    """Raise FactFileError unless every name in ``families`` is a family of the fact set (shipped,
    or declared under the file's ``families:``)."""
    from .families import ordered

    known = [f.id for f in ordered(facts)]
    unknown = [name for name in dict.fromkeys(families) if name not in known]
    if unknown:
        where = facts.where("families") if facts.file.families else Location(facts.path)
        raise FactFileError([Problem(where, f"--family '{name}' is not a family of this fact file; its families: "
                                     + ", ".join(known), "pick one of them, or declare it under families: with a title",
                                     "error", "no-such-family") for name in unknown])


def make_questions(facts: FactSet, seed: int, families: Sequence[str] = (), kinds: Sequence[str] = (),
                   rejected: list | None = None) -> list:
    """Generate, check and filter questions. Raises QuestionError if a post-generation check fails
    (FactFileError if ``families`` names one the fact set does not have). Questions a quality rule
    flags are left out (and appended to ``rejected`` with their flags)."""
    from .checks import check_questions
    from .errors import QuestionError
    from .generators import generate

    check_families(facts, families)

    questions = generate(facts, families or None, rejected)  # the seed only chooses printed quizzes
    problems = check_questions(questions)
    if problems:
        raise QuestionError(problems)
    if kinds:
        questions = [q for q in questions if q.kind in kinds]
    return questions


def bank(facts: FactSet, seed: int, questions: Sequence) -> "QuestionBank":
    from .families import ordered
    from .questions import QuestionBank

    return QuestionBank(topic=facts.topic.id, title=facts.topic.title, input_sha256=facts.digest,
                        families=ordered(facts, {q.family for q in questions}), questions=tuple(questions))


@dataclass(frozen=True)
class Flagged:
    """A question a quality rule flagged (and so left out of the bank), with every reason."""

    question_id: str
    family: str
    kind: str
    prompt: str
    facts: tuple[str, ...]
    reasons: tuple[tuple[str, str], ...]  # (rule, reason)


@dataclass(frozen=True)
class Review:
    flagged: tuple[Flagged, ...]
    by_family: dict[str, tuple[int, int]]  # family -> (questions kept, questions flagged), in family order
    ranks: dict[int, dict[int, int]]  # options -> rank of the right answer among sorted figures/dates -> count


def review(facts: FactSet) -> Review:
    """What the quality rules flagged in the questions the fact set makes, and how the kept ones fare."""
    from . import quality
    from .families import ordered

    rejected: list = []
    kept = make_questions(facts, 1, rejected=rejected)
    flagged = tuple(Flagged(q.id, q.family, q.kind, q.prompt, q.facts, tuple(reasons)) for q, reasons in rejected)
    kept_by = Counter(q.family for q in kept)
    flagged_by = Counter(f.family for f in flagged)
    by_family = {f.id: (kept_by.get(f.id, 0), flagged_by.get(f.id, 0)) for f in ordered(facts)
                 if kept_by.get(f.id) or flagged_by.get(f.id)}
    return Review(flagged, by_family, quality.rank_table(kept, facts))


@dataclass(frozen=True)
class BuildResult:
    out: Path
    files: tuple[str, ...]
    questions: int
    by_family: dict[str, int]
    by_kind: dict[str, int]
    warnings: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = field(default=())
    alerts: tuple[Problem, ...] = ()  # shown in full whatever else is summarised
    flagged: int = 0  # questions the quality rules left out (quizgen review lists them)


def default_state_path(facts_path: str | Path) -> Path:
    """The Anki state file kept next to the fact file: facts.yaml -> facts.anki-state.json."""
    path = Path(facts_path)
    return path.with_name(f"{path.stem}.anki-state.json")


def build(facts_path: str | Path, out: str | Path, seed: int = 1, formats: Sequence[str] | None = None,
          sources_dir: str | Path | None = None, settings=None, state_path: str | Path | None = None,
          on_replaced=None) -> BuildResult:
    """Everything, in order: load, check, generate, check, export into a fresh folder, record new
    note times in the Anki state file, and swap the folder in (the state file is put back if the
    swap fails, so the two never disagree). ``on_replaced()`` is called once ``out`` holds the new
    build."""
    import dataclasses

    from . import exporters, notestate
    from .output import write_atomically

    checked = check_facts(facts_path, sources_dir)
    check_families(checked.facts, getattr(settings, "families", ()))
    rejected: list = []
    questions = make_questions(checked.facts, seed, rejected=rejected)
    the_bank = bank(checked.facts, seed, questions)
    settings = exporters.with_fact_file(settings or exporters.Settings(seed=seed), checked.facts)
    chosen = tuple(formats) if formats else exporters.DEFAULT
    missing = unavailable(chosen)
    if missing:
        raise ExportError([Problem(Location("--format"), f"{name} needs the Python package {module}, which is not "
                                   "installed", f"pip install 'quizgen[{name}]', or leave {name} out")
                           for name, module in missing.items()])
    notes: list[str] = []
    alerts: list[Problem] = []
    times = None
    if "anki" in chosen:
        state_file = Path(state_path) if state_path else default_state_path(facts_path)
        state = notestate.load(state_file, checked.facts.topic.id)
        if not state["notes"] and not state_file.exists():
            lost = notestate.missing_warning(state_file, Path(out), checked.facts.topic.id)
            if lost is not None:
                alerts.append(lost)
        from .exporters import anki as anki_deck

        times = notestate.update(state, questions, notestate.now(), anki_deck.note_hashes(the_bank),
                                 anki_deck.note_type_hashes())
        settings = dataclasses.replace(settings, note_times=times.times, retired=times.retired,
                                       note_type_times=times.type_times)
        if times.changed:
            notes.append(f"{len(times.changed)} changed note(s) will update on import")
        if times.types_changed:
            notes.append(f"{len(times.types_changed)} changed note type(s) (templates, CSS) will update on import")
        if times.newly_retired:
            notes.append(f"{len(times.newly_retired)} question(s) retired since the last build: "
                         + ", ".join(times.newly_retired))

    def produce(folder: Path) -> list[str]:
        results = run_exporters(chosen, the_bank, folder, settings, str(out))
        for name in chosen:
            notes.extend(results[name][1])
        return [f for name in chosen for f in results[name][0]]

    def commit():
        if times is None or not times.dirty:
            return None
        undo = notestate.save(state_file, times.state)
        notes.append(f"updated {state_file} (commit it with the fact file)")
        return undo

    protected = [Path(facts_path)] + ([Path(sources_dir)] if sources_dir else [])
    # Everything made so far lives until the end: keep the garbage collector from rescanning it
    # while the exporters allocate (a large fact file otherwise spends seconds in collections).
    gc.freeze()
    try:
        files = write_atomically(Path(out), produce, protected, commit=commit, on_replaced=on_replaced)
    finally:
        gc.unfreeze()
    return BuildResult(Path(out), tuple(files), len(questions), dict(Counter(q.family for q in questions)),
                       dict(Counter(q.kind for q in questions)), checked.warnings, tuple(notes), tuple(alerts),
                       len(rejected))


def unavailable(formats: Sequence[str]) -> dict[str, str]:
    """Formats whose optional library is not installed: name -> the missing module."""
    from importlib import import_module

    from . import exporters

    missing = {}
    for name in formats:
        module = getattr(exporters, "REQUIRES", {}).get(name)
        if module:
            try:
                import_module(module)
            except ImportError:
                missing[name] = module
    return missing


def run_exporters(names: Sequence[str], bank, folder: Path, settings, out: str) -> dict[str, tuple[list[str], list[str]]]:
    """Run the exporters into ``folder``, one after another; an OS error becomes a located ExportError."""
    from . import exporters
    from .errors import ExportError

    results: dict[str, tuple[list[str], list[str]]] = {}
    for name in names:
        try:
            written = exporters.get(name)(bank, folder, settings)
        except OSError as exc:
            raise ExportError(Problem(Location(out), f"{name} output failed: {exc.strerror or exc}",
                                      "free some disk space or fix the folder's permissions, and run again; the "
                                      "previous output is unchanged")) from None
        results[name] = (list(written[0]), list(written[1])) if isinstance(written, tuple) else (list(written), [])
    return results
