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
FORMAT_CHOICES = ("json", "anki", "markdown", "pdf", "moodle", "gift", "canvas", "quizlet", "kahoot", "sheets", "html", "all")


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
BackgroundOpt = Annotated[bool, typer.Option(
    "--include-background", help="Let printed quizzes ask about facts marked background: true.")]
NoSheetOpt = Annotated[bool, typer.Option(
    "--no-answer-sheet", help="Leave out answer-sheets.pdf and answer-sheets.json (the sheets `quizgen grade` reads).")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="List every warning instead of counting them.")]


def _points(value: str) -> tuple[str, int]:
    name, sep, number = value.partition("=")
    if not sep or not name.strip() or not number.strip().isdigit() or int(number) > 100:
        raise typer.BadParameter(f"--points '{value}' is not KIND=N or QUESTION-ID=N (N from 0 to 100)")
    return name.strip(), int(number)


# Printed quizzes: unset options leave the choice to the fact file's `quiz:` block (docs/printing.md).
CopiesOpt = Annotated[Optional[int], typer.Option(
    "--copies", min=0, max=200, help="Numbered copies, each shuffled on its own (quiz-copies.pdf), besides the "
                                     "lettered versions; every key's first page lists their answers too.")]
PointsOpt = Annotated[Optional[list[str]], typer.Option(
    "--points", metavar="KIND=N|ID=N", help="Points for a question kind (multiple_choice, true_false, matching, "
                                             "ordering, short_answer) or one question id (repeatable). Default 1, "
                                             "and 1 per pair for matching.")]
InstructionsOpt = Annotated[Optional[str], typer.Option("--instructions", help="Instructions printed under the title.")]
TimeOpt = Annotated[Optional[str], typer.Option("--time", help="Time allowed, as it should read: \"40 minutes\".")]
SchoolOpt = Annotated[Optional[str], typer.Option("--school", help="A school or class line above the title.")]
FontSizeOpt = Annotated[Optional[float], typer.Option(
    "--font-size", min=8, max=24, help="Body text size in points (default 11; 14 or more for large print).")]
ShowSourcesOpt = Annotated[Optional[bool], typer.Option(
    "--show-sources/--hide-sources", help="Print the source list on the student's paper too (default: only on "
                                          "the key, since titles can give answers away).", show_default=False)]
FontPathOpt = Annotated[Optional[list[Path]], typer.Option(
    "--font-path", metavar="DIR", help="A folder of fonts (.ttf, .otf) for characters the shipped DejaVu Sans "
                                       "lacks, such as Chinese, Japanese or Korean (repeatable).")]


def _print_settings(copies, points, instructions, time, school, font_size, show_sources, font_path) -> dict:
    return {"copies": copies or 0, "points": dict(_points(p) for p in points or ()), "instructions": instructions,
            "time": time, "school": school, "font_size": font_size, "sources": show_sources,
            "font_paths": tuple(str(p) for p in font_path or ())}


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
    count: Annotated[Optional[int], typer.Option("--count", min=1, max=500, help="Questions per printed quiz "
                                                                             "(default 20).")] = None,
    versions: Annotated[int, typer.Option("--versions", min=1, max=26, help="Printed quiz versions.")] = 2,
    copies: CopiesOpt = None,
    points: PointsOpt = None,
    instructions: InstructionsOpt = None,
    time: TimeOpt = None,
    school: SchoolOpt = None,
    font_size: FontSizeOpt = None,
    show_sources: ShowSourcesOpt = None,
    font_path: FontPathOpt = None,
    format: Annotated[Optional[list[str]], typer.Option(
        "--format", parser=_choice_list(FORMAT_CHOICES, "--format"), metavar=_metavar(FORMAT_CHOICES),
        help="Outputs to write (repeatable, or comma-separated). Default: json, anki, markdown, pdf, sheets, html; "
             "all: every output whose library is installed.")] = None,
    include_background: BackgroundOpt = False,
    no_answer_sheet: NoSheetOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Check the fact file and write every output into OUT: questions.json, the Anki deck,
    two printable quiz versions with answer keys (PDF and Markdown), and the self-check page."""
    from . import pipeline
    from .exporters import REGISTRY, Settings

    formats = _flat(format)
    if "all" in formats:
        formats = tuple(REGISTRY)
        for name, missing in pipeline.unavailable(formats).items():
            typer.echo(f"skipping {name}: it needs {missing} (pip install 'quizgen[{name}]')", err=True)
            formats = tuple(f for f in formats if f != name)
    if no_answer_sheet:
        from .exporters import DEFAULT

        formats = tuple(f for f in formats or DEFAULT if f != "sheets")
    settings = Settings(seed=seed, count=count or 20, count_given=count is not None, include_background=include_background, versions=versions,
                        **_print_settings(copies, points, instructions, time, school, font_size, show_sources,
                                          font_path))
    result = _building(out, lambda replaced: pipeline.build(
        facts, out, seed=seed, sources_dir=sources, state_path=state, settings=settings, formats=formats or None,
        on_replaced=replaced))
    for alert in result.alerts:
        typer.echo(str(alert), err=True)
    _warn(result.warnings, facts, verbose)
    for note in dict.fromkeys(result.notes):
        typer.echo(note, err=note.startswith("warning:"))
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
    verbose: VerboseOpt = False,
) -> None:
    """List every question a quality rule flagged (and so left out), with why, its id and its facts;
    then questions kept and flagged per family, and where the right answer ranks among sorted
    figure and date options.

    Exit status: 0 (with --strict: nothing flagged), 1 invalid input or (with --strict) a flagged question.
    """
    from . import pipeline

    checked = _run(lambda: pipeline.check_facts(facts, sources))
    _warn(checked.warnings, facts, verbose)
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
    count: Annotated[Optional[int], typer.Option("--count", min=1, max=500, help="Questions per quiz (default 20; "
                                                 "fewer, with a warning, when the chosen families and kinds hold "
                                                 "fewer).")] = None,
    versions: Annotated[int, typer.Option("--versions", min=1, max=26, help="Shuffled versions (A, B, ...).")] = 2,
    seed: SeedOpt = 1,
    family: FamilyOpt = None,
    kind: KindOpt = None,
    paper: Annotated[Optional[Paper], typer.Option("--paper", case_sensitive=False,
                                                   help="Paper size (default a4).")] = None,
    title: Annotated[Optional[str], typer.Option("--title", help="Title printed on the quiz.")] = None,
    copies: CopiesOpt = None,
    points: PointsOpt = None,
    instructions: InstructionsOpt = None,
    time: TimeOpt = None,
    school: SchoolOpt = None,
    font_size: FontSizeOpt = None,
    show_sources: ShowSourcesOpt = None,
    font_path: FontPathOpt = None,
    out: Annotated[Path, typer.Option("--out", help="Output folder; replaced whole, atomically.")] = Path("quiz"),
    include_background: BackgroundOpt = False,
    no_answer_sheet: NoSheetOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Write printable quizzes: quiz-V.pdf and key-V.pdf (and .md) for each version V, and quiz-copies.pdf
    with --copies."""
    from . import pipeline
    from .exporters import Settings

    settings = Settings(seed=seed, versions=versions, count=count or 20, count_given=count is not None, include_background=include_background, title=title, families=_flat(family),
                        kinds=_flat(kind), **({"paper": Paper(paper).value} if paper else {}),
                        **_print_settings(copies, points, instructions, time, school, font_size, show_sources,
                                          font_path))
    result = _building(out, lambda replaced: pipeline.build(facts, out, seed=seed, formats=(
                                                            ("markdown", "pdf") if no_answer_sheet
                                                            else ("markdown", "pdf", "sheets")),
                                                            settings=settings, on_replaced=replaced))
    _warn(result.warnings, facts, verbose)
    for note in dict.fromkeys(result.notes):
        typer.echo(note, err=note.startswith("warning:"))
    for name in result.files:
        typer.echo(f"wrote {out / name}")


@app.command("grade")
def grade_command(
    scans: Annotated[list[Path], typer.Argument(
        help="Scanned answer sheets: PDFs (a scanner's pages) or images (PNG, JPEG, TIFF; phone photos of a "
             "flat sheet too).", show_default=False)],
    out: Annotated[Path, typer.Option("--out", help="Output folder; replaced whole, atomically.")] = Path("grades"),
    sheets: Annotated[Path, typer.Option(
        "--sheets", help="The answer-sheets.json written with the printed sheets.")] = Path("out/answer-sheets.json"),
    corrections: Annotated[Optional[Path], typer.Option(
        "--corrections", help="The teacher's decisions on the rows sent to review: review/review.csv with its "
                              "answer column filled in (columns sheet,row,answer).")] = None,
) -> None:
    """Mark scanned answer sheets: read each sheet's copy code, student number and bubbles, mark
    them against that copy's key, and write grades.csv, answers.csv, an annotated picture per
    sheet, the item analysis, and review/ (rows with two marks, an erased or unclear mark, never
    guessed). Needs the optional extra: pip install 'quizgen[grade]'."""
    from . import grade as grading

    graded, files = _building(out, lambda replaced: grading.run(scans, sheets, out, corrections, replaced))
    for copy in graded.copies:
        line = f"{copy.label}: student {copy.student or '?'}: {copy.score:g} / {copy.total:g}"
        if copy.pending:
            line += f" ({copy.pending} to review)"
        typer.echo(line)
    pictures = sum(1 for name in files if name.startswith("sheets/"))
    for name in files:
        if "/" not in name:
            typer.echo(f"wrote {out / name}")
    typer.echo(f"wrote {pictures} annotated sheet(s) in {out / 'sheets'}")
    if graded.pending:
        typer.echo(f"{graded.pending} row(s) need you: see {out / 'review' / 'review.csv'}; fill in its answer "
                   "column and run again with --corrections (give it a place outside --out)")
    else:
        typer.echo("nothing to review")


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
