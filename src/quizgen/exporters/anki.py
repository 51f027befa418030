"""Anki decks (.apkg) that update in place.

Identity: note GUIDs come from the topic id and the question id; deck and note-type
ids are constants derived from fixed names. Each note's modification time is the
time its content last changed (see ``notestate``), so re-importing an unchanged
deck updates nothing and a corrected fact updates exactly its notes. The zip is
rewritten with fixed entry times, so an unchanged rebuild is byte-identical.

Note types are designed once, one per question kind, all with the same fields.
Never add a template or a field to them: Anki would fork the note type on import
and existing notes would stop updating. Make a new note type instead.
"""

from __future__ import annotations

import html
import os
import sqlite3
import tempfile
import zipfile
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Sequence

from ..dates import parse_date
from ..ids import anki_guid, anki_int_id
from ..questions import Question, QuestionBank

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

# Field names and ids are fixed forever. Spare fields exist so that a later version
# can carry more without changing the note types.
FIELDS = ("Prompt", "Choices", "Answer", "Solution", "Explanation", "Sources",
          "QuestionId", "Facts", "AsOf", "Topic", "Spare1", "Spare2")
FIELD_IDS = {name: 7_300_000 + index for index, name in enumerate(FIELDS)}

_HEAD = '<div class="qg" dir="auto"><div class="family">{{Topic}}</div><div class="prompt">{{Prompt}}</div>'
_EVIDENCE = ('{{#Explanation}}<div class="explanation">{{Explanation}}</div>{{/Explanation}}'
             '<div class="sources">{{Sources}}</div><div class="asof">As of {{AsOf}}</div></div>')

TEMPLATES = {
    "multiple_choice": (
        _HEAD + "{{Choices}}</div>",
        _HEAD + '<hr id="answer"><div class="answer">{{Answer}}</div>{{Solution}}' + _EVIDENCE,
    ),
    "true_false": (
        _HEAD + '<div class="tf">{{Choices}}</div></div>',
        _HEAD + '<hr id="answer"><div class="answer">{{Answer}}</div>{{Solution}}' + _EVIDENCE,
    ),
    "short_answer": (
        _HEAD + "{{type:Answer}}</div>",
        "{{FrontSide}}" + '<div class="qg" dir="auto"><hr id="answer">{{Solution}}' + _EVIDENCE,
    ),
    "matching": (
        _HEAD + "{{Choices}}</div>",
        _HEAD + '<hr id="answer">{{Solution}}' + _EVIDENCE,
    ),
    "ordering": (
        _HEAD + "{{Choices}}</div>",
        _HEAD + '<hr id="answer">{{Solution}}' + _EVIDENCE,
    ),
}
NOTE_TYPE_NAMES = {
    "multiple_choice": "quizgen: multiple choice",
    "true_false": "quizgen: true or false",
    "short_answer": "quizgen: short answer (type in)",
    "matching": "quizgen: matching",
    "ordering": "quizgen: ordering",
}


@lru_cache(maxsize=65536)
def esc(text: str) -> str:
    """HTML-escape, and escape braces so no text can reach Anki's template syntax."""
    return html.escape(text, quote=True).replace("{", "&#123;").replace("}", "&#125;")


def human_date(iso: str) -> str:
    try:
        return parse_date(iso).human()
    except ValueError:
        return iso


def sources_html(question: Question) -> str:
    return _sources_html(question.citations)


@lru_cache(maxsize=4096)
def _sources_html(citations) -> str:
    items = []
    for c in citations:
        title = esc(c.title)
        if c.url:
            title = f'<a href="{esc(c.url)}">{title}</a>'
        items.append(f"<li>{esc(c.publisher)}, {esc(human_date(c.published))}: {title}"
                     f"<blockquote>{esc(c.quote)}</blockquote></li>")
    return f"<ul>{''.join(items)}</ul>"


def fields_for(question: Question, topic_title: str) -> list[str]:
    kind = question.kind
    choices = solution = ""
    answer = esc(question.answer)
    if kind == "multiple_choice":
        choices = '<ol class="choices" type="A">' + "".join(
            f'<li dir="auto">{esc(o.text)}</li>' for o in question.options) + "</ol>"
        letter = LETTERS[[o.correct for o in question.options].index(True)]
        answer = f"{letter}. {esc(question.answer)}"
        solution = '<ol class="solution" type="A">' + "".join(
            f'<li class="{"right" if o.correct else "wrong"}" dir="auto">{esc(o.text)}'
            + ("" if o.correct else f'<div class="why">{esc(o.why)}</div>') + "</li>" for o in question.options) + "</ol>"
    elif kind == "true_false":
        choices = "True or false?"
        solution = ""
    elif kind == "short_answer":
        others = [a for a in question.accepted if a != question.answer]
        solution = (f'<div class="why">Also accepted: {esc(", ".join(others))}</div>' if others else "")
    elif kind == "matching":
        choices = ('<table class="matching">' + "".join(
            f"<tr><td dir=\"auto\">{esc(p.left)}</td><td>____</td></tr>" for p in question.pairs) + "</table>"
                   + '<ol class="pool" type="A">' + "".join(f'<li dir="auto">{esc(c)}</li>' for c in question.choices)
                   + "</ol>")
        solution = ('<table class="matching">' + "".join(
            f"<tr><td dir=\"auto\">{esc(p.left)}</td><td dir=\"auto\">{esc(p.right)}</td></tr>"
            for p in question.pairs) + "</table>")
    elif kind == "ordering":
        choices = '<ol class="pool" type="A">' + "".join(f'<li dir="auto">{esc(c)}</li>' for c in question.choices) + "</ol>"
        solution = '<ol class="order">' + "".join(f'<li dir="auto">{esc(i)}</li>' for i in question.items) + "</ol>"
    values = {
        "Prompt": esc(question.prompt),
        "Choices": choices,
        "Answer": answer,
        "Solution": solution,
        "Explanation": esc(question.explanation),
        "Sources": sources_html(question),
        "QuestionId": esc(question.id),
        "Facts": esc(", ".join(question.facts)),
        "AsOf": esc(human_date(question.as_of)),
        "Topic": esc(topic_title),
        "Spare1": "",
        "Spare2": "",
    }
    return [values[name] for name in FIELDS]


def note_types(genanki) -> dict:
    css = resources.files("quizgen").joinpath("exporters/templates/anki.css").read_text(encoding="utf-8")
    models = {}
    for kind, (front, back) in TEMPLATES.items():
        models[kind] = genanki.Model(
            anki_int_id("quizgen-note-type", kind),
            NOTE_TYPE_NAMES[kind],
            fields=[{"name": name, "id": FIELD_IDS[name]} for name in FIELDS],
            templates=[{"name": "Card 1", "qfmt": front, "afmt": back, "id": anki_int_id("quizgen-template", kind)}],
            css=css,
        )
    return models


def deck_name(title: str, family_title: str) -> str:
    title = " ".join(title.replace("::", ":").split()) or "quizgen"
    return f"{title}::{family_title}"


def tags_for(question: Question) -> list[str]:
    return ["".join(t.split()) for t in question.tags]


def _write(genanki, decks, path: Path, timestamp: int) -> None:
    """What genanki's Package.write_to_file does, with fixed zip entry times and deflate:
    the same notes give the same bytes."""
    import itertools

    handle, database = tempfile.mkstemp(suffix=".anki2", dir=path.parent)
    os.close(handle)
    try:
        connection = sqlite3.connect(database)
        genanki.Package(decks).write_to_db(connection.cursor(), timestamp, itertools.count(int(timestamp * 1000)))
        connection.commit()
        connection.close()
        with zipfile.ZipFile(path, "w") as target:
            for name, data in (("collection.anki2", Path(database).read_bytes()), ("media", b"{}")):
                info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                target.writestr(info, data, compresslevel=1)  # fast; level 6 saves 15% for 2.6x the time
    finally:
        os.unlink(database)


def timed_note_class(genanki):
    """A genanki note that carries its own modification time (genanki stamps one time on all)."""

    class TimedNote(genanki.Note):
        def __init__(self, *args, mtime: int, **kwargs):
            super().__init__(*args, **kwargs)
            self.mtime = mtime

        def write_to_db(self, cursor, timestamp, deck_id, id_gen):
            super().write_to_db(cursor, self.mtime, deck_id, id_gen)

        def _check_invalid_html_tags_in_fields(self):
            """Skipped: every field is built here from escaped text and a few fixed tags."""

    return TimedNote


def build_decks(genanki, questions: Sequence[Question], topic: str, title: str, times: dict[str, int],
                family_titles: dict[str, str] | None = None):
    TimedNote = timed_note_class(genanki)
    models = note_types(genanki)
    decks: dict[str, object] = {}
    for question in sorted(questions, key=lambda q: q.id):
        name = deck_name(title, (family_titles or {}).get(question.family, question.family))
        if name not in decks:
            decks[name] = genanki.Deck(anki_int_id("quizgen-deck", topic, question.family), name)
        decks[name].add_note(TimedNote(
            model=models[question.kind], fields=fields_for(question, title), guid=anki_guid(topic, question.id),
            tags=tags_for(question), mtime=times[question.id]))
    return [decks[k] for k in sorted(decks)]


def export(bank: QuestionBank, folder: Path, settings) -> tuple[list[str], list[str]]:
    import genanki

    times = dict(settings.note_times) if settings.note_times else {}
    fallback = int(os.environ.get("SOURCE_DATE_EPOCH", "0") or 0) or 1_577_836_800  # 2020-01-01 when none given
    times = {q.id: times.get(q.id, fallback) for q in bank.questions}
    written, notes = [], []
    decks = build_decks(genanki, bank.questions, bank.topic, bank.title, times, bank.family_titles())
    name = f"{bank.topic}.apkg"
    _write(genanki, decks, folder / name, max(times.values(), default=fallback))
    written.append(name)
    retired = tuple(settings.retired or ())
    if retired:
        written.append(_retired_package(genanki, bank, folder, retired))
        notes.append(f"{len(retired)} retired note(s): import {written[-1]} to tag them "
                     f"'{retired_tag(bank.topic)}' in your collection (an .apkg cannot delete notes)")
    return written, notes


def retired_tag(topic: str) -> str:
    return f"quizgen::{topic}::retired"


def _retired_package(genanki, bank: QuestionBank, folder: Path, retired) -> str:
    models = note_types(genanki)
    deck = genanki.Deck(anki_int_id("quizgen-deck", bank.topic, "retired"), deck_name(bank.title, "Retired"))

    TimedNote = timed_note_class(genanki)
    for note in retired:
        values = dict.fromkeys(FIELDS, "")
        values.update(Prompt=esc(note.prompt), Answer="Retired",
                      Choices="This question was removed from the fact file." if note.kind != "short_answer" else "",
                      Explanation=esc(f"The facts behind this question were removed or corrected. Find such notes "
                                      f"with the search tag:{retired_tag(bank.topic)} and delete them."),
                      Sources="(none)", QuestionId=esc(note.id), AsOf="retired", Topic=esc(bank.title))
        deck.add_note(TimedNote(model=models[note.kind], fields=[values[f] for f in FIELDS],
                                guid=anki_guid(bank.topic, note.id), tags=[retired_tag(bank.topic)],
                                mtime=note.retired_at))
    name = f"{bank.topic}.retired.apkg"
    _write(genanki, [deck], folder / name, max(n.retired_at for n in retired))
    return name
