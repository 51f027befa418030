"""Question families as data: the shipped ones (package data) and a fact file's own."""

from __future__ import annotations

from functools import lru_cache

from .facts import FactSet
from .questions import FamilyInfo

DEFAULT_ORDER = 1000  # a family of the file's own that gives no order comes after the shipped ones


@lru_cache(maxsize=1)
def shipped() -> dict[str, FamilyInfo]:
    from .shipped import data

    return {name: FamilyInfo(id=name, **value) for name, value in data("families").items()}


def resolve(facts: FactSet) -> dict[str, FamilyInfo]:
    """Every family the fact set may use: shipped ones with the file's changes, and the file's own
    (a new family without a title is left out; check reports it)."""
    families = dict(shipped())
    for name, override in facts.file.families.items():
        base = families.get(name)
        title = override.title or (base.title if base else None)
        if title is None:
            continue
        order = override.order if override.order is not None else (base.order if base else DEFAULT_ORDER)
        families[name] = FamilyInfo(id=name, title=title, order=order)
    return families


def ordered(facts: FactSet, used: set[str] | None = None) -> tuple[FamilyInfo, ...]:
    """The families (those in ``used``, if given) by order, then id."""
    return tuple(sorted((f for f in resolve(facts).values() if used is None or f.id in used),
                        key=lambda f: (f.order, f.id)))
