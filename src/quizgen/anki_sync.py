"""Bring a local Anki collection to a build exactly, with the real Anki backend (optional extra ``anki``).

An ``.apkg`` can only add and update notes; a collection file can be changed directly. ``sync``
imports the build's deck (adds and updates, as an import with Anki's default options), puts back the
learner's own tags on the notes it updated, moves the cards of quizgen's notes whose deck changed,
and suspends or deletes the notes of retired questions, as the user chooses. It touches only notes
whose GUID quizgen made for this topic, never others. It refuses a collection that Anki has open or
that this Anki backend cannot read (a newer one), and copies the collection file beside it first.

Returns results and raises QuizgenError; it never prints or exits.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import Location, Problem, QuizgenError

RETIRED_CHOICES = ("suspend", "delete", "keep")


@dataclass(frozen=True)
class SyncResult:
    backup: Path
    added: int
    updated: int
    unchanged: int
    conflicting: int
    moved: int
    suspended: int
    deleted: int


def _refuse(collection: Path, message: str, hint: str) -> QuizgenError:
    return QuizgenError(Problem(Location(str(collection)), message, hint))


def _schema(path: Path) -> int:
    """The collection's schema version, read without writing (SQLite read-only)."""
    import sqlite3

    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.2)
    try:
        return int(db.execute("select ver from col").fetchone()[0])
    finally:
        db.close()


def _understood_schema() -> int:
    """The schema version the installed Anki backend writes: that of a new, throw-away collection."""
    from anki.collection import Collection

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "collection.anki2"
        Collection(str(path)).close()
        return _schema(path)


def _open(collection: Path):
    import sqlite3

    try:
        from anki.collection import Collection
    except ImportError:
        raise QuizgenError(Problem(Location("anki sync"), "needs the Python package anki, which is not installed",
                                   "pip install 'quizgen[anki]'")) from None
    if not collection.is_file():
        raise _refuse(collection, "no such collection file", "give the path of collection.anki2 in your Anki "
                      "profile folder")
    try:
        version = _schema(collection)
    except sqlite3.Error as exc:
        if "locked" in str(exc).lower():
            raise _refuse(collection, "the collection is open (Anki is running with this profile)",
                          "close Anki and run again") from None
        raise _refuse(collection, f"not an Anki collection ({exc})", "give the path of collection.anki2 in your "
                      "Anki profile folder") from None
    if version > _understood_schema():
        raise _refuse(collection, f"the collection's format (schema {version}) is newer than this Anki backend "
                      "understands", "update the anki package (pip install -U anki)")
    try:
        return Collection(str(collection))
    except Exception as exc:  # the backend's errors: locked (open in Anki), too new, not a collection
        text = str(exc) or type(exc).__name__
        if "locked" in text.lower() or "already open" in text.lower():
            raise _refuse(collection, "the collection is open (Anki is running with this profile)",
                          "close Anki and run again") from None
        raise _refuse(collection, f"this Anki backend cannot open the collection: {text[:200]}",
                      "update the anki package (pip install -U anki), or check the path") from None


def sync(facts_path: str | Path, collection: str | Path, retired: str = "suspend", seed: int = 1,
         state_path: str | Path | None = None, sources_dir: str | Path | None = None) -> SyncResult:
    """Import the build of ``facts_path`` into ``collection`` and handle retired notes (``retired``:
    suspend, delete or keep). The state file is read, never written."""
    import dataclasses

    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    from . import exporters, notestate, pipeline
    from .exporters import anki as anki_deck
    from .ids import anki_guid

    if retired not in RETIRED_CHOICES:
        raise QuizgenError(Problem(Location("--retired"), f"'{retired}' is not one of {', '.join(RETIRED_CHOICES)}",
                                   "choose suspend, delete or keep"))
    collection = Path(collection)
    checked = pipeline.check_facts(facts_path, sources_dir)
    questions = pipeline.make_questions(checked.facts, seed)
    bank = pipeline.bank(checked.facts, seed, questions)
    state_file = Path(state_path) if state_path else pipeline.default_state_path(facts_path)
    state = notestate.load(state_file, bank.topic)
    times = notestate.update(state, questions, notestate.now(), anki_deck.note_hashes(bank),
                             anki_deck.note_type_hashes())
    settings = dataclasses.replace(exporters.Settings(seed=seed), note_times=times.times, retired=(),
                                   note_type_times=times.type_times)

    col = _open(collection)  # refuses an open or unreadable collection before anything is copied
    col.close()
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    backup = collection.with_name(f"{collection.name}.quizgen-{stamp}.bak")
    number = 1
    while backup.exists():
        number += 1
        backup = collection.with_name(f"{collection.name}.quizgen-{stamp}-{number}.bak")
    shutil.copy2(collection, backup)
    col = _open(collection)
    try:
        live = {anki_guid(bank.topic, q.id): q for q in anki_deck.deck_questions(bank)}
        ours = {}
        for nid in col.find_notes(""):
            note = col.get_note(nid)
            if note.guid in live:
                ours[note.guid] = (nid, list(note.tags))
        with tempfile.TemporaryDirectory() as tmp:
            anki_deck.export(bank, Path(tmp), settings)
            log = col.import_anki_package(ImportAnkiPackageRequest(
                package_path=str(Path(tmp) / f"{bank.topic}.apkg"),
                options=ImportAnkiPackageOptions(merge_notetypes=False, with_scheduling=False,
                                                 with_deck_configs=False))).log
        # An updated note takes the package's tags: put the learner's own tags back.
        for entry in log.updated:
            note = col.get_note(entry.id.nid)
            previous = ours.get(note.guid)
            if previous:
                own = [t for t in previous[1] if not t.startswith("quizgen::")]
                if any(t not in note.tags for t in own):
                    note.tags = list(dict.fromkeys([*note.tags, *own]))
                    col.update_note(note, skip_undo_entry=True)
        # Cards of quizgen's notes whose deck changed (a new title) move to the deck the build gives them:
        # only from a deck of the same family under another title, never from a deck of the learner's own.
        moved = 0
        wanted: dict[str, list[int]] = {}
        emptied: set[int] = set()
        for nid in col.find_notes(""):
            note = col.get_note(nid)
            question = live.get(note.guid)
            if question is None:
                continue
            name = anki_deck.deck_name(bank.title, bank.family_titles().get(question.family, question.family))
            for card in note.cards():
                current = col.decks.name(card.did)
                if (current != name and current.rsplit("::", 1)[-1] == name.rsplit("::", 1)[-1] and "::" in current
                        and not col.decks.is_filtered(card.did)):
                    wanted.setdefault(name, []).append(card.id)
                    emptied.add(card.did)
        for name, card_ids in sorted(wanted.items()):
            col.set_deck(card_ids, col.decks.id(name))
            moved += len(card_ids)
        # The old title's decks, now empty, go (and their parent once it holds nothing either).
        for did in sorted(emptied):
            parent = col.decks.parents(did)
            if col.decks.card_count(did, include_subdecks=True) == 0:
                col.decks.remove([did])
                for deck in reversed(parent):
                    if col.decks.card_count(deck["id"], include_subdecks=True) == 0 and not col.decks.children(deck["id"]):
                        col.decks.remove([deck["id"]])
        # Retired questions: only notes with this topic's quizgen GUIDs.
        gone = {anki_guid(bank.topic, r.id) for r in times.retired}
        retired_notes = [nid for nid in col.find_notes("") if col.get_note(nid).guid in gone]
        suspended = deleted = 0
        if retired == "suspend" and retired_notes:
            cards = [c for nid in retired_notes for c in col.get_note(nid).card_ids() if col.get_card(c).queue != -1]
            if cards:
                col.sched.suspend_cards(cards)
            suspended = len(cards)
        elif retired == "delete" and retired_notes:
            col.remove_notes(retired_notes)
            deleted = len(retired_notes)
    finally:
        col.close()
    return SyncResult(backup, len(log.new), len(log.updated), len(log.duplicate), len(log.conflicting), moved,
                      suspended, deleted)
