"""Anki decks (.apkg) that update in place.

Identity: note GUIDs come from the topic id and the question id; deck and note-type
ids are constants derived from fixed names. Each note's modification time is the
time what the learner sees of it last changed (``note_hash``: its rendered fields
and its deck; see ``notestate``), so re-importing an unchanged deck updates nothing
and a corrected fact updates exactly its notes. Each note type carries the time its
templates and CSS last changed (``note_type_hashes``), independent of the notes. The
zip is rewritten with fixed entry times, so an unchanged rebuild is byte-identical.

Note types are designed once, one per question kind, all with the same fields.
Never add a template or a field to them: Anki would fork the note type on import
and existing notes would stop updating. Make a new note type instead.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
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

# On a type-in back, Anki shows its comparison of what was typed with the Answer field (red where
# they differ). It knows one answer only: when the typed text is one of the other accepted spellings
# listed on the back, this script marks the card "accepted" and the CSS shows the typed text as
# accepted instead of the red comparison. Without scripts the comparison and the list stay visible.
_ACCEPTED_SCRIPT = """<script>(function () {
  var box = document.getElementById("typeans"), card = document.querySelector(".qg-typed");
  if (!box || !card) { return; }
  var typed = "", node;
  for (node = box.firstChild; node && node.nodeName !== "BR"; node = node.nextSibling) {
    if (!(node.classList && node.classList.contains("typeMissed"))) { typed += node.textContent; }
  }
  var norm = function (text) { return text.replace(/\\s+/g, " ").trim(); };
  typed = norm(typed);
  var spellings = card.querySelectorAll(".variants .v");
  for (var i = 0; i < spellings.length; i++) {
    if (typed && norm(spellings[i].textContent) === typed) {
      card.classList.add("accepted");
      spellings[i].classList.add("typed");
      var echo = card.querySelector(".typed-text");
      if (echo) { echo.textContent = typed; }
    }
  }
})();</script>"""

TEMPLATES = {
    "multiple_choice": (
        _HEAD + "{{Choices}}</div>",
        _HEAD + '<hr id="answer">{{Solution}}' + _EVIDENCE,
    ),
    "true_false": (
        _HEAD + '<div class="tf">{{Choices}}</div></div>',
        _HEAD + '<hr id="answer"><div class="answer">{{Answer}}</div>' + _EVIDENCE,
    ),
    "short_answer": (
        _HEAD + "{{type:Answer}}</div>",
        '<div class="qg-typed">{{FrontSide}}<div class="qg" dir="auto"><hr id="answer">'
        '<div class="accepted-note">\u2713 <span class="typed-text"></span> = {{Answer}}</div>{{Solution}}' + _EVIDENCE
        + "</div>" + _ACCEPTED_SCRIPT,
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
# Each card template is named for what its card shows. Template ids are pinned, so Anki renames a
# template in place on import (no copied note type, no conflicting notes).
TEMPLATE_NAMES = {
    "multiple_choice": "Choose the right option",
    "true_false": "True or false",
    "short_answer": "Type the answer",
    "matching": "Match the pairs",
    "ordering": "Put in order",
}
NOTE_TYPE_NAMES = {
    "multiple_choice": "quizgen: multiple choice",
    "true_false": "quizgen: true or false",
    "short_answer": "quizgen: short answer (type in)",
    "matching": "quizgen: matching",
    "ordering": "quizgen: ordering",
}


# What Anki interprets in a field besides HTML, and how each is kept literal:
# - template syntax {{…}}: braces as character references;
# - sound, TTS, LaTeX and play tags ([sound:…], [anki:tts…], [anki:play…], [$]…[/$], [$$]…[/$$],
#   [latex]…[/latex]): the backend finds them with regexes over the raw field HTML
#   (rslib/src/text.rs, rslib/src/latex.rs), so "[" as a character reference never matches;
# - MathJax \(…\) and \[…\] (ts/mathjax/index.ts): MathJax reads the page's text, where character
#   references are already decoded, but it never joins text across an element, so an empty
#   element between the backslash and the bracket keeps them apart. Nothing visible changes.
_MATHJAX = re.compile(r"\\(?=[()\[\]])")
_ANKI_SYNTAX = str.maketrans({"{": "&#123;", "}": "&#125;", "[": "&#91;"})


@lru_cache(maxsize=65536)
def text_html(text: str) -> str:
    """Plain text as field HTML that Anki shows literally: HTML, template, media, TTS, LaTeX and
    MathJax syntax all escaped."""
    return _MATHJAX.sub(r"\\<span></span>", html.escape(text, quote=True)).translate(_ANKI_SYNTAX)


@lru_cache(maxsize=4096)
def attr_html(text: str) -> str:
    """Plain text as a quoted attribute value (a link's address) that no template can reach."""
    return html.escape(text, quote=True).translate(_ANKI_SYNTAX)



def human_date(iso: str) -> str:
    try:
        return parse_date(iso).human()
    except ValueError:
        return iso


def sources_html(question: Question) -> str:
    return _sources_html(question.citations)


@lru_cache(maxsize=4096)
def _sources_html(citations) -> str:
    """One line per source (publisher, date, title with its link; a long title is cut short with an
    ellipsis on a narrow screen, never the date), its quotes under it."""
    grouped: dict[str, list] = {}
    for c in citations:
        quotes = grouped.setdefault(c.source, [c])
        if c.quote not in [q.quote for q in quotes[1:]]:
            quotes.append(c)
    items = []
    for first, *quoted in grouped.values():
        title = text_html(first.title)
        if first.url:
            title = f'<a href="{attr_html(first.url)}">{title}</a>'
        quotes = "".join(f"<li><q>{text_html(c.quote)}</q></li>" for c in quoted)
        items.append(f'<li><div class="source">{text_html(first.publisher)}, {text_html(human_date(first.published))}: '
                     f'<cite>{title}</cite></div><ul class="quotes">{quotes}</ul></li>')
    return f"<ul>{''.join(items)}</ul>"


_WORD = re.compile(r"\w", re.UNICODE)


def gives_answer_away(question: Question) -> bool:
    """A type-in question whose prompt shows its answer or an accepted spelling as a whole word."""
    if question.kind != "short_answer":
        return False
    prompt = question.prompt.casefold()
    for answer in {question.answer, *question.accepted}:
        needle = answer.casefold().strip()
        if not needle:
            continue
        start = prompt.find(needle)
        while start >= 0:
            end = start + len(needle)
            if not (start and _WORD.match(prompt[start - 1])) and not (end < len(prompt) and _WORD.match(prompt[end])):
                return True
            start = prompt.find(needle, start + 1)
    return False


def deck_questions(bank: QuestionBank) -> list[Question]:
    """The questions that make cards: a type-in card whose front shows its answer teaches nothing."""
    return [q for q in bank.questions if not gives_answer_away(q)]


def fields_for(question: Question, topic_title: str) -> list[str]:
    kind = question.kind
    choices = solution = ""
    answer = text_html(question.answer)
    explanation = text_html(question.explanation)
    if kind == "multiple_choice":
        choices = '<ol class="choices" type="A">' + "".join(
            f'<li dir="auto">{text_html(o.text)}</li>' for o in question.options) + "</ol>"
        letter = LETTERS[[o.correct for o in question.options].index(True)]
        answer = f"{letter}. {text_html(question.answer)}"
        solution = '<ol class="solution" type="A">' + "".join(
            f'<li class="{"right" if o.correct else "wrong"}" dir="auto">{text_html(o.text)}'
            + ("" if o.correct else f'<div class="why">{text_html(o.why)}</div>') + "</li>" for o in question.options) + "</ol>"
    elif kind == "true_false":
        choices = "True or false?"
        right = next((o for o in question.options if o.correct), None)
        if right is not None and right.why:  # the reason, without the answer the back already shows
            explanation = text_html(right.why)
    elif kind == "short_answer":
        others = [a for a in dict.fromkeys(question.accepted) if a != question.answer]
        solution = ('<div class="also">Also accepted: <span class="variants">'
                    + ", ".join(f'<span class="v" dir="auto">{text_html(a)}</span>' for a in others)
                    + "</span></div>") if others else ""
    elif kind == "matching":
        letters = {c: LETTERS[i] for i, c in enumerate(question.choices)}
        choices = ('<table class="matching">' + "".join(
            f"<tr><td dir=\"auto\">{text_html(p.left)}</td><td>____</td></tr>" for p in question.pairs) + "</table>"
                   + '<ol class="pool" type="A">' + "".join(f'<li dir="auto">{text_html(c)}</li>' for c in question.choices)
                   + "</ol>")
        solution = ('<table class="matching">' + "".join(
            f'<tr><td dir="auto">{text_html(p.left)}</td><td dir="auto"><b class="letter">{letters.get(p.right, "")}.</b> '
            f"{text_html(p.right)}</td></tr>" for p in question.pairs) + "</table>")
    elif kind == "ordering":
        letters = {c: LETTERS[i] for i, c in enumerate(question.choices)}
        choices = '<ol class="pool" type="A">' + "".join(f'<li dir="auto">{text_html(c)}</li>' for c in question.choices) + "</ol>"
        solution = '<ol class="order">' + "".join(
            f'<li dir="auto"><b class="letter">{letters.get(i, "")}.</b> {text_html(i)}</li>' for i in question.items) + "</ol>"
    title_html = text_html(topic_title)  # on every card
    values = {
        "Prompt": text_html(question.prompt),
        "Choices": choices,
        "Answer": answer,
        "Solution": solution,
        "Explanation": explanation,
        "Sources": sources_html(question),
        "QuestionId": text_html(question.id),
        "Facts": text_html(", ".join(question.facts)),
        "AsOf": text_html(human_date(question.as_of)),
        "Topic": title_html,
        "Spare1": "",
        "Spare2": "",
    }
    return [values[name] for name in FIELDS]


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def note_hash(question: Question, title: str, family_titles: Mapping[str, str] | None = None) -> str:
    """What the learner sees of a note, hashed: its rendered fields (the topic title among them) and
    its deck. Nothing else (not the seed, the question's facts or tags) makes a note update."""
    return _digest("\x1f".join(fields_for(question, title)) + "\x1e" + deck_name(title, (family_titles or {}).get(question.family, question.family)))


def note_hashes(bank: QuestionBank) -> dict[str, str]:
    """The hash of every question that makes a card (see ``deck_questions``)."""
    titles = bank.family_titles()
    return {q.id: note_hash(q, bank.title, titles) for q in deck_questions(bank)}


@lru_cache(maxsize=1)
def _css() -> str:
    return resources.files("quizgen").joinpath("exporters/templates/anki.css").read_text(encoding="utf-8")


def note_type_specs() -> dict[str, dict]:
    """Each note type as data: id, name, fields, templates and CSS."""
    return {kind: {
        "id": anki_int_id("quizgen-note-type", kind),
        "name": NOTE_TYPE_NAMES[kind],
        "fields": [{"name": name, "id": FIELD_IDS[name]} for name in FIELDS],
        "templates": [{"name": TEMPLATE_NAMES[kind], "qfmt": front, "afmt": back, "id": anki_int_id("quizgen-template", kind)}],
        "css": _css(),
    } for kind, (front, back) in TEMPLATES.items()}


def note_type_hashes() -> dict[str, str]:
    """Each note type's name, fields, templates and CSS, hashed: its own version, apart from the notes."""
    return {kind: _digest(json.dumps(spec, sort_keys=True)) for kind, spec in note_type_specs().items()}


def note_types(genanki, times: dict[str, int] | None = None) -> dict:
    """genanki models; each carries its own modification time (``times``: kind -> seconds)."""

    class TimedModel(genanki.Model):
        def __init__(self, *args, mtime: int | None, **kwargs):
            super().__init__(*args, **kwargs)
            self.mtime = mtime

        def to_json(self, timestamp, deck_id):
            return super().to_json(timestamp if self.mtime is None else self.mtime, deck_id)

    return {kind: TimedModel(spec["id"], spec["name"], fields=spec["fields"], templates=spec["templates"],
                             css=spec["css"], mtime=(times or {}).get(kind))
            for kind, spec in note_type_specs().items()}


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
                family_titles: dict[str, str] | None = None, type_times: dict[str, int] | None = None):
    TimedNote = timed_note_class(genanki)
    models = note_types(genanki, type_times)
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
    questions = deck_questions(bank)
    times = {q.id: times.get(q.id, fallback) for q in questions}
    kinds = {q.kind for q in questions}
    given = dict(getattr(settings, "note_type_times", None) or {})
    type_times = {kind: given.get(kind, fallback) for kind in kinds}
    written, notes = [], []
    decks = build_decks(genanki, questions, bank.topic, bank.title, times, bank.family_titles(), type_times)
    name = f"{bank.topic}.apkg"
    _write(genanki, decks, folder / name, max([*times.values(), *type_times.values()], default=fallback))
    written.append(name)
    retired = tuple(settings.retired or ())
    if retired:
        name = f"{bank.topic}.retired.txt"
        (folder / name).write_text(retired_search(bank.topic, [r.id for r in retired]) + "\n", encoding="utf-8")
        written.append(name)
        notes.append(f"{len(retired)} retired note(s): learners who have them find them with the Anki browser "
                     f"search in {name} (an .apkg can neither delete notes nor tag only the notes a learner has)")
    return written, notes


def _search_literal(text: str) -> str:
    """Text as a literal inside an Anki search term: its wildcards and quotes escaped."""
    return "".join("\\" + c if c in '\\"*_' else c for c in text)


def retired_search(topic: str, question_ids: Sequence[str]) -> str:
    """An Anki browser search for the notes of retired questions: the topic's tag and their ids.
    It finds only notes a learner already has; nothing is ever added to anyone's collection."""
    ids = " OR ".join(f'"QuestionId:{_search_literal(qid)}"' for qid in sorted(question_ids))
    return f'"tag:quizgen::{_search_literal(topic)}" ({ids})'
