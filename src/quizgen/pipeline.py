"""The library's front door: load → check → generate → check → export.

Functions here return results and raise QuizgenError; they never print or exit.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from .errors import FactFileError, Problem
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
    problems = checks.check(facts, FAMILIES)
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
