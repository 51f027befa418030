"""The command line: the only module that prints or exits.

Heavy libraries (pydantic, genanki, typst) are imported inside the commands that
need them, so ``quizgen --help`` stays fast.
"""

from __future__ import annotations

import os
import signal
import sys
from enum import Enum
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


class Interrupted(BaseException):
    """Ctrl-C, raised by quizgen's own handler so that no library turns it into something else."""


# What a build has done so far, so that an interruption is reported truthfully.
_progress: dict[str, object] = {"out": None, "replaced": False}


def _on_interrupt(signum, frame) -> None:
    raise Interrupted()


def _interrupted_message() -> str:
    out = _progress["out"]
    if out is None:
        return "quizgen: interrupted"
    if _progress["replaced"]:
        return f"quizgen: interrupted after {out} was replaced by the new build"
    return f"quizgen: interrupted; {out} is unchanged"


def _fail(problems, code: int = 1) -> NoReturn:
    for problem in problems:
        typer.echo(str(problem), err=True)
    errors = sum(1 for p in problems if p.is_error)
    warnings = len(problems) - errors
    if errors == 0 and warnings:
        typer.echo(f"{warnings} warning(s) treated as errors under --strict", err=True)
    elif len(problems) > 1:
        typer.echo(f"{errors} error(s), {warnings} warning(s)", err=True)
    raise typer.Exit(code)


def _run(action: Callable[[], T]) -> T:
    """Run library code, turning QuizgenError into located lines and exit code 1."""
    from .errors import QuizgenError

    try:
        return action()
    except QuizgenError as exc:
        _fail(list(exc.problems))
    except Exception as exc:  # a bug, not bad input: one line unless debugging
        if os.environ.get("QUIZGEN_DEBUG"):
            raise
        typer.echo(f"quizgen: internal error: {type(exc).__name__}: {exc} (hint: this is a bug; please report it "
                   "with the command you ran; QUIZGEN_DEBUG=1 shows the details)", err=True)
        raise typer.Exit(70) from None


def _warn(warnings, facts: Path, verbose: bool) -> None:
    """Every warning under --verbose; otherwise one line that counts them by kind."""
    if not warnings:
        return
    if verbose:
        for warning in warnings:
            typer.echo(str(warning), err=True)
        return
    from collections import Counter

    counts = Counter(w.code or "other" for w in warnings)
    summary = ", ".join(f"{count} {code}" for code, count in sorted(counts.items()))
    typer.echo(f"{facts}: {len(warnings)} warning(s) ({summary}); add --verbose or run 'quizgen check {facts}' "
               "to list them", err=True)


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
    _warn(checked.warnings, facts, verbose=True)
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
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List every warning instead of counting them.")] = False,
) -> None:
    """Print counts of facts by kind, by question family and by source."""
    from . import pipeline

    checked = _run(lambda: pipeline.check_facts(facts, sources))
    _warn(checked.warnings, facts, verbose)
    result = pipeline.stats(checked.facts)
    typer.echo(f"{result.facts} facts, {result.sources} sources")
    for title, table in (("facts by relation", result.by_relation), ("facts by family", result.by_family),
                         ("facts by source", result.by_source), ("entities by kind", result.entities_by_kind)):
        typer.echo(f"\n{title}:")
        width = max(len(k) for k in table) if table else 0
        for key, count in table.items():
            typer.echo(f"  {key.ljust(width)}  {count:>4}")


# The choices, here so that --help shows them without importing the libraries behind them
# (tests/test_cli.py keeps them equal to the registries).
FAMILY_CHOICES = ("signing", "backing", "dates", "roles", "figures")
KIND_CHOICES = ("multiple_choice", "true_false", "short_answer", "matching", "ordering")
FORMAT_CHOICES = ("json", "anki", "markdown", "pdf", "moodle", "gift", "canvas", "quizlet", "kahoot", "all")


class Paper(str, Enum):
    a4 = "a4"
    letter = "letter"


class Listing(str, Enum):
    text = "text"
    json = "json"


class SchemaKind(str, Enum):
    facts = "facts"
    questions = "questions"


def _choice_list(choices: tuple[str, ...] | None, option: str) -> Callable[[str], tuple[str, ...]]:
    """A parser for a repeatable option: each value may be a comma-separated list, any case.
    With ``choices`` None any name is taken (it is checked once the fact file is loaded)."""

    def parse(value) -> tuple[str, ...]:
        if isinstance(value, tuple):  # already parsed (a default)
            return value
        picked = []
        for part in str(value).split(","):
            part = part.strip().lower()
            if not part:
                raise typer.BadParameter(f"{option} needs a name")
            if choices is not None and part not in choices:
                raise typer.BadParameter(f"{option} '{part}' is not one of: {', '.join(choices)}")
            picked.append(part)
        return tuple(picked)

    return parse


def _flat(values) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for value in values or () for v in (value if isinstance(value, tuple) else (value,))))


def _metavar(choices: tuple[str, ...]) -> str:
    return "[" + "|".join(choices) + "],..."


SeedOpt = Annotated[int, typer.Option(
    "--seed", help="Seed for choosing and shuffling the printed quiz versions (the questions, their options "
                   "and the Anki deck do not depend on it).")]
FamilyOpt = Annotated[Optional[list[str]], typer.Option(
    "--family", parser=_choice_list(None, "--family"), metavar="FAMILY,...",
    help="Only these question families (repeatable, or comma-separated): the shipped "
         + ", ".join(FAMILY_CHOICES) + ", or any the fact file declares in its families section.")]
KindOpt = Annotated[Optional[list[str]], typer.Option(
    "--kind", parser=_choice_list(KIND_CHOICES, "--kind"), metavar=_metavar(KIND_CHOICES),
    help="Only these question kinds (repeatable, or comma-separated).")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="List every warning instead of counting them.")]


@app.command()
def questions(
    facts: FactsArg = Path("facts.yaml"),
    family: FamilyOpt = None,
    kind: KindOpt = None,
    format: Annotated[Listing, typer.Option("--format", case_sensitive=False, help="How to print them.")] = Listing.text,
    verbose: VerboseOpt = False,
) -> None:
    """Print the questions a fact file yields."""
    from . import pipeline

    families, kinds = _flat(family), _flat(kind)
    checked = _run(lambda: pipeline.check_facts(facts))
    _warn(checked.warnings, facts, verbose)
    found = _run(lambda: pipeline.make_questions(checked.facts, 1, families, kinds))  # the seed plays no part
    if format == Listing.json:
        from .exporters.json_bank import dumps

        typer.echo(dumps(pipeline.bank(checked.facts, 1, found)), nl=False)
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
        "--format", parser=_choice_list(FORMAT_CHOICES, "--format"), metavar=_metavar(FORMAT_CHOICES),
        help="Outputs to write (repeatable, or comma-separated). Default: json, anki, markdown, pdf; "
             "all: every output whose library is installed.")] = None,
    verbose: VerboseOpt = False,
) -> None:
    """Check the fact file and write every output into OUT: questions.json, the Anki deck,
    and two printable quiz versions with answer keys (PDF and Markdown)."""
    from . import pipeline
    from .exporters import REGISTRY, Settings

    formats = _flat(format)
    if "all" in formats:
        formats = tuple(REGISTRY)
        for name, missing in pipeline.unavailable(formats).items():
            typer.echo(f"skipping {name}: it needs {missing} (pip install 'quizgen[{name}]')", err=True)
            formats = tuple(f for f in formats if f != name)
    settings = Settings(seed=seed, count=count, versions=versions)
    result = _building(out, lambda replaced: pipeline.build(
        facts, out, seed=seed, sources_dir=sources, state_path=state, settings=settings, formats=formats or None,
        on_replaced=replaced))
    for alert in result.alerts:
        typer.echo(str(alert), err=True)
    _warn(result.warnings, facts, verbose)
    for note in result.notes:
        typer.echo(note)
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(result.by_kind.items()))
    typer.echo(f"{result.questions} questions ({kinds})")
    if result.flagged:
        typer.echo(f"review: {result.flagged} question(s) left out by the quality rules; "
                   f"'quizgen review {facts}' says why")
    else:
        typer.echo("review: every question passes the quality rules")
    for name in result.files:
        typer.echo(f"wrote {out / name}")


@app.command()
def review(
    facts: FactsArg = Path("facts.yaml"),
    sources: SourcesOpt = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 when any question is flagged.")] = False,
) -> None:
    """List every question a quality rule flagged (and so left out), with why, its id and its facts;
    then questions kept and flagged per family, and where the right answer ranks among sorted
    figure and date options.

    Exit status: 0 (with --strict: nothing flagged), 1 invalid input or (with --strict) a flagged question.
    """
    from . import pipeline

    checked = _run(lambda: pipeline.check_facts(facts, sources))
    _warn(checked.warnings, facts, verbose=False)
    result = _run(lambda: pipeline.review(checked.facts))
    for flagged in result.flagged:
        typer.echo(f"{flagged.question_id} ({flagged.kind}; facts: {', '.join(flagged.facts)})")
        typer.echo(f"  {flagged.prompt}")
        for rule, reason in flagged.reasons:
            typer.echo(f"  - {rule}: {reason}")
    if result.flagged:
        typer.echo("")
    width = max((len(name) for name in result.by_family), default=0)
    typer.echo("questions by family (kept, flagged):")
    for name, (kept, flagged_count) in result.by_family.items():
        typer.echo(f"  {name.ljust(width)}  {kept:>4}  {flagged_count:>4}")
    for options, ranks in sorted(result.ranks.items()):
        shown = ", ".join(f"{rank + 1}: {count}" for rank, count in ranks.items())
        typer.echo(f"right answer's rank among {options} sorted figure/date options: {shown}")
    typer.echo(f"{facts}: {len(result.flagged)} question(s) flagged")
    if strict and result.flagged:
        raise typer.Exit(1)


@app.command()
def quiz(
    facts: FactsArg = Path("facts.yaml"),
    count: Annotated[int, typer.Option("--count", min=1, max=500, help="Questions per quiz (fewer when the chosen "
                                                                    "families and kinds hold fewer).")] = 20,
    versions: Annotated[int, typer.Option("--versions", min=1, max=26, help="Shuffled versions (A, B, ...).")] = 2,
    seed: SeedOpt = 1,
    family: FamilyOpt = None,
    kind: KindOpt = None,
    paper: Annotated[Paper, typer.Option("--paper", case_sensitive=False, help="Paper size.")] = Paper.a4,
    title: Annotated[Optional[str], typer.Option("--title", help="Title printed on the quiz.")] = None,
    out: Annotated[Path, typer.Option("--out", help="Output folder; replaced whole, atomically.")] = Path("quiz"),
    verbose: VerboseOpt = False,
) -> None:
    """Write printable quizzes: quiz-V.pdf and key-V.pdf (and .md) for each version V."""
    from . import pipeline
    from .exporters import Settings

    settings = Settings(seed=seed, versions=versions, count=count, paper=Paper(paper).value, title=title,
                        families=_flat(family), kinds=_flat(kind))
    result = _building(out, lambda replaced: pipeline.build(facts, out, seed=seed, formats=("markdown", "pdf"),
                                                            settings=settings, on_replaced=replaced))
    _warn(result.warnings, facts, verbose)
    for name in result.files:
        typer.echo(f"wrote {out / name}")


@app.command()
def schema(
    kind: Annotated[SchemaKind, typer.Argument(case_sensitive=False, help="Which schema.")] = SchemaKind.facts,
) -> None:
    """Print the JSON Schema of the fact format (or of questions.json)."""
    from . import schemas

    typer.echo(schemas.render(SchemaKind(kind).value), nl=False)


anki_app = typer.Typer(help="Work on a local Anki collection directly (needs the optional extra: "
                            "pip install 'quizgen[anki]').", no_args_is_help=True)
app.add_typer(anki_app, name="anki")


class RetiredChoice(str, Enum):
    suspend = "suspend"
    delete = "delete"
    keep = "keep"


@anki_app.command("sync")
def anki_sync(
    facts: FactsArg = Path("facts.yaml"),
    collection: Annotated[Path, typer.Option(
        "--collection", help="The collection file (collection.anki2 in your Anki profile folder). Close Anki "
                             "first.")] = ...,
    retired: Annotated[RetiredChoice, typer.Option(
        "--retired", case_sensitive=False, help="What to do with the notes of removed questions.")] = RetiredChoice.suspend,
    sources: SourcesOpt = None,
    state: Annotated[Optional[Path], typer.Option(
        "--state", help="Anki state file (default: next to the fact file, FACTS.anki-state.json); read only.")] = None,
) -> None:
    """Bring a local Anki collection to the build exactly: add and update notes (keeping reviews,
    flags, suspensions and your own tags), move cards whose deck changed, and suspend or delete the
    notes of removed questions. Only notes quizgen made for this topic are touched; a copy of the
    collection is made first."""
    from . import anki_sync as syncing

    result = _run(lambda: syncing.sync(facts, collection, retired=RetiredChoice(retired).value,
                                       state_path=state, sources_dir=sources))
    typer.echo(f"backup: {result.backup}")
    typer.echo(f"{result.added} added, {result.updated} updated, {result.unchanged} unchanged, "
               f"{result.conflicting} conflicting, {result.moved} card(s) moved, {result.suspended} card(s) "
               f"suspended, {result.deleted} note(s) deleted")


def _building(out: Path, action: Callable[[Callable[[], None]], T]) -> T:
    """Run a build, remembering whether ``out`` was replaced yet (for an interruption's message)."""
    _progress.update(out=out, replaced=False)

    def replaced() -> None:
        _progress["replaced"] = True

    return _run(lambda: action(replaced))


def main() -> None:
    """Console-script entry point."""
    try:
        signal.signal(signal.SIGINT, _on_interrupt)
        for stream in (sys.stdout, sys.stderr):  # a terminal that cannot show a character gets an escape
            try:
                stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
            except (AttributeError, ValueError):
                pass
        app()
    except Interrupted:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            sys.stdout.flush()
        except (OSError, ValueError):
            pass
        try:
            sys.stderr.write(_interrupted_message() + "\n")
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
        os._exit(130)
    except BrokenPipeError:  # e.g. `quizgen questions | head`
        sys.stderr.close()
        sys.exit(0)
    finally:  # the work is done: a late Ctrl-C must not turn its exit status into a kill
        signal.signal(signal.SIGINT, signal.SIG_IGN)
