from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
GOLDEN = ROOT / "tests" / "golden"
FACTS = ROOT / "facts.yaml"


def seeds_dir() -> Path | None:
    """The five source articles: $QUIZGEN_SEEDS, or ../shared/seeds beside the repository."""
    candidates = [os.environ.get("QUIZGEN_SEEDS"), str(ROOT.parent / "shared" / "seeds")]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="Rewrite tests/golden/ from the current output instead of comparing.")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def golden(update_golden: bool):
    """Compare text with tests/golden/NAME, or rewrite it under --update-golden."""

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if update_golden:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
            return
        assert path.exists(), f"missing golden file {path}; run pytest --update-golden and review the diff"
        expected = path.read_text(encoding="utf-8")
        assert text == expected, f"{name} differs from its golden file; if intended, run pytest --update-golden"

    return check


@pytest.fixture
def run_cli():
    """Invoke the CLI in-process; returns (exit_code, stdout, stderr)."""
    from typer.testing import CliRunner

    from quizgen.cli import app

    def invoke(*args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return invoke


def build_document(folder: Path, doc: dict, name: str = "facts.yaml"):
    """Write a fact file given as a dict, check it and make its questions: (FactSet, questions)."""
    import yaml

    from quizgen import pipeline

    path = folder / name
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    facts = pipeline.check_facts(path).facts
    return facts, pipeline.make_questions(facts, seed=1)


def shows_fact(fact_id: str, question: dict) -> bool:
    """Whether a question of questions.json asks about the fact or shows its quotes as evidence
    (a fact that rules a wrong option out): what a correction of the fact changes."""
    return fact_id in question["facts"] or any(c.get("fact") == fact_id for c in question["citations"])
