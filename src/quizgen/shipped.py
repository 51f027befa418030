"""Package data that every fact file starts from, read once: families and wording.
(Relation kinds are read by ``load.py``, which merges a file's own into them.)"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any


@lru_cache(maxsize=None)
def data(name: str) -> dict[str, Any]:
    """The mapping in ``quizgen/data/<name>.yaml``."""
    from .load import parse_yaml

    text = resources.files("quizgen").joinpath(f"data/{name}.yaml").read_text(encoding="utf-8")
    parsed, _ = parse_yaml(text, f"quizgen/data/{name}.yaml")
    return dict(parsed)
