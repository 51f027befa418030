"""The command line: the only module that prints or exits.

Heavy libraries (pydantic, genanki, typst) are imported inside the commands that
need them, so ``quizgen --help`` stays fast.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Callable, NoReturn, Optional, TypeVar

import typer

from . import __version__

app = typer.Typer(
    name="quizgen",
    help="Turn a curated, cited fact file into Anki decks and printable classroom quizzes.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

FactsArg = Annotated[Path, typer.Argument(help="The fact file.", show_default=True)]
SourcesOpt = Annotated[
    Optional[Path],
    typer.Option("--sources", help="Folder holding the sources' text files; quotes are verified against them."),
]

T = TypeVar("T")


def _fail(problems, code: int = 1) -> NoReturn:
    for problem in problems:
        typer.echo(str(problem), err=True)
    errors = sum(1 for p in problems if p.is_error)
    warnings = len(problems) - errors
    if len(problems) > 1:
        typer.echo(f"{errors} error(s), {warnings} warning(s)", err=True)
    raise typer.Exit(code)


def _run(action: Callable[[], T]) -> T:
    """Run library code, turning QuizgenError into located lines and exit code 1."""
    from .errors import QuizgenError

    try:
        return action()
    except QuizgenError as exc:
        _fail(list(exc.problems))
    except KeyboardInterrupt:
        typer.echo("interrupted; the output folder is unchanged", err=True)
        raise typer.Exit(130) from None
    except Exception as exc:  # a bug, not bad input: one line unless debugging
        if os.environ.get("QUIZGEN_DEBUG"):
            raise
        typer.echo(f"quizgen: internal error: {type(exc).__name__}: {exc} (hint: this is a bug; please report it "
                   "with the command you ran; QUIZGEN_DEBUG=1 shows the details)", err=True)
        raise typer.Exit(70) from None


def _warn(warnings) -> None:
    for warning in warnings:
        typer.echo(str(warning), err=True)


def _warn_briefly(warnings, facts: Path, limit: int = 10) -> None:
    """A few warnings in full; past that, a count by kind (`quizgen check` lists them all)."""
    if len(warnings) <= limit:
        _warn(warnings)
        return
    from collections import Counter

    counts = Counter(w.code or "other" for w in warnings)
    summary = ", ".join(f"{count} {code}" for code, count in sorted(counts.items()))
    typer.echo(f"{facts}: {len(warnings)} warnings ({summary}); run 'quizgen check {facts}' to list them",
               err=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"quizgen {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """Turn a curated, cited fact file into Anki decks and printable classroom quizzes."""


@app.command()
def check(
    facts: FactsArg = Path("facts.yaml"),
    sources: SourcesOpt = None,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")] = False,
) -> None:
    """Validate a fact file: every problem is reported with file:line:column and a hint.

    Exit status: 0 valid, 1 invalid input, 2 usage error.
    """
    from . import pipeline

    checked = _run(lambda: pipeline.check_facts(facts, sources, strict))
    _warn(checked.warnings)
    fs = checked.facts
    verified = len(fs.source_texts)
    quotes = sum(len(f.citations) for f in fs.file.facts if all(c.source in fs.source_texts for c in f.citations))
    line = f"{facts}: ok: {len(fs.file.facts)} facts, {len(fs.file.entities)} entities, {len(fs.file.sources)} sources"
    if sources is None:
        line += "; quotes not verified (pass --sources DIR)"
    else:
        line += f"; {quotes} quotes verified against {verified} source texts"
    if checked.warnings:
        line += f"; {len(checked.warnings)} warning(s)"
    typer.echo(line)


@app.command()
def stats(
    facts: FactsArg = Path("facts.yaml"),
    sources: SourcesOpt = None,
) -> None:
    """Print counts of facts by kind, by question family and by source."""
    from . import pipeline

    checked = _run(lambda: pipeline.check_facts(facts, sources))
    result = pipeline.stats(checked.facts)
    typer.echo(f"{result.facts} facts, {result.sources} sources")
    for title, table in (("facts by relation", result.by_relation), ("facts by family", result.by_family),
                         ("facts by source", result.by_source), ("entities by kind", result.entities_by_kind)):
        typer.echo(f"\n{title}:")
        width = max(len(k) for k in table) if table else 0
        for key, count in table.items():
            typer.echo(f"  {key.ljust(width)}  {count:>4}")


SeedOpt = Annotated[int, typer.Option("--seed", help="Seed for question order and option order.")]
FamilyOpt = Annotated[Optional[list[str]], typer.Option("--family", help="Only this question family (repeatable).")]
KindOpt = Annotated[Optional[list[str]], typer.Option("--kind", help="Only this question kind (repeatable).")]


def _choices(values: list[str] | None, allowed: tuple[str, ...], option: str) -> tuple[str, ...]:
    for value in values or ():
        if value not in allowed:
            typer.echo(f"Error: {option} '{value}' is not one of: {', '.join(allowed)}", err=True)
            raise typer.Exit(2)
    return tuple(values or ())


@app.command()
def questions(
    facts: FactsArg = Path("facts.yaml"),
    seed: SeedOpt = 1,
    family: FamilyOpt = None,
    kind: KindOpt = None,
    format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Print the questions a fact file yields."""
    from . import pipeline
    from .generators import FAMILIES
    from .questions import KINDS

    families = _choices(family, FAMILIES, "--family")
    kinds = _choices(kind, KINDS, "--kind")
    if format not in ("text", "json"):
        typer.echo(f"Error: --format '{format}' is not one of: text, json", err=True)
        raise typer.Exit(2)
    checked = _run(lambda: pipeline.check_facts(facts))
    found = _run(lambda: pipeline.make_questions(checked.facts, seed, families, kinds))
    if format == "json":
        from .exporters.json_bank import dumps

        typer.echo(dumps(pipeline.bank(checked.facts, seed, found)), nl=False)
    else:
        from .exporters.text import render

        typer.echo(render(found), nl=False)


@app.command()
def build(
    facts: FactsArg = Path("facts.yaml"),
    out: Annotated[Path, typer.Option("--out", help="Output folder; replaced whole, atomically.")] = Path("out"),
    seed: SeedOpt = 1,
    sources: SourcesOpt = None,
    state: Annotated[Optional[Path], typer.Option(
        "--state", help="Anki state file (default: next to the fact file, FACTS.anki-state.json).")] = None,
    count: Annotated[int, typer.Option("--count", min=1, max=500, help="Questions per printed quiz.")] = 20,
    versions: Annotated[int, typer.Option("--versions", min=1, max=26, help="Printed quiz versions.")] = 2,
    format: Annotated[Optional[list[str]], typer.Option(
        "--format", help="An output to write (repeatable): json, anki, markdown, pdf, moodle, gift, canvas, "
                         "quizlet, kahoot, or all. Default: json, anki, markdown, pdf.")] = None,
) -> None:
    """Check the fact file and write every output into OUT: questions.json, the Anki deck,
    and two printable quiz versions with answer keys (PDF and Markdown)."""
    from . import pipeline

    from .exporters import REGISTRY, Settings

    formats = _choices(format, tuple(REGISTRY) + ("all",), "--format")
    if "all" in formats:
        formats = tuple(REGISTRY)
    settings = Settings(seed=seed, count=count, versions=versions)
    result = _run(lambda: pipeline.build(facts, out, seed=seed, sources_dir=sources, state_path=state,
                                         settings=settings, formats=formats or None))
    _warn_briefly(result.warnings, facts)
    for note in result.notes:
        typer.echo(note)
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(result.by_kind.items()))
    typer.echo(f"{result.questions} questions ({kinds})")
    for name in result.files:
        typer.echo(f"wrote {out / name}")


@app.command()
def quiz(
    facts: FactsArg = Path("facts.yaml"),
    count: Annotated[int, typer.Option("--count", min=1, max=500, help="Questions per quiz.")] = 20,
    versions: Annotated[int, typer.Option("--versions", min=1, max=26, help="Shuffled versions (A, B, ...).")] = 2,
    seed: SeedOpt = 1,
    family: FamilyOpt = None,
    kind: KindOpt = None,
    paper: Annotated[str, typer.Option("--paper", help="a4 or letter.")] = "a4",
    title: Annotated[Optional[str], typer.Option("--title", help="Title printed on the quiz.")] = None,
    out: Annotated[Path, typer.Option("--out", help="Output folder; replaced whole, atomically.")] = Path("quiz"),
) -> None:
    """Write printable quizzes: quiz-V.pdf and key-V.pdf (and .md) for each version V."""
    from . import pipeline
    from .exporters import Settings
    from .generators import FAMILIES
    from .questions import KINDS

    families = _choices(family, FAMILIES, "--family")
    kinds = _choices(kind, KINDS, "--kind")
    if paper not in ("a4", "letter"):
        typer.echo(f"Error: --paper '{paper}' is not one of: a4, letter", err=True)
        raise typer.Exit(2)
    settings = Settings(seed=seed, versions=versions, count=count, paper=paper, title=title,
                        families=families, kinds=kinds)
    result = _run(lambda: pipeline.build(facts, out, seed=seed, formats=("markdown", "pdf"), settings=settings))
    _warn(result.warnings)
    for name in result.files:
        typer.echo(f"wrote {out / name}")


@app.command()
def schema(
    kind: Annotated[str, typer.Argument(help="Which schema: facts or questions.")] = "facts",
) -> None:
    """Print the JSON Schema of the fact format (or of questions.json)."""
    from . import schemas

    if kind not in schemas.KINDS:
        typer.echo(f"Error: unknown schema '{kind}'; choose one of: {', '.join(schemas.KINDS)}", err=True)
        raise typer.Exit(2)
    typer.echo(schemas.render(kind), nl=False)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except BrokenPipeError:  # e.g. `quizgen questions | head`
        sys.stderr.close()
        sys.exit(0)
